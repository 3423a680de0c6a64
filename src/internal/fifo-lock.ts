/**
 * `FifoLock`: the embedded engine's turn-taking.
 *
 * @module
 */
/**
 * A fair lock: holders are served strictly in the order they asked.
 *
 * The embedded engine has one PostgreSQL session, so every scope takes this
 * lock for its whole life; fairness keeps a stream of short statements from
 * starving a waiting scope.
 */
export class FifoLock {
  #held = false;
  readonly #waiters: Array<() => void> = [];

  /** Resolves with a release function once every earlier caller has released. */
  acquire(): Promise<() => void> {
    if (!this.#held) {
      this.#held = true;
      return Promise.resolve(this.#releaser());
    }
    return new Promise((resolve) => this.#waiters.push(() => resolve(this.#releaser())));
  }

  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiters.shift();
      if (next) next();
      else this.#held = false;
    };
  }
}
