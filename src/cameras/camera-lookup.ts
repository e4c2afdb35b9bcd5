import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Camera } from './camera.entity.js';

/** Answers other features' questions about cameras without handing out rows. */
@Injectable()
export class CameraLookup {
  constructor(@InjectRepository(Camera) private readonly cameras: Repository<Camera>) {}

  /** Whether camera `id` exists in the organisation (active or not). */
  existsInOrganization(organizationId: string, id: string): Promise<boolean> {
    return this.cameras.existsBy({ id, organizationId });
  }
}
