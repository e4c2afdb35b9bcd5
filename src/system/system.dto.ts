import { ApiProperty } from '@nestjs/swagger';
import { ArrayMinSize, ArrayUnique, IsBoolean, IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';

export const MAINTENANCE_TASKS = ['audit_logs', 'unknown_snapshots', 'jobs', 'webhook_deliveries'] as const;
export type MaintenanceTask = (typeof MAINTENANCE_TASKS)[number];

class DatabaseHealthDto {
  /** `up`, or what is wrong. */
  status!: string;
  /** Time of a `SELECT 1`. */
  round_trip_ms!: number;
  /** Embedded PGlite (no DATABASE_URL). */
  embedded!: boolean;
}

class QueueHealthDto {
  @ApiProperty({ enum: ['database', 'bullmq-postgres', 'bullmq-redis'] })
  driver!: string;
  /** Jobs per status, every organisation together. */
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, example: { queued: 0, completed: 12 } })
  depth!: Record<string, number>;
  /** How long the longest-waiting queued job has waited; null when none waits. */
  @ApiProperty({ type: 'integer', nullable: true })
  oldest_queued_age_seconds!: number | null;
}

class WorkersHealthDto {
  /** Whether this process runs jobs (WORKERS). */
  runs_jobs!: boolean;
  /** Workers connected to the queue across instances (BullMQ); 1 on the embedded database; null if unknown. */
  @ApiProperty({ type: 'integer', nullable: true })
  workers_seen!: number | null;
}

class ModelsHealthDto {
  ready!: boolean;
  /** Ids of the loaded models (as GET /models names them). */
  loaded!: string[];
}

export class SystemHealthDto {
  /** `degraded` when a readiness check is not `up`. */
  @ApiProperty({ enum: ['ok', 'degraded'] })
  status!: 'ok' | 'degraded';
  version!: string;
  started_at!: string;
  @ApiProperty({ type: 'integer' })
  uptime_seconds!: number;
  /** The readiness checks (as GET /readyz). */
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, example: { database: 'up', models: 'up' } })
  checks!: Record<string, string>;
  database!: DatabaseHealthDto;
  queue!: QueueHealthDto;
  workers!: WorkersHealthDto;
  models!: ModelsHealthDto;
  /** Templates searchable on this instance per gallery (every organisation together). */
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, example: { employees: 120, visitors: 8 } })
  galleries!: Record<string, number>;
  /** Socket.IO clients connected to this instance. */
  @ApiProperty({ type: 'integer' })
  live_clients!: number;
}

class CpuUsageDto {
  @ApiProperty({ type: 'integer' })
  cores!: number;
  /** 1, 5 and 15 minutes. */
  load_average!: number[];
  process_user_seconds!: number;
  process_system_seconds!: number;
}

class MemoryUsageDto {
  @ApiProperty({ type: 'integer' })
  rss_bytes!: number;
  @ApiProperty({ type: 'integer' })
  heap_used_bytes!: number;
  @ApiProperty({ type: 'integer' })
  heap_total_bytes!: number;
  @ApiProperty({ type: 'integer' })
  external_bytes!: number;
  @ApiProperty({ type: 'integer' })
  system_total_bytes!: number;
  @ApiProperty({ type: 'integer' })
  system_free_bytes!: number;
}

class DiskUsageDto {
  /** DATA_DIR. */
  path!: string;
  @ApiProperty({ type: 'integer' })
  total_bytes!: number;
  @ApiProperty({ type: 'integer' })
  free_bytes!: number;
  /** Free for this process's user. */
  @ApiProperty({ type: 'integer' })
  available_bytes!: number;
}

class ProcessingTotalsDto {
  /** The counters count from this process's start. */
  since!: string;
  @ApiProperty({ type: 'integer' })
  frames!: number;
  @ApiProperty({ type: 'integer' })
  faces_recognized!: number;
  @ApiProperty({ type: 'integer' })
  faces_unknown!: number;
  /** faces_recognized / all faces; null before any. */
  @ApiProperty({ type: 'number', nullable: true })
  recognition_rate!: number | null;
  @ApiProperty({ type: 'integer' })
  enrollments_ok!: number;
  @ApiProperty({ type: 'integer' })
  enrollments_failed!: number;
  @ApiProperty({ type: 'number', nullable: true })
  enrollment_success_rate!: number | null;
}

export class SystemUsageDto {
  cpu!: CpuUsageDto;
  memory!: MemoryUsageDto;
  /** Null when DATA_DIR cannot be read. */
  @ApiProperty({ type: DiskUsageDto, nullable: true })
  disk!: DiskUsageDto | null;
  processing!: ProcessingTotalsDto;
}

export class RunMaintenanceDto {
  /** Delete what is older than this many days; unset: each task's RETENTION_*_DAYS. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(36_500)
  @ApiProperty({ type: 'integer', required: false, minimum: 1, maximum: 36_500 })
  older_than_days?: number;

  /** What to clean; unset: every task. */
  @IsOptional()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(MAINTENANCE_TASKS, { each: true })
  @ApiProperty({ enum: MAINTENANCE_TASKS, enumName: 'MaintenanceTask', isArray: true, required: false })
  tasks?: MaintenanceTask[];

  /** Every organisation instead of the caller's (super admins only). */
  @IsOptional()
  @IsBoolean()
  all_organizations?: boolean;
}
