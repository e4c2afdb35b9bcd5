import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { plainToInstance, Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';

const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));
const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

/** A rate: 1 to 1,000,000 requests per 1 to 86,400 seconds. */
const RATE_PATTERN = /^\s*[1-9]\d{0,6}\s*\/\s*[1-9]\d{0,4}\s*$/;

/** The environment variables the service reads, validated at boot. Documented in docs/configuration.md. */
class EnvironmentVariables {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: string = 'development';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT: number = 3000;

  @IsString()
  DATA_DIR: string = './data';

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// or postgresql:// URL' })
  DATABASE_URL?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  JWT_SECRET?: string;

  @Transform(toInt)
  @IsInt()
  @Min(60)
  ACCESS_TOKEN_TTL: number = 3600;

  @Transform(toInt)
  @IsInt()
  @Min(300)
  REFRESH_TOKEN_TTL: number = 7 * 24 * 3600;

  @IsString()
  @Matches(/^[a-zA-Z0-9_.-]{3,64}$/, { message: 'ADMIN_USERNAME must be 3-64 letters, digits, _ . or -' })
  ADMIN_USERNAME: string = 'admin';

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  ADMIN_PASSWORD?: string;

  @IsString()
  CORS_ORIGINS: string = '';

  /** Which proxies may set X-Forwarded-For: none by default; a hop count, or addresses/subnets/names. */
  @IsString()
  @Matches(/^(?!true$)(|false|\d{1,2}|[\w.:/]+(\s*,\s*[\w.:/]+)*)$/, {
    message: 'TRUST_PROXY must be empty/false, a hop count, or a comma-separated list of addresses or subnets',
  })
  TRUST_PROXY: string = '';

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  MODELS_DIR?: string;

  /**
   * onnxruntime threads the detector, landmark and descriptor networks may use while only one image is in the models
   * (second sessions opened with them; 1 turns them off). The default is 2 when the machine has two cores or more.
   */
  @Transform(toInt)
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(64)
  INFERENCE_THREADS?: number;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUrl(
    { protocols: ['smtp', 'smtps'], require_tld: false },
    { message: 'SMTP_URL must be an smtp:// or smtps:// URL' },
  )
  SMTP_URL?: string;

  @IsString()
  MAIL_FROM: string = 'FaceGate <no-reply@localhost>';

  @IsIn(['error', 'warn', 'log', 'debug', 'verbose'])
  LOG_LEVEL: string = 'log';

  /** A day with fewer hours between check-in and check-out is a half day. */
  @Transform(({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value)))
  @IsNumber()
  @Min(0)
  @Max(24)
  ATTENDANCE_HALF_DAY_HOURS: number = 4;

