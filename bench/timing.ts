/** Median of a list of seconds. */
export function median(values: readonly number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
}

/** Runs `fn` once to warm up (JIT, compiled schemas and rules), then `repeats` times; the median in seconds. */
export async function timeIt(repeats: number, fn: () => unknown): Promise<number> {
  await fn();
  const runs: number[] = [];
  for (let run = 0; run < repeats; run += 1) {
    const started = process.hrtime.bigint();
    await fn();
    runs.push(Number(process.hrtime.bigint() - started) / 1e9);
  }
  return median(runs);
}

/** Peak resident set size of this process so far, in MiB. */
export const peakRssMiB = (): number => process.resourceUsage().maxRSS / 1024;
