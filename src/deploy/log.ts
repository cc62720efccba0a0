// What a deploy notes as it goes, whatever the outcome: the request ids the service gave, the time
// each phase took, the warnings (each also handed on at once, so a person sees it before any
// write), and the write in flight. The phases append here and return their values; the result is
// built from this log once, at the end.
import type { DeployClock, DeployPhase, PhaseDetail } from './types.js';

export class DeployLog {
  readonly requestIds: string[] = [];
  readonly timings: Record<string, number> = {};
  readonly warnings: string[] = [];
  /** Time spent waiting for the person at the y/N question: not part of the deploy's own time. */
  waitedMs = 0;
  /**
   * The write request in flight, if any: aborting our side does not take back a request the
   * service already has, so a cancel from then on must not read as "nothing happened".
   */
  writing: string | undefined;

  constructor(
    readonly clock: DeployClock,
    private readonly onPhase: (phase: DeployPhase, detail: PhaseDetail) => void = () => {},
    private readonly onWarning: (message: string) => void = () => {},
  ) {}

  phase(name: DeployPhase, detail: PhaseDetail): void {
    this.onPhase(name, detail);
  }

  warn(...messages: string[]): void {
    for (const message of messages) {
      this.warnings.push(message);
      this.onWarning(message);
    }
  }

  /** A request id from an answer or an error ('' when the service gave none). */
  request(requestId: string | undefined): void {
    if (requestId) this.requestIds.push(requestId);
  }

  /** Runs one phase, reporting its start and end and adding its time to `timings[name]`. */
  async timed<T>(
    name: DeployPhase,
    work: () => Promise<T>,
    detail: (value: T) => Partial<PhaseDetail> = () => ({}),
  ): Promise<T> {
    this.phase(name, { state: 'start' });
    const t0 = this.clock.now();
    const value = await work();
    const ms = Math.round(this.clock.now() - t0);
    this.timings[name] = (this.timings[name] ?? 0) + ms;
    this.phase(name, { state: 'done', ms, ...detail(value) });
    return value;
  }
}
