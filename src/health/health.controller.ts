import { Controller, Get, HttpStatus } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../access/authenticated.decorator.js';
import { ApiError } from '../common/api-error.js';
import { ReadinessService } from './readiness.service.js';

/** Liveness and readiness for load balancers and orchestrators (outside /api/v1). */
@ApiExcludeController()
@Controller()
export class HealthController {
  constructor(private readonly readinessService: ReadinessService) {}

  @Get('healthz')
  @Public()
  liveness(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('readyz')
  @Public()
  async readiness(): Promise<{ status: 'ok'; checks: Record<string, string> }> {
    const checks = await this.readinessService.check();
    const down = Object.entries(checks).filter(([, state]) => state !== 'up');
    if (down.length > 0) {
      throw new ApiError(
        HttpStatus.SERVICE_UNAVAILABLE,
        'not_ready',
        `Not ready: ${down.map(([name]) => name).join(', ')}`,
        {
          checks,
        },
      );
    }
    return { status: 'ok', checks };
  }
}
