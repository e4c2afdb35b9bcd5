import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, Repository } from 'typeorm';
import type { AuthUser } from '../access/auth-user.js';
import { AuditService } from '../audit/audit.service.js';
import { ApiError } from '../common/api-error.js';
import { PageOf } from '../common/pagination.js';
import {
  applyShiftInput,
  type CreateShiftDto,
  type ShiftDto,
  type ShiftQuery,
  toShiftDto,
  type UpdateShiftDto,
} from './shift.dto.js';
import { Shift } from './shift.entity.js';

/** When a shift is worked: `HH:MM` local times of the organisation (end before start: it ends the next day). */
export interface ShiftSchedule {
  startTime: string;
  endTime: string;
  graceMinutes: number;
  /** ISO weekday numbers, 1 = Monday … 7 = Sunday. */
  workingDays: number[];
}

@Injectable()
export class ShiftsService {
  constructor(
    @InjectRepository(Shift) private readonly shifts: Repository<Shift>,
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async list(caller: AuthUser, query: ShiftQuery): Promise<PageOf<ShiftDto>> {
    const { skip, take } = PageOf.skipTake(query);
    const [rows, count] = await this.shifts.findAndCount({
      where: { organizationId: caller.organizationId },
      order: { name: 'ASC', id: 'ASC' },
      skip,
      take,
    });
    return new PageOf(rows.map(toShiftDto), count, query);
  }

  async get(caller: AuthUser, id: string): Promise<ShiftDto> {
    return toShiftDto(await this.findOwned(caller, id));
  }

  async create(caller: AuthUser, input: CreateShiftDto): Promise<ShiftDto> {
    await this.assertNameFree(caller.organizationId, input.name);
    const shift = applyShiftInput(Object.assign(new Shift(), { organizationId: caller.organizationId }), input);
    return this.dataSource.transaction(async (manager) => {
      const saved = await manager.getRepository(Shift).save(shift);
      const dto = toShiftDto(saved);
      await this.audit.record(
        { action: 'shift.created', entityType: 'shift', entityId: saved.id, newValues: dto },
        manager,
      );
      return dto;
    });
  }

  async update(caller: AuthUser, id: string, input: UpdateShiftDto): Promise<ShiftDto> {
    const shift = await this.findOwned(caller, id);
    const before = toShiftDto(shift);
    if (input.name !== undefined && input.name.toLowerCase() !== shift.name.toLowerCase()) {
      await this.assertNameFree(caller.organizationId, input.name);
    }
    applyShiftInput(shift, input);
    return this.dataSource.transaction(async (manager) => {
      const saved = await manager.getRepository(Shift).save(shift);
      await this.audit.record(
        { action: 'shift.updated', entityType: 'shift', entityId: id, oldValues: before, newValues: input },
        manager,
      );
      return toShiftDto(saved);
    });
  }

  async remove(caller: AuthUser, id: string): Promise<void> {
    const shift = await this.findOwned(caller, id);
    await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(Shift).delete({ id, organizationId: caller.organizationId });
      await this.audit.record(
        { action: 'shift.deleted', entityType: 'shift', entityId: id, oldValues: toShiftDto(shift) },
        manager,
      );
    });
  }

  /** Whether the shift exists in the organisation (for features that refer to shifts). */
  existsInOrganization(organizationId: string, id: string): Promise<boolean> {
    return this.shifts.existsBy({ id, organizationId });
  }

  /** When the organisation's shifts among `ids` are worked (local times of the organisation), by shift id. */
  async schedulesOf(organizationId: string, ids: string[]): Promise<Map<string, ShiftSchedule>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    const rows = await this.shifts.findBy({ organizationId, id: In(unique) });
    return new Map(
      rows.map((row) => [
        row.id,
        {
          startTime: row.startTime,
          endTime: row.endTime,
          graceMinutes: row.graceMinutes,
          workingDays: row.workingDays,
        },
      ]),
    );
  }

  private async findOwned(caller: AuthUser, id: string): Promise<Shift> {
    const shift = await this.shifts.findOneBy({ id, organizationId: caller.organizationId });
    if (!shift) throw ApiError.notFound('Shift');
    return shift;
  }

  private async assertNameFree(organizationId: string, name: string): Promise<void> {
    const clash = await this.shifts
      .createQueryBuilder('shift')
      .where('shift.organization_id = :organizationId AND lower(shift.name) = lower(:name)', { organizationId, name })
      .getExists();
    if (clash)
      throw ApiError.conflict('A shift with this name already exists', [{ field: 'name', errors: ['name is taken'] }]);
  }
}
