import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { AppConfig } from './app-config.js';

describe(AppConfig.name, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'facegate-config-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('applies the documented defaults', () => {
    const sut = AppConfig.fromEnvironment({ DATA_DIR: dataDir });
    assert.equal(sut.port, 3000);
    assert.equal(sut.accessTokenTtl, 3600);
    assert.equal(sut.refreshTokenTtl, 7 * 24 * 3600);
    assert.equal(sut.adminUsername, 'admin');
    assert.equal(sut.usesEmbeddedDatabase, true);
    assert.deepEqual(sut.corsOrigins, []);
  });

  it('runs jobs in every process by default, and refuses WORKERS=false or REDIS_URL without DATABASE_URL', () => {
    const sut = AppConfig.fromEnvironment({ DATA_DIR: dataDir });
    assert.deepEqual(sut.jobs, {
      workers: true,
      concurrency: 1,
      lockMs: 30_000,
      redisPrefix: 'facegate',
      backoffMs: {},
    });
    assert.equal(sut.shutdownTimeoutMs, 25_000);
    assert.throws(() => AppConfig.fromEnvironment({ DATA_DIR: dataDir, WORKERS: 'false' }), /WORKERS: false needs/);
    assert.throws(
      () => AppConfig.fromEnvironment({ DATA_DIR: dataDir, REDIS_URL: 'redis://127.0.0.1:6379' }),
      /REDIS_URL: needs DATABASE_URL/,
    );
    const api = AppConfig.fromEnvironment({
      DATA_DIR: dataDir,
      DATABASE_URL: 'postgres://db/facegate',
      REDIS_URL: 'redis://127.0.0.1:6379',
      WORKERS: 'false',
    });
    assert.deepEqual([api.jobs.workers, api.redisUrl], [false, 'redis://127.0.0.1:6379']);
    assert.throws(
      () => AppConfig.fromEnvironment({ DATA_DIR: dataDir, WORKERS: 'no' }),
      /WORKERS must be true or false/,
    );
  });

  it('names every wrong variable in one error', () => {
    assert.throws(
      () =>
        AppConfig.fromEnvironment({
          DATA_DIR: dataDir,
          PORT: '70000',
          DATABASE_URL: 'mysql://x',
          ACCESS_TOKEN_TTL: 'soon',
        }),
      (error: Error) =>
        /PORT/.test(error.message) && /DATABASE_URL/.test(error.message) && /ACCESS_TOKEN_TTL/.test(error.message),
    );
  });

  it('reads CLASS_LATE_AFTER_MINUTES (default 10) and refuses values outside 0-240', () => {
    assert.equal(AppConfig.fromEnvironment({ DATA_DIR: dataDir }).classLateAfterMinutes, 10);
    assert.equal(
      AppConfig.fromEnvironment({ DATA_DIR: dataDir, CLASS_LATE_AFTER_MINUTES: '0' }).classLateAfterMinutes,
      0,
    );
    for (const value of ['-1', '241', 'soon']) {
      assert.throws(
        () => AppConfig.fromEnvironment({ DATA_DIR: dataDir, CLASS_LATE_AFTER_MINUTES: value }),
        /CLASS_LATE_AFTER_MINUTES/,
      );
    }
  });

  it('requires JWT_SECRET in production', () => {
    assert.throws(
      () => AppConfig.fromEnvironment({ NODE_ENV: 'production', DATA_DIR: dataDir }),
      /JWT_SECRET: required/,
    );
    const sut = AppConfig.fromEnvironment({ NODE_ENV: 'production', DATA_DIR: dataDir, JWT_SECRET: 'x'.repeat(32) });
    assert.equal(sut.jwtSecret, 'x'.repeat(32));
  });

  it('generates a JWT secret once and keeps it in DATA_DIR', () => {
    const first = AppConfig.fromEnvironment({ DATA_DIR: dataDir });
    const second = AppConfig.fromEnvironment({ DATA_DIR: dataDir });
    assert.ok(first.jwtSecret.length >= 32);
    assert.equal(second.jwtSecret, first.jwtSecret);
    assert.equal(readFileSync(join(dataDir, 'jwt-secret'), 'utf8'), first.jwtSecret);
  });

  it('generates the camera secrets key once and keeps it in DATA_DIR', () => {
    const first = AppConfig.fromEnvironment({ DATA_DIR: dataDir });
    const second = AppConfig.fromEnvironment({ DATA_DIR: dataDir });
    assert.equal(first.cameraSecretsKey.length, 32);
    assert.deepEqual(second.cameraSecretsKey, first.cameraSecretsKey);
    assert.deepEqual(
      Buffer.from(readFileSync(join(dataDir, 'camera-secrets-key'), 'utf8'), 'base64'),
      first.cameraSecretsKey,
    );
  });

  it('reads CAMERA_SECRETS_KEY as 64 hex digits or base64, and refuses anything else', () => {
    const key = Buffer.alloc(32, 7);
    for (const text of [key.toString('hex'), key.toString('base64'), key.toString('base64url')]) {
      assert.deepEqual(
        AppConfig.fromEnvironment({ DATA_DIR: dataDir, CAMERA_SECRETS_KEY: text }).cameraSecretsKey,
        key,
      );
    }
    for (const text of ['short', key.toString('hex').slice(2), Buffer.alloc(16).toString('base64')]) {
      assert.throws(
        () => AppConfig.fromEnvironment({ DATA_DIR: dataDir, CAMERA_SECRETS_KEY: text }),
        /CAMERA_SECRETS_KEY/,
        text,
      );
    }
  });

  it('splits CORS origins', () => {
    const sut = AppConfig.fromEnvironment({
      DATA_DIR: dataDir,
      CORS_ORIGINS: 'https://a.example, http://localhost:5173,',
    });
    assert.deepEqual(sut.corsOrigins, ['https://a.example', 'http://localhost:5173']);
    assert.deepEqual(sut.cors, { origin: ['https://a.example', 'http://localhost:5173'], credentials: true });
  });

  it('never combines any origin (*) with credentials, and refuses * inside a list', () => {
    assert.deepEqual(AppConfig.fromEnvironment({ DATA_DIR: dataDir, CORS_ORIGINS: '*' }).cors, {
      origin: '*',
      credentials: false,
    });
    assert.throws(
      () => AppConfig.fromEnvironment({ DATA_DIR: dataDir, CORS_ORIGINS: 'https://a.example,*' }),
      /CORS_ORIGINS: \* allows any origin/,
    );
  });

  it('signs photo URLs with a key of their own, derived from the JWT secret unless FILE_URL_KEY is set', () => {
    const secret = 'x'.repeat(40);
    const derived = AppConfig.fromEnvironment({ DATA_DIR: dataDir, JWT_SECRET: secret });
    const again = AppConfig.fromEnvironment({ DATA_DIR: dataDir, JWT_SECRET: secret });
    const own = AppConfig.fromEnvironment({ DATA_DIR: dataDir, JWT_SECRET: secret, FILE_URL_KEY: 'y'.repeat(32) });
    assert.ok(derived.fileUrls.key.equals(again.fileUrls.key), 'instances sharing JWT_SECRET agree');
    assert.ok(!derived.fileUrls.key.equals(Buffer.from(secret)), 'not the JWT secret itself');
    assert.ok(!own.fileUrls.key.equals(derived.fileUrls.key));
    assert.equal(derived.fileUrls.ttlSeconds, 900);
    assert.equal(derived.fileUrls.resourcePolicy, 'same-site');
    assert.equal(
      AppConfig.fromEnvironment({ DATA_DIR: dataDir, CORS_ORIGINS: 'https://a.example' }).fileUrls.resourcePolicy,
      'cross-origin',
    );
  });

  it('logs JSON in production and text elsewhere unless LOG_FORMAT says, with an access log by default', () => {
    const secret = 'x'.repeat(32);
    const env = { DATA_DIR: dataDir, JWT_SECRET: secret };
    assert.deepEqual(AppConfig.fromEnvironment(env).logs, { format: 'pretty', accessLog: true });
    assert.equal(AppConfig.fromEnvironment({ ...env, NODE_ENV: 'production' }).logs.format, 'json');
    assert.equal(
      AppConfig.fromEnvironment({ ...env, NODE_ENV: 'production', LOG_FORMAT: 'pretty' }).logs.format,
      'pretty',
    );
    assert.equal(AppConfig.fromEnvironment({ ...env, ACCESS_LOG: 'false' }).logs.accessLog, false);
    assert.throws(() => AppConfig.fromEnvironment({ ...env, LOG_FORMAT: 'xml' }), /LOG_FORMAT must be json or pretty/);
  });

  it('reads the metrics access rule and the retention of each kind of data', () => {
    const sut = AppConfig.fromEnvironment({ DATA_DIR: dataDir, METRICS_ALLOW_FROM: ' 10.0.0.5, 10.1.0.0/16 ,' });
    assert.deepEqual(sut.metrics, { enabled: true, token: undefined, allowFrom: ['10.0.0.5', '10.1.0.0/16'] });
    assert.deepEqual(sut.retention, {
      auditDays: 365,
      unknownSnapshotDays: 30,
      jobsDays: 30,
      webhookDeliveriesDays: 30,
    });
    assert.equal(
      AppConfig.fromEnvironment({ DATA_DIR: dataDir, RETENTION_WEBHOOK_DELIVERIES_DAYS: '7' }).retention
        .webhookDeliveriesDays,
      7,
    );
    assert.throws(() => AppConfig.fromEnvironment({ DATA_DIR: dataDir, METRICS_TOKEN: 'short' }), /at least 16/);
    assert.throws(
      () => AppConfig.fromEnvironment({ DATA_DIR: dataDir, RETENTION_JOBS_DAYS: '0' }),
      /RETENTION_JOBS_DAYS/,
    );
  });

  it('reads the presence mark interval and the inference threads', () => {
    const sut = AppConfig.fromEnvironment({ DATA_DIR: dataDir });
    assert.equal(sut.presence.markIntervalSeconds, 10);
    assert.equal(sut.inferenceThreads, Math.min(2, availableParallelism()));
    const set = AppConfig.fromEnvironment({
      DATA_DIR: dataDir,
      PRESENCE_MARK_INTERVAL_SECONDS: '0',
      INFERENCE_THREADS: '1',
    });
    assert.deepEqual([set.presence.markIntervalSeconds, set.inferenceThreads], [0, 1]);
    assert.throws(() => AppConfig.fromEnvironment({ DATA_DIR: dataDir, INFERENCE_THREADS: '0' }), /INFERENCE_THREADS/);
  });

  it('reads the smallest face camera frames and identify name, 16 px at least', () => {
    const defaults = AppConfig.fromEnvironment({ DATA_DIR: dataDir });
    assert.deepEqual([defaults.presence.minFaceSize, defaults.identifyMinFaceSize], [48, 40]);
    const set = AppConfig.fromEnvironment({ DATA_DIR: dataDir, PRESENCE_MIN_FACE_SIZE: '24' });
    assert.equal(set.presence.minFaceSize, 24);
    assert.throws(
      () => AppConfig.fromEnvironment({ DATA_DIR: dataDir, PRESENCE_MIN_FACE_SIZE: '8' }),
      /PRESENCE_MIN_FACE_SIZE/,
    );
  });
});
