import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, type EntityManager, Repository } from 'typeorm';
import type { AuthUser } from '../access/auth-user.js';
import { AuditService } from '../audit/audit.service.js';
import { ApiError } from '../common/api-error.js';
import { escapeLike } from '../common/escape-like.js';
import { PageOf } from '../common/pagination.js';
import { AccessInvalidation } from '../sessions/access-invalidation.js';
import {
  type CreateOrganizationDto,
  type OrganizationDto,
  type OrganizationQuery,
  toOrganizationDto,
  type UpdateOrganizationDto,
} from './organization.dto.js';
import { Organization } from './organization.entity.js';
import { orderQuery } from '../common/ordering.js';

/** What attendance needs of an organisation's calendar. */
export interface OrganizationCalendar {
  timeZone: string;
  holidays: string[];
}

/** Organisations (tenants). A super admin sees all of them; anyone else only their own. */
@Injectable()
export class OrganizationsService {
  constructor(
    @InjectRepository(Organization) private readonly organizations: Repository<Organization>,
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly invalidation: AccessInvalidation,
  ) {}

  async list(caller: AuthUser, query: OrganizationQuery): Promise<PageOf<OrganizationDto>> {
    const builder = orderQuery(
      this.organizations.createQueryBuilder('org'),
      query.ordering,
      { name: 'org.name', code: 'org.code', created_at: 'org.created_at' },
      'org.id',
    );
    if (!caller.isSuperAdmin) builder.where('org.id = :id', { id: caller.organizationId });
    if (query.search) {
      builder.andWhere('(org.name ILIKE :pattern OR org.code ILIKE :pattern)', {
        pattern: `%${escapeLike(query.search)}%`,
      });
    }
    const { skip, take } = PageOf.skipTake(query);
    const [rows, count] = await builder.skip(skip).take(take).getManyAndCount();
    return new PageOf(rows.map(toOrganizationDto), count, query);
  }

  async get(caller: AuthUser, id: string): Promise<OrganizationDto> {
    return toOrganizationDto(await this.findVisible(caller, id));
  }

  async create(input: CreateOrganizationDto): Promise<OrganizationDto> {
    await this.assertCodeFree(input.code);
    return this.dataSource.transaction(async (manager) => {
      const organization = await manager.getRepository(Organization).save(fromInput(input, new Organization()));
      const dto = toOrganizationDto(organization);
      await this.audit.record(
        {
          action: 'organization.created',
          entityType: 'organization',
          entityId: organization.id,
          organizationId: organization.id,
          newValues: dto,
        },
        manager,
      );
      return dto;
    });
  }

  async update(caller: AuthUser, id: string, input: UpdateOrganizationDto): Promise<OrganizationDto> {
    const organization = await this.findVisible(caller, id);
    const before = toOrganizationDto(organization);
    if (input.code !== undefined && input.code.toLowerCase() !== organization.code.toLowerCase()) {
      await this.assertCodeFree(input.code);
    }
    if (input.is_active === false && id === caller.homeOrganizationId) {
      throw ApiError.badRequest('forbidden_self_change', 'You cannot deactivate your own organisation');
    }
    fromInput(input, organization);
    if (input.is_active !== undefined) organization.isActive = input.is_active;
    return this.dataSource.transaction(async (manager) => {
      const saved = await manager.getRepository(Organization).save(organization);
      await this.invalidation.announce(manager, { organizationId: id });
      await this.audit.record(
        {
          action: 'organization.updated',
          entityType: 'organization',
          entityId: id,
          organizationId: id,
          oldValues: before,
          newValues: input,
        },
        manager,
      );
      return toOrganizationDto(saved);
    });
  }

  /** Organisations are deactivated, never erased here: their people and records stay for the audit trail. */
  /**
   * Whether the organisation `id` is active, for other features' access checks; null when there is no such
   * organisation. With `manager`, read inside that transaction.
   */
  async activeState(id: string, manager?: EntityManager): Promise<boolean | null> {
    const repository = manager ? manager.getRepository(Organization) : this.organizations;
    const organization = await repository.findOne({ select: { id: true, isActive: true }, where: { id } });
    return organization ? organization.isActive : null;
  }

