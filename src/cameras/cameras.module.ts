import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DeviceKeyVerifier } from '../access/device-principal.js';
import { CameraKey } from './camera-key.entity.js';
import { CameraKeyVerifier } from './camera-key-verifier.js';
import { CameraLookup } from './camera-lookup.js';
import { Camera } from './camera.entity.js';
import { CamerasService } from './cameras.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([Camera, CameraKey])],
  providers: [CamerasService, CameraLookup, { provide: DeviceKeyVerifier, useClass: CameraKeyVerifier }],
  exports: [CamerasService, CameraLookup, DeviceKeyVerifier],
})
export class CamerasModule {}
