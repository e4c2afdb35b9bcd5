import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import type { Socket } from 'socket.io-client';
import { createOrganizationWithAdmin, createUser, login, uniqueName } from './support/api-client.js';
import { apiCalls, expectStatus, type Json } from './support/api-calls.js';
import { writeY4m } from './support/fake-camera.js';
import { collect, connectLive, nextEvent } from './support/live-client.js';
import { createPerson } from './support/people.js';
import { facePath } from './support/shared-data.js';
import { useTestApp } from './support/use-test-app.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
];

/** Polls an expression in the page (waitForFunction would evaluate it with eval, which the page's CSP forbids). */
async function until(page: Page, expression: string, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await page.evaluate<boolean>(expression))) {
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const text = (page: Page, selector: string) => page.locator(selector).innerText();

describe('kiosk page', () => {
  const context = useTestApp();
  const { send } = apiCalls(() => context.sut);
  const sockets: Socket[] = [];
  const folder = mkdtempSync(join(tmpdir(), 'facegate-kiosk-'));
  const camera = join(folder, 'biden.y4m');
  let browser: Browser;
  before(async () => {
    // The fake camera shows biden.jpg; the visitor is enrolled from biden2.jpg, so the desk recognises, not compares.
    await writeY4m(facePath('knn', 'train', 'biden', 'biden.jpg'), camera);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [...CHROMIUM_FLAGS, `--use-file-for-fake-video-capture=${camera}`],
    });
  });
  after(async () => {
    await browser?.close();
    rmSync(folder, { recursive: true, force: true });
  });
  afterEach(() => sockets.splice(0).forEach((socket) => socket.close()));

  const baseUrl = () =>
    `http://127.0.0.1:${((context.sut.app.getHttpServer() as Server).address() as AddressInfo).port}`;

  it('is served as static files under a policy that allows its own scripts and the camera stream only', async () => {
    const page = await context.sut.http().get('/kiosk/');
    assert.equal(page.status, 200);
    assert.match(page.headers['content-type'], /text\/html/);
    const policy = String(page.headers['content-security-policy']);
    assert.match(policy, /script-src 'self'(;|$)/);
    assert.match(policy, /media-src 'self' blob: mediastream:/);
    assert.match(policy, /frame-ancestors 'none'/);
    for (const file of ['kiosk.js', 'kiosk.css']) {
      assert.equal((await context.sut.http().get(`/kiosk/${file}`)).status, 200, file);
    }
    const missing = await context.sut.http().get('/kiosk/nothing-here.js');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error, 'not_found');
  });

  it('registers a walk-in with five photos, recognises them next time from the camera, checks them in live', async () => {
    const code = uniqueName('desk');
    const { admin } = await createOrganizationWithAdmin(context.sut, context.superAdmin, code);
    const operator = await createUser(context.sut, admin, `${code}-operator`, 'operator');
    const hostAccount = await createUser(context.sut, admin, undefined, 'employee');
    const hostUser = await login(context.sut, hostAccount.username, hostAccount.password);
    const hostId = await createPerson(context.sut, admin, 'Hilda', { last_name: 'Host', user_id: hostUser.user.id });
    const kit = expectStatus(
      await send(admin, 'post', '/visitors', { id_number: '333344445555', full_name: 'Kit Harington' }),
      201,
    );
    expectStatus(
      await send(admin, 'post', '/visitors', {
        id_number: '999988887777',
        full_name: 'Wally Watch',
        is_watchlisted: true,
        watchlist_reason: 'Trespass',
      }),
      201,
    );
    const hostSocket = await connectLive(context.sut, { token: hostUser.access_token }, sockets);
    const security = await connectLive(context.sut, { token: admin.access_token }, sockets);
    const hostHeard = collect(hostSocket, 'visitor.checked_in');
    const alerts = collect(security, 'visitor.watchlist_hit');

    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      // Refused requests (the watchlisted check-in's 403) are handled by the page; anything else is not.
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
        problems.push(message.text());
      }
    });
    try {
      await page.goto(`${baseUrl()}/kiosk`);
      await page.fill('#username', operator.username);
      await page.fill('#password', operator.password);
      await page.click('#login-form button[type=submit]');
      await page.waitForSelector('#connection[data-state=connected]', { timeout: 10_000 });
      await until(page, `document.querySelector('#camera-state').dataset.state === 'live'`, 'the camera');
      await until(page, `document.querySelectorAll('#floors option').length > 0`, 'the floor labels');

      // A walk-in: unknown number, the details, the host found by name, five photos.
      await page.fill('#id_number', '5555 6666 7777');
      await page.click('#lookup');
      await until(page, `document.querySelector('#status').textContent.startsWith('New visitor')`, 'the lookup');
      await page.fill('#full_name', 'Joe Biden');
      await page.fill('#company', 'Office of the Vice President');
      await page.fill('#host-search', 'Hilda');
      await until(page, `document.querySelector('#host_employee_id').value === '${hostId}'`, 'the host');
      await page.selectOption('#floors', ['3']);
      await page.click('#save-visitor');
      await until(page, `document.querySelector('#visitor-mode').dataset.mode === 'known'`, 'the saved visitor');
      for (const angle of ['front', 'left', 'right', 'angled_left', 'angled_right']) {
        await page.setInputFiles(
          `#angles li[data-angle=${angle}] input[type=file]`,
          facePath('knn', 'train', 'biden', 'biden2.jpg'),
        );
      }
      await page.click('#upload-photos');
      await until(page, `document.querySelector('#photos-result').dataset.added !== undefined`, 'the upload');
      assert.match(await text(page, '#photos-result'), /^5 photo\(s\) added\.$/);
      const registered = expectStatus(await send(admin, 'get', '/visitors/by-id-number/555566667777'), 200);
      const visitor = registered.visitor as Json;
      assert.deepEqual([visitor.full_name, visitor.host_employee_id, visitor.floors], ['Joe Biden', hostId, ['3']]);
      assert.deepEqual(Object.keys(registered.images as Json).sort(), [
        'angled_left',
        'angled_right',
        'front',
        'left',
        'right',
      ]);

      // First visit: checked in with a badge; the host hears it live; the on-site list shows it; checked out there.
      await page.fill('#badge_number', 'B-17');
      const heard = nextEvent<Json>(hostSocket, 'visitor.checked_in', 10_000);
      await page.click('#check-in');
      await page.waitForSelector('#badge:not([hidden])', { timeout: 10_000 });
      assert.equal(await text(page, '#badge-name'), 'Joe Biden');
      assert.equal(await text(page, '#badge-host'), 'Hilda Host');
      assert.equal(await text(page, '#badge-number'), 'B-17');
      assert.equal((await heard).visitor_name, 'Joe Biden');
      await until(page, `document.querySelector('#on-site-count').textContent === '1'`, 'the on-site list');
      await page.click('#on-site li button');
      await until(page, `document.querySelector('#on-site-count').textContent === '0'`, 'the check-out');

      // Next visit: one photo from the camera recognises them and fills the form; checked in again.
      await page.click('#next-visitor');
      assert.equal(await page.inputValue('#full_name'), '');
      await page.click('#identify');
      await until(
        page,
        `['matched', 'none', 'error'].includes(document.querySelector('#identify-result').dataset.state)`,
        'identification',
      );
      assert.match(await text(page, '#identify-result'), /^Returning visitor: Joe Biden \(\d+% similar\)$/);
      assert.equal(await page.inputValue('#full_name'), 'Joe Biden');
      assert.equal(await page.inputValue('#id_number'), 'XXXX-XXXX-7777', 'the operator sees the masked number');
      assert.equal(await page.inputValue('#host_employee_id'), hostId);
      await page.fill('#badge_number', 'B-18');
      await page.click('#check-in');
      await until(page, `document.querySelector('#badge-number').textContent === 'B-18'`, 'the second badge');
      await until(page, `document.querySelector('#on-site-count').textContent === '1'`, 'the on-site list');
      assert.match(await text(page, '#on-site li span'), /^Joe Biden · host Hilda Host · 3 · since /);
      const onSite = expectStatus(await send(admin, 'get', '/visits/on-site'), 200) as unknown as { results: Json[] };
      assert.deepEqual(
        onSite.results.map((visit) => [(visit.visitor as Json).full_name, visit.badge_number]),
        [['Joe Biden', 'B-18']],
      );
      assert.equal(hostHeard.length, 2, 'the host heard both check-ins');

      // A known visitor found by suggest, given a photo captured from the camera.
      await page.click('#next-visitor');
      await page.fill('#id_number', '3333');
      await page.click(`#suggestions button[data-visitor-id="${String(kit.id)}"]`, { timeout: 10_000 });
      await until(page, `document.querySelector('#full_name').value === 'Kit Harington'`, 'the suggested visitor');
      await page.click('#angles li[data-angle=front] button.capture');
      await until(page, `document.querySelector('#angles li[data-angle=front] img').naturalWidth > 0`, 'the capture');
      await page.click('#upload-photos');
      await until(page, `document.querySelector('#photos-result').dataset.added === '1'`, 'the captured photo');
      assert.equal(expectStatus(await send(admin, 'get', `/visitors/${String(kit.id)}`), 200).face_templates, 1);

      // A watchlisted visitor: the check-in is refused on the page, and security is alerted.
      await page.click('#next-visitor');
      await page.fill('#id_number', '9999-8888-7777');
      await page.click('#lookup');
      await until(page, `document.querySelector('#full_name').value === 'Wally Watch'`, 'the watchlisted visitor');
      await page.click('#check-in');
      await page.waitForSelector('#alert:not([hidden])', { timeout: 10_000 });
      assert.equal(await page.getAttribute('#alert', 'data-reason'), 'watchlisted');
      assert.match(await text(page, '#alert'), /Check-in refused: Wally Watch is on the watchlist/);
      await until(page, `document.querySelector('#on-site-count').textContent === '1'`, 'the unchanged list');
      for (const deadline = Date.now() + 10_000; alerts.length === 0;) {
        assert.ok(Date.now() < deadline, 'security never heard the alert');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.deepEqual(
        alerts.map((alert) => [alert.visitor_name, alert.source]),
        [['Wally Watch', 'check_in']],
      );
      assert.deepEqual(problems, []);
    } finally {
      await page.close();
    }
  });
});
