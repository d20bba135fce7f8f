// Benchmark of `docpack check` (issue #18: a CI gate that only checks): each record file read,
// validated, its clocks and rules run and its findings formatted, against reading and JSON.parse of
// the same files in the same run; then the whole command (`docpack check <dir> --json`, workers by
// default) in this process, per second of wall time and per second of CPU time (all threads).
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkContextOf, checkFile, type CheckFormat } from '../../src/cli/check-files.ts';
import type { CliIo } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';
import { timeToEpochMs } from '../../src/time.ts';
import type { StageResult } from '../types.ts';
import { peakRssMiB, timeIt } from '../timing.ts';

const AS_OF = '2026-11-25T09:00:00+08:00';

export async function benchCheck(files: readonly string[], repeats = 3): Promise<StageResult[]> {
  const floorSeconds = await timeIt(repeats, () => {
    for (const file of files) JSON.parse(readFileSync(file, 'utf8'));
  });
  const floor = { label: 'readFile+JSON.parse', seconds: floorSeconds };
  const context = checkContextOf({ asOfMs: timeToEpochMs(AS_OF), rules: {} });
  const oneThread = async (format: CheckFormat): Promise<{ seconds: number; findings: number }> => {
    let findings = 0;
    const seconds = await timeIt(repeats, () => {
      findings = 0;
      for (const file of files) {
        const result = checkFile(file, context, format);
        if (!result.checked) throw new Error(`synthetic record invalid: ${JSON.stringify(result.problems[0])}`);
        findings += result.checked.findings;
      }
    });
    return { seconds, findings };
  };
  const text = await oneThread('text');
  const json = await oneThread('json');
  // The whole command, as a CI job runs it, its output thrown away: wall time and the CPU time of every thread.
  const dir = path.dirname(files[0] as string);
  let bytes = 0;
  const discard: CliIo = { out: (piece) => void (bytes += Buffer.byteLength(piece)), err: () => undefined, outBytes: (piece) => void (bytes += piece.length), isTty: false };
  const threads = files.length >= 1000 ? os.availableParallelism() : 1;
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  const code = await main(['check', dir, '--as-of', AS_OF, '--json'], discard);
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  if (code !== 0) throw new Error(`docpack check exited ${code}`);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return [
    { stage: `check: 1 thread, text (${text.findings} findings)`, unit: 'records', items: files.length, seconds: text.seconds, floor, peakRssMiB: peakRssMiB() },
    { stage: 'check: 1 thread, --json', unit: 'records', items: files.length, seconds: json.seconds, floor, peakRssMiB: peakRssMiB(), again: true },
    { stage: `docpack check --json, ${threads} thread${threads === 1 ? '' : 's'}, wall`, unit: 'records', items: files.length, seconds: wall, floor, peakRssMiB: peakRssMiB(), again: true },
    { stage: `  the same, per CPU second (${(bytes / 1e6).toFixed(0)} MB out)`, unit: 'records', items: files.length, seconds: cpuSeconds, floor, peakRssMiB: peakRssMiB(), again: true },
  ];
}
