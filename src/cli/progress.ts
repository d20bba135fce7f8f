/** Runs up to this many projects log a line per project when there is no terminal. */
export const PER_PROJECT_LINES = 200;

/**
 * Progress for logs without a terminal (CI): a line per project for small runs; past
 * PER_PROJECT_LINES, a line every 5% or every 15 s, so that a 10,000-project log stays readable.
 */
export class ProgressLog {
  private last: { at: number; step: number };
  private documents = 0;

  constructor(
    private readonly write: (line: string) => void,
    private readonly now: () => number = Date.now,
    private readonly started = now(),
  ) {
    this.last = { at: started, step: 0 };
  }

  project(done: number, total: number, id: string, written: number): void {
    this.documents += written;
    if (total <= PER_PROJECT_LINES) {
      this.write(`[${done}/${total}] ${id}: ${written} document${written === 1 ? '' : 's'}`);
      return;
    }
    const now = this.now();
    const step = Math.floor((done * 20) / total);
    if (done !== total && step === this.last.step && now - this.last.at < 15_000) return;
    this.last = { at: now, step };
    const elapsed = (now - this.started) / 1000;
    const left = (elapsed / done) * (total - done);
    const eta = done < total ? ` · ETA ${left < 90 ? `${Math.ceil(left)} s` : `${Math.ceil(left / 60)} min`}` : '';
    this.write(`[${done}/${total}] ${Math.floor((done * 100) / total)}% · ${this.documents} documents · ${Math.round(elapsed)} s${eta}`);
  }
}
