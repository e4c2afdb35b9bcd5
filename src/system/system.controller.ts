import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../access/auth-user.js';
import { Authenticated, CurrentUser } from '../access/authenticated.decorator.js';
import { Permission } from '../access/permissions.js';
import { JobDto } from '../jobs/job.dto.js';
import { SystemStatus } from './system-status.js';
import { RunMaintenanceDto, SystemHealthDto, SystemUsageDto } from './system.dto.js';
import { SystemService } from './system.service.js';

@ApiTags('system')
@Controller('system')
export class SystemController {
  constructor(
    private readonly status: SystemStatus,
    private readonly system: SystemService,
  ) {}

  /** Database round trip, queue depth and age, workers, loaded models, gallery sizes, uptime and version. */
  @Get('health')
  @Authenticated({ permission: Permission.SystemRead })
  getSystemHealth(): Promise<SystemHealthDto> {
    return this.status.health();
  }

  /** CPU, memory, disk of DATA_DIR, and processing totals since the process started (the /metrics counters). */
  @Get('metrics')
  @Authenticated({ permission: Permission.SystemRead })
  getSystemMetrics(): Promise<SystemUsageDto> {
    return this.status.usage();
  }

  /**
   * Queues `system.maintenance` (poll GET /jobs/:id): deletes audit logs, unknown faces' snapshot files and finished
   * jobs older than `older_than_days` or each one's RETENTION_*_DAYS, in the caller's organisation.
   */
  @Post('maintenance')
  @HttpCode(202)
  @Authenticated({ permission: Permission.SystemWrite })
  @ApiAcceptedResponse({ type: JobDto })
  runMaintenance(@CurrentUser() user: AuthUser, @Body() body: RunMaintenanceDto): Promise<JobDto> {
    return this.system.startMaintenance(user, body);
  }
}