  /** Organisation-local `HH:MM` after which the day's attendance is closed (absences marked, open records closed). */
  @Matches(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'ATTENDANCE_CLOSE_TIME must be HH:MM' })
  ATTENDANCE_CLOSE_TIME: string = '23:30';

  /** An attendance report over more days than this runs as a job (202) instead of answering the file at once. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(366)
  REPORT_SYNC_MAX_DAYS: number = 31;
  /** A student first seen in a class photo more than this many minutes after the session's start is `late`. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(240)
  CLASS_LATE_AFTER_MINUTES: number = 10;

  /**
   * Faces smaller than this (shorter side of the box, in pixels of the image the models see: over 1920 px it is
   * downscaled first) are found but never named by identify (bulk and tasks too) and class photos: `too_small`. Faces that small are too often taken for someone else (docs/benchmarks.md,
   * Face size). Cameras have their own minimum (PRESENCE_MIN_FACE_SIZE, per camera `min_face_size`).
   */
  @Transform(toInt)
  @IsInt()
  @Min(16)
  @Max(1000)
  IDENTIFY_MIN_FACE_SIZE: number = 40;

  /** AES-256 key sealing camera stream credentials: 32 bytes as 64 hex digits or base64. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^([0-9a-fA-F]{64}|[A-Za-z0-9+/_-]{43}=?)$/, {
    message: 'CAMERA_SECRETS_KEY must be 32 bytes written as 64 hex digits or in base64',
  })
  CAMERA_SECRETS_KEY?: string;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(86400)
  CAMERA_ONLINE_WINDOW_SECONDS: number = 60;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(60000)
  CAMERA_TEST_TIMEOUT_MS: number = 3000;

  /** The same face at the same camera within this many seconds updates its last presence event (0: never). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(86_400)
  PRESENCE_DEBOUNCE_SECONDS: number = 60;

  /** A person seen at cameras of two locations within this many seconds is an anomaly (0: never checked). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(86_400)
  PRESENCE_TRAVEL_SECONDS: number = 120;

  /**
   * Repeated sightings of one open presence event mark attendance at most once per this many seconds of frame time
   * (0: every frame); a new event always marks.
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(3_600)
  PRESENCE_MARK_INTERVAL_SECONDS: number = 10;

  /**
   * Smallest face (shorter side of its box, pixels of the frame the models see) a camera frame's faces are looked for
   * and identified from, for cameras without a `min_face_size` of their own: smaller faces are told apart too poorly
   * to mark anyone (measured: docs/benchmarks.md, Face size).
   */
  @Transform(toInt)
  @IsInt()
  @Min(16)
  @Max(1000)
  PRESENCE_MIN_FACE_SIZE: number = 48;

  /** How long before a shift starts or after it ends a person may be seen without being flagged. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(720)
  PRESENCE_SHIFT_MARGIN_MINUTES: number = 60;

  /** Key sealing and hashing visitors' ID numbers: 32 bytes as 64 hex digits or base64. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^([0-9a-fA-F]{64}|[A-Za-z0-9+/_-]{43}=?)$/, {
    message: 'VISITOR_ID_KEY must be 32 bytes written as 64 hex digits or in base64',
  })
  VISITOR_ID_KEY?: string;

  /** Days after a visitor's last visit when their face templates and photos are erased. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3650)
  VISITOR_RETENTION_DAYS: number = 30;

  /** Key of signed photo URLs (at least 32 characters); unset: derived from the JWT secret. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'FILE_URL_KEY must be at least 32 characters' })
  FILE_URL_KEY?: string;

  /** Lifetime of a signed photo URL in seconds. */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(86_400)
  FILE_URL_TTL_SECONDS: number = 900;

  /** Cross-Origin-Resource-Policy of signed photos; empty: cross-origin when CORS_ORIGINS is set, else same-site. */
  @IsIn(['', 'same-origin', 'same-site', 'cross-origin'])
  FILE_RESOURCE_POLICY: string = '';

  /** Seconds during which a just-rotated refresh token answers the same new pair again (0: never). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(120)
  REFRESH_GRACE_SECONDS: number = 10;
  /** With DATABASE_URL: BullMQ queues on this Redis instead of on PostgreSQL (bullmq's PostgreSQL backend). */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^rediss?:\/\//, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  /** Prefix of the queue keys on Redis, so several deployments can share one Redis. */
  @Matches(/^[\w.-]{1,64}$/, { message: 'REDIS_PREFIX must be 1-64 letters, digits, _ . or -' })
  REDIS_PREFIX: string = 'facegate';

  /** Whether this process runs job processors (`false`: an API instance that only queues jobs). */
  @IsIn(['true', 'false'], { message: 'WORKERS must be true or false' })
  WORKERS: string = 'true';

  /** Jobs one process runs at once. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(64)
  WORKER_CONCURRENCY: number = 1;

  /** A running job's lock; a job whose worker stopped renewing it (died) runs again after this long. */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(600_000)
  JOB_LOCK_MS: number = 30_000;

  /** On SIGTERM/SIGINT: how long to finish in-flight requests and jobs before exiting anyway. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(600_000)
  SHUTDOWN_TIMEOUT_MS: number = 25_000;
  /** ID-number suggestions a user may ask for per window (GET /visitors/suggest); beyond it, 429. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100_000)
  VISITOR_SUGGEST_LIMIT: number = 60;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(86_400)
  VISITOR_SUGGEST_WINDOW_SECONDS: number = 60;

  /** How long a webhook delivery may take (connection, request and answer) before it counts as failed. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(120_000)
  WEBHOOK_TIMEOUT_MS: number = 10_000;

  /** A webhook whose deliveries failed this many times in a row is disabled. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  WEBHOOK_DISABLE_AFTER_FAILURES: number = 10;

  /** Wait before a failed delivery's first retry (doubled for each later one); unset: the job's own (60 s). */
  @Transform(toInt)
  @IsOptional()
  @IsInt()
  @Min(10)
  @Max(3_600_000)
  WEBHOOK_RETRY_BACKOFF_MS?: number;

  /**
   * Host names or IP addresses (comma-separated) webhooks may reach even though they are, or resolve to, loopback,
   * private or link-local addresses. Empty: only public addresses.
   */
  @IsString()
  WEBHOOK_ALLOWED_HOSTS: string = '';

  /** Log lines as JSON objects or as coloured text; unset: json when NODE_ENV=production, pretty otherwise. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsIn(['json', 'pretty'], { message: 'LOG_FORMAT must be json or pretty' })
  LOG_FORMAT?: string;

  /** One log line per HTTP request (method, route, status, duration, request id, user id). */
  @IsIn(['true', 'false'], { message: 'ACCESS_LOG must be true or false' })
  ACCESS_LOG: string = 'true';

  /** `false`: GET /metrics answers 404. */
  @IsIn(['true', 'false'], { message: 'METRICS_ENABLED must be true or false' })
  METRICS_ENABLED: string = 'true';

  /** When set, GET /metrics needs `Authorization: Bearer <token>` (from any address). */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'METRICS_TOKEN must be at least 16 characters' })
  METRICS_TOKEN?: string;

  /** Without METRICS_TOKEN: addresses (besides loopback) that may scrape GET /metrics, comma-separated. */
  @IsString()
  METRICS_ALLOW_FROM: string = '';

  /** Days audit log entries are kept by the daily maintenance (POST /system/maintenance may ask for fewer). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(36_500)
  RETENTION_AUDIT_DAYS: number = 365;

  /** Days the snapshot files of unknown faces' presence events are kept. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(36_500)
  RETENTION_UNKNOWN_SNAPSHOT_DAYS: number = 30;

  /** Days finished (completed, failed, cancelled) jobs are kept. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(36_500)
  RETENTION_JOBS_DAYS: number = 30;

  /** Days the webhook delivery log (`GET /webhooks/:id/deliveries`) is kept. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(36_500)
  RETENTION_WEBHOOK_DELIVERIES_DAYS: number = 30;

  /** `false` turns every request rate limit off (the login and reset throttles stay). */
  @IsIn(['true', 'false'], { message: 'RATE_LIMITS must be true or false' })
  RATE_LIMITS: string = 'true';

  /** Requests per window of each category, as `<requests>/<seconds>` (docs/security.md). */
  @Matches(RATE_PATTERN, { message: 'RATE_LIMIT_AUTH must be <requests>/<seconds>, e.g. 5/60' })
  RATE_LIMIT_AUTH: string = '5/60';

  @Matches(RATE_PATTERN, { message: 'RATE_LIMIT_VERIFICATION must be <requests>/<seconds>, e.g. 100/60' })
  RATE_LIMIT_VERIFICATION: string = '100/60';

  @Matches(RATE_PATTERN, { message: 'RATE_LIMIT_REPORTS must be <requests>/<seconds>, e.g. 10/60' })
  RATE_LIMIT_REPORTS: string = '10/60';

  @Matches(RATE_PATTERN, { message: 'RATE_LIMIT_FRAMES must be <requests>/<seconds>, e.g. 600/60' })
  RATE_LIMIT_FRAMES: string = '600/60';

  @Matches(RATE_PATTERN, { message: 'RATE_LIMIT_GENERAL must be <requests>/<seconds>, e.g. 1000/3600' })
  RATE_LIMIT_GENERAL: string = '1000/3600';
}

