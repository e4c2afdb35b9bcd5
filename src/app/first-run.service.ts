import { randomBytes } from 'node:crypto';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource, QueryFailedError } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { AppConfig } from '../config/app-config.js';
import { Organization } from '../organizations/organization.entity.js';
import { PasswordHasher } from '../users/password-hasher.js';
import { User } from '../users/user.entity.js';

/**
 * On the very first start (no user yet): creates the default organisation and the super admin, with
 * ADMIN_PASSWORD or a generated password printed once to the log.
 */
@Injectable()
export class FirstRunService implements OnApplicationBootstrap {
  private readonly logger = new Logger('FirstRun');

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if ((await this.dataSource.getRepository(User).count()) > 0) return;
    const password = this.config.adminPassword ?? randomBytes(12).toString('base64url');
    const passwordHash = await this.hasher.hash(password);
    const created = await this.dataSource
      .transaction(async (manager) => {
        const organization = await manager
          .getRepository(Organization)
          .save({ name: 'Default organisation', code: 'default', settings: {} });
        const admin = await manager.getRepository(User).save({
          organizationId: organization.id,
          username: this.config.adminUsername,
          email: `${this.config.adminUsername.toLowerCase()}@localhost`,
          passwordHash,
          fullName: 'Administrator',
          role: 'super_admin',
        });
        await this.audit.record(
          {
            action: 'user.created',
            entityType: 'user',
            entityId: admin.id,
            newValues: { username: admin.username, role: admin.role, reason: 'first run' },
            organizationId: organization.id,
            userId: null,
          },
          manager,
        );
        return true;
      })
      .catch((error: unknown) => {
        // Another instance starting at the same moment created them first.
        if (error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23505')
          return false;
        throw error;
      });
    if (!created) return;
    if (this.config.adminPassword) {
      this.logger.log(`Created super admin "${this.config.adminUsername}" with the password from ADMIN_PASSWORD`);
    } else {
      this.logger.warn(
        `Created super admin "${this.config.adminUsername}" with password: ${password}  (shown once; change it after logging in)`,
      );
    }
  }
}
