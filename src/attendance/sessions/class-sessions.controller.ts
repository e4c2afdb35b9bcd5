import { Body, Controller, Get, HttpCode, Patch, Post, Put, Query, UploadedFiles } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../../access/auth-user.js';
import { Authenticated, CurrentUser } from '../../access/authenticated.decorator.js';
import { Permission } from '../../access/permissions.js';
import { IdParam } from '../../common/id-param.js';
import { PageDto } from '../../common/page.dto.js';
import type { PageOf } from '../../common/pagination.js';
import { ImageUpload, requireImage, type UploadedImages } from '../../recognition/image-upload.js';
import {
  ClassPhotoMarkResultDto,
  ClassSessionDetailDto,
  ClassSessionDto,
  ClassSessionMarkDto,
  ClassSessionQuery,
  CreateClassSessionDto,
  MarkClassPhotoDto,
  OverrideClassMarkDto,
  UpdateClassSessionDto,
} from './class-session.dto.js';
import { ClassSessionMarking } from './class-session-marking.service.js';
import { ClassSessionsService } from './class-sessions.service.js';

/** Writers are held to their own departments unless they may edit every person (see TeachingScope). */
@ApiTags('attendance')
@Controller('attendance/sessions')
export class ClassSessionsController {
  constructor(
    private readonly sessions: ClassSessionsService,
    private readonly marking: ClassSessionMarking,
  ) {}

  @Post()
  @Authenticated({ permission: Permission.AttendanceWrite })
  @ApiOperation({ summary: 'Plan a class session of a department (teachers: their own departments)' })
  createClassSession(@CurrentUser() user: AuthUser, @Body() body: CreateClassSessionDto): Promise<ClassSessionDto> {
    return this.sessions.create(user, body);
  }

  @Get()
  @Authenticated({ permission: Permission.AttendanceRead })
  @ApiOperation({ summary: 'List class sessions with their attendance figures' })
  @ApiOkResponse({ type: PageDto(ClassSessionDto) })
  listClassSessions(
    @CurrentUser() user: AuthUser,
    @Query() query: ClassSessionQuery,
  ): Promise<PageOf<ClassSessionDto>> {
    return this.sessions.list(user, query);
  }

  @Get(':id')
  @Authenticated({ permission: Permission.AttendanceRead })
  @ApiOperation({ summary: "Get a class session with its figures and every student's mark" })
  getClassSession(@CurrentUser() user: AuthUser, @IdParam() id: string): Promise<ClassSessionDetailDto> {
    return this.sessions.get(user, id);
  }

  @Patch(':id')
  @Authenticated({ permission: Permission.AttendanceWrite })
  @ApiOperation({ summary: 'Change an active class session (409 once completed or cancelled)' })
  updateClassSession(
    @CurrentUser() user: AuthUser,
    @IdParam() id: string,
    @Body() body: UpdateClassSessionDto,
  ): Promise<ClassSessionDto> {
    return this.sessions.update(user, id, body);
  }

  @Post(':id/close')
  @HttpCode(200)
  @Authenticated({ permission: Permission.AttendanceWrite })
  @ApiOperation({ summary: 'Complete a class session: unmarked students become absent (idempotent)' })
  closeClassSession(@CurrentUser() user: AuthUser, @IdParam() id: string): Promise<ClassSessionDto> {
    return this.sessions.close(user, id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Authenticated({ permission: Permission.AttendanceWrite })
  @ApiOperation({ summary: 'Cancel an active class session (idempotent; 409 once completed)' })
  cancelClassSession(@CurrentUser() user: AuthUser, @IdParam() id: string): Promise<ClassSessionDto> {
    return this.sessions.cancel(user, id);
  }

  @Post(':id/mark')
  @HttpCode(200)
  @Authenticated({ permission: Permission.AttendanceWrite })
  @ApiOperation({ summary: "Mark a class session from a class photo (among the department's students only)" })
  @ImageUpload(['image'], { taken_at: { type: 'string', format: 'date-time' } })
  markClassSession(
    @CurrentUser() user: AuthUser,
    @IdParam() id: string,
    @UploadedFiles() files: UploadedImages,
    @Body() body: MarkClassPhotoDto,
  ): Promise<ClassPhotoMarkResultDto> {
    return this.marking.mark(user, id, requireImage(files, 'image'), body);
  }

  @Put(':id/marks/:employee_id')
  @Authenticated({ permission: Permission.AttendanceWrite })
  @ApiOperation({ summary: "Override one student's mark with a reason (audited with the old and new values)" })
  overrideClassMark(
    @CurrentUser() user: AuthUser,
    @IdParam() id: string,
    @IdParam('employee_id') employeeId: string,
    @Body() body: OverrideClassMarkDto,
  ): Promise<ClassSessionMarkDto> {
    return this.sessions.override(user, id, employeeId, body);
  }
}
