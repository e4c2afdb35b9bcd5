import { Controller, Get, Res } from '@nestjs/common';
import { ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { AuthUser } from '../access/auth-user.js';
import { Authenticated, CurrentUser } from '../access/authenticated.decorator.js';
import { Permission } from '../access/permissions.js';
import { IdParam } from '../common/id-param.js';
import { FilesService } from './files.service.js';

@ApiTags('files')
@Controller('files')
export class FilesController {
  constructor(private readonly files: FilesService) {}

  /** A stored photo or thumbnail of the caller's organisation (biometric data: never cached by proxies). */
  @Get(':id')
  @Authenticated({ permission: [Permission.EmployeesRead, Permission.VisitorsRead] })
  @ApiProduces('image/jpeg', 'image/png', 'image/webp')
  async getFile(@CurrentUser() user: AuthUser, @IdParam() id: string, @Res() response: Response): Promise<void> {
    const { file, bytes } = await this.files.read(user, id);
    response
      .status(200)
      .type(file.contentType)
      .setHeader('Cache-Control', 'private, no-store')
      .setHeader('Content-Disposition', 'inline')
      .send(bytes);
  }
}
