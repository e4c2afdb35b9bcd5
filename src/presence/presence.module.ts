import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CamerasModule } from '../cameras/cameras.module.js';
import { EmployeesModule } from '../employees/employees.module.js';
import { FacesModule } from '../faces/faces.module.js';
import { OrganizationsModule } from '../organizations/organizations.module.js';
import { RecognitionModule } from '../recognition/recognition.module.js';
import { StorageModule } from '../storage/storage.module.js';
import { StoredFile } from '../storage/stored-file.entity.js';
import { PresenceEmployeeDeletedListener } from './employee-deleted.listener.js';
import { FramesController } from './frames.controller.js';
import { FramesService } from './frames.service.js';
import { PresenceEvent } from './presence-event.entity.js';
import { PresenceEventsController } from './presence-events.controller.js';
import { PresenceEventsRepository } from './presence-events.repository.js';
import { PresenceEventsService } from './presence-events.service.js';
import { PresenceRecorder } from './presence-recorder.js';
import { PresenceSnapshots } from './presence-snapshots.js';
import { RecognitionTaskRunner } from './recognition-task.job.js';
import { RecognitionTasksController } from './recognition-tasks.controller.js';
import { RecognitionTasksService } from './recognition-tasks.service.js';
import { ShiftCheck } from './shift-check.js';

/**
 * Camera frames in, presence events out (debounced, with anomalies), and their review; and recognition as queued
 * tasks or in bulk, for clients that prefer them (recognition itself knows nothing of people or jobs).
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([PresenceEvent, StoredFile]),
    CamerasModule,
    EmployeesModule,
    FacesModule,
    OrganizationsModule,
    RecognitionModule,
    StorageModule,
  ],
  controllers: [FramesController, PresenceEventsController, RecognitionTasksController],
  providers: [
    FramesService,
    PresenceEmployeeDeletedListener,
    PresenceEventsRepository,
    PresenceEventsService,
    PresenceRecorder,
    PresenceSnapshots,
    RecognitionTaskRunner,
    RecognitionTasksService,
    ShiftCheck,
  ],
  exports: [PresenceEventsService, PresenceSnapshots],
})
export class PresenceModule {}
