import assert from 'node:assert/strict';
import type { TestApp } from './test-app.js';
import { ADMIN_PASSWORD } from './test-app.js';

export interface Session {
  access_token: string;
  refresh_token: string;
  user: { id: string; organization_id: string; role: string; permissions: string[] };
}

/** The password the user factories give, unless told otherwise. */
export const USER_PASSWORD = 'User-Pass-1';
/** The password of the admin createOrganizationWithAdmin creates. */
export const ORG_ADMIN_PASSWORD = 'Org-Admin-1';

let sequence = 0;
/** A name no other factory call in this process has handed out: `prefix-<n>`. */
export function uniqueName(prefix: string): string {
  sequence += 1;
  return `${prefix}-${sequence}`;
}

export async function login(app: TestApp, username: string, password: string): Promise<Session> {
  const response = await app.http().post('/api/v1/auth/login').send({ username, password });
  assert.equal(response.status, 200, `login of ${username} failed: ${JSON.stringify(response.body)}`);
  return response.body as Session;
}

export const loginAsAdmin = (app: TestApp) => login(app, 'admin', ADMIN_PASSWORD);

export const bearer = (session: Session) => ({ Authorization: `Bearer ${session.access_token}` });

/** Fields of an organisation or department: a code (default: a new one), a name, anything else the API takes. */
export interface OrganizationOptions {
  code?: string;
  name?: string;
  [field: string]: unknown;
}

/** Creates an organisation as the super admin; returns its id. */
export async function createOrganization(
  app: TestApp,
  superAdmin: Session,
  { code = uniqueName('org'), name = `Organisation ${code}`, ...fields }: OrganizationOptions = {},
): Promise<string> {
  const organization = await app
    .http()
    .post('/api/v1/organizations')
    .set(bearer(superAdmin))
    .send({ name, code, ...fields });
  assert.equal(organization.status, 201, JSON.stringify(organization.body));
  return (organization.body as { id: string }).id;
}

/**
 * Creates an organisation as the super admin and an admin user in it (`<code>-admin`); returns that admin's
 * session. The code defaults to a new one.
 */
export async function createOrganizationWithAdmin(
  app: TestApp,
  superAdmin: Session,
  code: string = uniqueName('org'),
): Promise<{ organizationId: string; admin: Session }> {
  const organizationId = await createOrganization(app, superAdmin, { code });
  const admin = await createUserAndLogin(app, superAdmin, `${code}-admin`, 'admin', {
    organizationId,
    password: ORG_ADMIN_PASSWORD,
    fullName: `${code} admin`,
  });
  return { organizationId, admin };
}

export interface UserOptions {
  password?: string;
  email?: string;
  fullName?: string;
  /** Only a super admin may create users in another organisation. Default: the creator's. */
  organizationId?: string;
}

/** Creates a user with a role in the creator's organisation (or `organizationId`); returns the created user. */
export async function createUser(
  app: TestApp,
  creator: Session,
  username: string = uniqueName('user'),
  role = 'employee',
  {
    password = USER_PASSWORD,
    email = `${username}@example.com`,
    fullName = username,
    organizationId,
  }: UserOptions = {},
): Promise<{ id: string; username: string; password: string }> {
  const response = await app
    .http()
    .post('/api/v1/users')
    .set(bearer(creator))
    .send({
      username,
      email,
      password,
      full_name: fullName,
      role,
      ...(organizationId ? { organization_id: organizationId } : {}),
    });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return { id: (response.body as { id: string }).id, username, password };
}

/** Creates a user with a role (default: employee) in the creator's organisation and logs them in. */
export async function createUserAndLogin(
  app: TestApp,
  creator: Session,
  username: string = uniqueName('user'),
  role = 'employee',
  options: UserOptions = {},
): Promise<Session> {
  const user = await createUser(app, creator, username, role, options);
  return login(app, user.username, user.password);
}

/** Creates a department in the caller's organisation (code defaults to a new one); returns the created record. */
export async function createDepartment(
  app: TestApp,
  session: Session,
  { code = uniqueName('DEP').replace('-', ''), name = `Department ${code}`, ...fields }: OrganizationOptions = {},
): Promise<Record<string, unknown> & { id: string; code: string }> {
  const response = await app
    .http()
    .post('/api/v1/departments')
    .set(bearer(session))
    .send({ name, code, ...fields });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return response.body as Record<string, unknown> & { id: string; code: string };
}
