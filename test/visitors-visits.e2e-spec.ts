import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { Socket } from 'socket.io-client';
import { createOrganizationWithAdmin, createUserAndLogin, type Session } from './support/api-client.js';
import { apiCalls, expectError, expectStatus, type Json } from './support/api-calls.js';
import { collect, connectLive, nextEvent, pause } from './support/live-client.js';
import { createPerson } from './support/people.js';
import { useTestApp } from './support/use-test-app.js';

/** Visits: check-in and out, the host told live, pre-registration codes, the watchlist, the on-site list. */
describe('visits', () => {
  const context = useTestApp();
  const { send } = apiCalls(() => context.sut);
  const sockets: Socket[] = [];
  afterEach(() => sockets.splice(0).forEach((socket) => socket.close()));
  const connect = (session: Session) => connectLive(context.sut, { token: session.access_token }, sockets);

  async function desk() {
    const { organizationId, admin } = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    const operator = await createUserAndLogin(context.sut, admin, undefined, 'operator');
    const hostUser = await createUserAndLogin(context.sut, admin, undefined, 'employee');
    const host = await createPerson(context.sut, admin, 'Hosting', { user_id: hostUser.user.id });
    const visitor = expectStatus(
      await send(operator, 'post', '/visitors', {
        id_number: '111122223333',
        full_name: 'Vera Visitor',
        company: 'Acme',
      }),
      201,
    );
    return { organizationId, admin, operator, hostUser, host, visitorId: String(visitor.id) };
  }

  it('checks a visitor in (the host hears it live, nobody else) and out, with the on-site list between', async () => {
    const { operator, hostUser, host, visitorId, admin } = await desk();
    const other = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    const bystander = await createUserAndLogin(context.sut, admin, undefined, 'employee');
    const [hostSocket, bystanderSocket, outsider] = await Promise.all([
      connect(hostUser),
      connect(bystander),
      connect(other.admin),
    ]);
    const hostHears = nextEvent(hostSocket, 'visitor.checked_in');
    const bystanderHeard = collect(bystanderSocket, 'visitor.checked_in');
    const outsiderHeard = collect(outsider, 'visitor.checked_in');
    const visit = expectStatus(
      await send(operator, 'post', '/visits', {
        visitor_id: visitorId,
        host_employee_id: host,
        purpose: 'Interview',
        floors: ['3'],
        towers: ['B'],
        badge_number: 'B-17',
      }),
      201,
      'check-in',
    );
    assert.equal(visit.status, 'checked_in');
    assert.deepEqual(visit.visitor, { id: visitorId, full_name: 'Vera Visitor', company: 'Acme' });
    assert.equal((visit.host as Json).id, host);
    const heard = await hostHears;
    assert.deepEqual(
      [heard.visit_id, heard.visitor_id, heard.visitor_name, heard.badge_number, heard.floors],
      [visit.id, visitorId, 'Vera Visitor', 'B-17', ['3']],
    );
    expectError(await send(operator, 'post', '/visits', { visitor_id: visitorId }), 409, 'already_checked_in');

    const onSite = expectStatus(await send(operator, 'get', '/visits/on-site'), 200).results as Json[];
    assert.deepEqual(
      onSite.map((row) => [row.id, (row.host as Json).full_name, row.floors]),
      [[visit.id, 'Hosting Test', ['3']]],
    );
    const visitor = expectStatus(await send(operator, 'get', `/visitors/${visitorId}`), 200);
    assert.equal(visitor.last_visit_at, visit.checked_in_at);
    expectError(await send(other.admin, 'post', `/visits/${String(visit.id)}/check-out`), 404, 'not_found');
    const out = expectStatus(await send(operator, 'post', `/visits/${String(visit.id)}/check-out`), 200);
    assert.equal(out.status, 'checked_out');
    expectError(await send(operator, 'post', `/visits/${String(visit.id)}/check-out`), 409, 'not_checked_in');
    assert.deepEqual(expectStatus(await send(operator, 'get', '/visits/on-site'), 200).results, []);
    await pause(250);
    assert.deepEqual(bystanderHeard, [], 'a colleague who is not the host hears nothing');
    assert.deepEqual(outsiderHeard, [], 'another organisation hears nothing');
  });

  it('pre-registers with a one-time code that checks the visit in once', async () => {
    const { operator, host, visitorId } = await desk();
    const expected = expectStatus(
      await send(operator, 'post', '/visits/expected', {
        visitor_id: visitorId,
        host_employee_id: host,
        expected_from: '2030-01-01T09:00:00Z',
        expected_to: '2030-01-01T12:00:00Z',
      }),
      201,
    );
    const code = String(expected.check_in_code);
    const visit = expected.visit as Json;
    assert.equal(visit.status, 'expected');
    assert.equal('code_hash' in visit, false);
    const listed = expectStatus(await send(operator, 'get', `/visits?status=expected&host_employee_id=${host}`), 200);
    assert.deepEqual(
      (listed.results as Json[]).map((row) => row.id),
      [visit.id],
    );
    const checkedIn = expectStatus(
      await send(operator, 'post', '/visits/check-in', { code, badge_number: 'K-1' }),
      200,
    );
    assert.deepEqual([checkedIn.id, checkedIn.status, checkedIn.badge_number], [visit.id, 'checked_in', 'K-1']);
    expectError(await send(operator, 'post', '/visits/check-in', { code }), 404, 'invalid_code');
    const later = expectStatus(await send(operator, 'get', '/visits?from=2029-12-31T00:00:00Z'), 200);
    assert.equal(later.count, 0, 'dated by its check-in (now), not by the expected time');
    const earlier = expectStatus(await send(operator, 'get', '/visits?to=2029-12-31T00:00:00Z'), 200);
    assert.equal(earlier.count, 1);
  });

  it('refuses a watchlisted visitor (403 watchlisted) and alerts the security feed', async () => {
    const { admin, operator, visitorId, hostUser } = await desk();
    expectStatus(await send(admin, 'patch', `/visitors/${visitorId}`, { is_watchlisted: true }), 200);
    const [security, hostSocket] = await Promise.all([connect(operator), connect(hostUser)]);
    const alert = nextEvent(security, 'visitor.watchlist_hit');
    const hostHeard = collect(hostSocket, 'visitor.watchlist_hit');
    expectError(await send(operator, 'post', '/visits', { visitor_id: visitorId }), 403, 'watchlisted');
    const heard = await alert;
    assert.deepEqual(
      [heard.visitor_id, heard.visitor_name, heard.source, heard.user_id],
      [visitorId, 'Vera Visitor', 'check_in', operator.user.id],
    );
    assert.equal(expectStatus(await send(operator, 'get', '/visits'), 200).count, 0, 'no visit was stored');
    await pause(200);
    assert.deepEqual(hostHeard, [], 'the watchlist alert goes to security only');
  });

  it('keeps the visits of an erased visitor, without the person', async () => {
    const { operator, visitorId } = await desk();
    const visit = expectStatus(await send(operator, 'post', '/visits', { visitor_id: visitorId }), 201);
    expectStatus(await send(operator, 'delete', `/visitors/${visitorId}`), 204);
    const kept = expectStatus(await send(operator, 'get', '/visits'), 200).results as Json[];
    assert.deepEqual(
      kept.map((row) => [row.id, row.visitor_id, row.visitor]),
      [[visit.id, null, null]],
    );
  });
});
