import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PasswordResetService } from '../src/auth/password-reset.service.js';
import { MailTransport, type MailMessage } from '../src/mail/mail-transport.js';
import { bearer, createUserAndLogin, loginAsAdmin, type Session } from './support/api-client.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';

/**
 * Throttles an attacker cannot step around. The app trusts X-Forwarded-For from loopback here (TRUST_PROXY), so
 * each test can play a client of its own address; the last suite checks the default, which trusts no proxy.
 */
describe('login and password throttling', () => {
  let sut: TestApp;
  let admin: Session;

  before(async () => {
    sut = await startTestApp({ TRUST_PROXY: 'loopback' });
    admin = await loginAsAdmin(sut);
  });
  after(() => sut.close());

  const loginFrom = (address: string, body: object) =>
    sut.http().post('/api/v1/auth/login').set('X-Forwarded-For', address).send(body);

  it('checks exactly 5 of 20 parallel wrong passwords for one account; the rest get 429', async () => {
    await createUserAndLogin(sut, admin, 'target1', 'employee');
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        loginFrom(`198.51.100.${i + 1}`, { username: 'target1', password: 'Wrong-1' }),
      ),
    );
    const statuses = responses.map((response) => response.status);
    assert.equal(statuses.filter((status) => status === 401).length, 5, statuses.join(','));
    assert.equal(statuses.filter((status) => status === 429).length, 15, statuses.join(','));
    const limited = responses.find((response) => response.status === 429)!;
    assert.equal(limited.body.error, 'too_many_login_attempts');
    assert.ok(Number(limited.headers['retry-after']) >= 1);
  });

  it('counts one account once whether the username or the email is typed', async () => {
    await createUserAndLogin(sut, admin, 'target2', 'employee');
    for (let i = 0; i < 3; i++) {
      assert.equal((await loginFrom('198.51.100.30', { username: 'target2', password: 'Wrong-1' })).status, 401);
    }
    for (let i = 0; i < 2; i++) {
      const byMail = await loginFrom('198.51.100.31', { email: 'TARGET2@example.com', password: 'Wrong-1' });
      assert.equal(byMail.status, 401);
    }
    const right = await loginFrom('198.51.100.32', { username: 'target2', password: 'User-Pass-1' });
    assert.equal(right.status, 429, 'even the right password waits until the window is over');
  });

  it('counts one address across all names', async () => {
    for (let i = 0; i < 20; i++) {
      const response = await loginFrom('203.0.113.7', { username: `nobody${i}`, password: 'Wrong-1' });
      assert.equal(response.status, 401);
    }
    const next = await loginFrom('203.0.113.7', { username: 'nobody-else', password: 'Wrong-1' });
    assert.equal(next.status, 429);
    assert.equal((await loginFrom('203.0.113.8', { username: 'nobody-else', password: 'Wrong-1' })).status, 401);
  });

  it('throttles wrong old_password guesses when changing the password', async () => {
    const user = await createUserAndLogin(sut, admin, 'target3', 'employee');
    const change = (old: string) =>
      sut
        .http()
        .post('/api/v1/auth/change-password')
        .set(bearer(user))
        .send({ old_password: old, new_password: 'Another-Pass-7' });
    for (let i = 0; i < 5; i++) assert.equal((await change(`Guess-${i}a`)).status, 400);
    const limited = await change('User-Pass-1');
    assert.equal(limited.status, 429);
    assert.equal(limited.body.error, 'too_many_password_attempts');
  });

  it('refuses common passwords and passwords made of the account names', async () => {
    const create = (username: string, password: string) =>
      sut
        .http()
        .post('/api/v1/users')
        .set(bearer(admin))
        .send({ username, email: `${username}.mail@example.com`, password, full_name: username, role: 'employee' });
    for (const [username, password, problem] of [
      ['pat', 'Password1', 'common'],
      ['pat', 'Monkey2024!', 'common'],
      ['jsmith', 'Jsmith-2024x', 'username'],
      ['jdoe', 'Xx-jdoe.MAIL-9', 'email'],
    ]) {
      const response = await create(username, password);
      assert.equal(response.status, 400, `${password}: ${JSON.stringify(response.body)}`);
      assert.equal(response.body.details[0].field, 'password');
      assert.match(response.body.details[0].message, new RegExp(problem));
    }
    assert.equal((await create('pat', 'Quiet-Lantern-42')).status, 201);
    const user = await createUserAndLogin(sut, admin, 'renamer', 'employee');
    const change = await sut
      .http()
      .post('/api/v1/auth/change-password')
      .set(bearer(user))
      .send({ old_password: 'User-Pass-1', new_password: 'Renamer-2025' });
    assert.equal(change.status, 400);
    assert.equal(change.body.details[0].field, 'new_password');
    const adminSet = await sut
      .http()
      .patch(`/api/v1/users/${user.user.id}`)
      .set(bearer(admin))
      .send({ password: 'Qwerty123' });
    assert.equal(adminSet.status, 400);
  });

  it('answers forgot-password before looking anything up, and throttles per client address', async () => {
    let release!: () => void;
    const sent = new Promise<void>((resolve) => (release = resolve));
    const mails: MailMessage[] = [];
    sut.app.get(MailTransport).send = async (message: MailMessage) => {
      await sent;
      mails.push(message);
    };
    await createUserAndLogin(sut, admin, 'forgetter', 'employee');
    const answer = await sut
      .http()
      .post('/api/v1/auth/forgot-password')
      .set('X-Forwarded-For', '192.0.2.50')
      .send({ email: 'forgetter@example.com' });
    assert.equal(answer.status, 200);
    assert.equal(mails.length, 0, 'the answer went out while the mail was still waiting');
    release();
    await sut.app.get(PasswordResetService).settled();
    assert.equal(mails.length, 1);
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      const response = await sut
        .http()
        .post('/api/v1/auth/forgot-password')
        .set('X-Forwarded-For', '192.0.2.51')
        .send({ email: `someone${i}@example.com` });
      statuses.push(response.status);
    }
    const eleventh = await sut
      .http()
      .post('/api/v1/auth/forgot-password')
      .set('X-Forwarded-For', '192.0.2.51')
      .send({ email: 'someone-else@example.com' });
    assert.deepEqual(statuses, Array(10).fill(200));
    assert.equal(eleventh.status, 429);
  });
});

describe('X-Forwarded-For by default', () => {
  const context = useTestApp();

  it('is ignored: a forged address neither escapes the throttle nor reaches the audit trail', async () => {
    await createUserAndLogin(context.sut, context.superAdmin, 'spoofed', 'employee');
    for (let i = 0; i < 5; i++) {
      const response = await context.sut
        .http()
        .post('/api/v1/auth/login')
        .set('X-Forwarded-For', `10.9.8.${i}`)
        .send({ username: 'spoofed', password: 'Wrong-1' });
      assert.equal(response.status, 401);
    }
    const sixth = await context.sut
      .http()
      .post('/api/v1/auth/login')
      .set('X-Forwarded-For', '10.9.8.200')
      .send({ username: 'spoofed', password: 'User-Pass-1' });
    assert.equal(sixth.status, 429);
    const audit = await context.sut
      .http()
      .get('/api/v1/audit-logs?action=auth.login_failed')
      .set(bearer(context.superAdmin));
    assert.ok(audit.body.count >= 5);
    for (const entry of audit.body.results as { ip: string }[]) assert.doesNotMatch(entry.ip, /10\.9\.8\./);
  });
});
