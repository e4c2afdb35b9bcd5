import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

const decimal = { to: (value: number) => value, from: (value: string) => Number(value) };

/** One self check-in attempt from a person's phone; refused attempts keep the reason. */
@Entity('self_check_ins')
export class SelfCheckIn {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  organizationId: string;

  @Column('uuid')
  employeeId: string;

  @Column({ type: 'varchar' })
  direction: 'in' | 'out';

  @Column({ type: 'numeric', precision: 9, scale: 6, transformer: decimal })
  latitude: number;

  @Column({ type: 'numeric', precision: 9, scale: 6, transformer: decimal })
  longitude: number;

  @Column({ type: 'uuid', nullable: true })
  locationId: string | null;

  @Column({ type: 'real', nullable: true })
  distanceM: number | null;

  @Column()
  accepted: boolean;

  /** `outside_geofence`, `face_mismatch`, `spoof_suspected` or `no_face_detected` when refused. */
  @Column({ type: 'varchar', nullable: true })
  reason: string | null;

  @Column({ type: 'real', nullable: true })
  similarity: number | null;

  @Column({ type: 'real', nullable: true })
  livenessScore: number | null;

  @Column({ type: 'uuid', nullable: true })
  recordId: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
