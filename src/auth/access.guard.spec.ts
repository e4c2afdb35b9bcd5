import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExecutionContext } from '@nestjs/common';
import { type ModuleRef, Reflector } from '@nestjs/core';
import { AccessGuard } from './access.guard.js';

describe(AccessGuard.name, () => {
  it('refuses handlers outside HTTP (a socket gateway would otherwise be open)', async () => {
    const sut = new AccessGuard(new Reflector(), {} as ModuleRef);
    for (const type of ['ws', 'rpc']) {
      const context = { getType: () => type } as unknown as ExecutionContext;
      assert.equal(await sut.canActivate(context), false, type);
    }
  });
});
