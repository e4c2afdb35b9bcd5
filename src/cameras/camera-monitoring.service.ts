import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../access/auth-user.js';
import type { Caller } from '../access/authenticated.decorator.js';
import { AuditService } from '../audit/audit.service.js';
import { ApiError } from '../common/api-error.js';
import { AppConfig } from '../config/app-config.js';
import {
  type CameraHealthDto,
  type CameraStreamDto,
  type ConnectionTestDto,
  type HeartbeatDto,
  toCameraHealthDto,
} from './camera-health.dto.js';
import { CameraStatusMonitor, liveStatus } from './camera-status-monitor.js';
import { CamerasService } from './cameras.service.js';
import { CredentialSeal } from './credential-seal.js';
import { DEFAULT_PORTS, joinStreamUrl, parseStreamUrl, schemeOf } from './stream-credentials.js';
import { StreamProbe } from './stream-probe.js';

/** What devices report (heartbeats) and what operators look at: health, the stream URL, a connection test. */
@Injectable()
export class CameraMonitoringService {
  constructor(
    private readonly cameras: CamerasService,
    private readonly monitor: CameraStatusMonitor,
    private readonly seal: CredentialSeal,
    private readonly probe: StreamProbe,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  /** A device's key acts only for its own camera: any other camera id answers 404, as for another tenant. */
  async heartbeat(caller: Caller, id: string): Promise<HeartbeatDto> {
    if (caller.kind === 'device' && caller.device.cameraId !== id) throw ApiError.notFound('Camera');
    const organizationId = caller.kind === 'device' ? caller.device.organizationId : caller.user.organizationId;
    const camera = await this.cameras.findOwned(organizationId, id);
    const at = await this.monitor.heartbeat(camera.id);
    return { camera_id: camera.id, status: 'online', last_heartbeat_at: at };
  }

  async health(caller: AuthUser, id: string): Promise<CameraHealthDto> {
    const camera = await this.cameras.findOwned(caller.organizationId, id);
    return toCameraHealthDto(camera, liveStatus(camera, this.config.cameraOnlineWindowSeconds));
  }

  /** The URL with its credentials. Audited (which camera, by whom), never with the URL itself. */
  async stream(caller: AuthUser, id: string): Promise<CameraStreamDto> {
    const camera = await this.cameras.findOwned(caller.organizationId, id);
    const credentials = this.seal.open(camera.id, camera.sealedCredentials);
    await this.audit.record({ action: 'camera.stream_viewed', entityType: 'camera', entityId: camera.id });
    return { stream_url: camera.sourceUrl === null ? null : joinStreamUrl(camera.sourceUrl, credentials) };
  }

  /** Connects to the stream's host and port (the scheme's default port when the URL names none). */
  async testConnection(caller: AuthUser, id: string): Promise<ConnectionTestDto> {
    const camera = await this.cameras.findOwned(caller.organizationId, id);
    const url = camera.sourceUrl === null ? null : parseStreamUrl(camera.sourceUrl);
    if (!url) {
      throw new ApiError(422, 'no_source_url', 'The camera has no source URL to connect to');
    }
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const port = url.port === '' ? DEFAULT_PORTS[schemeOf(url)] : Number(url.port);
    const result = await this.probe.connect(host, port, this.config.cameraTestTimeoutMs);
    return { reachable: result.reachable, host, port, latency_ms: result.latencyMs, error: result.error };
  }
}
