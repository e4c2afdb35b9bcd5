/** Every permission the API checks, as `resource:action`. Roles are sets of these. */
export const Permission = {
  OrganizationsRead: 'organizations:read',
  OrganizationsWrite: 'organizations:write',
  UsersRead: 'users:read',
  UsersWrite: 'users:write',
  RolesRead: 'roles:read',
  RolesWrite: 'roles:write',
  DepartmentsRead: 'departments:read',
  DepartmentsWrite: 'departments:write',
  LocationsRead: 'locations:read',
  LocationsWrite: 'locations:write',
  ShiftsRead: 'shifts:read',
  ShiftsWrite: 'shifts:write',
  AuditRead: 'audit:read',
  EmployeesRead: 'employees:read',
  EmployeesReadSelf: 'employees:read_self',
  EmployeesWrite: 'employees:write',
  RecognitionUse: 'recognition:use',
  ModelsRead: 'models:read',
  CamerasRead: 'cameras:read',
  CamerasWrite: 'cameras:write',
  /** Read a camera's stream URL with its credentials (built in: admins only). */
  CamerasViewStream: 'cameras:view_stream',
  /** Read presence events (who each camera saw) and their snapshots' ids. */
  PresenceRead: 'presence:read',
  /** Post camera frames with a user's token (devices use their camera key). */
  PresenceWrite: 'presence:write',
  /** Approve, reject or assign presence events (unknown faces, anomalies). */
  PresenceReview: 'presence:review',
  AttendanceRead: 'attendance:read',
  AttendanceReadSelf: 'attendance:read_self',
  AttendanceWrite: 'attendance:write',
  /** Check oneself in from a phone (selfie inside a location's geofence). */
  AttendanceSelfCheckIn: 'attendance:self_check_in',
  LeaveRequest: 'leave:request',
  VisitorsRead: 'visitors:read',
  VisitorsWrite: 'visitors:write',
  VisitorsViewIdNumber: 'visitors:view_id_number',
  JobsRead: 'jobs:read',
  /** Run a failed background job again (admins). */
  JobsWrite: 'jobs:write',
  /** Read the organisation's webhooks and their delivery logs (never their secrets). */
  WebhooksRead: 'webhooks:read',
  WebhooksWrite: 'webhooks:write',
  /** Read the installation's health and usage (GET /system/health, /system/metrics; built in: admins). */
  SystemRead: 'system:read',
  /** Run maintenance (POST /system/maintenance; built in: admins, for their organisation). */
  SystemWrite: 'system:write',
  /** Read security incidents and the security log (failed logins, refused keys, rate limits, watchlist hits). */
  SecurityRead: 'security:read',
  /** Report security incidents and resolve them. */
  SecurityWrite: 'security:write',
} as const;

export type Permission = (typeof Permission)[keyof typeof Permission];

export const ALL_PERMISSIONS: readonly Permission[] = Object.values(Permission);

export function isPermission(value: string): value is Permission {
  return (ALL_PERMISSIONS as readonly string[]).includes(value);
}
