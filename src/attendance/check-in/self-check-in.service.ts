import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import type { AuthUser } from '../../access/auth-user.js';
import { ApiError } from '../../common/api-error.js';
import { EmployeesService } from '../../employees/employees.service.js';
import { LocationsService } from '../../locations/locations.service.js';
import { RecognitionService } from '../../recognition/recognition.service.js';
import { AttendanceMarker } from '../attendance-marker.js';
import { AttendanceRecordsService } from '../attendance-records.service.js';
import type { SelfCheckInDto, SelfCheckInResultDto } from './self-check-in.dto.js';
import { SelfCheckIn } from './self-check-in.entity.js';

type Refusal = 'outside_geofence' | 'face_mismatch' | 'spoof_suspected';

const REFUSALS: Record<Refusal, string> = {
  outside_geofence: 'You are not inside the area of any location of your organisation',
  face_mismatch: 'The selfie does not match your enrolled face',
  spoof_suspected: 'The selfie did not pass the liveness check',
};

/**
 * A person checks themselves in (or out) from a phone: inside a location's geofence, with a selfie that matches
 * their own enrolled face (1:1) and passes liveness when the model pack has it. Every attempt is stored; a refused
 * one answers 422 with the reason as the error code.
 */
@Injectable()
export class SelfCheckInService {
  constructor(
    @InjectRepository(SelfCheckIn) private readonly attempts: Repository<SelfCheckIn>,
    private readonly dataSource: DataSource,
    private readonly people: EmployeesService,
    private readonly locations: LocationsService,
    private readonly recognition: RecognitionService,
    private readonly marker: AttendanceMarker,
    private readonly records: AttendanceRecordsService,
  ) {}

  async checkIn(caller: AuthUser, selfie: Buffer, input: SelfCheckInDto): Promise<SelfCheckInResultDto> {
    const organizationId = caller.organizationId;
    const employeeId = await this.people.idOfUser(organizationId, caller.id);
    if (!employeeId) throw new ApiError(HttpStatus.NOT_FOUND, 'not_found', 'No person is linked to your account');
    const direction = input.direction ?? 'in';
    const attempt = { organizationId, employeeId, direction, latitude: input.latitude, longitude: input.longitude };
    const fence = await this.locations.nearestGeofence(organizationId, input.latitude, input.longitude);
    const place = fence ? { locationId: fence.locationId, distanceM: Math.round(fence.distanceM) } : {};
    if (!fence || fence.distanceM > fence.radiusM) return this.refuse({ ...attempt, ...place }, 'outside_geofence');
    const verdict = await this.recognition.verifyImages(organizationId, { imageA: selfie, employeeId, liveness: true });
    const measured = {
      ...attempt,
      ...place,
      similarity: verdict.similarity,
      livenessScore: verdict.liveness?.score ?? null,
    };
    // A spoof is refused as such, whoever it shows.
    if (verdict.liveness && !verdict.liveness.passed) return this.refuse(measured, 'spoof_suspected');
    if (!verdict.match) return this.refuse(measured, 'face_mismatch');
    const recordId = await this.dataSource.transaction(async (manager) => {
      const record = await this.marker.mark(manager, {
        organizationId,
        employeeId,
        at: new Date(),
        direction,
        cameraId: null,
        locationId: fence.locationId,
        confidence: verdict.similarity,
        livenessPassed: verdict.liveness?.passed ?? null,
        source: 'self_check_in',
      });
      await manager
        .getRepository(SelfCheckIn)
        .save({ ...measured, accepted: true, reason: null, recordId: record?.id ?? null });
      return record?.id ?? null;
    });
    if (!recordId) throw new ApiError(HttpStatus.NOT_FOUND, 'not_found', 'Your person record is not active');
    return {
      status: 'accepted',
      location_id: fence.locationId,
      distance_m: Math.round(fence.distanceM),
      similarity: verdict.similarity,
      liveness: verdict.liveness ?? null,
      record: await this.records.get(caller, recordId),
    };
  }

  private async refuse(attempt: Partial<SelfCheckIn>, reason: Refusal): Promise<never> {
    await this.attempts.save({ ...attempt, accepted: false, reason });
    throw new ApiError(HttpStatus.UNPROCESSABLE_ENTITY, reason, REFUSALS[reason], {
      distance_m: attempt.distanceM ?? null,
    });
  }
}
