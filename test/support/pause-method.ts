export interface PausedMethod {
  /** Resolves once a call has reached the pause. */
  readonly entered: Promise<void>;
  /** Lets the held calls, and every later one, go on. */
  release(): void;
  /** Releases and puts the original method back. */
  restore(): void;
}

/**
 * Holds calls of the async method `target[method]` at their start until `release()`, so that a test can stop the
 * app at one point of a race instead of sleeping. With `once`, only the first call is held and the original method
 * is back for the next ones.
 */
export function pauseMethod<T extends object, K extends keyof T>(
  target: T,
  method: K,
  options: { once?: boolean } = {},
): PausedMethod {
  const own = Object.prototype.hasOwnProperty.call(target, method);
  const original = target[method];
  const call = (original as (...args: unknown[]) => Promise<unknown>).bind(target);
  let enter!: () => void;
  const entered = new Promise<void>((resolve) => (enter = resolve));
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const putBack = () => {
    if (own) target[method] = original;
    else delete target[method];
  };
  target[method] = (async (...args: unknown[]) => {
    if (options.once) putBack();
    enter();
    await released;
    return call(...args);
  }) as T[K];
  return {
    entered,
    release,
    restore: () => {
      release();
      putBack();
    },
  };
}
