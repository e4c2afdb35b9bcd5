import type { Permission } from './permissions.js';

/** The authenticated caller of a request, as the access guard resolved it. */
export interface AuthUser {
  id: string;
  username: string;
  role: string;
  /** The organisation the caller acts in (a super admin may switch with X-Organization-Id). */
  organizationId: string;
  /** The organisation the account belongs to. */
  homeOrganizationId: string;
  permissions: ReadonlySet<Permission>;
  isSuperAdmin: boolean;
}
