import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../../access/auth-user.js';
import { Authenticated, CurrentUser } from '../../access/authenticated.decorator.js';
import { Permission } from '../../access/permissions.js';
import { IdParam } from '../../common/id-param.js';
import { PageDto } from '../../common/page.dto.js';
import type { PageOf } from '../../common/pagination.js';
import { CreateLeaveRequestDto, LeaveDecisionDto, LeaveRequestDto, LeaveRequestQuery } from './leave-request.dto.js';
import { LeaveRequestsService } from './leave-requests.service.js';

const READERS = [Permission.AttendanceRead, Permission.LeaveRequest];

@ApiTags('attendance')
@Controller('leave-requests')
export class LeaveRequestsController {
  constructor(private readonly leave: LeaveRequestsService) {}

  @Post()
  @Authenticated({ permission: [Permission.LeaveRequest, Permission.AttendanceWrite] })
  @ApiOperation({ summary: 'Ask for leave (for oneself, or for anyone with attendance:write); 409 when it overlaps' })
  createLeaveRequest(@CurrentUser() user: AuthUser, @Body() body: CreateLeaveRequestDto): Promise<LeaveRequestDto> {
    return this.leave.create(user, body);
  }

  @Get()
  @Authenticated({ permission: READERS })
  @ApiOperation({ summary: "List leave requests (everyone's with attendance:read, else one's own)" })
  @ApiOkResponse({ type: PageDto(LeaveRequestDto) })
  listLeaveRequests(
    @CurrentUser() user: AuthUser,
    @Query() query: LeaveRequestQuery,
  ): Promise<PageOf<LeaveRequestDto>> {
    return this.leave.list(user, query);
  }

  @Get(':id')
  @Authenticated({ permission: READERS })
  @ApiOperation({ summary: 'Get one leave request' })
  getLeaveRequest(@CurrentUser() user: AuthUser, @IdParam() id: string): Promise<LeaveRequestDto> {
    return this.leave.get(user, id);
  }

  @Post(':id/approve')
  @HttpCode(200)
  @Authenticated({ permission: Permission.AttendanceWrite })
  @ApiOperation({ summary: 'Approve a pending request: its days become excused' })
  approveLeaveRequest(
    @CurrentUser() user: AuthUser,
    @IdParam() id: string,
    @Body() body: LeaveDecisionDto,
  ): Promise<LeaveRequestDto> {
    return this.leave.approve(user, id, body);
  }

  @Post(':id/reject')
  @HttpCode(200)
  @Authenticated({ permission: Permission.AttendanceWrite })
  @ApiOperation({ summary: 'Reject a pending request' })
  rejectLeaveRequest(
    @CurrentUser() user: AuthUser,
    @IdParam() id: string,
    @Body() body: LeaveDecisionDto,
  ): Promise<LeaveRequestDto> {
    return this.leave.reject(user, id, body);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Authenticated({ permission: [Permission.LeaveRequest, Permission.AttendanceWrite] })
  @ApiOperation({ summary: 'Withdraw a pending request' })
  cancelLeaveRequest(@CurrentUser() user: AuthUser, @IdParam() id: string): Promise<LeaveRequestDto> {
    return this.leave.cancel(user, id);
  }
}
