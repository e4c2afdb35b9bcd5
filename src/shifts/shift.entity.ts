import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

@Entity('shifts')
export class Shift {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  organizationId: string;

  @Column()
  name: string;

  /** Local time of the organisation, `HH:MM`. */
  @Column({ type: 'text' })
  startTime: string;

  @Column({ type: 'text' })
  endTime: string;

  @Column({ default: 0 })
  graceMinutes: number;

  /** ISO weekday numbers, 1 = Monday … 7 = Sunday. */
  @Column({ type: 'smallint', array: true, default: [1, 2, 3, 4, 5] })
  workingDays: number[];

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