/** Requests allowed per window, for one category of routes (src/rate-limits). */
export interface RateLimitSetting {
  max: number;
  windowSeconds: number;
}

export type RateLimitCategory = 'auth' | 'verification' | 'reports' | 'frames' | 'general';

function parseRate(value: string): RateLimitSetting {
  const [max, windowSeconds] = value.split('/').map((part) => Number(part.trim()));
  return { max, windowSeconds: Math.min(windowSeconds, 86_400) };
}

/** The folder holding package.json (this file is src/config/ or dist/src/config/ below it). */
function findPackageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/** The folder holding package.json. */
export const PACKAGE_ROOT = findPackageRoot();

/** Where `npm ci` builds the default model pack. */
export const BUILT_IN_MODELS_DIR = join(PACKAGE_ROOT, 'models');

/** Typed configuration of one running service. The only class that knows about process.env. */
export class AppConfig {
  readonly env: 'development' | 'production' | 'test';
  readonly port: number;
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly jwtSecret: string;
  readonly accessTokenTtl: number;
  readonly refreshTokenTtl: number;
  readonly adminUsername: string;
  readonly adminPassword: string | undefined;
  readonly corsOrigins: string[];
  /**
   * CORS for the API and the socket: the listed origins with credentials (cookies, Authorization from fetch's
   * `credentials: 'include'`), or, for `*`, any origin without credentials: a browser never sends credentials to
   * a wildcard, and reflecting any origin with credentials would let every site act as the logged-in user.
   */
  readonly cors: { origin: '*' | string[]; credentials: boolean };
  /** Express's `trust proxy`: false (the default: the socket address is the client), a hop count, or a list. */
  readonly trustProxy: false | number | string;
  /** Extra models (YuNet, MiniFASNet) are looked for here first, then in the built-in pack. */
  readonly modelsDir: string;
  readonly builtInModelsDir = BUILT_IN_MODELS_DIR;
  /** Threads of the embedder's session for an image alone in the models (1: no such session). */
  readonly inferenceThreads: number;
  readonly smtpUrl: string | undefined;
  readonly mailFrom: string;
  readonly logLevel: 'error' | 'warn' | 'log' | 'debug' | 'verbose';
  readonly attendanceHalfDayHours: number;
  readonly attendanceCloseTime: string;
  /** Reports over more days run as jobs. */
  readonly reportSyncMaxDays: number;
  /** Minutes after a class session's start after which a student recognised in a class photo is `late`. */
  readonly classLateAfterMinutes: number;
  /** The smallest face identify and class photos name (pixels). */
  readonly identifyMinFaceSize: number;
  /** The 32-byte AES-256-GCM key for camera credentials: CAMERA_SECRETS_KEY, or generated once in DATA_DIR. */
  readonly cameraSecretsKey: Buffer;
  /** A camera is online while its last heartbeat or frame is at most this many seconds old. */
  readonly cameraOnlineWindowSeconds: number;
  /** How long the camera connection test waits for a TCP connection. */
  readonly cameraTestTimeoutMs: number;
  /** Frame processing: debounce window, travel window (seconds), shift margin (minutes). */
  readonly presence: {
    debounceSeconds: number;
    travelSeconds: number;
    markIntervalSeconds: number;
    shiftMarginMinutes: number;
    minFaceSize: number;
  };
  /** The 32-byte key of visitors' ID numbers (sealing and keyed hashes): VISITOR_ID_KEY, or generated once in DATA_DIR. */
  readonly visitorIdKey: Buffer;
  /** Days after a visitor's last visit when their faces are erased. */
  readonly visitorRetentionDays: number;
  /** Signed photo URLs: HMAC key, lifetime, and the Cross-Origin-Resource-Policy they are served with. */
  readonly fileUrls: { key: Buffer; ttlSeconds: number; resourcePolicy: 'same-origin' | 'same-site' | 'cross-origin' };
  /** A refresh token used again within this many seconds of its rotation answers the same new pair. */
  readonly refreshGraceSeconds: number;
  /** Redis for the job queues (with DATABASE_URL); unset: bullmq's PostgreSQL backend on DATABASE_URL. */
  readonly redisUrl: string | undefined;
  /**
   * Background jobs: whether this process runs processors, how many jobs at once, the lock after which a job of a
   * dead worker runs again, and the key prefix on Redis.
   */
  readonly jobs: {
    workers: boolean;
    concurrency: number;
    lockMs: number;
    redisPrefix: string;
    /** Back-off (first retry's wait) of the jobs whose JOB_OPTIONS back-off the configuration replaces. */
    backoffMs: Readonly<Record<string, number>>;
  };
  /** How long a stopping process may take to finish in-flight requests and jobs. */
  readonly shutdownTimeoutMs: number;
  /** Suggestions per user and window (`too_many_suggestions` beyond). */
  readonly visitorSuggestLimit: { name: string; max: number; windowSeconds: number };
  /**
   * Webhook deliveries: timeout, consecutive failures after which a webhook is disabled, and the hosts exempt from
   * the private-address refusal (lower-case; IPv6 without brackets).
   */
  readonly webhooks: { timeoutMs: number; disableAfterFailures: number; allowedHosts: ReadonlySet<string> };
  /** Log format, and whether each request writes an access-log line. */
  readonly logs: { format: 'json' | 'pretty'; accessLog: boolean };
  /** GET /metrics: on or 404; its Bearer token, or else the addresses allowed besides loopback. */
  readonly metrics: { enabled: boolean; token: string | undefined; allowFrom: string[] };
  /** Days each kind of data is kept by the daily maintenance job. */
  readonly retention: {
    auditDays: number;
    unknownSnapshotDays: number;
    jobsDays: number;
    webhookDeliveriesDays: number;
  };
  /** Request rate limits per category of route; null when RATE_LIMITS=false. */
  readonly rateLimits: Record<RateLimitCategory, RateLimitSetting> | null;

