import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { DomainEventBus } from '../src/events/domain-event-bus.js';
import type { DomainEvents } from '../src/events/domain-events.js';
import { createOrganizationWithAdmin, type Session } from './support/api-client.js';
import { apiCalls, expectError, expectInvalidFields, expectStatus, type Json } from './support/api-calls.js';
import { createPerson } from './support/people.js';
import { useTestApp } from './support/use-test-app.js';
import { WebhookReceiver, type ReceivedRequest } from './support/webhook-receiver.js';

const SECRET = 'test-signing-secret-0123456789';
const DISABLE_AFTER = 3;

/** What a receiver does to check a delivery, written from the docs (not from the service's code). */
function verifySignature(request: ReceivedRequest, secret: string): void {
  const timestamp = String(request.headers['x-timestamp']);
  assert.match(timestamp, /^\d+$/);
  assert.ok(Math.abs(Date.now() / 1000 - Number(timestamp)) < 300, 'the timestamp is the time of sending');
  const expected = createHmac('sha256', secret).update(`${timestamp}.${request.rawBody}`).digest('hex');
  assert.equal(request.headers['x-signature'], `sha256=${expected}`);
}

/** Polls `read` until `done` holds of its value (20 s at most). */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Webhooks: CRUD per organisation, signed deliveries of domain events, retries, disabling, SSRF refusals. */
describe('webhooks', () => {
  const context = useTestApp({
    WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
    WEBHOOK_RETRY_BACKOFF_MS: '50',
    WEBHOOK_DISABLE_AFTER_FAILURES: String(DISABLE_AFTER),
    WEBHOOK_TIMEOUT_MS: '1000',
  });
  const { send } = apiCalls(() => context.sut);
  /** `/flaky` answers 500 then 200; `/broken` always 500; `/silent` never answers; anything else 200. */
  const receiver = new WebhookReceiver((path, n) =>
    path === '/silent' ? 0 : path === '/broken' || (path === '/flaky' && n === 1) ? 500 : 200,
  );
  let admin: Session;
  let other: Session;

  before(async () => {
    await receiver.start();
    ({ admin } = await createOrganizationWithAdmin(context.sut, context.superAdmin));
    ({ admin: other } = await createOrganizationWithAdmin(context.sut, context.superAdmin));
  });
  after(() => receiver.close());

  const createWebhook = async (session: Session, fields: Json): Promise<Json> =>
    expectStatus(await send(session, 'post', '/webhooks', fields), 201);

  const deliveriesOf = async (id: string): Promise<Json[]> =>
    expectStatus(await send(admin, 'get', `/webhooks/${id}/deliveries?ordering=created_at`), 200).results as Json[];

  it('creates, reads, lists, changes and deletes webhooks; the secret is shown once and never audited', async () => {
    const created = await createWebhook(admin, {
      url: receiver.url('/crud'),
      events: ['attendance.marked', 'camera.status'],
      description: 'ERP sync',
    });
    assert.match(String(created.secret), /^whsec_[\w-]{43}$/);
    assert.equal(created.is_active, true);
    assert.deepEqual(created.events, ['attendance.marked', 'camera.status']);
    const id = String(created.id);

    const [stored] = await context.sut.app
      .get(DataSource)
      .query<{ sealed_secret: string }[]>('SELECT sealed_secret FROM webhooks WHERE id = $1', [id]);
    assert.ok(!stored.sealed_secret.includes(String(created.secret)), 'the secret is sealed at rest');

    const read = expectStatus(await send(admin, 'get', `/webhooks/${id}`), 200);
    assert.equal(read.secret, undefined);
    assert.equal(read.url, receiver.url('/crud'));
    const page = expectStatus(await send(admin, 'get', '/webhooks'), 200);
    assert.equal(page.count, 1);
    assert.deepEqual(
      (page.results as Json[]).map((webhook) => webhook.id),
      [id],
    );
    assert.equal(expectStatus(await send(other, 'get', '/webhooks'), 200).count, 0);

    const changed = expectStatus(
      await send(admin, 'patch', `/webhooks/${id}`, { events: ['visitor.checked_in'], is_active: false }),
      200,
    );
    assert.deepEqual(changed.events, ['visitor.checked_in']);
    assert.equal(changed.is_active, false);
    assert.equal(expectStatus(await send(admin, 'get', '/webhooks?is_active=false'), 200).count, 1);
    assert.equal(expectStatus(await send(admin, 'get', '/webhooks?is_active=true'), 200).count, 0);
    expectStatus(await send(admin, 'patch', `/webhooks/${id}`, { secret: 'another-secret-0123456789' }), 200);

    const audit = expectStatus(await send(admin, 'get', `/audit-logs?entity_id=${id}`), 200);
    const actions = (audit.results as Json[]).map((entry) => entry.action).sort();
    assert.deepEqual(actions, ['webhook.created', 'webhook.updated', 'webhook.updated']);
    const trail = JSON.stringify(audit.results);
    assert.ok(!trail.includes(String(created.secret)) && !trail.includes('another-secret-0123456789'));

    expectStatus(await send(admin, 'delete', `/webhooks/${id}`), 204);
    expectError(await send(admin, 'get', `/webhooks/${id}`), 404, 'not_found');
  });

  it('refuses unknown events, bad URLs, URLs with credentials and literal private addresses with the field named', async () => {
    const url = receiver.url('/x');
    const cases: [Json, string][] = [
      [{ url, events: ['attendance.marked', 'nope'] }, 'events'],
      [{ url, events: [] }, 'events'],
      [{ url, events: ['ping'] }, 'events'],
      [{ url: 'ftp://example.com/hook', events: ['camera.status'] }, 'url'],
      // Credentials in the URL would be stored and listed in the clear: the signature secret is the way to sign.
      [{ url: 'https://user:pass@example.com/hook', events: ['camera.status'] }, 'url'],
      [{ url, events: ['camera.status'], secret: 'short' }, 'secret'],
    ];
    for (const [body, field] of cases) {
      assert.deepEqual(
        expectInvalidFields(await send(admin, 'post', '/webhooks', body)),
        [field],
        JSON.stringify(body),
      );
    }
    for (const address of [
      'http://10.1.2.3/hook',
      'http://169.254.169.254/latest',
      'http://[::1]:8080/',
      'http://[::ffff:127.0.0.2]/',
      'http://0x7f000002/',
      'https://192.168.0.10/',
    ]) {
      const response = await send(admin, 'post', '/webhooks', { url: address, events: ['camera.status'] });
      assert.deepEqual(expectInvalidFields(response, address), ['url']);
      assert.equal((response.body as { details: { code: string }[] }).details[0].code, 'address_not_allowed');
    }
    const created = await createWebhook(admin, { url, events: ['camera.status'] });
    const patched = await send(admin, 'patch', `/webhooks/${String(created.id)}`, { url: 'http://10.0.0.1/' });
    assert.deepEqual(expectInvalidFields(patched), ['url']);
    expectStatus(await send(admin, 'delete', `/webhooks/${String(created.id)}`), 204);
  });

  it("answers 404 for another organisation's webhook on every route", async () => {
    const id = String((await createWebhook(admin, { url: receiver.url('/mine'), events: ['camera.status'] })).id);
    expectError(await send(other, 'get', `/webhooks/${id}`), 404, 'not_found');
    expectError(await send(other, 'patch', `/webhooks/${id}`, { description: 'x' }), 404, 'not_found');
    expectError(await send(other, 'post', `/webhooks/${id}/test`), 404, 'not_found');
    expectError(await send(other, 'get', `/webhooks/${id}/deliveries`), 404, 'not_found');
    expectError(await send(other, 'delete', `/webhooks/${id}`), 404, 'not_found');
    assert.equal(expectStatus(await send(admin, 'get', `/webhooks/${id}`), 200).id, id);
    assert.equal(receiver.received.filter((request) => request.path === '/mine').length, 0);
    expectStatus(await send(admin, 'delete', `/webhooks/${id}`), 204);
  });

  it('delivers a manual attendance mark, signed, with the socket payload as data; other events stay away', async () => {
    const marked = await createWebhook(admin, {
      url: receiver.url('/attendance'),
      events: ['attendance.marked'],
      secret: SECRET,
    });
    const unrelated = await createWebhook(admin, { url: receiver.url('/cameras'), events: ['camera.status'] });
    await createWebhook(other, { url: receiver.url('/other-organization'), events: ['attendance.marked'] });
    const personId = await createPerson(context.sut, admin);
    const record = expectStatus(
      await send(admin, 'post', '/attendance/records', {
        employee_id: personId,
        date: '2026-11-30',
        status: 'present',
        check_in_at: '2026-11-30T09:00:00Z',
        reason: 'Badge reader down',
      }),
      201,
    );

    const [request] = await receiver.requestsTo('/attendance', 1);
    verifySignature(request, SECRET);
    assert.equal(request.headers['content-type'], 'application/json');
    assert.equal(request.headers['x-webhook-id'], marked.id);
    assert.equal(request.headers['x-event-type'], 'attendance.marked');
    const body = JSON.parse(request.rawBody) as Json;
    assert.equal(body.type, 'attendance.marked');
    assert.equal(body.organization_id, admin.user.organization_id);
    assert.match(String(body.id), /^[0-9a-f-]{36}$/);
    assert.ok(!Number.isNaN(Date.parse(String(body.created_at))));
    const data = body.data as Json;
    assert.equal(data.record_id, record.id);
    assert.equal(data.person_id, personId);
    assert.equal(data.status, 'present');
    assert.equal(data.source, 'manual');
    assert.equal(data.check_in_at, '2026-11-30T09:00:00.000Z');

    const [logged] = await eventually(
      () => deliveriesOf(String(marked.id)),
      (rows) => rows.length === 1,
      'deliveries',
    );
    assert.equal(logged.event_id, body.id);
    assert.equal(logged.event_type, 'attendance.marked');
    assert.equal(logged.status_code, 200);
    assert.equal(logged.success, true);
    assert.equal(logged.attempt, 1);
    assert.equal(typeof logged.duration_ms, 'number');
    assert.equal(receiver.received.filter((entry) => entry.path === '/cameras').length, 0);
    assert.equal(receiver.received.filter((entry) => entry.path === '/other-organization').length, 0);
    assert.deepEqual(await deliveriesOf(String(unrelated.id)), []);
  });

  it("queues deliveries in the event's transaction: none for a rolled-back change, stored before a commit returns", async () => {
    const webhook = await createWebhook(admin, { url: receiver.url('/outbox'), events: ['attendance.marked'] });
    const dataSource = context.sut.app.get(DataSource);
    const bus = context.sut.app.get(DomainEventBus);
    const mark = (recordId: string): DomainEvents['attendance.marked'] => ({
      organizationId: String(admin.user.organization_id),
      recordId,
      sessionId: null,
      employeeId: randomUUID(),
      userId: null,
      date: '2026-12-02',
      status: 'present',
      checkInAt: null,
      checkOutAt: null,
      source: 'manual',
    });
    const deliveryJobs = () =>
      dataSource.query<{ payload: { body: { data: { record_id: string } } } }[]>(
        `SELECT payload FROM jobs WHERE type = 'webhooks.deliver' AND payload->>'webhookId' = $1`,
        [webhook.id],
      );
    const rolledBack = randomUUID();
    await assert.rejects(
      dataSource.transaction(async (manager) => {
        await bus.publish(manager, 'attendance.marked', mark(rolledBack));
        assert.equal(
          (await manager.query("SELECT 1 FROM jobs WHERE payload->>'webhookId' = $1", [webhook.id])).length,
          1,
        );
        throw new Error('the change fails after its event');
      }),
      /the change fails after its event/,
    );
    assert.deepEqual(await deliveryJobs(), [], 'the rolled-back event left no delivery');

    const committed = randomUUID();
    await dataSource.transaction((manager) => bus.publish(manager, 'attendance.marked', mark(committed)));
    const jobs = await deliveryJobs();
    assert.deepEqual(
      jobs.map((job) => job.payload.body.data.record_id),
      [committed],
      'the delivery is stored with the change, not after it',
    );
    const [request] = await receiver.requestsTo('/outbox', 1);
    assert.equal(((JSON.parse(request.rawBody) as Json).data as Json).record_id, committed);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(receiver.received.filter((entry) => entry.path === '/outbox').length, 1);
  });

  it('retries a delivery the receiver failed, with the same event id, and logs both attempts', async () => {
    const webhook = await createWebhook(admin, { url: receiver.url('/flaky'), events: ['attendance.marked'] });
    const secret = String(webhook.secret);
    const personId = await createPerson(context.sut, admin);
    expectStatus(
      await send(admin, 'post', '/attendance/records', {
        employee_id: personId,
        date: '2026-12-01',
        status: 'absent',
        reason: 'Sick',
      }),
      201,
    );
    const [first, second] = await receiver.requestsTo('/flaky', 2);
    verifySignature(first, secret);
    verifySignature(second, secret);
    assert.equal((JSON.parse(first.rawBody) as Json).id, (JSON.parse(second.rawBody) as Json).id);
    const rows = await eventually(
      () => deliveriesOf(String(webhook.id)),
      (list) => list.length === 2,
      'deliveries',
    );
    assert.deepEqual(
      rows.map((row) => [row.attempt, row.status_code, row.success, row.error]),
      [
        [1, 500, false, 'HTTP 500'],
        [2, 200, true, null],
      ],
    );
    const failedOnly = expectStatus(
      await send(admin, 'get', `/webhooks/${String(webhook.id)}/deliveries?success=false`),
      200,
    );
    assert.equal(failedOnly.count, 1);
    const after = expectStatus(await send(admin, 'get', `/webhooks/${String(webhook.id)}`), 200);
    assert.equal(after.consecutive_failures, 0);
    assert.equal(after.is_active, true);
  });

  it('disables a webhook after consecutive failures, audits it, and turns it on again on request', async () => {
    const webhook = await createWebhook(admin, { url: receiver.url('/broken'), events: ['attendance.marked'] });
    const id = String(webhook.id);
    const personId = await createPerson(context.sut, admin);
    expectStatus(
      await send(admin, 'post', '/attendance/records', {
        employee_id: personId,
        date: '2026-12-02',
        status: 'absent',
        reason: 'Away',
      }),
      201,
    );
    const disabled = await eventually(
      async () => expectStatus(await send(admin, 'get', `/webhooks/${id}`), 200),
      (value) => value.is_active === false,
      'webhook',
    );
    assert.equal(disabled.disabled_reason, 'consecutive_failures');
    assert.equal(disabled.consecutive_failures, DISABLE_AFTER);
    const rows = await deliveriesOf(id);
    assert.deepEqual(
      rows.map((row) => [row.attempt, row.status_code, row.success]),
      [1, 2, 3].map((attempt) => [attempt, 500, false]),
    );
    const audit = expectStatus(await send(admin, 'get', `/audit-logs?action=webhook.disabled&entity_id=${id}`), 200);
    assert.equal(audit.count, 1);
    const jobs = await eventually(
      async () => expectStatus(await send(admin, 'get', '/jobs?type=webhooks.deliver&status=failed'), 200),
      (page) => page.count === 1,
      'failed delivery jobs',
    );
    assert.equal(((jobs.results as Json[])[0].error as Json).error, 'webhook_disabled');

    const enabled = expectStatus(await send(admin, 'patch', `/webhooks/${id}`, { is_active: true }), 200);
    assert.equal(enabled.is_active, true);
    assert.equal(enabled.disabled_reason, null);
    assert.equal(enabled.consecutive_failures, 0);
  });

  it('sends a signed ping on test, times out a silent receiver, refuses a name resolving to a private address', async () => {
    const good = await createWebhook(admin, { url: receiver.url('/ping'), events: ['camera.status'], secret: SECRET });
    const ping = expectStatus(await send(admin, 'post', `/webhooks/${String(good.id)}/test`), 200);
    assert.equal(ping.success, true);
    assert.equal(ping.status_code, 200);
    assert.equal(ping.event_type, 'ping');
    const [request] = await receiver.requestsTo('/ping', 1);
    verifySignature(request, SECRET);
    assert.equal((JSON.parse(request.rawBody) as Json).type, 'ping');

    const silent = await createWebhook(admin, { url: receiver.url('/silent'), events: ['camera.status'] });
    const timedOut = expectStatus(await send(admin, 'post', `/webhooks/${String(silent.id)}/test`), 200);
    assert.equal(timedOut.success, false);
    assert.equal(timedOut.status_code, null);
    assert.equal(timedOut.error, 'timed out after 1000 ms');
    assert.equal(receiver.received.filter((entry) => entry.path === '/silent').length, 1);

    // Only 127.0.0.1 is allowed: `localhost` is a name, accepted at create, resolved and refused at delivery.
    const named = await createWebhook(admin, { url: receiver.url('/named', 'localhost'), events: ['camera.status'] });
    const refused = expectStatus(await send(admin, 'post', `/webhooks/${String(named.id)}/test`), 200);
    assert.equal(refused.success, false);
    assert.equal(refused.status_code, null);
    assert.match(String(refused.error), /address refused: localhost resolves to .*not a public address/);
    assert.equal(receiver.received.filter((entry) => entry.path === '/named').length, 0);
    const logged = await deliveriesOf(String(named.id));
    assert.equal(logged.length, 1);
    assert.equal(expectStatus(await send(admin, 'get', `/webhooks/${String(named.id)}`), 200).consecutive_failures, 0);
  });
});
