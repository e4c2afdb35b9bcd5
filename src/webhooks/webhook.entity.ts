import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** An organisation's subscription: events of the listed types are POSTed, signed, to `url`. */
@Entity('webhooks')
export class Webhook {
  /** Chosen before the insert: the sealed secret is bound to it. */
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  organizationId: string;

  @Column('text')
  url: string;

  @Column({ type: 'text', array: true })
  events: string[];

  @Column({ type: 'text', nullable: true })
  description: string | null;

  /** The HMAC secret sealed with CredentialSeal under `webhook:<id>`; never returned. */
  @Column('text')
  sealedSecret: string;

  @Column({ default: true })
  isActive: boolean;

  /** Why the service disabled it (`consecutive_failures`); null when active or turned off by a user. */
  @Column({ type: 'text', nullable: true })
  disabledReason: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  disabledAt: Date | null;

  /** Failed attempts since the last success (test pings aside). */
  @Column('integer', { default: 0 })
  consecutiveFailures: number;

  @Column({ type: 'timestamptz', nullable: true })
  lastDeliveryAt: Date | null;

  @Column({ type: 'uuid', nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
