import { ApiProperty } from '@nestjs/swagger';

export class VisitorCountsDto {
  @ApiProperty({ type: 'integer' })
  total: number;
  @ApiProperty({ type: 'integer' })
  watchlisted: number;
  /** Visitors with face templates (recognisable at the desk). */
  @ApiProperty({ type: 'integer' })
  enrolled: number;
  /** Visitors whose faces and photos the retention job erased (and who gave none since). */
  @ApiProperty({ type: 'integer' })
  faces_erased: number;
}

export class VisitCountsDto {
  /** Checked in and not out. */
  @ApiProperty({ type: 'integer' })
  on_site: number;
  /** Visits checked in since the start of the organisation's local day. */
  @ApiProperty({ type: 'integer' })
  today: number;
  /** Visits checked in since Monday of the organisation's local week. */
  @ApiProperty({ type: 'integer' })
  this_week: number;
  /** Pre-registered visits not yet checked in whose expected window touches today. */
  @ApiProperty({ type: 'integer' })
  expected_today: number;
}

/** The visitor desk at a glance. */
export class VisitorStatsDto {
  visitors: VisitorCountsDto;
  visits: VisitCountsDto;
  /** VISITOR_RETENTION_DAYS: faces are erased this many days after a visitor's last visit. */
  @ApiProperty({ type: 'integer' })
  retention_days: number;
  /** The organisation's time zone, which "today" and "this week" follow. */
  time_zone: string;
}
