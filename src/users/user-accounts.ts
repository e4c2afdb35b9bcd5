import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, Repository } from 'typeorm';
import { User } from './user.entity.js';

/**
 * The users table as authentication sees it: find an account, stamp a login, set a password. Auth asks here
 * instead of reading the table itself. Methods that take an EntityManager run in the caller's transaction.
 */
@Injectable()
export class UserAccounts {
  constructor(@InjectRepository(User) private readonly users: Repository<User>) {}

  findById(id: string, manager?: EntityManager): Promise<User | null> {
    return (manager ? manager.getRepository(User) : this.users).findOneBy({ id });
  }

  /** The account whose username (or email), compared without case, is `login`. */
  findByLogin(field: 'username' | 'email', login: string): Promise<User | null> {
    return this.users.createQueryBuilder('user').where(`lower(user.${field}) = lower(:login)`, { login }).getOne();
  }

  async recordLogin(manager: EntityManager, id: string): Promise<void> {
    await manager.getRepository(User).update({ id }, { lastLoginAt: new Date() });
  }

  /** Stores a new password hash; `revokeTokens` also bumps the token version, so every access token stops. */
  async setPassword(
    manager: EntityManager,
    id: string,
    passwordHash: string,
    options: { revokeTokens: boolean },
  ): Promise<void> {
    if (options.revokeTokens) await manager.getRepository(User).increment({ id }, 'tokenVersion', 1);
    await manager.getRepository(User).update({ id }, { passwordHash });
  }
}
