import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { JwtService } from '@nestjs/jwt';
import type { AuthUser } from '../access/auth-user.js';
import { ApiError } from '../common/api-error.js';
import { AccessTokenAuthenticator } from './access-token-authenticator.js';
import type { AccessTokenPayload } from './auth.dto.js';
import type { AuthUserResolver } from './auth-user.resolver.js';

describe(AccessTokenAuthenticator.name, () => {
  const secret = 'a-test-secret-of-at-least-32-characters';
  const jwt = new JwtService({ secret, signOptions: { algorithm: 'HS256' }, verifyOptions: { algorithms: ['HS256'] } });
  const claims = { sub: 'user', org: 'org', role: 'admin', ver: 1, fam: 'family' };
  const user = { id: 'user' } as AuthUser;
  const resolved: { payload?: AccessTokenPayload; organizationId?: string }[] = [];
  const resolver = {
    resolve: (payload: AccessTokenPayload, organizationId?: string) => {
      resolved.push({ payload, organizationId });
      return Promise.resolve(user);
    },
  } as AuthUserResolver;
  const sut = new AccessTokenAuthenticator(jwt, resolver);
  const now = () => Math.floor(Date.now() / 1000);
  const codeOf = (promise: Promise<unknown>) =>
    promise.then(
      () => 'accepted',
      (error: unknown) => (error instanceof ApiError ? error.code : String(error)),
    );

  it('resolves the caller of a valid token, with its login and expiry', async () => {
    const exp = now() + 60;
    const holder = await sut.authenticate(jwt.sign({ ...claims, exp }), 'other-org');
    assert.equal(holder.user, user);
    assert.equal(holder.familyId, 'family');
    assert.equal(holder.expiresAt.getTime(), exp * 1000);
    assert.equal(resolved.at(-1)?.organizationId, 'other-org');
  });

  it('answers token_expired for an expired token and invalid_token for any other bad one', async () => {
    const calls = resolved.length;
    assert.equal(await codeOf(sut.authenticate(jwt.sign({ ...claims, exp: now() - 5 }))), 'token_expired');
    const forged = new JwtService({ secret: 'another-secret-of-at-least-32-characters' }).sign(claims);
    assert.equal(await codeOf(sut.authenticate(forged)), 'invalid_token');
    const [, payload] = jwt.sign(claims).split('.');
    const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`;
    assert.equal(await codeOf(sut.authenticate(unsigned)), 'invalid_token');
    assert.equal(await codeOf(sut.authenticate('abc')), 'invalid_token');
    assert.equal(resolved.length, calls, 'no bad token reaches the user lookup');
  });

  it('checks a token’s signature once, yet refuses it once it expires and resolves its user every time', async (t) => {
    const exp = now() + 60;
    const token = jwt.sign({ ...claims, fam: 'another-login', exp });
    let checks = 0;
    t.mock.method(jwt, 'verifyAsync', (...args: Parameters<JwtService['verifyAsync']>) => {
      checks += 1;
      return JwtService.prototype.verifyAsync.apply(jwt, args);
    });
    const calls = resolved.length;
    await sut.authenticate(token);
    await sut.authenticate(token);
    assert.equal(checks, 1, 'the second use of the token was not verified again');
    assert.equal(resolved.length, calls + 2, 'the user behind it was resolved both times');
    const tampered = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
    assert.equal(await codeOf(sut.authenticate(tampered)), 'invalid_token');
    mock.timers.enable({ apis: ['Date'], now: exp * 1000 });
    try {
      assert.equal(await codeOf(sut.authenticate(token)), 'token_expired');
    } finally {
      mock.timers.reset();
    }
  });
});
