import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module.js';
import { EmployeesModule } from '../employees/employees.module.js';
import { OrganizationsModule } from '../organizations/organizations.module.js';
import { RecognitionModule } from '../recognition/recognition.module.js';
import { StorageModule } from '../storage/storage.module.js';
import { MetaController } from './meta.controller.js';
import { Visit } from './visit.entity.js';
import { Visitor } from './visitor.entity.js';
import { VisitorFace } from './visitor-face.entity.js';
import { VisitorFaceEraser } from './visitor-faces.js';
import { VisitorGallery } from './visitor-gallery.js';
import { VisitorGallerySync } from './visitor-gallery-sync.js';
import { VisitorIdNumbers } from './visitor-id-numbers.js';
import { VisitorsController } from './visitors.controller.js';
import { VisitorIdentificationService } from './visitor-identification.service.js';
import { VisitorPhotosController } from './visitor-photos.controller.js';
import { VisitorPhotosService } from './visitor-photos.service.js';
import { VisitorReindex } from './visitor-reindex.js';
import { VisitorRetention } from './visitor-retention.js';
import { VisitorRetentionRepository } from './visitor-retention.repository.js';
import { VisitorRetentionScheduler } from './visitor-retention.scheduler.js';
import { VisitorStatsRepository } from './visitor-stats.repository.js';
import { VisitorStatsService } from './visitor-stats.service.js';
import { VisitsController } from './visits.controller.js';
import { VisitsRepository } from './visits.repository.js';
import { VisitsService } from './visits.service.js';
import { WatchlistAlert } from './watchlist-alert.js';
import { VisitorsRepository } from './visitors.repository.js';
import { VisitorsService } from './visitors.service.js';

/** The visitor desk: visitors with sealed ID numbers, their faces in a gallery of their own, and their visits. */
@Module({
  imports: [
    TypeOrmModule.forFeature([Visitor, VisitorFace, Visit]),
    AuthModule,
    EmployeesModule,
    OrganizationsModule,
    RecognitionModule,
    StorageModule,
  ],
  controllers: [MetaController, VisitorsController, VisitorPhotosController, VisitsController],
  providers: [
    VisitorFaceEraser,
    VisitorGallery,
    VisitorGallerySync,
    VisitorIdentificationService,
    VisitorIdNumbers,
    VisitorPhotosService,
    VisitorReindex,
    VisitorRetention,
    VisitorRetentionRepository,
    VisitorRetentionScheduler,
    VisitorStatsRepository,
    VisitorStatsService,
    VisitorsRepository,
    VisitorsService,
    VisitsRepository,
    VisitsService,
    WatchlistAlert,
  ],
  exports: [VisitorGallery],
})
export class VisitorsModule {}
