import { after, before } from 'node:test';
import { loginAsAdmin, type Session } from './api-client.js';
import { startTestApp, type TestApp } from './test-app.js';

export interface TestAppContext {
  /** The app, started before the first test of the enclosing suite. */
  readonly sut: TestApp;
  /** The super admin's session on it. */
  readonly superAdmin: Session;
}

/**
 * Starts the app (see startTestApp) before the tests of the enclosing suite and closes it after them, with the
 * super admin logged in. The tests read `sut` and `superAdmin` from the returned context once they run.
 */
export function useTestApp(env: Record<string, string> = {}): TestAppContext {
  let sut: TestApp | undefined;
  let superAdmin: Session | undefined;
  before(async () => {
    sut = await startTestApp(env);
    superAdmin = await loginAsAdmin(sut);
  });
  after(() => sut?.close());
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useTestApp: the app starts in before(); read it inside a test');
    return value;
  };
  return {
    get sut() {
      return ready(sut);
    },
    get superAdmin() {
      return ready(superAdmin);
    },
  };
}
