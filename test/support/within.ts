/**
 * Probing for hangs without hanging: `within(promise)` settles as `promise`
 * does, or rejects after a few seconds saying that it never settled.
 */
export function within<T>(promise: Promise<T>, what = "the call", ms = 5000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms / 1000} s: it hangs.`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
