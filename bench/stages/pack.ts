// The whole pack: docpack build over a sample of the synthetic portfolio, into a temporary folder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadCheckContext } from '../../src/facts/context.ts';
import { buildPack } from '../../src/pack/build.ts';
import { loadPackSpec } from '../../src/pack/spec.ts';
import { parseAsOf } from '../../src/time.ts';
import type { StageResult } from '../types.ts';
import { peakRssMiB } from '../timing.ts';

export async function benchPack(files: string[]): Promise<StageResult[]> {
  const asOf = parseAsOf('2026-11-25T09:00:00+08:00');
  if (!asOf) throw new Error('bad as-of');
  const out = mkdtempSync(path.join(tmpdir(), 'docpack-bench-pack-'));
  try {
    const started = process.hrtime.bigint();
    const result = await buildPack({ inputs: files, outDir: out, asOf, context: loadCheckContext(asOf), pack: loadPackSpec() });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const documents = result.manifest.filter((file) => /\.(docx|xlsx)$/.test(file.path)).length;
    return [
      { stage: `build: whole pack, ${documents} documents`, unit: 'projects', items: result.projects.length, seconds, peakRssMiB: peakRssMiB() },
      { stage: 'build: documents written', unit: 'documents', items: documents, seconds, peakRssMiB: peakRssMiB(), again: true },
    ];
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
