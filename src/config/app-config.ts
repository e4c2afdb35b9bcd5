import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
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

  /** A student first seen in a class photo more than this many minutes after the session's start is `late`. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(240)
  CLASS_LATE_AFTER_MINUTES: number = 10;

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
}

/** The folder holding package.json (this file is src/config/ or dist/src/config/ below it). */
function findPackageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/** Where `npm ci` builds the default model pack. */
export const BUILT_IN_MODELS_DIR = join(findPackageRoot(), 'models');

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
  /** Express's `trust proxy`: false (the default: the socket address is the client), a hop count, or a list. */
  readonly trustProxy: false | number | string;
  /** Extra models (YuNet, MiniFASNet) are looked for here first, then in the built-in pack. */
  readonly modelsDir: string;
  readonly builtInModelsDir = BUILT_IN_MODELS_DIR;
  readonly smtpUrl: string | undefined;
  readonly mailFrom: string;
  readonly logLevel: 'error' | 'warn' | 'log' | 'debug' | 'verbose';
  readonly attendanceHalfDayHours: number;
  readonly attendanceCloseTime: string;
  /** Minutes after a class session's start after which a student recognised in a class photo is `late`. */
  readonly classLateAfterMinutes: number;
  /** The 32-byte AES-256-GCM key for camera credentials: CAMERA_SECRETS_KEY, or generated once in DATA_DIR. */
  readonly cameraSecretsKey: Buffer;
  /** A camera is online while its last heartbeat or frame is at most this many seconds old. */
  readonly cameraOnlineWindowSeconds: number;
  /** How long the camera connection test waits for a TCP connection. */
  readonly cameraTestTimeoutMs: number;
  /** Frame processing: debounce window, travel window (seconds), shift margin (minutes). */
  readonly presence: { debounceSeconds: number; travelSeconds: number; shiftMarginMinutes: number };
  /** The 32-byte key of visitors' ID numbers (sealing and keyed hashes): VISITOR_ID_KEY, or generated once in DATA_DIR. */
  readonly visitorIdKey: Buffer;
  /** Days after a visitor's last visit when their faces are erased. */
  readonly visitorRetentionDays: number;

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
    const trustProxy = vars.TRUST_PROXY.trim();
    this.trustProxy =
      trustProxy === '' || trustProxy === 'false' ? false : /^\d+$/.test(trustProxy) ? Number(trustProxy) : trustProxy;
    this.modelsDir = resolve(vars.MODELS_DIR ?? BUILT_IN_MODELS_DIR);
    this.smtpUrl = vars.SMTP_URL;
    this.mailFrom = vars.MAIL_FROM;
    this.logLevel = vars.LOG_LEVEL as AppConfig['logLevel'];
    this.attendanceHalfDayHours = vars.ATTENDANCE_HALF_DAY_HOURS;
    this.attendanceCloseTime = vars.ATTENDANCE_CLOSE_TIME;
    this.classLateAfterMinutes = vars.CLASS_LATE_AFTER_MINUTES;
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
      shiftMarginMinutes: vars.PRESENCE_SHIFT_MARGIN_MINUTES,
    };
    this.visitorIdKey = decodeKey(
      vars.VISITOR_ID_KEY ?? this.loadOrCreateSecret('visitor-id-key', () => randomBytes(32).toString('base64')),
    );
    this.visitorRetentionDays = vars.VISITOR_RETENTION_DAYS;
  }

  /**
   * Reads and validates the environment. Throws one error naming every wrong variable.
   * In production JWT_SECRET is required; elsewhere a secret is generated once and kept in DATA_DIR.
   */
  static fromEnvironment(env: NodeJS.ProcessEnv = process.env): AppConfig {
    const vars = plainToInstance(EnvironmentVariables, { ...env });
    const errors = validateSync(vars, { skipMissingProperties: false });
    const problems = errors.map((error) => `${error.property}: ${Object.values(error.constraints ?? {}).join('; ')}`);
    if (vars.NODE_ENV === 'production' && !vars.JWT_SECRET) {
      problems.push('JWT_SECRET: required when NODE_ENV=production');
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
