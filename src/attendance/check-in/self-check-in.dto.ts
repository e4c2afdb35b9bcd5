import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsLatitude, IsLongitude, IsNumber } from 'class-validator';
import { Optional } from '../../common/optional.js';
import type { AttendanceRecordDto } from '../attendance-record.dto.js';

export class SelfCheckInDto {
  /** Degrees, where the phone is. */
  @Type(() => Number)
  @IsNumber()
  @IsLatitude()
  latitude: number;

  @Type(() => Number)
  @IsNumber()
  @IsLongitude()
  longitude: number;

  @ApiPropertyOptional({ enum: ['in', 'out'], default: 'in' })
  @Optional()
  @IsIn(['in', 'out'])
  direction?: 'in' | 'out';
}

export class SelfCheckInResultDto {
  status: 'accepted';
  location_id: string;
  /** Metres from the location's centre. */
  distance_m: number;
  similarity: number;
  /** Null when the model pack has no liveness model. */
  liveness: { passed: boolean; score: number } | null;
  record: AttendanceRecordDto;
}
