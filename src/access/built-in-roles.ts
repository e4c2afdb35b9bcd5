import { ALL_PERMISSIONS, Permission } from './permissions.js';

export const BUILT_IN_ROLE_NAMES = [
  'super_admin',
  'admin',
  'manager',
  'operator',
  'teacher',
  'employee',
  'student',
] as const;
export type BuiltInRoleName = (typeof BUILT_IN_ROLE_NAMES)[number];

const P = Permission;
const READ_ORGANIZATION_STRUCTURE = [P.OrganizationsRead, P.DepartmentsRead, P.LocationsRead, P.ShiftsRead];
const SELF_SERVICE = [P.EmployeesReadSelf, P.AttendanceReadSelf, P.AttendanceSelfCheckIn, P.LeaveRequest];

/** The built-in roles and what each may do. Custom roles of an organisation are stored in the `roles` table. */
export const BUILT_IN_ROLES: Record<BuiltInRoleName, { description: string; permissions: readonly Permission[] }> = {
  super_admin: {
    description: 'Runs the installation: every organisation and every permission',
    permissions: ALL_PERMISSIONS,
  },
  admin: {
    description: 'Administers one organisation',
    permissions: ALL_PERMISSIONS.filter((permission) => permission !== P.OrganizationsWrite),
  },
  manager: {
    description: 'Manages people and attendance of the organisation',
    permissions: [
      ...READ_ORGANIZATION_STRUCTURE,
      P.UsersRead,
      P.RolesRead,
      P.EmployeesRead,
      P.EmployeesWrite,
      P.AttendanceRead,
      P.AttendanceWrite,
      P.VisitorsRead,
      P.RecognitionUse,
      P.ModelsRead,
      P.CamerasRead,
      P.PresenceRead,
      P.PresenceReview,
      P.JobsRead,
      ...SELF_SERVICE,
    ],
  },
  operator: {
    description: 'Front desk and security: visitors, cameras, live recognition',
    permissions: [
      ...READ_ORGANIZATION_STRUCTURE,
      P.EmployeesRead,
      P.VisitorsRead,
      P.VisitorsWrite,
      P.RecognitionUse,
      P.ModelsRead,
      P.CamerasRead,
      P.PresenceRead,
      P.PresenceWrite,
      P.PresenceReview,
      P.AttendanceRead,
      P.JobsRead,
      ...SELF_SERVICE,
    ],
  },
  teacher: {
    description: 'Marks class attendance',
    permissions: [
      ...READ_ORGANIZATION_STRUCTURE,
      P.EmployeesRead,
      P.AttendanceRead,
      P.AttendanceWrite,
      P.RecognitionUse,
      P.JobsRead,
      ...SELF_SERVICE,
    ],
  },
  employee: { description: 'Reads their own record and attendance', permissions: SELF_SERVICE },
  student: { description: 'Reads their own record and attendance', permissions: SELF_SERVICE },
};

export function isBuiltInRole(name: string): name is BuiltInRoleName {
  return (BUILT_IN_ROLE_NAMES as readonly string[]).includes(name);
}
