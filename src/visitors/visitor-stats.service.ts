import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../access/auth-user.js';
import { AppConfig } from '../config/app-config.js';
import { OrganizationsService } from '../organizations/organizations.service.js';
import type { VisitorStatsDto } from './visitor-stats.dto.js';
import { VisitorStatsRepository } from './visitor-stats.repository.js';

/** The visitor desk's counts, with "today" and "this week" in the organisation's time zone. */
@Injectable()
export class VisitorStatsService {
  constructor(
    private readonly stats: VisitorStatsRepository,
    private readonly organizations: OrganizationsService,
    private readonly config: AppConfig,
  ) {}

  async overview(caller: AuthUser): Promise<VisitorStatsDto> {
    const { timeZone } = await this.organizations.calendarOf(caller.organizationId);
    const counts = await this.stats.counts(caller.organizationId, timeZone);
    return { ...counts, retention_days: this.config.visitorRetentionDays, time_zone: timeZone };
  }
}
