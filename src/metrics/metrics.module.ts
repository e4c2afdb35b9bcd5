import { Global, Module } from '@nestjs/common';
import { MetricsAccessGuard } from './metrics-access.guard.js';
import { MetricsController } from './metrics.controller.js';
import { Metrics } from './metrics.js';

/** Global: the one Metrics registry of the app, which features move and GET /metrics reads. */
@Global()
@Module({ controllers: [MetricsController], providers: [Metrics, MetricsAccessGuard], exports: [Metrics] })
export class MetricsModule {}
