// What an instance printed during one call, bounded. Only the tail of a call's log is ever sent
// (X-Fc-Log-Result holds its last 4 KB), so keeping all of it would let a function that prints
// 100 MB make the sandbox hold 100 MB per call (measured: fcw serve grew from 57 MB to 375 MB
// resident for one such call). The keeper holds the last LOG_KEPT_BYTES and counts the rest.

/**
 * How much of one call's log is kept: far more than the tail sent, so a tail is always whole, and
 * small enough that a function printing without end cannot grow the sandbox's memory with it.
 */
export const LOG_KEPT_BYTES = 64 * 1024;

export class LogKeeper {
  #chunks: Buffer[] = [];
  #bytes = 0;
  #dropped = 0;

  constructor(readonly limit: number = LOG_KEPT_BYTES) {}

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#bytes += chunk.length;
    while (this.#chunks.length > 1 && this.#bytes - this.#chunks[0]!.length >= this.limit) {
      const first = this.#chunks.shift()!;
      this.#bytes -= first.length;
      this.#dropped += first.length;
    }
    if (this.#chunks.length === 1 && this.#bytes > this.limit) {
      // One chunk larger than the limit: keep a copy of its end (a view would pin all of it).
      const only = this.#chunks[0]!;
      this.#chunks[0] = Buffer.from(only.subarray(only.length - this.limit));
      this.#dropped += only.length - this.limit;
      this.#bytes = this.limit;
    }
  }

  /** Bytes printed but no longer held. */
  get dropped(): number {
    return this.#dropped;
  }

  /** The kept log, in order, after a line saying how much was left out before it (if any). */
  chunks(): Buffer[] {
    if (this.#dropped === 0) return [...this.#chunks];
    const note = Buffer.from(`[fcw sandbox: ${this.#dropped} earlier bytes of this log were not kept]\n`, 'utf8');
    return [note, ...this.#chunks];
  }

  text(): string {
    return Buffer.concat(this.chunks()).toString('utf8');
  }
}
