import { Controller, Delete, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../access/auth-user.js';
import { Authenticated, CurrentUser } from '../access/authenticated.decorator.js';
import { Permission } from '../access/permissions.js';
import { IdParam } from '../common/id-param.js';
import { PageDto } from '../common/page.dto.js';
import type { PageOf } from '../common/pagination.js';
import { CameraKeyDto, CameraKeyQuery, CreatedCameraKeyDto } from './camera-key.dto.js';
import { CameraKeysService } from './camera-keys.service.js';

@ApiTags('cameras')
@Controller('cameras/:id/keys')
export class CameraKeysController {
  constructor(private readonly keys: CameraKeysService) {}

  @Post()
  @Authenticated({ permission: Permission.CamerasWrite })
  @ApiOperation({ summary: 'Make a device key for the camera; the key is shown this once' })
  @ApiCreatedResponse({ type: CreatedCameraKeyDto })
  createCameraKey(@CurrentUser() user: AuthUser, @IdParam() id: string): Promise<CreatedCameraKeyDto> {
    return this.keys.create(user, id);
  }

  @Get()
  @Authenticated({ permission: Permission.CamerasWrite })
  @ApiOperation({ summary: "List the camera's keys (prefix, creation, last use, revocation), newest first" })
  @ApiOkResponse({ type: PageDto(CameraKeyDto) })
  listCameraKeys(
    @CurrentUser() user: AuthUser,
    @IdParam() id: string,
    @Query() query: CameraKeyQuery,
  ): Promise<PageOf<CameraKeyDto>> {
    return this.keys.list(user, id, query);
  }

  @Delete(':keyId')
  @HttpCode(204)
  @Authenticated({ permission: Permission.CamerasWrite })
  @ApiOperation({ summary: 'Revoke a key: requests with it are refused from now on' })
  @ApiNoContentResponse()
  revokeCameraKey(
    @CurrentUser() user: AuthUser,
    @IdParam() id: string,
    @IdParam('keyId') keyId: string,
  ): Promise<void> {
    return this.keys.revoke(user, id, keyId);
  }
}