  /**
   * The organisation's calendar for attendance: its IANA time zone and holidays (`settings.holidays`, a list of
   * `YYYY-MM-DD` dates). 404 when there is no such organisation.
   */
  async calendarOf(id: string, manager?: EntityManager): Promise<OrganizationCalendar> {
    const repository = manager ? manager.getRepository(Organization) : this.organizations;
    const organization = await repository.findOne({
      select: { id: true, timezone: true, settings: true },
      where: { id },
    });
    if (!organization) throw ApiError.notFound('Organization');
    const listed = organization.settings?.holidays;
    const holidays = Array.isArray(listed)
      ? listed.filter((day): day is string => typeof day === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(day))
      : [];
    return { timeZone: organization.timezone, holidays };
  }

  /** The organisation's name (report headings); 404 when there is no such organisation. */
  async nameOf(id: string): Promise<string> {
    const organization = await this.organizations.findOne({ select: { id: true, name: true }, where: { id } });
    if (!organization) throw ApiError.notFound('Organization');
    return organization.name;
  }

  /**
   * The organisation's floor and tower labels for the visitor desk: `settings.floors` and `settings.towers` (lists
   * of strings), else `G`, `1`…`15` and `A`…`D`. 404 when there is no such organisation.
   */
  async buildingLayoutOf(id: string): Promise<{ floors: string[]; towers: string[] }> {
    const organization = await this.organizations.findOne({ select: { id: true, settings: true }, where: { id } });
    if (!organization) throw ApiError.notFound('Organization');
    const labels = (value: unknown, fallback: string[]) =>
      Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'string') ? value : fallback;
    return {
      floors: labels(organization.settings?.floors, ['G', ...Array.from({ length: 15 }, (_, i) => String(i + 1))]),
      towers: labels(organization.settings?.towers, ['A', 'B', 'C', 'D']),
    };
  }

  /** Ids of the active organisations (for scheduled work such as the daily attendance close). */
  async activeIds(): Promise<string[]> {
    const rows = await this.organizations.find({ select: { id: true }, where: { isActive: true } });
    return rows.map((row) => row.id);
  }

  /** Ids of every organisation, active or not (for maintenance over all of them). */
  async allIds(): Promise<string[]> {
    const rows = await this.organizations.find({ select: { id: true } });
    return rows.map((row) => row.id);
  }

  async deactivate(caller: AuthUser, id: string): Promise<void> {
    await this.update(caller, id, { is_active: false } as UpdateOrganizationDto);
  }

  private async findVisible(caller: AuthUser, id: string): Promise<Organization> {
    if (!caller.isSuperAdmin && id !== caller.organizationId) throw ApiError.notFound('Organization');
    const organization = await this.organizations.findOneBy({ id });
    if (!organization) throw ApiError.notFound('Organization');
    return organization;
  }

  private async assertCodeFree(code: string): Promise<void> {
    const clash = await this.organizations
      .createQueryBuilder('org')
      .where('lower(org.code) = lower(:code)', { code })
      .getExists();
    if (clash)
      throw ApiError.conflict('An organisation with this code already exists', [
        { field: 'code', errors: ['code is taken'] },
      ]);
  }
}

function fromInput(input: Partial<CreateOrganizationDto>, organization: Organization): Organization {
  if (input.name !== undefined) organization.name = input.name;
  if (input.code !== undefined) organization.code = input.code;
  if (input.address !== undefined) organization.address = input.address;
  if (input.contact_email !== undefined) organization.contactEmail = input.contact_email;
  if (input.contact_phone !== undefined) organization.contactPhone = input.contact_phone;
  if (input.organization_type !== undefined) organization.organizationType = input.organization_type;
  if (input.subscription_tier !== undefined) organization.subscriptionTier = input.subscription_tier;
  if (input.timezone !== undefined) organization.timezone = input.timezone;
  if (input.working_hours !== undefined) {
    organization.workingHours = input.working_hours ? { ...input.working_hours } : null;
  }
  if (input.settings !== undefined) organization.settings = input.settings;
  return organization;
}
