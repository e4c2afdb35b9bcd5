import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RolesModule } from '../roles/roles.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { PasswordHasher } from './password-hasher.js';
import { User } from './user.entity.js';
import { UsersController } from './users.controller.js';
import { RoleHoldersListener } from './role-holders.listener.js';
import { UserAccounts } from './user-accounts.js';
import { UsersService } from './users.service.js';
import { OrganizationsModule } from '../organizations/organizations.module.js';

@Module({
  imports: [TypeOrmModule.forFeature([User]), OrganizationsModule, RolesModule, SessionsModule],
  controllers: [UsersController],
  providers: [UsersService, UserAccounts, PasswordHasher, RoleHoldersListener],
  exports: [UsersService, PasswordHasher, TypeOrmModule, UserAccounts],
})
export class UsersModule {}
