import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, Repository } from 'typeorm';
import { ApiError } from '../common/api-error.js';
import { LoginAttempt } from './login-attempt.entity.js';

const WINDOW_MS = 60_000;
const MAX_FAILURES = 5;

/** Counts failed logins per (username, address) in the database, so every API instance sees the same count. */
@Injectable()
export class LoginThrottle {
  constructor(@InjectRepository(LoginAttempt) private readonly attempts: Repository<LoginAttempt>) {}

  /** Throws 429 with `retry_after` seconds when the last minute already holds 5 failures. */
  async assertAllowed(username: string, ip: string): Promise<void> {
    const recent = await this.attempts
      .createQueryBuilder('attempt')
      .where('attempt.username = :username AND attempt.ip = :ip', { username: username.toLowerCase(), ip })
      .andWhere('attempt.attempted_at > :since', { since: new Date(Date.now() - WINDOW_MS) })
      .orderBy('attempt.attempted_at', 'DESC')
      .take(MAX_FAILURES)
      .getMany();
    if (recent.length < MAX_FAILURES) return;
    const oldest = recent[recent.length - 1].attemptedAt.getTime();
    const retryAfter = Math.max(1, Math.ceil((oldest + WINDOW_MS - Date.now()) / 1000));
    throw new ApiError(
      HttpStatus.TOO_MANY_REQUESTS,
      'too_many_login_attempts',
      `Too many failed logins; try again in ${retryAfter} s`,
      { retry_after: retryAfter },
    );
  }

  async recordFailure(username: string, ip: string): Promise<void> {
    await this.attempts.insert({ username: username.toLowerCase(), ip });
    await this.attempts.delete({ attemptedAt: LessThan(new Date(Date.now() - 3600_000)) });
  }

  async reset(username: string, ip: string): Promise<void> {
    await this.attempts.delete({ username: username.toLowerCase(), ip });
  }
}
