import { Controller, Get, HttpStatus } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '../access/authenticated.decorator.js';
import { ApiError } from '../common/api-error.js';
import { ReadinessService } from './readiness.service.js';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { LivenessDto, ReadinessDto } from './health.dto.js';
import { RateLimit } from '../rate-limits/rate-limit.decorator.js';

/** Liveness and readiness for load balancers and orchestrators (outside /api/v1). */
@ApiTags('health')
@Controller()
@RateLimit('none')
export class HealthController {
  constructor(private readonly readinessService: ReadinessService) {}

  /** The process is up (for liveness probes; touches no dependency). */
  @Get('healthz')
  @Public()
  liveness(): LivenessDto {
    return { status: 'ok' };
  }

  /** The database and the models are ready (for readiness probes); 503 with each check's state otherwise. */
  @Get('readyz')
  @Public()
  @ApiErrors({ 503: ['not_ready'] })
  async readiness(): Promise<ReadinessDto> {
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
