import { AsyncLocalStorage } from 'node:async_hooks';

/** What every request carries for logs and the audit trail. */
export interface RequestContext {
  requestId: string;
  ip: string | null;
  userAgent: string | null;
  userId?: string;
  organizationId?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

export const requestContext = {
  run<T>(context: RequestContext, fn: () => T): T {
    return storage.run(context, fn);
  },
  current(): RequestContext | undefined {
    return storage.getStore();
  },
};
