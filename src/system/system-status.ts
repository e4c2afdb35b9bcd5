import { readFileSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { AppConfig, PACKAGE_ROOT } from '../config/app-config.js';
import { EmployeeGallery } from '../faces/employee-gallery.js';
import { ReadinessService } from '../health/readiness.service.js';
import { JobQueue } from '../jobs/job-queue.js';
import { LiveSockets } from '../live/live-sockets.js';
import { Metrics, type MetricSources } from '../metrics/metrics.js';
import { FaceModels } from '../recognition/face-models.js';
import { VisitorGallery } from '../visitors/visitor-gallery.js';
import type { SystemHealthDto, SystemUsageDto } from './system.dto.js';

const VERSION = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/**
 * What GET /system/health and /system/metrics answer, read from the features that own each number (the readiness
 * checks, the queue, the models, the galleries, the sockets, the Metrics registry); also the source of the
 * Prometheus gauges, so both views agree.
 */
@Injectable()
export class SystemStatus implements MetricSources, OnModuleInit {
  private readonly startedAt = new Date();

  constructor(
    private readonly config: AppConfig,
    private readonly readiness: ReadinessService,
    private readonly queue: JobQueue,
    private readonly models: FaceModels,
    private readonly employees: EmployeeGallery,
    private readonly visitors: VisitorGallery,
    private readonly sockets: LiveSockets,
    private readonly metrics: Metrics,
  ) {}

  onModuleInit(): void {
    this.metrics.useSources(this);
  }

  jobsByStatus(): Promise<Record<string, number>> {
    return this.queue.depth();
  }

  gallerySizes(): Record<string, number> {
    return { employees: this.employees.size, visitors: this.visitors.size };
  }

  liveClients(): number {
    return this.sockets.clientCount;
  }

  async health(): Promise<SystemHealthDto> {
    const [checks, queue] = await Promise.all([this.readiness.checkTimed(), this.queue.status()]);
    const database = checks.database;
    return {
      status: Object.values(checks).every((check) => check.state === 'up') ? 'ok' : 'degraded',
      version: VERSION,
      started_at: this.startedAt.toISOString(),
      uptime_seconds: Math.round(process.uptime()),
      checks: Object.fromEntries(Object.entries(checks).map(([name, check]) => [name, check.state])),
      database: {
        status: database.state,
        round_trip_ms: database.ms,
        embedded: this.config.usesEmbeddedDatabase,
      },
      queue: {
        driver: queue.driver,
        depth: queue.depth,
        oldest_queued_age_seconds: queue.oldestQueuedAgeSeconds,
      },
      workers: { runs_jobs: queue.runsJobs, workers_seen: queue.workersSeen },
      models: {
        ready: this.models.ready,
        loaded: this.models
          .list()
          .filter((model) => model.loaded)
          .map((model) => model.id),
      },
      galleries: this.gallerySizes(),
      live_clients: this.liveClients(),
    };
  }

  async usage(): Promise<SystemUsageDto> {
    const cpu = process.cpuUsage();
    const memory = process.memoryUsage();
    const disk = await statfs(this.config.dataDir).catch(() => null);
    const faces = await this.metrics.counterValues(this.metrics.facesProcessed);
    const enrollments = await this.metrics.counterValues(this.metrics.enrollments);
    const frames = await this.metrics.counterValues(this.metrics.framesProcessed);
    const matched = faces.matched ?? 0;
    const unknown = faces.unknown ?? 0;
    const ok = enrollments.ok ?? 0;
    const failed = enrollments.failed ?? 0;
    return {
      cpu: {
        cores: cpus().length,
        load_average: loadavg().map((load) => Math.round(load * 100) / 100),
        process_user_seconds: cpu.user / 1e6,
        process_system_seconds: cpu.system / 1e6,
      },
      memory: {
        rss_bytes: memory.rss,
        heap_used_bytes: memory.heapUsed,
        heap_total_bytes: memory.heapTotal,
        external_bytes: memory.external,
        system_total_bytes: totalmem(),
        system_free_bytes: freemem(),
      },
      disk: disk && {
        path: this.config.dataDir,
        total_bytes: disk.blocks * disk.bsize,
        free_bytes: disk.bfree * disk.bsize,
        available_bytes: disk.bavail * disk.bsize,
      },
      processing: {
        since: this.startedAt.toISOString(),
        frames: frames[''] ?? 0,
        faces_recognized: matched,
        faces_unknown: unknown,
        recognition_rate: rate(matched, unknown),
        enrollments_ok: ok,
        enrollments_failed: failed,
        enrollment_success_rate: rate(ok, failed),
      },
    };
  }
}

/** The share of the first count in both, 4 decimals; null before there is any. */
function rate(hits: number, misses: number): number | null {
  return hits + misses === 0 ? null : Math.round((hits / (hits + misses)) * 10_000) / 10_000;
}
