import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Attempts counted under one key (an account, an address, a mailbox) in the current window. */
@Entity('auth_throttle')
export class ThrottleCounter {
  @PrimaryColumn('varchar')
  key: string;

  @Column('integer')
  hits: number;

  @Column({ type: 'timestamptz' })
  windowStartedAt: Date;
}
