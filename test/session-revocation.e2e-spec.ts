import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createApp } from '../src/app/create-app.js';
import { PasswordResetService } from '../src/auth/password-reset.service.js';
import type { MailMessage } from '../src/mail/mail-transport.js';
import {
  bearer,
  createOrganizationWithAdmin,
  createUserAndLogin,
  login,
  loginAsAdmin,
  type Session,
} from './support/api-client.js';
import { captureMails, startTestApp, type TestApp } from './support/test-app.js';

describe('access tokens end with their session', () => {
  let sut: TestApp;
  let admin: Session;
  let mails: MailMessage[];

  before(async () => {
    // No refresh grace window here: a reuse is a reuse at once (test/refresh-grace.e2e-spec.ts covers the window).
    sut = await startTestApp({ REFRESH_GRACE_SECONDS: '0' });
    mails = captureMails(sut);
    admin = await loginAsAdmin(sut);
  });
  after(() => sut.close());

  const me = (session: Pick<Session, 'access_token'>) =>
    sut.http().get('/api/v1/auth/me').set('Authorization', `Bearer ${session.access_token}`);
  const refresh = (token: string) => sut.http().post('/api/v1/auth/refresh').send({ refresh_token: token });

  it('ends the access token at logout, and only that login', async () => {
    const user = await createUserAndLogin(sut, admin, 'leaving', 'employee');
    const otherLogin = await login(sut, 'leaving', 'User-Pass-1');
    assert.equal((await me(user)).status, 200);
    const logout = await sut.http().post('/api/v1/auth/logout').send({ refresh_token: user.refresh_token });
    assert.equal(logout.status, 200);
    const refused = await me(user);
    assert.equal(refused.status, 401);
    assert.equal(refused.body.error, 'session_ended');
    assert.equal((await me(otherLogin)).status, 200);
  });

  it('ends the access tokens of a login whose refresh token was reused', async () => {
    const user = await createUserAndLogin(sut, admin, 'leaky', 'employee');
    const rotated = await refresh(user.refresh_token);
    assert.equal(rotated.status, 200);
    const fresh = rotated.body as Session;
    assert.equal((await me(fresh)).status, 200);
    assert.equal((await refresh(user.refresh_token)).status, 401, 'the stolen token is refused');
    assert.equal((await me(fresh)).status, 401, 'and the thief-or-victim session is over');
    assert.equal((await me(user)).status, 401);
  });

  it('ends the other logins at a password change, keeping this one', async () => {
    const user = await createUserAndLogin(sut, admin, 'changing', 'employee');
    const other = await login(sut, 'changing', 'User-Pass-1');
    assert.equal((await me(other)).status, 200);
    const changed = await sut
      .http()
      .post('/api/v1/auth/change-password')
      .set(bearer(user))
      .send({ old_password: 'User-Pass-1', new_password: 'Newer-Pass-2' });
    assert.equal(changed.status, 200);
    assert.equal((await me(other)).status, 401);
    assert.equal((await me(user)).status, 200);
  });

  it('refuses refresh for users of a deactivated organisation', async () => {
    const { organizationId, admin: orgAdmin } = await createOrganizationWithAdmin(sut, admin, 'shut');
    assert.equal((await sut.http().delete(`/api/v1/organizations/${organizationId}`).set(bearer(admin))).status, 204);
    const refreshed = await refresh(orgAdmin.refresh_token);
    assert.equal(refreshed.status, 401);
    assert.equal(refreshed.body.error, 'organization_inactive');
    assert.equal((await me(orgAdmin)).status, 401);
  });

  it('voids every outstanding reset token when a new one is issued, one is used, or the password changes', async () => {
    const user = await createUserAndLogin(sut, admin, 'resetter', 'employee');
    const requestToken = async () => {
      const before = mails.length;
      const answer = await sut.http().post('/api/v1/auth/forgot-password').send({ email: 'resetter@example.com' });
      assert.equal(answer.status, 200);
      await sut.app.get(PasswordResetService).settled();
      assert.equal(mails.length, before + 1);
      return /\n\n(\S+)\n\n/.exec(mails[mails.length - 1].text)![1];
    };
    const reset = (token: string, password: string) =>
      sut.http().post('/api/v1/auth/reset-password').send({ token, new_password: password });

    const first = await requestToken();
    const second = await requestToken();
    const third = await requestToken();
    assert.equal((await reset(first, 'Reset-Pass-3')).status, 400, 'a newer token voids the older');
    assert.equal((await reset(second, 'Reset-Pass-3')).status, 400);
    const fourth = await sut.http().post('/api/v1/auth/forgot-password').send({ email: 'RESETTER@example.com' });
    assert.equal(fourth.status, 429, 'a fourth request in 15 minutes is throttled (3 per mailbox)');
    assert.ok(Number(fourth.headers['retry-after']) > 0);
    assert.equal((await reset(third, 'Reset-Pass-3')).status, 200);
    assert.equal((await reset(third, 'Reset-Pass-4')).status, 400, 'a used token is spent');
    assert.equal((await me(user)).status, 401);

    const other = await createUserAndLogin(sut, admin, 'changer2', 'employee');
    const before = mails.length;
    await sut.http().post('/api/v1/auth/forgot-password').send({ email: 'changer2@example.com' });
    await sut.app.get(PasswordResetService).settled();
    const pending = /\n\n(\S+)\n\n/.exec(mails[before].text)![1];
    const changed = await sut
      .http()
      .post('/api/v1/auth/change-password')
      .set(bearer(other))
      .send({ old_password: 'User-Pass-1', new_password: 'Changed-Pass-4' });
    assert.equal(changed.status, 200);
    assert.equal((await reset(pending, 'Reset-Pass-5')).status, 400, 'a password change voids pending reset tokens');

    const managed = await createUserAndLogin(sut, admin, 'adminset', 'employee');
    const sent = mails.length;
    await sut.http().post('/api/v1/auth/forgot-password').send({ email: 'adminset@example.com' });
    await sut.app.get(PasswordResetService).settled();
    const outstanding = /\n\n(\S+)\n\n/.exec(mails[sent].text)![1];
    const set = await sut
      .http()
      .patch(`/api/v1/users/${managed.user.id}`)
      .set(bearer(admin))
      .send({ password: 'Admin-Set-6x' });
    assert.equal(set.status, 200);
    assert.equal((await me(managed)).status, 401, 'an admin-set password ends the sessions');
    assert.equal((await reset(outstanding, 'Reset-Pass-7')).status, 400, 'and voids pending reset tokens');
  });

  it("records session events under the user's organisation, and installation-wide ones for super admins", async () => {
    const { admin: orgAdmin } = await createOrganizationWithAdmin(sut, admin, 'audited');
    const member = await createUserAndLogin(sut, orgAdmin, 'audited-member', 'employee');
    await sut.http().post('/api/v1/auth/logout').send({ refresh_token: member.refresh_token }).expect(200);
    await sut.http().post('/api/v1/auth/login').send({ username: 'no-such-name', password: 'Wrong-1' }).expect(401);
    const seen = await sut.http().get('/api/v1/audit-logs?action=auth.logout').set(bearer(orgAdmin));
    assert.equal(seen.status, 200);
    assert.deepEqual(
      (seen.body.results as { user_id: string }[]).map((entry) => entry.user_id),
      [member.user.id],
    );
    const everything = await sut
      .http()
      .get('/api/v1/audit-logs?all_organizations=true&action=auth.login_failed')
      .set(bearer(admin));
    assert.equal(everything.status, 200);
    assert.ok(
      (everything.body.results as { organization_id: string | null }[]).some((e) => e.organization_id === null),
    );
    const refused = await sut.http().get('/api/v1/audit-logs?all_organizations=true').set(bearer(orgAdmin));
    assert.equal(refused.status, 403);
  });

  it('refuses a validly signed token without an expiry, or with a malformed subject', async () => {
    const claims = JSON.parse(Buffer.from(admin.access_token.split('.')[1], 'base64url').toString()) as {
      exp?: number;
      sub: string;
    };
    const sign = (payload: object) => signHs256(payload, sut.config.jwtSecret);
    const { exp, ...noExpiry } = claims;
    assert.ok(exp);
    assert.equal((await me({ access_token: sign(noExpiry) })).status, 401);
    const refused = await me({ access_token: sign({ ...claims, sub: "x' OR 1=1" }) });
    assert.equal(refused.status, 401);
    assert.equal(refused.body.error, 'invalid_token');
    assert.equal((await me({ access_token: sign(claims) })).status, 200, 'the same claims with an expiry work');
  });
});

