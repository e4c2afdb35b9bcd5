import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AuthUser } from '../access/auth-user.js';
import { BUILT_IN_ROLES, type BuiltInRoleName } from '../access/built-in-roles.js';
import { cameraEventRooms, homeRoomsOf, type LivePrincipal } from './live-rooms.js';

describe('live rooms', () => {
  const userWith = (role: BuiltInRoleName, organizationScope: string | null = null): LivePrincipal => ({
    kind: 'user',
    user: {
      id: 'u1',
      username: 'someone',
      role,
      organizationId: 'o1',
      homeOrganizationId: 'o1',
      permissions: new Set(BUILT_IN_ROLES[role].permissions),
      isSuperAdmin: role === 'super_admin',
    } satisfies AuthUser,
    organizationScope,
    expiresAt: new Date(),
  });

  it('puts a user in their own room and the feeds their role may hear, of their organisation', () => {
    const all = ['user:u1', 'org:o1:cameras', 'org:o1:people', 'org:o1:attendance', 'org:o1:security'];
    assert.deepEqual(homeRoomsOf(userWith('admin')), all);
    assert.deepEqual(homeRoomsOf(userWith('operator')), all);
    assert.deepEqual(homeRoomsOf(userWith('teacher')), ['user:u1', 'org:o1:people', 'org:o1:attendance']);
    assert.deepEqual(homeRoomsOf(userWith('employee')), ['user:u1']);
  });

  it('gives the super admin every organisation, unless it connected to one', () => {
    assert.deepEqual(homeRoomsOf(userWith('super_admin')), [
      'user:u1',
      'all:cameras',
      'all:people',
      'all:attendance',
      'all:security',
    ]);
    const one = ['user:u1', 'org:o1:cameras', 'org:o1:people', 'org:o1:attendance', 'org:o1:security'];
    assert.deepEqual(homeRoomsOf(userWith('super_admin', 'o1')), one);
  });

  it("puts a camera key in its camera's room only", () => {
    const device: LivePrincipal = { kind: 'device', device: { keyId: 'k1', cameraId: 'c1', organizationId: 'o1' } };
    assert.deepEqual(homeRoomsOf(device), ['camera:c1']);
  });

  it("sends a camera's events to its organisation, the super admin, its camera and its location", () => {
    assert.deepEqual(cameraEventRooms({ organizationId: 'o1', cameraId: 'c1', locationId: 'l1' }), [
      'org:o1:cameras',
      'all:cameras',
      'camera:c1',
      'location:l1',
    ]);
    assert.deepEqual(cameraEventRooms({ organizationId: 'o1', cameraId: 'c1', locationId: null }), [
      'org:o1:cameras',
      'all:cameras',
      'camera:c1',
    ]);
  });
});
