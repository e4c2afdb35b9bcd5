import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { JobHandlers } from './job-handlers.js';
import { JOB_OPTIONS, type JobName } from './job-types.js';
import { OnJob } from './on-job.decorator.js';

class Enrollment {
  @OnJob('faces.enroll')
  run(): Promise<unknown> {
    return Promise.resolve('enrolled');
  }
}

class Reindex {
  @OnJob('faces.reindex')
  run(): Promise<unknown> {
    return Promise.resolve('reindexed');
  }
}

/** Handlers of every other declared job, so that the tests below are about the two above only. */
function otherHandlers(): object {
  class Others {}
  const names = (Object.keys(JOB_OPTIONS) as JobName[]).filter(
    (name) => name !== 'faces.enroll' && name !== 'faces.reindex',
  );
  for (const name of names) {
    Object.defineProperty(Others.prototype, name, {
      value: () => Promise.resolve(name),
      writable: true,
      configurable: true,
    });
    OnJob(name)(Others.prototype, name, Object.getOwnPropertyDescriptor(Others.prototype, name)!);
  }
  return new Others();
}

function handlersOf(...instances: object[]): JobHandlers {
  const discovery = {
    getProviders: () => [...instances, otherHandlers()].map((instance) => ({ instance, isNotMetatype: false })),
  } as unknown as DiscoveryService;
  return new JobHandlers(discovery, new MetadataScanner(), new Reflector());
}

describe(JobHandlers.name, () => {
  it('finds one handler per declared job', async () => {
    const sut = handlersOf(new Enrollment(), new Reindex());
    sut.discover();
    assert.equal(await sut.get('faces.enroll')?.({}, 'id'), 'enrolled');
    assert.equal(await sut.get('faces.reindex')?.({}, 'id'), 'reindexed');
  });

  it('fails start-up on a job without a handler', () => {
    assert.throws(() => handlersOf(new Enrollment()).discover(), /faces\.reindex has no @OnJob handler/);
  });

  it('fails start-up on a job with two handlers', () => {
    assert.throws(
      () => handlersOf(new Enrollment(), new Reindex(), new Enrollment()).discover(),
      /faces\.enroll has more than one handler/,
    );
  });
});
