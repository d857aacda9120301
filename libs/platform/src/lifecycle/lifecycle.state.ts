/**
 * Whether the process has begun shutting down. Set once, on the first SIGTERM/SIGINT; health
 * endpoints answer 503 from then on so load balancers and Kubernetes stop sending work.
 */
export class LifecycleState {
  #shuttingDown = false;

  get shuttingDown(): boolean {
    return this.#shuttingDown;
  }

  markShuttingDown(): void {
    this.#shuttingDown = true;
  }
}
