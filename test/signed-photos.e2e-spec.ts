import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { type Browser, chromium } from 'playwright-core';
import { FileUrls } from '../src/storage/file-urls.js';
import { bearer, createOrganizationWithAdmin, loginAsAdmin, type Session } from './support/api-client.js';
import { createEnrolledPerson, createPerson, listPeople, photosOf } from './support/people.js';
import { skipWithoutPhotos } from './support/shared-data.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'];

const portOf = (server: Server) => (server.address() as AddressInfo).port;

/** A page server on another origin: `localhost` is another site than the API's `127.0.0.1`, whatever the port. */
async function startPageServer(): Promise<Server> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    response.end(
      '<!doctype html><html><head><title>admin panel</title></head><body><main id="people"></main></body></html>',
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

describe('signed photo URLs', { skip: skipWithoutPhotos }, () => {
  let pages: Server;
  let sut: TestApp;
  let superAdmin: Session;
  let browser: Browser;
  const pageOrigin = () => `http://localhost:${portOf(pages)}`;
  const apiOrigin = () => `http://127.0.0.1:${portOf(sut.app.getHttpServer() as Server)}`;

  before(async () => {
    pages = await startPageServer();
    sut = await startTestApp({ CORS_ORIGINS: `http://localhost:${portOf(pages)}` });
    superAdmin = await loginAsAdmin(sut);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
  });
  after(async () => {
    await browser?.close();
    await sut?.close();
    await new Promise((resolve) => pages?.close(resolve));
  });

  it('gives people the signed URL of their primary thumbnail, and a page on an allowed origin shows it in <img>', async () => {
    const { admin } = await createOrganizationWithAdmin(sut, superAdmin);
    await createEnrolledPerson(sut, admin, [photosOf('knn', 'train', 'obama')[0]], { first_name: 'Barack' });
    await createEnrolledPerson(sut, admin, [photosOf('knn', 'train', 'biden')[0]], { first_name: 'Joe' });
    await createPerson(sut, admin, 'Nobody');
    const people = await listPeople(sut, admin, '?ordering=name');
    const urls = people.results.map((person) => person.thumbnail_url as string | null);
    assert.equal(urls.length, 3);
    assert.equal(urls.filter((url) => url === null).length, 1, 'a person without a face has no thumbnail');
    const thumbnails = urls.filter((url): url is string => url !== null);
    for (const url of thumbnails) assert.match(url, /^\/api\/v1\/files\/signed\/[0-9a-f-]{36}\?expires=\d+&signature=/);

    const page = await browser.newPage();
    try {
      await page.goto(pageOrigin());
      const sources = thumbnails.map((url) => apiOrigin() + url);
      await page.evaluate(
        `for (const src of ${JSON.stringify(sources)}) {
           const img = document.createElement('img');
           img.src = src;
           document.getElementById('people').append(img);
         }`,
      );
      let widths: number[] = [];
      for (let attempt = 0; attempt < 100; attempt++) {
        widths = await page.evaluate<number[]>(
          '[...document.images].map((img) => (img.complete ? img.naturalWidth : -1))',
        );
        if (widths.every((width) => width !== -1)) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.equal(widths.length, 2);
      for (const width of widths) assert.ok(width > 0, `every thumbnail is shown: natural widths ${widths.join(', ')}`);
    } finally {
      await page.close();
    }
  });

  it('serves a signed URL without a token, with the configured resource policy; tampered, expired or another organisation’s signatures answer 404', async () => {
    const { organizationId, admin } = await createOrganizationWithAdmin(sut, superAdmin);
    const other = await createOrganizationWithAdmin(sut, superAdmin);
    const person = await createEnrolledPerson(sut, admin, [photosOf('knn', 'train', 'obama')[1]]);
    const faces = await sut.http().get(`/api/v1/employees/${person.id}/faces`).set(bearer(admin));
    assert.equal(faces.status, 200);
    const [face] = (faces.body as { results: { photo_url: string; thumbnail_url: string; photo_id: string }[] })
      .results;

    for (const url of [face.photo_url, face.thumbnail_url]) {
      const answer = await sut.http().get(url);
      assert.equal(answer.status, 200, url);
      assert.match(answer.headers['content-type'], /^image\/jpeg/);
      assert.equal(answer.headers['cross-origin-resource-policy'], 'cross-origin');
      assert.match(answer.headers['cache-control'], /^private, max-age=\d+$/);
    }

    const signer = sut.app.get(FileUrls);
    const refused = [
      face.photo_url.replace(/signature=./, (match) => (match.endsWith('A') ? 'signature=B' : 'signature=A')),
      face.photo_url.replace(/expires=(\d+)/, (_match, expires: string) => `expires=${Number(expires) + 60}`),
      signer.sign(other.organizationId, face.photo_id),
      signer.sign(organizationId, face.photo_id, Date.now() - 2 * signer.ttlSeconds * 1000),
      `/api/v1/files/signed/${face.photo_id}`,
    ];
    for (const url of refused) {
      const answer = await sut.http().get(url);
      assert.equal(answer.status, 404, url);
      assert.equal((answer.body as { error: string }).error, 'not_found');
    }
    const tokenRoute = await sut.http().get(`/api/v1/files/${face.photo_id}`);
    assert.equal(tokenRoute.status, 401, 'the token route still needs a token');
  });
});