  private constructor(vars: EnvironmentVariables) {
    this.env = vars.NODE_ENV as AppConfig['env'];
    this.port = vars.PORT;
    this.dataDir = resolve(vars.DATA_DIR);
    this.databaseUrl = vars.DATABASE_URL;
    this.accessTokenTtl = vars.ACCESS_TOKEN_TTL;
    this.refreshTokenTtl = vars.REFRESH_TOKEN_TTL;
    this.adminUsername = vars.ADMIN_USERNAME;
    this.adminPassword = vars.ADMIN_PASSWORD;
    this.corsOrigins = vars.CORS_ORIGINS.split(',')
      .map((origin) => origin.trim())
      .filter(Boolean);
    const anyOrigin = this.corsOrigins.includes('*');
    this.cors = { origin: anyOrigin ? '*' : this.corsOrigins, credentials: !anyOrigin };
    const trustProxy = vars.TRUST_PROXY.trim();
    this.trustProxy =
      trustProxy === '' || trustProxy === 'false' ? false : /^\d+$/.test(trustProxy) ? Number(trustProxy) : trustProxy;
    this.modelsDir = resolve(vars.MODELS_DIR ?? BUILT_IN_MODELS_DIR);
    this.inferenceThreads = vars.INFERENCE_THREADS ?? Math.min(2, availableParallelism());
    this.smtpUrl = vars.SMTP_URL;
    this.mailFrom = vars.MAIL_FROM;
    this.logLevel = vars.LOG_LEVEL as AppConfig['logLevel'];
    this.attendanceHalfDayHours = vars.ATTENDANCE_HALF_DAY_HOURS;
    this.attendanceCloseTime = vars.ATTENDANCE_CLOSE_TIME;
    this.reportSyncMaxDays = vars.REPORT_SYNC_MAX_DAYS;
    this.classLateAfterMinutes = vars.CLASS_LATE_AFTER_MINUTES;
    this.identifyMinFaceSize = vars.IDENTIFY_MIN_FACE_SIZE;
    this.jwtSecret =
      vars.JWT_SECRET ?? this.loadOrCreateSecret('jwt-secret', () => randomBytes(48).toString('base64url'));
    this.cameraSecretsKey = decodeKey(
      vars.CAMERA_SECRETS_KEY ??
        this.loadOrCreateSecret('camera-secrets-key', () => randomBytes(32).toString('base64')),
    );
    this.cameraOnlineWindowSeconds = vars.CAMERA_ONLINE_WINDOW_SECONDS;
    this.cameraTestTimeoutMs = vars.CAMERA_TEST_TIMEOUT_MS;
    this.presence = {
      debounceSeconds: vars.PRESENCE_DEBOUNCE_SECONDS,
      travelSeconds: vars.PRESENCE_TRAVEL_SECONDS,
      markIntervalSeconds: vars.PRESENCE_MARK_INTERVAL_SECONDS,
      shiftMarginMinutes: vars.PRESENCE_SHIFT_MARGIN_MINUTES,
      minFaceSize: vars.PRESENCE_MIN_FACE_SIZE,
    };
    this.visitorIdKey = decodeKey(
      vars.VISITOR_ID_KEY ?? this.loadOrCreateSecret('visitor-id-key', () => randomBytes(32).toString('base64')),
    );
    this.visitorRetentionDays = vars.VISITOR_RETENTION_DAYS;
    this.fileUrls = {
      key: createHmac('sha256', vars.FILE_URL_KEY ?? this.jwtSecret)
        .update('facegate signed file URLs')
        .digest(),
      ttlSeconds: vars.FILE_URL_TTL_SECONDS,
      resourcePolicy: (vars.FILE_RESOURCE_POLICY ||
        (this.corsOrigins.length > 0 ? 'cross-origin' : 'same-site')) as AppConfig['fileUrls']['resourcePolicy'],
    };
    this.refreshGraceSeconds = vars.REFRESH_GRACE_SECONDS;
    this.redisUrl = vars.REDIS_URL;
    this.jobs = {
      workers: vars.WORKERS === 'true',
      concurrency: vars.WORKER_CONCURRENCY,
      lockMs: vars.JOB_LOCK_MS,
      redisPrefix: vars.REDIS_PREFIX,
      backoffMs:
        vars.WEBHOOK_RETRY_BACKOFF_MS === undefined ? {} : { 'webhooks.deliver': vars.WEBHOOK_RETRY_BACKOFF_MS },
    };
    this.shutdownTimeoutMs = vars.SHUTDOWN_TIMEOUT_MS;
    this.visitorSuggestLimit = {
      name: 'suggestions',
      max: vars.VISITOR_SUGGEST_LIMIT,
      windowSeconds: vars.VISITOR_SUGGEST_WINDOW_SECONDS,
    };
    this.webhooks = {
      timeoutMs: vars.WEBHOOK_TIMEOUT_MS,
      disableAfterFailures: vars.WEBHOOK_DISABLE_AFTER_FAILURES,
      allowedHosts: new Set(
        vars.WEBHOOK_ALLOWED_HOSTS.split(',')
          .map((host) =>
            host
              .trim()
              .toLowerCase()
              .replace(/^\[(.*)\]$/, '$1'),
          )
          .filter(Boolean),
      ),
    };
    this.logs = {
      format: (vars.LOG_FORMAT ?? (this.env === 'production' ? 'json' : 'pretty')) as 'json' | 'pretty',
      accessLog: vars.ACCESS_LOG === 'true',
    };
    this.metrics = {
      enabled: vars.METRICS_ENABLED === 'true',
      token: vars.METRICS_TOKEN,
      allowFrom: vars.METRICS_ALLOW_FROM.split(',')
        .map((address) => address.trim())
        .filter(Boolean),
    };
    this.retention = {
      auditDays: vars.RETENTION_AUDIT_DAYS,
      unknownSnapshotDays: vars.RETENTION_UNKNOWN_SNAPSHOT_DAYS,
      jobsDays: vars.RETENTION_JOBS_DAYS,
      webhookDeliveriesDays: vars.RETENTION_WEBHOOK_DELIVERIES_DAYS,
    };
    this.rateLimits =
      vars.RATE_LIMITS === 'false'
        ? null
        : {
            auth: parseRate(vars.RATE_LIMIT_AUTH),
            verification: parseRate(vars.RATE_LIMIT_VERIFICATION),
            reports: parseRate(vars.RATE_LIMIT_REPORTS),
            frames: parseRate(vars.RATE_LIMIT_FRAMES),
            general: parseRate(vars.RATE_LIMIT_GENERAL),
          };
  }

