import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { Severity } from '../audit/audit-log.entity.js';

export const INCIDENT_TYPES = ['tailgating', 'spoof_attempt', 'unauthorized_access', 'watchlist', 'other'] as const;
export type IncidentType = (typeof INCIDENT_TYPES)[number];

export const INCIDENT_STATUSES = ['open', 'resolved'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

/** Something a guard, an operator or an integration reports as a security matter, with an optional photo. */
@Entity('security_incidents')
export class SecurityIncident {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  organizationId: string;

  @Column({ type: 'varchar' })
  type: IncidentType;

  @Column({ type: 'varchar' })
  severity: Severity;

  @Column({ type: 'varchar', default: 'open' })
  status: IncidentStatus;

  @Column({ type: 'uuid', nullable: true })
  cameraId: string | null;

  @Column({ type: 'timestamptz' })
  occurredAt: Date;

  @Column('text')
  description: string;

  @Column({ type: 'uuid', nullable: true })
  imageFileId: string | null;

  @Column({ type: 'uuid', nullable: true })
  thumbnailFileId: string | null;

  @Column({ type: 'uuid', nullable: true })
  reportedBy: string | null;

  @Column({ type: 'uuid', nullable: true })
  resolvedBy: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  resolvedAt: Date | null;

  @Column({ type: 'text', nullable: true })
  resolution: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