describe('access tokens end on every instance', { skip: !sut2Possible() }, () => {
  let sut: TestApp;
  let peer: INestApplication;
  let admin: Session;

  before(async () => {
    sut = await startTestApp();
    peer = await createApp(sut.config);
    await peer.listen(0, '127.0.0.1');
    admin = await loginAsAdmin(sut);
  });
  after(async () => {
    await peer.close();
    await sut.close();
  });

  const meOnPeer = (session: Session) =>
    request(peer.getHttpServer())
      .get('/api/v1/auth/me')
      .set(bearer(session))
      .then((response) => response.status);

  it('refuses on instance B, at once, what instance A ended', async () => {
    const user = await createUserAndLogin(sut, admin, 'roaming', 'employee');
    assert.equal(await meOnPeer(user), 200, 'B has now cached the session as live');
    assert.equal(await meOnPeer(user), 200);
    await sut.http().post('/api/v1/auth/logout').send({ refresh_token: user.refresh_token }).expect(200);
    assert.equal(await waitForStatus(() => meOnPeer(user), 401), 401);

    const second = await login(sut, 'roaming', 'User-Pass-1');
    assert.equal(await meOnPeer(second), 200);
    await sut.http().delete(`/api/v1/users/${second.user.id}`).set(bearer(admin)).expect(204);
    assert.equal(await waitForStatus(() => meOnPeer(second), 401), 401);
  });
});

/** Two instances share one database only on PostgreSQL (an embedded database belongs to one process). */
function sut2Possible(): boolean {
  return Boolean(process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL);
}

/** PostgreSQL delivers the notification at commit; give it up to a second to arrive, as the docs promise. */
async function waitForStatus(check: () => Promise<number>, wanted: number): Promise<number> {
  const deadline = Date.now() + 1000;
  let status = await check();
  while (status !== wanted && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    status = await check();
  }
  return status;
}

/** An HS256 JWT signed with the service's own secret, for claims the service itself would never issue. */
function signHs256(payload: object, secret: string): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(payload)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}