  /**
   * Reads and validates the environment. Throws one error naming every wrong variable.
   * In production JWT_SECRET is required; elsewhere a secret is generated once and kept in DATA_DIR.
   */
  static fromEnvironment(env: NodeJS.ProcessEnv = process.env): AppConfig {
    const vars = plainToInstance(EnvironmentVariables, { ...env });
    const errors = validateSync(vars, { skipMissingProperties: false });
    const problems = errors.map((error) => `${error.property}: ${Object.values(error.constraints ?? {}).join('; ')}`);
    if (
      /(^|,)\s*\*\s*(,|$)/.test(vars.CORS_ORIGINS) &&
      vars.CORS_ORIGINS.split(',').filter((o) => o.trim()).length > 1
    ) {
      problems.push('CORS_ORIGINS: * allows any origin and cannot be combined with a list');
    }
    if (vars.NODE_ENV === 'production' && !vars.JWT_SECRET) {
      problems.push('JWT_SECRET: required when NODE_ENV=production');
    }
    // The embedded database is one process's: its jobs run in that process, and there is no queue to share.
    if (!vars.DATABASE_URL && vars.WORKERS === 'false') {
      problems.push('WORKERS: false needs DATABASE_URL (the embedded database runs its jobs in the API process)');
    }
    if (!vars.DATABASE_URL && vars.REDIS_URL) {
      problems.push('REDIS_URL: needs DATABASE_URL (the embedded database runs its jobs in-process)');
    }
    if (problems.length > 0) {
      throw new Error(`Invalid configuration:\n  ${problems.join('\n  ')}`);
    }
    return new AppConfig(vars);
  }

  get usesEmbeddedDatabase(): boolean {
    return this.databaseUrl === undefined;
  }

  /**
   * A secret kept in `DATA_DIR/<fileName>` (mode 600): read when the file exists, else made by `create` and
   * written once. Two processes starting together on one DATA_DIR agree: only the first write succeeds (`wx`),
   * the other reads what it wrote.
   */
  private loadOrCreateSecret(fileName: string, create: () => string): string {
    const path = join(this.dataDir, fileName);
    if (existsSync(path)) return readFileSync(path, 'utf8').trim();
    mkdirSync(this.dataDir, { recursive: true });
    const secret = create();
    try {
      writeFileSync(path, secret, { mode: 0o600, flag: 'wx' });
      return secret;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      return readFileSync(path, 'utf8').trim();
    }
  }
}

/** A 32-byte key written as 64 hex digits or in base64 (standard or URL-safe). */
function decodeKey(text: string): Buffer {
  const key = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length !== 32) throw new Error('Invalid configuration:\n  CAMERA_SECRETS_KEY: must hold exactly 32 bytes');
  return key;
}
