import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { AuthUser } from '../access/auth-user.js';
import { Authenticated, type Caller, CurrentCaller, CurrentUser } from '../access/authenticated.decorator.js';
import { Permission } from '../access/permissions.js';
import { IdParam } from '../common/id-param.js';
import { PageDto } from '../common/page.dto.js';
import type { PageOf } from '../common/pagination.js';
import { CameraHealthDto, CameraStreamDto, ConnectionTestDto, HeartbeatDto } from './camera-health.dto.js';
import { CameraMonitoringService } from './camera-monitoring.service.js';
import { CameraDto, CameraQuery, CreateCameraDto, UpdateCameraDto } from './camera.dto.js';
import { CamerasService } from './cameras.service.js';
import { ApiErrors } from '../common/api-errors.decorator.js';

@ApiTags('cameras')
@Controller('cameras')
export class CamerasController {
  constructor(
    private readonly cameras: CamerasService,
    private readonly monitoring: CameraMonitoringService,
  ) {}

  @Get()
  @Authenticated({ permission: Permission.CamerasRead })
  @ApiOperation({ summary: 'List cameras (filters: location, active, live status, name search)' })
  @ApiOkResponse({ type: PageDto(CameraDto) })
  listCameras(@CurrentUser() user: AuthUser, @Query() query: CameraQuery): Promise<PageOf<CameraDto>> {
    return this.cameras.list(user, query);
  }

  @Get(':id')
  @Authenticated({ permission: Permission.CamerasRead })
  @ApiOperation({ summary: 'Read a camera (its URL without credentials)' })
  @ApiOkResponse({ type: CameraDto })
  getCamera(@CurrentUser() user: AuthUser, @IdParam() id: string): Promise<CameraDto> {
    return this.cameras.get(user, id);
  }

  @Post()
  @Authenticated({ permission: Permission.CamerasWrite })
  @ApiOperation({ summary: 'Add a camera; credentials (also in the URL) are stored encrypted' })
  @ApiCreatedResponse({ type: CameraDto })
  createCamera(@CurrentUser() user: AuthUser, @Body() body: CreateCameraDto): Promise<CameraDto> {
    return this.cameras.create(user, body);
  }

  @Patch(':id')
  @Authenticated({ permission: Permission.CamerasWrite })
  @ApiOperation({ summary: 'Change a camera; null clears a nullable field, including username and password' })
  @ApiOkResponse({ type: CameraDto })
  updateCamera(
    @CurrentUser() user: AuthUser,
    @IdParam() id: string,
    @Body() body: UpdateCameraDto,
  ): Promise<CameraDto> {
    return this.cameras.update(user, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @Authenticated({ permission: Permission.CamerasWrite })
  @ApiOperation({ summary: 'Delete a camera and its keys' })
  @ApiNoContentResponse()
  deleteCamera(@CurrentUser() user: AuthUser, @IdParam() id: string): Promise<void> {
    return this.cameras.remove(user, id);
  }

  @Post(':id/heartbeat')
  @HttpCode(200)
  @Authenticated({ permission: Permission.CamerasWrite, device: true })
  @ApiOperation({ summary: 'Tell the camera is alive (device key of this camera, or cameras:write)' })
  @ApiOkResponse({ type: HeartbeatDto })
  cameraHeartbeat(@CurrentCaller() caller: Caller, @IdParam() id: string): Promise<HeartbeatDto> {
    return this.monitoring.heartbeat(caller, id);
  }

  @Get(':id/health')
  @Authenticated({ permission: Permission.CamerasRead })
  @ApiOperation({ summary: 'Live status, last contacts, frames and faces processed, errors, mean processing time' })
  @ApiOkResponse({ type: CameraHealthDto })
  getCameraHealth(@CurrentUser() user: AuthUser, @IdParam() id: string): Promise<CameraHealthDto> {
    return this.monitoring.health(user, id);
  }

  @Get(':id/stream')
  @Authenticated({ permission: Permission.CamerasViewStream })
  @ApiOperation({ summary: 'The stream URL with its credentials (cameras:view_stream; audited)' })
  @ApiOkResponse({ type: CameraStreamDto })
  getCameraStream(@CurrentUser() user: AuthUser, @IdParam() id: string): Promise<CameraStreamDto> {
    return this.monitoring.stream(user, id);
  }

  @Post(':id/test')
  @HttpCode(200)
  @Authenticated({ permission: Permission.CamerasRead })
  @ApiOperation({ summary: "Open a TCP connection to the stream's host and port; reports reachable or why not" })
  @ApiOkResponse({ type: ConnectionTestDto })
  @ApiUnprocessableEntityResponse({ description: 'The camera has no source URL (no_source_url)' })
  @ApiErrors({ 422: ['no_source_url'] })
  testCameraConnection(@CurrentUser() user: AuthUser, @IdParam() id: string): Promise<ConnectionTestDto> {
    return this.monitoring.testConnection(user, id);
  }
}
