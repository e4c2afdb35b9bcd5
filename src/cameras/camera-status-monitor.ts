import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { DomainEventBus } from '../events/domain-event-bus.js';
import type { FrameOutcome } from './camera-profile.js';
import type { Camera, CameraStatus } from './camera.entity.js';

/** The sweep runs this many times per online window (and at most every 250 ms). */
const SWEEPS_PER_WINDOW = 4;

/** The live status: `online` while the last heartbeat or frame is at most `windowSeconds` old. */
export function liveStatus(
  camera: Pick<Camera, 'lastHeartbeatAt' | 'lastFrameAt'>,
  windowSeconds: number,
  now = Date.now(),
): CameraStatus {
  const last = Math.max(camera.lastHeartbeatAt?.getTime() ?? 0, camera.lastFrameAt?.getTime() ?? 0);
  return last > 0 && now - last <= windowSeconds * 1000 ? 'online' : 'offline';
}

/** SQL of the live status test on a `cameras` row (alias `alias`), with the window in seconds as `$n`. */
export function isOnlineSql(alias: string, windowParameter: string): string {
  return `COALESCE(GREATEST(${alias}.last_heartbeat_at, ${alias}.last_frame_at) >= now() - make_interval(secs => ${windowParameter}), false)`;
}

interface ChangedCamera {
  id: string;
  organization_id: string;
  location_id: string | null;
  status: CameraStatus;
}

interface ContactedCamera extends ChangedCamera {
  previous_status: CameraStatus;
  at: Date;
}

/**
 * Keeps the stored `status` of cameras in step with their contacts and announces each change as `camera.status`.
 * A contact (heartbeat, frame) marks the camera online at once; a periodic sweep turns silent cameras offline
 * (and online ones whose contact it missed). Every change is one conditional UPDATE that reads the old status
 * under the row lock, so when several instances race exactly one of them announces it.
 */
@Injectable()
export class CameraStatusMonitor implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(CameraStatusMonitor.name);
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly events: DomainEventBus,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const period = Math.max(250, (this.config.cameraOnlineWindowSeconds * 1000) / SWEEPS_PER_WINDOW);
    this.timer = setInterval(() => {
      if (this.sweeping) return;
      this.sweeping = this.sweep()
        .catch((error: unknown) => this.logger.warn(`Camera status sweep failed: ${String(error)}`))
        .finally(() => (this.sweeping = undefined));
    }, period).unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.sweeping;
  }

  /** Records a heartbeat of the camera: it is online from now. Returns the time stored. */
  async heartbeat(cameraId: string): Promise<Date> {
    return this.contact(cameraId, 'last_heartbeat_at = now()', []);
  }

  /** Records a processed frame into the camera's health figures: it is online from now. */
  async frame(cameraId: string, outcome: FrameOutcome): Promise<void> {
    const faces = Math.max(0, Math.trunc(outcome.faces) || 0);
    const processingMs = Math.max(0, Number(outcome.processingMs) || 0);
    let sets = `last_frame_at = now(), frames_processed = c.frames_processed + 1,
      faces_processed = c.faces_processed + $2, processing_ms_total = c.processing_ms_total + $3`;
    const parameters: unknown[] = [faces, processingMs];
    if (outcome.error) {
      sets += `, last_error = $4, last_error_at = now(), error_count = c.error_count + 1`;
      parameters.push(outcome.error);
    }
    await this.contact(cameraId, sets, parameters);
  }

  /** Turns cameras whose stored status no longer fits their last contact; announces each. */
  async sweep(): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const rows = await manager.query<[ChangedCamera[], number] | ChangedCamera[]>(
        `UPDATE cameras c SET status = CASE c.status WHEN 'online' THEN 'offline' ELSE 'online' END
         WHERE (c.status = 'online') <> ${isOnlineSql('c', '$1')}
         RETURNING c.id, c.organization_id, c.location_id, c.status`,
        [this.config.cameraOnlineWindowSeconds],
      );
      for (const row of returned(rows)) await this.announce(manager, row);
    });
  }

  /**
   * One UPDATE: `sets`, the status online, and the status it had before (read under the row lock). The lock is
   * FOR NO KEY UPDATE, which two contacts cannot both hold but which does not wait for transactions that only
   * refer to the camera (a frame's presence events being stored at the same time).
   */
  private async contact(cameraId: string, sets: string, parameters: unknown[]): Promise<Date> {
    return this.dataSource.transaction(async (manager) => {
      const rows = await manager.query<[ContactedCamera[], number] | ContactedCamera[]>(
        `UPDATE cameras c SET ${sets}, status = 'online'
         FROM (SELECT id, status FROM cameras WHERE id = $1 FOR NO KEY UPDATE) previous
         WHERE c.id = previous.id
         RETURNING c.id, c.organization_id, c.location_id, previous.status AS previous_status, now() AS at`,
        [cameraId, ...parameters],
      );
      const [row] = returned(rows);
      if (!row) return new Date();
      if (row.previous_status !== 'online') await this.announce(manager, { ...row, status: 'online' });
      return new Date(row.at);
    });
  }

  private announce(manager: EntityManager, row: ChangedCamera): Promise<void> {
    return this.events.publish(manager, 'camera.status', {
      organizationId: row.organization_id,
      cameraId: row.id,
      locationId: row.location_id,
      status: row.status,
      at: new Date().toISOString(),
    });
  }
}

/** The rows of an UPDATE … RETURNING as TypeORM's postgres driver answers it: `[rows, affected]`. */
function returned<T>(result: [T[], number] | T[]): T[] {
  return isPair(result) ? result[0] : result;
}

function isPair<T>(result: [T[], number] | T[]): result is [T[], number] {
  return result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number';
}
