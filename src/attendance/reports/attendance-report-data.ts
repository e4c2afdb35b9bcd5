import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DepartmentsService } from '../../departments/departments.service.js';
import { EmployeesService } from '../../employees/employees.service.js';
import { OrganizationsService } from '../../organizations/organizations.service.js';
import { addCounts, COUNT_COLUMNS, type CountRow, toCounts } from './attendance-counts.js';
import type { AttendanceReportDto, ReportDepartmentDto } from './attendance-report.dto.js';
import { type ReportScope, scopeFilter } from './report-scope.js';

type PersonRow = CountRow & { department_id: string | null; employee_id: string };

/**
 * The content of an attendance report: per department, one row of counts per person, with totals. The counts are one
 * GROUP BY (department, person) over attendance_records; names come from their owners' services.
 */
@Injectable()
export class AttendanceReportData {
  constructor(
    private readonly dataSource: DataSource,
    private readonly organizations: OrganizationsService,
    private readonly departments: DepartmentsService,
    private readonly people: EmployeesService,
  ) {}

  async build(scope: ReportScope): Promise<AttendanceReportDto> {
    const { where, params } = scopeFilter(scope);
    const rows = await this.dataSource.query<PersonRow[]>(
      `SELECT department_id::text AS department_id, employee_id::text AS employee_id, ${COUNT_COLUMNS}
       FROM attendance_records WHERE ${where} GROUP BY department_id, employee_id`,
      params,
    );
    const names = await this.people.namesOf(
      scope.organizationId,
      rows.map((row) => row.employee_id),
    );
    const departmentNames = await this.departments.summaries(
      scope.organizationId,
      rows.flatMap((row) => (row.department_id ? [row.department_id] : [])),
    );
    const byDepartment = new Map<string | null, PersonRow[]>();
    for (const row of rows) {
      const list = byDepartment.get(row.department_id) ?? [];
      list.push(row);
      byDepartment.set(row.department_id, list);
    }
    const departments: ReportDepartmentDto[] = [...byDepartment].map(([id, people]) => ({
      id,
      name: id ? (departmentNames.get(id)?.name ?? 'Unknown department') : 'Unassigned',
      people: people
        .map((row) => {
          const name = names.get(row.employee_id);
          return {
            employee_id: row.employee_id,
            code: name?.code ?? '',
            full_name: name?.fullName ?? 'Unknown person',
            ...toCounts(row),
          };
        })
        .sort((a, b) => a.full_name.localeCompare(b.full_name) || a.code.localeCompare(b.code)),
      totals: toCounts(addCounts(people)),
    }));
    departments.sort((a, b) => Number(a.id === null) - Number(b.id === null) || a.name.localeCompare(b.name));
    return {
      title: 'Attendance report',
      organization: await this.organizations.nameOf(scope.organizationId),
      date_from: scope.from,
      date_to: scope.to,
      time_zone: scope.timeZone,
      department: scope.departmentName,
      generated_at: new Date().toISOString(),
      departments,
      totals: toCounts(addCounts(rows)),
    };
  }
}
