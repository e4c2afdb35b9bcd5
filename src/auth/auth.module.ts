import { createSecretKey } from 'node:crypto';
import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config.js';
import { MailModule } from '../mail/mail.module.js';
import { RolesModule } from '../roles/roles.module.js';
import { UsersModule } from '../users/users.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { AccessGuard } from './access.guard.js';
import { AttemptThrottle } from './attempt-throttle.js';
import { AccessTokenAuthenticator } from './access-token-authenticator.js';
import { AccessTokenStrategy } from './access-token.strategy.js';
import { AuthUserResolver } from './auth-user.resolver.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { PasswordResetService } from './password-reset.service.js';
import { PasswordResetToken } from './password-reset-token.entity.js';
import { RefreshToken } from './refresh-token.entity.js';
import { SessionTokens } from './session-tokens.js';
import { UserAccessRevokedListener } from './user-access-revoked.listener.js';
import { OrganizationsModule } from '../organizations/organizations.module.js';

@Module({
  imports: [
    TypeOrmModule.forFeature([RefreshToken, PasswordResetToken]),
    PassportModule,
    JwtModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        // A KeyObject, not the string: given a string, jsonwebtoken first tries to parse it as a public key on every
        // sign and verify, and that failed parse (an OpenSSL error turned into an exception) was the largest single
        // cost of an authenticated request in the profile (bench/api-throughput.bench.ts).
        secret: createSecretKey(Buffer.from(config.jwtSecret)),
        signOptions: { algorithm: 'HS256', expiresIn: config.accessTokenTtl },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
    UsersModule,
    RolesModule,
    MailModule,
    OrganizationsModule,
    SessionsModule,
  ],
  controllers: [AuthController],
  providers: [
    AuthService,
    SessionTokens,
    AttemptThrottle,
    PasswordResetService,
    UserAccessRevokedListener,
    AuthUserResolver,
    AccessTokenAuthenticator,
    AccessTokenStrategy,
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  exports: [AuthUserResolver, AccessTokenAuthenticator, SessionTokens, AttemptThrottle],
})
export class AuthModule {}
