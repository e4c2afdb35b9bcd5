import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { AuthUser } from '../access/auth-user.js';
import { Authenticated, CurrentUser, Public } from '../access/authenticated.decorator.js';
import { Permission } from '../access/permissions.js';
import { IdParam } from '../common/id-param.js';
import { AppConfig } from '../config/app-config.js';
import { SignedFileQuery } from './file.dto.js';
import { FilesService } from './files.service.js';
import { RateLimit } from '../rate-limits/rate-limit.decorator.js';

@ApiTags('files')
@Controller('files')
export class FilesController {
  constructor(
    private readonly files: FilesService,
    private readonly config: AppConfig,
  ) {}

  /** A stored photo or thumbnail of the caller's organisation (biometric data: never cached by proxies). */
  @Get(':id')
  @ApiOperation({ summary: 'Get a stored photo with a bearer token' })
  @Authenticated({ permission: [Permission.EmployeesRead, Permission.VisitorsRead] })
  @ApiProduces('image/jpeg', 'image/png', 'image/webp')
  async getFile(@CurrentUser() user: AuthUser, @IdParam() id: string, @Res() response: Response): Promise<void> {
    const { file, bytes } = await this.files.read(user, id);
    response
      .status(200)
      .type(file.contentType)
      .setHeader('Cache-Control', 'private, no-store')
      .setHeader('Content-Disposition', 'inline')
      .send(bytes);
  }

  /**
   * A stored photo by the signed URL a response gave (`photo_url`, `thumbnail_url`, …): no token, so a plain
   * `<img src>` shows it, from the configured CORS origins too. Expired, tampered or another organisation's
   * signature: 404.
   */
  @Get('signed/:id')
  @RateLimit('none')
  @ApiOperation({ summary: 'Get a stored photo by its signed URL (no token)' })
  @Public()
  @ApiProduces('image/jpeg', 'image/png', 'image/webp')
  async getSignedFile(
    @IdParam() id: string,
    @Query() query: SignedFileQuery,
    @Res() response: Response,
  ): Promise<void> {
    const { file, bytes, maxAge } = await this.files.readSigned(id, query.expires, query.signature);
    response
      .status(200)
      .type(file.contentType)
      .setHeader('Cache-Control', `private, max-age=${maxAge}`)
      .setHeader('Content-Disposition', 'inline')
      .setHeader('Cross-Origin-Resource-Policy', this.config.fileUrls.resourcePolicy)
      .send(bytes);
  }
}
