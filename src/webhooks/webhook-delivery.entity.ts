import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One attempt to deliver one event to one webhook. */
@Entity('webhook_deliveries')
export class WebhookDelivery {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  organizationId: string;

  @Column('uuid')
  webhookId: string;

  /** The body's `id`: the same for every attempt (and every webhook) of one event. */
  @Column('uuid')
  eventId: string;

  @Column('text')
  eventType: string;

  /** 1 for the first attempt of the event at this webhook. */
  @Column('integer')
  attempt: number;

  /** The receiver's HTTP status; null when none came (refused address, timeout, connection error). */
  @Column({ type: 'integer', nullable: true })
  statusCode: number | null;

  @Column()
  success: boolean;

  @Column('integer')
  durationMs: number;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
