import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A failed login, kept briefly to throttle guessing per (username, address) across API instances. */
@Entity('login_attempts')
export class LoginAttempt {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column()
  username: string;

  @Column()
  ip: string;

  @CreateDateColumn({ type: 'timestamptz' })
  attemptedAt: Date;
}
