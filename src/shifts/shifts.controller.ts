import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../access/auth-user.js';
import { Authenticated, CurrentUser } from '../access/authenticated.decorator.js';
import { Permission } from '../access/permissions.js';
import { IdParam } from '../common/id-param.js';
import { PageDto } from '../common/page.dto.js';
import type { PageOf } from '../common/pagination.js';
import { CreateShiftDto, ShiftDto, ShiftQuery, UpdateShiftDto } from './shift.dto.js';
import { ShiftsService } from './shifts.service.js';
import { ApiErrors } from '../common/api-errors.decorator.js';

@ApiTags('shifts')
@Controller('shifts')
export class ShiftsController {
  constructor(private readonly shifts: ShiftsService) {}

  /** Lists the organisation's shifts. */
  @Get()
  @Authenticated({ permission: Permission.ShiftsRead })
  @ApiOkResponse({ type: PageDto(ShiftDto) })
  listShifts(@CurrentUser() user: AuthUser, @Query() query: ShiftQuery): Promise<PageOf<ShiftDto>> {
    return this.shifts.list(user, query);
  }

  /** A shift. */
  @Get(':id')
  @Authenticated({ permission: Permission.ShiftsRead })
  getShift(@CurrentUser() user: AuthUser, @IdParam() id: string): Promise<ShiftDto> {
    return this.shifts.get(user, id);
  }

  /** Creates a shift (start, end, grace minutes, working days). */
  @Post()
  @Authenticated({ permission: Permission.ShiftsWrite })
  createShift(@CurrentUser() user: AuthUser, @Body() body: CreateShiftDto): Promise<ShiftDto> {
    return this.shifts.create(user, body);
  }

  /** Changes a shift. */
  @Patch(':id')
  @Authenticated({ permission: Permission.ShiftsWrite })
  updateShift(@CurrentUser() user: AuthUser, @IdParam() id: string, @Body() body: UpdateShiftDto): Promise<ShiftDto> {
    return this.shifts.update(user, id, body);
  }

  /** Deletes a shift. */
  @Delete(':id')
  @HttpCode(204)
  @Authenticated({ permission: Permission.ShiftsWrite })
  @ApiErrors({ 409: ['in_use'] })
  deleteShift(@CurrentUser() user: AuthUser, @IdParam() id: string): Promise<void> {
    return this.shifts.remove(user, id);
  }
}
