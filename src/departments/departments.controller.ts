import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../access/auth-user.js';
import { Authenticated, CurrentUser } from '../access/authenticated.decorator.js';
import { Permission } from '../access/permissions.js';
import { IdParam } from '../common/id-param.js';
import { PageDto } from '../common/page.dto.js';
import type { PageOf } from '../common/pagination.js';
import { CreateDepartmentDto, DepartmentDto, DepartmentQuery, UpdateDepartmentDto } from './department.dto.js';
import { DepartmentsService } from './departments.service.js';
import { ApiErrors } from '../common/api-errors.decorator.js';

@ApiTags('departments')
@Controller('departments')
export class DepartmentsController {
  constructor(private readonly departments: DepartmentsService) {}

  /** Lists the organisation's departments. */
  @Get()
  @Authenticated({ permission: Permission.DepartmentsRead })
  @ApiOkResponse({ type: PageDto(DepartmentDto) })
  listDepartments(@CurrentUser() user: AuthUser, @Query() query: DepartmentQuery): Promise<PageOf<DepartmentDto>> {
    return this.departments.list(user, query);
  }

  /** A department. */
  @Get(':id')
  @Authenticated({ permission: Permission.DepartmentsRead })
  getDepartment(@CurrentUser() user: AuthUser, @IdParam() id: string): Promise<DepartmentDto> {
    return this.departments.get(user, id);
  }

  /** Creates a department with a unique code. */
  @Post()
  @Authenticated({ permission: Permission.DepartmentsWrite })
  createDepartment(@CurrentUser() user: AuthUser, @Body() body: CreateDepartmentDto): Promise<DepartmentDto> {
    return this.departments.create(user, body);
  }

  /** Changes a department. */
  @Patch(':id')
  @Authenticated({ permission: Permission.DepartmentsWrite })
  updateDepartment(
    @CurrentUser() user: AuthUser,
    @IdParam() id: string,
    @Body() body: UpdateDepartmentDto,
  ): Promise<DepartmentDto> {
    return this.departments.update(user, id, body);
  }

  /** Deletes a department; 409 while people still belong to it. */
  @Delete(':id')
  @HttpCode(204)
  @Authenticated({ permission: Permission.DepartmentsWrite })
  @ApiErrors({ 409: ['in_use'] })
  deleteDepartment(@CurrentUser() user: AuthUser, @IdParam() id: string): Promise<void> {
    return this.departments.remove(user, id);
  }
}
