import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../../access/auth-user.js';
import { Permission } from '../../access/permissions.js';
import { ApiError } from '../../common/api-error.js';
import { DepartmentsService } from '../../departments/departments.service.js';
import { EmployeesService } from '../../employees/employees.service.js';

/**
 * Which departments a caller may run class sessions for. Whoever may edit every person of the organisation
 * (`employees:write`: admins, managers) may run any department's classes: they could move themselves into any
 * department anyway. Anyone else with `attendance:write` (a teacher) runs the classes of their own departments:
 * the departments they manage (`departments.manager_id`) and the department of the person linked to their account.
 */
@Injectable()
export class TeachingScope {
  constructor(
    private readonly departments: DepartmentsService,
    private readonly people: EmployeesService,
  ) {}

  /** 403 unless the caller may run classes of `departmentId` (a session whose department was deleted: admins only). */
  async assertMayTeach(caller: AuthUser, departmentId: string | null): Promise<void> {
    if (caller.permissions.has(Permission.EmployeesWrite)) return;
    const own = await this.departmentsOf(caller);
    if (departmentId === null || !own.has(departmentId)) {
      throw ApiError.forbidden('Teachers run the class sessions of their own departments only');
    }
  }

  private async departmentsOf(caller: AuthUser): Promise<Set<string>> {
    const managed = await this.departments.idsManagedBy(caller.organizationId, caller.id);
    const own = await this.people.departmentOfUser(caller.organizationId, caller.id);
    return new Set(own ? [...managed, own] : managed);
  }
}
