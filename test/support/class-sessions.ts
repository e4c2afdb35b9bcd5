import { readFileSync } from 'node:fs';
import { addDays, toLocalTime } from '../../src/attendance/local-time.js';
import { bearer, createOrganization, createUserAndLogin, ORG_ADMIN_PASSWORD, type Session } from './api-client.js';
import { facePath } from './shared-data.js';
import type { TestApp } from './test-app.js';

/**
 * A fixed-offset zone whose wall clock reads about noon now, so that a session "under way" (begun half an hour
 * ago, ending in an hour) fits in one local day whenever the suite runs. `Etc/GMT-3` is UTC+3.
 */
export function middayZone(now = new Date()): string {
  const offset = 12 - now.getUTCHours();
  return offset === 0 ? 'Etc/GMT' : offset > 0 ? `Etc/GMT-${offset}` : `Etc/GMT+${-offset}`;
}

const hhmm = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** Today in `timeZone`, a day `days` later, and `HH:MM` times `minutes` from the local now. */
export function localClock(timeZone: string) {
  const local = toLocalTime(new Date(), timeZone);
  const nowMinutes = Math.floor(local.seconds / 60);
  return {
    today: local.date,
    day: (days: number) => addDays(local.date, days),
    at: (minutes: number) => hhmm(nowMinutes + minutes),
  };
}

/** An organisation whose clock reads about noon, and its admin. */
export async function createMiddayOrganization(
  app: TestApp,
  superAdmin: Session,
  code: string,
): Promise<{ organizationId: string; admin: Session; timeZone: string }> {
  const timeZone = middayZone();
  const organizationId = await createOrganization(app, superAdmin, { code, timezone: timeZone });
  const admin = await createUserAndLogin(app, superAdmin, `${code}-admin`, 'admin', {
    organizationId,
    password: ORG_ADMIN_PASSWORD,
  });
  return { organizationId, admin, timeZone };
}

/** POST /attendance/sessions/:id/mark with a photo under shared/faces (and `taken_at` when given). */
export function markClassPhoto(app: TestApp, session: Session, sessionId: string, parts: string[], takenAt?: Date) {
  let request = app.http().post(`/api/v1/attendance/sessions/${sessionId}/mark`).set(bearer(session));
  if (takenAt) request = request.field('taken_at', takenAt.toISOString());
  return request.attach('image', readFileSync(facePath(...parts)), parts.at(-1));
}

/** PUT /attendance/sessions/:id/marks/:employee_id. */
export function overrideMark(app: TestApp, session: Session, sessionId: string, employeeId: string, body: object) {
  return app.http().put(`/api/v1/attendance/sessions/${sessionId}/marks/${employeeId}`).set(bearer(session)).send(body);
}
