import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../access/auth-user.js';
import { Authenticated, CurrentUser } from '../access/authenticated.decorator.js';
import { Permission } from '../access/permissions.js';
import { IdParam } from '../common/id-param.js';
import type { PageOf } from '../common/pagination.js';
import { CreateEmployeeDto, DeleteEmployeeQuery, EmployeeQuery, UpdateEmployeeDto } from './employee.dto.js';
import { EmployeeDetailDto, EmployeeDto, EmployeeListDto } from './employee-response.dto.js';
import { EmployeesService } from './employees.service.js';

@ApiTags('employees')
@Controller('employees')
export class EmployeesController {
  constructor(private readonly employees: EmployeesService) {}

  /** People of the organisation, filtered and paged; with `facets=true`, `facets` counted over every match. */
  @Get()
  @Authenticated({ permission: Permission.EmployeesRead })
  @ApiOkResponse({ type: EmployeeListDto })
  listEmployees(@CurrentUser() user: AuthUser, @Query() query: EmployeeQuery): Promise<PageOf<EmployeeDto>> {
    return this.employees.list(user, query);
  }

  /** The caller's own person record; 404 when their account is linked to no person. */
  @Get('me')
  @Authenticated({ permission: Permission.EmployeesReadSelf })
  getMyEmployeeRecord(@CurrentUser() user: AuthUser): Promise<EmployeeDetailDto> {
    return this.employees.getOwn(user);
  }

  /** A person with their enrollment summary. */
  @Get(':id')
  @Authenticated({ permission: Permission.EmployeesRead })
  getEmployee(@CurrentUser() user: AuthUser, @IdParam() id: string): Promise<EmployeeDetailDto> {
    return this.employees.get(user, id);
  }

  /** Creates a person; the code is generated as {DEPT}-{YEAR}-{SEQ} when not given. */
  @Post()
  @Authenticated({ permission: Permission.EmployeesWrite })
  createEmployee(@CurrentUser() user: AuthUser, @Body() body: CreateEmployeeDto): Promise<EmployeeDto> {
    return this.employees.create(user, body);
  }

  /** Changes a person. */
  @Patch(':id')
  @Authenticated({ permission: Permission.EmployeesWrite })
  updateEmployee(
    @CurrentUser() user: AuthUser,
    @IdParam() id: string,
    @Body() body: UpdateEmployeeDto,
  ): Promise<EmployeeDto> {
    return this.employees.update(user, id, body);
  }

  /**
   * Deletes the person: their face photos, templates and search entries are erased at once; the record leaves
   * lists and reads (kept for history), or is removed too with `?erase=true`.
   */
  @Delete(':id')
  @HttpCode(204)
  @Authenticated({ permission: Permission.EmployeesWrite })
  deleteEmployee(
    @CurrentUser() user: AuthUser,
    @IdParam() id: string,
    @Query() query: DeleteEmployeeQuery,
  ): Promise<void> {
    return this.employees.remove(user, id, query.erase ?? false);
  }
}
