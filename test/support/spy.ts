/** Calls `seen` with the arguments of every call of `target[key]` (which still runs); returns the undo. */
export function spy<T extends object, K extends keyof T>(
  target: T,
  key: K,
  seen: (...args: unknown[]) => unknown,
): () => void {
  const original = target[key] as (...args: unknown[]) => unknown;
  Object.assign(target, {
    [key]: function (this: unknown, ...args: unknown[]) {
      seen(...args);
      return original.apply(this, args);
    },
  });
  return () => {
    delete (target as Record<PropertyKey, unknown>)[key];
    if (target[key] !== original) Object.assign(target, { [key]: original });
  };
}
