import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, afterEach, before, describe, it } from 'node:test';
import { type Browser, chromium } from 'playwright-core';
import type { Socket } from 'socket.io-client';
import { createOrganizationWithAdmin, ORG_ADMIN_PASSWORD, type Session, uniqueName } from './support/api-client.js';
import { apiCalls, expectStatus, type Json } from './support/api-calls.js';
import { collect, connectLive, nextEvent, pause } from './support/live-client.js';
import { createEnrolledPerson, photosOf } from './support/people.js';
import { frameDetections } from './support/presence-cameras.js';
import { useTestApp } from './support/use-test-app.js';

const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * The whole path, with nothing simulated: a camera made through the API posts real photos with its key; the
 * organisation's socket clients and its dashboard page see who was seen, the day's attendance is marked, and
 * another organisation sees nothing.
 */
describe('frames from a camera key to live clients, attendance and the dashboard', () => {
  const context = useTestApp();
  const { send } = apiCalls(() => context.sut);
  const sockets: Socket[] = [];
  let browser: Browser;
  let code: string;
  let admin: Session;
  let camera: string;
  let apiKey: string;
  let obama: string;
  before(async () => {
    code = uniqueName('live');
    ({ admin } = await createOrganizationWithAdmin(context.sut, context.superAdmin, code));
    camera = String(
      expectStatus(
        await send(admin, 'post', '/cameras', { name: 'Front door', direction: 'in', source_type: 'kiosk' }),
        201,
      ).id,
    );
    apiKey = String(expectStatus(await send(admin, 'post', `/cameras/${camera}/keys`), 201).api_key);
    const person = await createEnrolledPerson(context.sut, admin, photosOf('knn', 'train', 'obama'), {
      first_name: 'Barack',
      last_name: 'Obama',
    });
    obama = person.id;
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_FLAGS });
  });
  after(() => browser?.close());
  afterEach(() => sockets.splice(0).forEach((socket) => socket.close()));

  it('names the person to the organisation live, marks the day, and tells nobody else', async () => {
    const { admin: outsiderAdmin } = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    const [member, outsider] = await Promise.all([
      connectLive(context.sut, { token: admin.access_token }, sockets),
      connectLive(context.sut, { token: outsiderAdmin.access_token }, sockets),
    ]);
    const outsiderHeard = [...collect(outsider, 'recognition'), ...collect(outsider, 'attendance.marked')];
    const recognition = nextEvent<Json>(member, 'recognition', 15_000);
    const marked = nextEvent<Json>(member, 'attendance.marked', 15_000);
    const detections = await frameDetections(context.sut, camera, { apiKey }, ['knn', 'test', 'obama1.jpg'], 201);
    assert.equal(detections[0].person_id, obama);
    const event = await recognition;
    assert.equal(event.camera_id, camera);
    const [face] = event.detections as Json[];
    assert.deepEqual([face.person_id, face.person_name, face.matched], [obama, 'Barack Obama', true]);
    assert.equal((await marked).person_id, obama);
    const records = expectStatus(await send(admin, 'get', `/attendance/records?employee_id=${obama}`), 200);
    const [record] = records.results as Json[];
    assert.equal(record.camera_id, camera);
    const detail = expectStatus(await send(admin, 'get', `/attendance/records/${String(record.id)}`), 200);
    assert.deepEqual(
      (detail.presence_events as Json[]).map((event) => event.id),
      [detections[0].event_id],
      'the record shows the sighting behind it',
    );
    await pause(300);
    assert.deepEqual(outsiderHeard, [], 'another organisation hears nothing');
  });

  it('reports a face nobody is enrolled as, as an unknown face', async () => {
    const member = await connectLive(context.sut, { token: admin.access_token }, sockets);
    const unknown = nextEvent<Json>(member, 'presence.unknown', 15_000);
    const [face] = await frameDetections(context.sut, camera, { apiKey }, ['knn', 'train', 'biden', 'biden.jpg'], 201);
    assert.equal(face.is_unknown_face, true);
    assert.equal((await unknown).event_id, face.event_id);
  });

  it('shows a recognition on the dashboard page after a frame is posted', async () => {
    const port = ((context.sut.app.getHttpServer() as Server).address() as AddressInfo).port;
    const page = await browser.newPage();
    try {
      await page.goto(`http://127.0.0.1:${port}/dashboard`);
      await page.fill('#username', `${code}-admin`);
      await page.fill('#password', ORG_ADMIN_PASSWORD);
      await page.click('#login-form button[type=submit]');
      await page.waitForSelector('#connection[data-state=connected]', { timeout: 10_000 });
      await page.locator('#cameras li', { hasText: 'Front door' }).waitFor({ timeout: 10_000 });
      // Within the debounce window of the first test's frame: the event is updated (200), and still announced.
      await frameDetections(context.sut, camera, { apiKey }, ['knn', 'test', 'obama1.jpg'], 200);
      await page.locator('#feed li', { hasText: 'Barack Obama' }).waitFor({ timeout: 15_000 });
    } finally {
      await page.close();
    }
  });
});
