import { Injectable } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { JOB_OPTIONS, type JobName } from './job-types.js';
import { JOB_HANDLER } from './on-job.decorator.js';

/** A job's work: gets the payload, returns the result (stored as JSON) or throws. */
export type JobHandler = (payload: Record<string, unknown>, jobId: string) => Promise<unknown>;

/**
 * The handlers of every job, found on the providers by `@OnJob`. Start-up fails when a job of JOB_OPTIONS has no
 * handler, or more than one, or a handler names a job that is not declared.
 */
@Injectable()
export class JobHandlers {
  private readonly handlers = new Map<string, JobHandler>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  discover(): void {
    const found: [string, JobHandler][] = [];
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object' || wrapper.isNotMetatype) continue;
      for (const method of this.scanner.getAllMethodNames(Object.getPrototypeOf(instance) as object)) {
        const handler = instance[method];
        if (typeof handler !== 'function') continue;
        const name = this.reflector.get<string | undefined>(JOB_HANDLER, handler);
        if (name) found.push([name, (handler as JobHandler).bind(instance)]);
      }
    }
    const problems: string[] = [];
    for (const [name, handler] of found) {
      if (!(name in JOB_OPTIONS)) problems.push(`@OnJob('${name}') names no job of JOB_OPTIONS`);
      else if (this.handlers.has(name)) problems.push(`job ${name} has more than one handler`);
      else this.handlers.set(name, handler);
    }
    for (const name of Object.keys(JOB_OPTIONS)) {
      if (!found.some(([handled]) => handled === name)) problems.push(`job ${name} has no @OnJob handler`);
    }
    if (problems.length > 0) throw new Error(`Job handlers are wrong:\n  ${problems.join('\n  ')}`);
  }

  get(name: string): JobHandler | undefined {
    return this.handlers.get(name);
  }

  has(name: JobName): boolean {
    return this.handlers.has(name);
  }
}
