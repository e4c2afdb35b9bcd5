import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../access/auth-user.js';
import { CamerasService } from '../../cameras/cameras.service.js';
import { AttendanceCalendar } from '../attendance-calendar.js';
import { toLocalTime } from '../local-time.js';

export class RealTimeReportDto {
  /** People checked in today and not (yet) out. */
  current_occupancy: number;
  /** People who came today (present, late or half day). */
  today_attendance: number;
  /** The local hour with most check-ins today (`HH:00`), or null before the first. */
  peak_hour: string | null;
  /** Average processing time of the organisation's camera frames, ms (null before the first frame). */
  avg_processing_time: number | null;
  camera_status: { online: number; offline: number };
}

/** Today at a glance, for a manager's dashboard: computed in SQL over today's records and the cameras' figures. */
@Injectable()
export class RealTimeReportService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly calendar: AttendanceCalendar,
    private readonly cameras: CamerasService,
  ) {}

  async report(caller: AuthUser): Promise<RealTimeReportDto> {
    const organizationId = caller.organizationId;
    const timeZone = await this.calendar.timeZoneOf(organizationId, this.dataSource.manager);
    const today = toLocalTime(new Date(), timeZone).date;
    const [totals] = await this.dataSource.query<{ inside: number; came: number }[]>(
      `SELECT count(*) FILTER (WHERE check_in_at IS NOT NULL AND check_out_at IS NULL)::int AS inside,
              count(*) FILTER (WHERE status IN ('present', 'late', 'half_day'))::int AS came
       FROM attendance_records WHERE organization_id = $1 AND date = $2`,
      [organizationId, today],
    );
    const [peak] = await this.dataSource.query<{ hour: number }[]>(
      `SELECT extract(hour FROM check_in_at AT TIME ZONE $3)::int AS hour FROM attendance_records
       WHERE organization_id = $1 AND date = $2 AND check_in_at IS NOT NULL
       GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`,
      [organizationId, today, timeZone],
    );
    const cameras = await this.cameras.figuresOf(organizationId);
    return {
      current_occupancy: totals.inside,
      today_attendance: totals.came,
      peak_hour: peak ? `${String(peak.hour).padStart(2, '0')}:00` : null,
      avg_processing_time: cameras.avgProcessingMs === null ? null : Math.round(cameras.avgProcessingMs * 10) / 10,
      camera_status: { online: cameras.online, offline: cameras.offline },
    };
  }
}
