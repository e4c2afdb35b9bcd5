import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** What the gauges read at scrape time, from the features that own the numbers (set by the system module). */
export interface MetricSources {
  /** Jobs in the `jobs` table per status. */
  jobsByStatus(): Promise<Record<string, number>>;
  /** Searchable templates per gallery (`employees`, `visitors`) on this instance. */
  gallerySizes(): Record<string, number>;
  /** Socket.IO clients connected to this instance. */
  liveClients(): number;
}

/** Seconds: from a 5 ms stage to a 10 s request. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The Prometheus metrics of one app instance, in a registry of its own (never prom-client's global one, so tests
 * that start several apps in one process do not share or clash). Counters and histograms are moved by the features
 * that do the work; gauges read their sources when scraped. `/metrics` and `/api/v1/system/metrics` both read it.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();
  private sources: MetricSources | undefined;

  readonly httpRequestDuration = new Histogram({
    name: 'facegate_http_request_duration_seconds',
    help: 'HTTP requests by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });

  readonly recognitionStageDuration = new Histogram({
    name: 'facegate_recognition_stage_duration_seconds',
    help: 'Time of each recognition pipeline stage (decode, detect, quality, liveness, embed, snapshot) per image',
    labelNames: ['stage'] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });

  readonly framesProcessed = new Counter({
    name: 'facegate_frames_processed_total',
    help: 'Camera frames run through recognition',
    registers: [this.registry],
  });

  readonly facesProcessed = new Counter({
    name: 'facegate_faces_processed_total',
    help: 'Faces searched among enrolled people (identify, frames, class photos, tasks), by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly listPages = new Counter({
    name: 'facegate_list_pages_total',
    help: 'List pages (people, departments) answered, by where they came from: the cache or the database',
    labelNames: ['source'] as const,
    registers: [this.registry],
  });

  readonly enrollments = new Counter({
    name: 'facegate_enrollments_total',
    help: 'Enrollment jobs: ok when at least one face template was stored, failed otherwise',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    const sources = () => this.sources;
    new Gauge({
      name: 'facegate_jobs',
      help: 'Background jobs by status (queue depth: status="queued")',
      labelNames: ['status'] as const,
      registers: [this.registry],
      async collect() {
        const counts = (await sources()?.jobsByStatus()) ?? {};
        this.reset();
        for (const [status, count] of Object.entries(counts)) this.set({ status }, count);
      },
    });
    new Gauge({
      name: 'facegate_gallery_templates',
      help: 'Face templates searchable on this instance, per gallery',
      labelNames: ['gallery'] as const,
      registers: [this.registry],
      collect() {
        for (const [gallery, size] of Object.entries(sources()?.gallerySizes() ?? {})) this.set({ gallery }, size);
      },
    });
    new Gauge({
      name: 'facegate_live_clients',
      help: 'Socket.IO clients connected to this instance',
      registers: [this.registry],
      collect() {
        this.set(sources()?.liveClients() ?? 0);
      },
    });
  }

  /** Where the gauges read their values (one source set per app). */
  useSources(sources: MetricSources): void {
    this.sources = sources;
  }

  /** A counter's value per label set (`''` for a counter without labels), read back from the registry. */
  async counterValues(counter: Counter<string>): Promise<Record<string, number>> {
    const { values } = await counter.get();
    return Object.fromEntries(values.map((value) => [Object.values(value.labels).join(',') || '', value.value]));
  }
}
