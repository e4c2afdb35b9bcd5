import assert from 'node:assert/strict';
import type { TestApp } from './test-app.js';
import { ADMIN_PASSWORD } from './test-app.js';

export interface Session {
  access_token: string;
  refresh_token: string;
  user: { id: string; organization_id: string; role: string; permissions: string[] };
}

export async function login(app: TestApp, username: string, password: string): Promise<Session> {
  const response = await app.http().post('/api/v1/auth/login').send({ username, password });
  assert.equal(response.status, 200, `login of ${username} failed: ${JSON.stringify(response.body)}`);
  return response.body as Session;
}

export const loginAsAdmin = (app: TestApp) => login(app, 'admin', ADMIN_PASSWORD);

export const bearer = (session: Session) => ({ Authorization: `Bearer ${session.access_token}` });

/** Creates an organisation as the super admin and an admin user in it; returns that admin's session. */
export async function createOrganizationWithAdmin(
  app: TestApp,
  superAdmin: Session,
  code: string,
): Promise<{ organizationId: string; admin: Session }> {
  const organization = await app
    .http()
    .post('/api/v1/organizations')
    .set(bearer(superAdmin))
    .send({ name: `Organisation ${code}`, code });
  assert.equal(organization.status, 201, JSON.stringify(organization.body));
  const organizationId = (organization.body as { id: string }).id;
  const password = 'Org-Admin-1';
  const user = await app
    .http()
    .post('/api/v1/users')
    .set(bearer(superAdmin))
    .send({
      username: `${code}-admin`,
      email: `${code}-admin@example.com`,
      password,
      full_name: `${code} admin`,
      role: 'admin',
      organization_id: organizationId,
    });
  assert.equal(user.status, 201, JSON.stringify(user.body));
  return { organizationId, admin: await login(app, `${code}-admin`, password) };
}

/** Creates a user with a role in the caller's organisation and logs them in. */
export async function createUserAndLogin(
  app: TestApp,
  creator: Session,
  username: string,
  role: string,
): Promise<Session> {
  const password = 'User-Pass-1';
  const response = await app
    .http()
    .post('/api/v1/users')
    .set(bearer(creator))
    .send({ username, email: `${username}@example.com`, password, full_name: username, role });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return login(app, username, password);
}
