import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
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
import { ADMIN_PASSWORD, captureMails, startTestApp, type TestApp } from './support/test-app.js';

describe('auth', () => {
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

  const refresh = (token: string) => sut.http().post('/api/v1/auth/refresh').send({ refresh_token: token });
  const me = (token: string) => sut.http().get('/api/v1/auth/me').set('Authorization', `Bearer ${token}`);

  it('logs in by username or email and answers the documented token pair', async () => {
    const byName = await sut.http().post('/api/v1/auth/login').send({ username: 'admin', password: ADMIN_PASSWORD });
    assert.equal(byName.status, 200);
    assert.equal(byName.body.token_type, 'bearer');
    assert.equal(byName.body.expires_in, 3600);
    assert.match(byName.body.access_token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
    assert.equal(byName.body.user.username, 'admin');
    assert.equal(byName.body.user.role, 'super_admin');
    assert.ok(byName.body.user.permissions.includes('users:write'));
    assert.equal(byName.body.user.password_hash, undefined);

    const byEmail = await sut
      .http()
      .post('/api/v1/auth/login')
      .send({ email: 'ADMIN@localhost', password: ADMIN_PASSWORD });
    assert.equal(byEmail.status, 200);
    assert.equal(byEmail.body.user.id, byName.body.user.id);
  });

  it('refuses a wrong password with invalid_credentials and audits the failure', async () => {
    const response = await sut.http().post('/api/v1/auth/login').send({ username: 'admin', password: 'Wrong-pass-1' });
    assert.equal(response.status, 401);
    assert.equal(response.body.error, 'invalid_credentials');
    assert.ok(response.body.trace_id);
    const unknown = await sut.http().post('/api/v1/auth/login').send({ username: 'nobody', password: 'Wrong-pass-1' });
    assert.equal(unknown.status, 401);
    assert.equal(unknown.body.error, 'invalid_credentials');
    const audit = await sut.http().get('/api/v1/audit-logs?action=auth.login_failed').set(bearer(admin));
    assert.equal(audit.status, 200);
    assert.ok(audit.body.results.some((row: { entity_id: string }) => row.entity_id === admin.user.id));
  });

  it('requires username or email and a password', async () => {
    const response = await sut.http().post('/api/v1/auth/login').send({ password: 'x' });
    assert.equal(response.status, 400);
    assert.equal(response.body.error, 'validation_error');
    assert.ok(response.body.details.some((detail: { field: string }) => detail.field === 'username'));
  });

  it('throttles the sixth failed login within a minute with 429 and Retry-After', async () => {
    await createUserAndLogin(sut, admin, 'throttled', 'employee');
    for (let attempt = 0; attempt < 5; attempt++) {
      const response = await sut
        .http()
        .post('/api/v1/auth/login')
        .send({ username: 'throttled', password: 'Bad-pass-1' });
      assert.equal(response.status, 401);
    }
    const blocked = await sut
      .http()
      .post('/api/v1/auth/login')
      .send({ username: 'throttled', password: 'User-Pass-1' });
    assert.equal(blocked.status, 429);
    assert.equal(blocked.body.error, 'too_many_login_attempts');
    const retryAfter = Number(blocked.headers['retry-after']);
    assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
    // Another name from the same address is not affected.
    assert.equal(
      (await sut.http().post('/api/v1/auth/login').send({ username: 'admin', password: ADMIN_PASSWORD })).status,
      200,
    );
  });

  it('rotates refresh tokens: the new one works, the old one no longer does', async () => {
    const session = await loginAsAdmin(sut);
    const first = await refresh(session.refresh_token);
    assert.equal(first.status, 200);
    assert.notEqual(first.body.refresh_token, session.refresh_token);
    assert.notEqual(first.body.access_token, session.access_token);
    assert.equal((await me(first.body.access_token)).status, 200);
    const second = await refresh(first.body.refresh_token);
    assert.equal(second.status, 200);
  });

  it('revokes the whole login when a refresh token is used twice', async () => {
    const session = await loginAsAdmin(sut);
    const rotated = await refresh(session.refresh_token);
    assert.equal(rotated.status, 200);
    const reuse = await refresh(session.refresh_token);
    assert.equal(reuse.status, 401);
    assert.equal(reuse.body.error, 'token_reused');
    // The token issued by the legitimate rotation is dead too.
    const afterReuse = await refresh(rotated.body.refresh_token);
    assert.equal(afterReuse.status, 401);
    // Another login of the same user is untouched.
    assert.equal((await refresh(admin.refresh_token)).status, 200);
  });

  it('stores refresh tokens hashed, never in clear', async () => {
    const session = await loginAsAdmin(sut);
    const stored = await sut.app
      .get(DataSource)
      .query<{ token_hash: string }[]>('SELECT token_hash FROM refresh_tokens');
    assert.ok(stored.length > 0);
    assert.ok(stored.every((row) => row.token_hash !== session.refresh_token && /^[0-9a-f]{64}$/.test(row.token_hash)));
  });

  it('rejects garbage refresh tokens with 401 and a missing one with 400', async () => {
    assert.equal((await refresh('not-a-token')).status, 401);
    assert.equal((await refresh(`${crypto.randomUUID()}.${'a'.repeat(43)}`)).status, 401);
    const missing = await sut.http().post('/api/v1/auth/refresh').send({});
    assert.equal(missing.status, 400);
  });

  it('logs out: the refresh token stops working; 400 without a token, 401 for an invalid one', async () => {
    const session = await loginAsAdmin(sut);
    const out = await sut.http().post('/api/v1/auth/logout').send({ refresh_token: session.refresh_token });
    assert.equal(out.status, 200);
    assert.deepEqual(out.body, { status: 'logged_out' });
    assert.equal((await refresh(session.refresh_token)).status, 401);
    assert.equal((await sut.http().post('/api/v1/auth/logout').send({})).status, 400);
    assert.equal(
      (await sut.http().post('/api/v1/auth/logout').send({ refresh_token: session.refresh_token })).status,
      401,
    );
  });

  it('refuses a deactivated user at once, access and refresh alike', async () => {
    const employee = await createUserAndLogin(sut, admin, 'leaver', 'employee');
    assert.equal((await me(employee.access_token)).status, 200);
    const deactivate = await sut.http().delete(`/api/v1/users/${employee.user.id}`).set(bearer(admin));
    assert.equal(deactivate.status, 204);
    const refused = await me(employee.access_token);
    assert.equal(refused.status, 401);
    assert.equal((await refresh(employee.refresh_token)).status, 401);
    const relogin = await sut.http().post('/api/v1/auth/login').send({ username: 'leaver', password: 'User-Pass-1' });
    assert.equal(relogin.status, 403);
    assert.equal(relogin.body.error, 'account_inactive');
  });

  it('changes the password, ending the other logins but not this one', async () => {
    const user = await createUserAndLogin(sut, admin, 'changer', 'employee');
    const other = await login(sut, 'changer', 'User-Pass-1');
    const weak = await sut
      .http()
      .post('/api/v1/auth/change-password')
      .set(bearer(user))
      .send({ old_password: 'User-Pass-1', new_password: 'weak' });
    assert.equal(weak.status, 400);
    assert.equal(weak.body.details[0].field, 'new_password');
    const wrongOld = await sut
      .http()
      .post('/api/v1/auth/change-password')
      .set(bearer(user))
      .send({ old_password: 'Nope-Pass-1', new_password: 'Better-Pass-2' });
    assert.equal(wrongOld.status, 400);
    const changed = await sut
      .http()
      .post('/api/v1/auth/change-password')
      .set(bearer(user))
      .send({ old_password: 'User-Pass-1', new_password: 'Better-Pass-2' });
    assert.equal(changed.status, 200);
    assert.equal((await refresh(other.refresh_token)).status, 401);
    assert.equal((await refresh(user.refresh_token)).status, 200);
    await login(sut, 'changer', 'Better-Pass-2');
    const audit = await sut.http().get('/api/v1/audit-logs?action=auth.password_changed').set(bearer(admin));
    assert.equal(audit.body.count, 1);
  });

  it('resets a forgotten password with the mailed token, once', async () => {
    const user = await createUserAndLogin(sut, admin, 'forgetful', 'employee');
    const unknown = await sut.http().post('/api/v1/auth/forgot-password').send({ email: 'nobody@example.com' });
    const known = await sut.http().post('/api/v1/auth/forgot-password').send({ email: 'forgetful@example.com' });
    assert.equal(unknown.status, 200);
    assert.deepEqual(known.body, unknown.body);
    await sut.app.get(PasswordResetService).settled(); // the answer does not wait for the lookup and the mail
    const mail = mails.find((message) => message.to === 'forgetful@example.com');
    assert.ok(mail, 'a reset mail was sent');
    assert.equal(mails.filter((message) => message.to === 'nobody@example.com').length, 0);
    const token = /\n\n(\S+)\n\n/.exec(mail.text)?.[1];
    assert.ok(token);
    const reset = await sut.http().post('/api/v1/auth/reset-password').send({ token, new_password: 'Fresh-Pass-3' });
    assert.equal(reset.status, 200);
    assert.equal((await me(user.access_token)).status, 401, 'old access tokens end with a reset');
    assert.equal((await refresh(user.refresh_token)).status, 401);
    await login(sut, 'forgetful', 'Fresh-Pass-3');
    const again = await sut.http().post('/api/v1/auth/reset-password').send({ token, new_password: 'Other-Pass-4' });
    assert.equal(again.status, 400);
    assert.equal(again.body.error, 'invalid_token');
  });

  it("refuses the users of a deactivated organisation, but not the super admin's", async () => {
    const { organizationId, admin: orgAdmin } = await createOrganizationWithAdmin(sut, admin, 'closing');
    assert.equal((await me(orgAdmin.access_token)).status, 200);
    assert.equal((await sut.http().delete(`/api/v1/organizations/${organizationId}`).set(bearer(admin))).status, 204);
    const refused = await me(orgAdmin.access_token);
    assert.equal(refused.status, 401);
    assert.equal(refused.body.error, 'organization_inactive');
    const relogin = await sut
      .http()
      .post('/api/v1/auth/login')
      .send({ username: 'closing-admin', password: 'Org-Admin-1' });
    assert.equal(relogin.status, 403);
    assert.equal(relogin.body.error, 'organization_inactive');
    assert.equal((await me(admin.access_token)).status, 200);
  });

  it('refuses missing, malformed and forged access tokens', async () => {
    const none = await sut.http().get('/api/v1/auth/me');
    assert.equal(none.status, 401);
    assert.equal((await me('abc')).status, 401);
    const [header, payload] = admin.access_token.split('.');
    const forged = await me(`${header}.${payload}.${'A'.repeat(43)}`);
    assert.equal(forged.status, 401);
    assert.equal(forged.body.error, 'invalid_token');
  });
});
