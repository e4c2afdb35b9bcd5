import { Module, type OnModuleInit } from '@nestjs/common';
import { ReadinessService } from '../health/readiness.service.js';
import { FaceModels } from './face-models.js';
import { ModelsController } from './models.controller.js';
import { RecognitionEngine } from './recognition-engine.js';
import { RecognitionController } from './recognition.controller.js';
import { RecognitionService } from './recognition.service.js';
import { ReferenceFaces } from './reference-faces.js';

@Module({
  controllers: [RecognitionController, ModelsController],
  providers: [FaceModels, RecognitionEngine, RecognitionService, ReferenceFaces],
  exports: [FaceModels, RecognitionEngine, RecognitionService, ReferenceFaces],
})
export class RecognitionModule implements OnModuleInit {
  constructor(
    private readonly readiness: ReadinessService,
    private readonly models: FaceModels,
  ) {}

  onModuleInit(): void {
    this.readiness.register('models', () =>
      Promise.resolve(this.models.ready ? 'up' : `down: ${this.models.problem ?? 'not loaded'}`),
    );
  }
}
