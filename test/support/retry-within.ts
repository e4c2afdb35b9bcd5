/**
 * Calls `attempt` until `done` holds for its result or `ms` have passed (20 ms apart), and answers the last result:
 * for what reaches another instance "within a second".
 */
export async function retryWithin<T>(ms: number, attempt: () => Promise<T>, done: (result: T) => boolean): Promise<T> {
  const deadline = Date.now() + ms;
  let result = await attempt();
  while (!done(result) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    result = await attempt();
  }
  return result;
}
