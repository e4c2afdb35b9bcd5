import { Module, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EmployeesModule } from '../employees/employees.module.js';
import { RecognitionModule } from '../recognition/recognition.module.js';
import { ReferenceFaces } from '../recognition/reference-faces.js';
import { StorageModule } from '../storage/storage.module.js';
import { EmployeeDeletedListener } from './employee-deleted.listener.js';
import { EmployeeGallery } from './employee-gallery.js';
import { EnrollmentSummary } from './enrollment-summary.js';
import { FaceEnrollment } from './face-enrollment.js';
import { FaceTemplate } from './face-template.entity.js';
import { FaceTemplatesService } from './face-templates.service.js';
import { FacesController } from './faces.controller.js';
import { IdentificationController } from './identification.controller.js';
import { GallerySync } from './gallery-sync.js';
import { IdentificationService } from './identification.service.js';
import { ReindexController } from './reindex.controller.js';
import { TemplateReindex } from './template-reindex.js';

/** Enrolled faces of people, the gallery they are searched in, and identification. */
@Module({
  imports: [TypeOrmModule.forFeature([FaceTemplate]), EmployeesModule, RecognitionModule, StorageModule],
  controllers: [FacesController, IdentificationController, ReindexController],
  providers: [
    EmployeeDeletedListener,
    EmployeeGallery,
    EnrollmentSummary,
    FaceEnrollment,
    FaceTemplatesService,
    GallerySync,
    IdentificationService,
    TemplateReindex,
  ],
  exports: [FaceTemplatesService, EmployeeGallery, IdentificationService],
})
export class FacesModule implements OnModuleInit {
  constructor(
    private readonly references: ReferenceFaces,
    private readonly templates: FaceTemplatesService,
  ) {}

  /** Verification against an enrolled person (`employee_id`) reads that person's templates from here. */
  onModuleInit(): void {
    this.references.register((organizationId, personId) => this.templates.embeddingsOf(organizationId, personId));
  }
}
