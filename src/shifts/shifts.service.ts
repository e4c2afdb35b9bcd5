import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In, Repository } from 'typeorm';
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
import type { ShiftSchedule } from './shift-schedule.js';
import { findInOrganization } from '../common/find-in-organization.js';
import { DomainEventBus } from '../events/domain-event-bus.js';
import { findOrder } from '../common/ordering.js';

@Injectable()
export class ShiftsService {
  constructor(
    @InjectRepository(Shift) private readonly shifts: Repository<Shift>,
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly events: DomainEventBus,
  ) {}

  async list(caller: AuthUser, query: ShiftQuery): Promise<PageOf<ShiftDto>> {
    const { skip, take } = PageOf.skipTake(query);
    const [rows, count] = await this.shifts.findAndCount({
      where: { organizationId: caller.organizationId },
      order: findOrder(query.ordering, { name: 'name', start_time: 'startTime', created_at: 'createdAt' }),
      skip,
      take,
    });
    return new PageOf(rows.map(toShiftDto), count, query);
  }

  async get(caller: AuthUser, id: string): Promise<ShiftDto> {
    return toShiftDto(await findInOrganization(this.shifts, caller.organizationId, id, 'Shift'));
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
    const shift = await findInOrganization(this.shifts, caller.organizationId, id, 'Shift');
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
    const shift = await findInOrganization(this.shifts, caller.organizationId, id, 'Shift');
    await this.dataSource.transaction(async (manager) => {
      // The people feature refuses (409) while people work it.
      await this.events.publish(manager, 'shift.deleting', { organizationId: caller.organizationId, shiftId: id });
      await manager.getRepository(Shift).delete({ id, organizationId: caller.organizationId });
      await this.audit.record(
        { action: 'shift.deleted', entityType: 'shift', entityId: id, oldValues: toShiftDto(shift) },
        manager,
      );
    });
  }

  /** Whether the shift exists in the organisation (for features that refer to shifts). */
  /** The working times of the organisation's shifts among `ids`, by id (for attendance). */
  async schedulesOf(
    organizationId: string,
    ids: string[],
    manager?: EntityManager,
  ): Promise<Map<string, ShiftSchedule>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    const repository = manager ? manager.getRepository(Shift) : this.shifts;
    const rows = await repository.findBy({ organizationId, id: In(unique) });
    return new Map(
      rows.map((row) => [
        row.id,
        {
          startTime: row.startTime,
          endTime: row.endTime,
          graceMinutes: row.graceMinutes,
          workingDays: row.workingDays.map(Number),
        },
      ]),
    );
  }

  existsInOrganization(organizationId: string, id: string): Promise<boolean> {
    return this.shifts.existsBy({ id, organizationId });
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
