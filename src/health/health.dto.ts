import { ApiProperty } from '@nestjs/swagger';

export class LivenessDto {
  @ApiProperty({ enum: ['ok'] })
  status!: 'ok';
}

export class ReadinessDto {
  @ApiProperty({ enum: ['ok'] })
  status!: 'ok';

  /** Each dependency's state: `up`, or what is wrong with it. */
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, example: { database: 'up', models: 'up' } })
  checks!: Record<string, string>;
}
