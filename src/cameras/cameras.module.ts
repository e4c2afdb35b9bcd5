import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DeviceKeyVerifier } from '../access/device-principal.js';
import { AuthModule } from '../auth/auth.module.js';
import { LocationsModule } from '../locations/locations.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { CameraKey } from './camera-key.entity.js';
import { CameraKeyVerifier } from './camera-key-verifier.js';
import { CameraKeysController } from './camera-keys.controller.js';
import { CameraKeysService } from './camera-keys.service.js';
import { CameraMonitoringService } from './camera-monitoring.service.js';
import { CameraStatusMonitor } from './camera-status-monitor.js';
import { CameraLookup } from './camera-lookup.js';
import { Camera } from './camera.entity.js';
import { CamerasController } from './cameras.controller.js';
import { CamerasInUseListener } from './cameras-in-use.listener.js';
import { CamerasService } from './cameras.service.js';
import { CredentialSeal } from './credential-seal.js';
import { StreamProbe } from './stream-probe.js';

@Module({
  imports: [TypeOrmModule.forFeature([Camera, CameraKey]), LocationsModule, AuthModule, SessionsModule],
  controllers: [CamerasController, CameraKeysController],
  providers: [
    CamerasInUseListener,
    CamerasService,
    CameraKeysService,
    CameraLookup,
    CameraMonitoringService,
    CameraStatusMonitor,
    CredentialSeal,
    StreamProbe,
    { provide: DeviceKeyVerifier, useClass: CameraKeyVerifier },
  ],
  exports: [CamerasService, CameraLookup, DeviceKeyVerifier],
})
export class CamerasModule {}
