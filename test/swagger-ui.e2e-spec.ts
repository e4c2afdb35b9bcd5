import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import { createPerson } from './support/people.js';
import { facePath } from './support/shared-data.js';
import { useTestApp } from './support/use-test-app.js';

const CHROMIUM = '/usr/bin/chromium';

describe('Swagger UI "Try it out"', () => {
  const context = useTestApp();
  let browser: Browser;
  before(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu'],
    });
  });
  after(() => browser?.close());

  const baseUrl = () =>
    `http://127.0.0.1:${((context.sut.app.getHttpServer() as Server).address() as AddressInfo).port}`;

  /** Opens /docs at one operation, authorised with the super admin's token, the operation in "Try it out" mode. */
  async function tryOut(tag: string, operationId: string): Promise<Page> {
    const session = await browser.newContext();
    const login = await session.newPage();
    await login.goto(`${baseUrl()}/docs/`);
    await login.locator('.btn.authorize').click();
    const bearer = login.locator('.auth-container form').filter({ hasText: 'bearer (http' });
    await bearer.locator('input').first().fill(context.superAdmin.access_token);
    await bearer.locator('.authorize').click();
    await login.locator('.btn-done').first().click();
    await login.close();
    // Swagger UI renders only the operations in view: a deep link, opened in a new page of the same browser session
    // (the authorisation persists), scrolls to the operation and expands it.
    const page = await session.newPage();
    await page.goto(`${baseUrl()}/docs/#/${tag}/${operationId}`);
    const operation = page.locator(`#operations-${tag}-${operationId}`);
    await operation.locator('.try-out__btn').click();
    return page;
  }

  /** Presses Execute and answers the status the page shows. */
  async function execute(page: Page, tag: string, operationId: string): Promise<number> {
    const operation = page.locator(`#operations-${tag}-${operationId}`);
    await operation.locator('.execute').click();
    const selector = `#operations-${tag}-${operationId} .live-responses-table .response .response-col_status`;
    await page.locator(selector).first().waitFor({ timeout: 30_000 });
    return Number((await page.locator(selector).first().textContent())?.trim());
  }

  it('enrolls a photo from the form with only the front angle chosen', async () => {
    const personId = await createPerson(context.sut, context.superAdmin, 'Swagger Form');
    const page = await tryOut('faces', 'enrollFaces');
    const operation = page.locator('#operations-faces-enrollFaces');
    await operation.locator('tr[data-param-name="employeeId"] input').fill(personId);
    await operation
      .locator('tr[data-property-name="front"] input[type=file]')
      .setInputFiles(facePath('knn', 'test', 'obama1.jpg'));
    const status = await execute(page, 'faces', 'enrollFaces');
    const body = await operation.locator('.live-responses-table .response-col_description pre').first().textContent();
    assert.equal(status, 202, body ?? '');
    await page.close();
  });

  it('detects the face of a photo with the form as it comes, no field filled but the image', async () => {
    const page = await tryOut('recognition', 'detectFaces');
    const operation = page.locator('#operations-recognition-detectFaces');
    await operation
      .locator('tr[data-property-name="image"] input[type=file]')
      .setInputFiles(facePath('knn', 'test', 'obama1.jpg'));
    assert.equal(await execute(page, 'recognition', 'detectFaces'), 200);
    const body = await operation.locator('.live-responses-table .response-col_description pre').first().textContent();
    assert.equal((JSON.parse(body ?? '{}') as { faces: unknown[] }).faces.length, 1);
    await page.close();
  });
});
