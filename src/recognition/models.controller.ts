import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../access/authenticated.decorator.js';
import { Permission } from '../access/permissions.js';
import { PageDto } from '../common/page.dto.js';
import { PageOf, PageQuery } from '../common/pagination.js';
import { FaceModels } from './face-models.js';
import { ModelDto } from './recognition.dto.js';

@ApiTags('recognition')
@Controller('models')
export class ModelsController {
  constructor(private readonly models: FaceModels) {}

  /** The face models this instance knows: loaded or not, version, license, threshold, average inference time. */
  @Get()
  @Authenticated({ permission: Permission.ModelsRead })
  @ApiOkResponse({ type: PageDto(ModelDto) })
  listModels(): PageOf<ModelDto> {
    const models = this.models.list();
    return new PageOf(models, models.length, Object.assign(new PageQuery(), { page_size: Math.max(models.length, 1) }));
  }
}
