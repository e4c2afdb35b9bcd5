import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { plainToInstance, Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength, validateSync } from 'class-validator';

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
  /** Frame processing: debounce window, travel window (seconds), shift margin (minutes). */
  readonly presence: { debounceSeconds: number; travelSeconds: number; shiftMarginMinutes: number };

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
    this.presence = {
      debounceSeconds: vars.PRESENCE_DEBOUNCE_SECONDS,
      travelSeconds: vars.PRESENCE_TRAVEL_SECONDS,
      shiftMarginMinutes: vars.PRESENCE_SHIFT_MARGIN_MINUTES,
    };
    this.jwtSecret = vars.JWT_SECRET ?? this.loadOrCreateJwtSecret();
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

  private loadOrCreateJwtSecret(): string {
    const path = join(this.dataDir, 'jwt-secret');
    if (existsSync(path)) return readFileSync(path, 'utf8').trim();
    mkdirSync(this.dataDir, { recursive: true });
    const secret = randomBytes(48).toString('base64url');
    writeFileSync(path, secret, { mode: 0o600 });
    return secret;
  }
}
