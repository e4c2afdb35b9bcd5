import { Controller, Get, Header, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../access/authenticated.decorator.js';
import { MetricsAccessGuard } from './metrics-access.guard.js';
import { Metrics } from './metrics.js';

/** Prometheus' scrape endpoint, outside /api/v1 and outside the OpenAPI document (see docs/operations.md). */
@ApiExcludeController()
@Controller()
export class MetricsController {
  constructor(private readonly metrics: Metrics) {}

  @Get('metrics')
  @Public()
  @UseGuards(MetricsAccessGuard)
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  scrapeMetrics(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
