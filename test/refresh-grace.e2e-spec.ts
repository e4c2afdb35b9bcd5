import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { createUserAndLogin, loginAsAdmin, type Session } from './support/api-client.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const GRACE_SECONDS = 2;

describe('refresh grace window and logout, as a browser client sees them', () => {
  let sut: TestApp;
  let admin: Session;

  before(async () => {
    sut = await startTestApp({ REFRESH_GRACE_SECONDS: String(GRACE_SECONDS) });
    admin = await loginAsAdmin(sut);
  });
  after(() => sut.close());

  const refresh = (token: string) => sut.http().post('/api/v1/auth/refresh').send({ refresh_token: token });
  const me = (accessToken: string) => sut.http().get('/api/v1/auth/me').set('Authorization', `Bearer ${accessToken}`);
  const logout = (token: string) => sut.http().post('/api/v1/auth/logout').send({ refresh_token: token });

  it('answers the same new pair to tabs refreshing with the same token at once, and all stay logged in', async () => {
    const session = await createUserAndLogin(sut, admin, 'two-tabs', 'employee');
    const answers = await Promise.all(Array.from({ length: 5 }, () => refresh(session.refresh_token)));
    for (const answer of answers) assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const [first] = answers;
    for (const answer of answers) {
      assert.equal(answer.body.refresh_token, first.body.refresh_token, 'one new refresh token');
      assert.equal(answer.body.access_token, first.body.access_token, 'one new access token');
    }
    assert.notEqual(first.body.refresh_token, session.refresh_token);
    assert.equal((await me(first.body.access_token)).status, 200, 'the new access token works');
    const next = await refresh(first.body.refresh_token);
    assert.equal(next.status, 200, 'and the login goes on with the new refresh token');
    assert.equal((await me(next.body.access_token)).status, 200);
  });

  it('still revokes the whole login when a rotated token comes back after the window', async () => {
    const session = await createUserAndLogin(sut, admin, 'late-tab', 'employee');
    const rotated = await refresh(session.refresh_token);
    assert.equal(rotated.status, 200);
    await sleep(GRACE_SECONDS * 1000 + 300);
    const late = await refresh(session.refresh_token);
    assert.equal(late.status, 401);
    assert.equal(late.body.error, 'token_reused');
    assert.equal((await me(rotated.body.access_token)).status, 401, 'the access token of the login ends');
    assert.equal((await refresh(rotated.body.refresh_token)).status, 401, 'and so does its refresh token');
  });

  it('gives nothing within the window once the new pair was used or the login ended', async () => {
    const used = await createUserAndLogin(sut, admin, 'moved-on', 'employee');
    const rotated = await refresh(used.refresh_token);
    assert.equal((await refresh(rotated.body.refresh_token)).status, 200, 'the chain moved on');
    const stale = await refresh(used.refresh_token);
    assert.equal(stale.status, 401, 'the old token cannot fetch a pair that was already rotated');
    assert.equal(stale.body.error, 'token_reused');

    const ended = await createUserAndLogin(sut, admin, 'logged-out', 'employee');
    const pair = await refresh(ended.refresh_token);
    assert.equal((await logout(pair.body.refresh_token)).status, 200);
    const again = await refresh(ended.refresh_token);
    assert.equal(again.status, 401, 'a logout is not undone by the grace window');
  });

  it('ends access at once at logout: the access token a client still holds is refused', async () => {
    const session = await createUserAndLogin(sut, admin, 'kiosk', 'employee');
    assert.equal((await me(session.access_token)).status, 200);
    assert.equal((await logout(session.refresh_token)).status, 200);
    const after = await me(session.access_token);
    assert.equal(after.status, 401);
    assert.equal(after.body.error, 'session_ended');
    assert.equal((await refresh(session.refresh_token)).status, 401, 'nor can it refresh');
  });
});
