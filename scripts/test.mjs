// `npm test`: the type check (tsc --noEmit, about 4 s) runs beside vitest instead of before it, in the
// seconds vitest spends starting up; its output is printed when it ends, and the run fails if either
// fails (exit code: vitest's when it failed, else tsc's). Arguments go to vitest (npm test -- test/x.test.ts).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const tscBin = path.join(path.dirname(require.resolve('typescript/package.json')), 'bin/tsc');
const vitestBin = path.join(path.dirname(require.resolve('vitest/package.json')), 'vitest.mjs');

/** Runs a node script; resolves with its exit code (1 for a signal) and, when `capture`, its output. */
function run(script, args, capture) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: capture ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    const output = [];
    if (capture) {
      child.stdout.on('data', (chunk) => output.push(chunk));
      child.stderr.on('data', (chunk) => output.push(chunk));
    }
    child.on('error', (error) => resolve({ code: 1, output: `${error.message}\n` }));
    child.on('close', (code) => resolve({ code: code ?? 1, output: Buffer.concat(output).toString('utf8') }));
  });
}

const typecheck = run(tscBin, ['--noEmit'], true);
const tests = await run(vitestBin, ['run', ...process.argv.slice(2)], false);
const types = await typecheck;
if (types.code !== 0) process.stderr.write(`\ntsc --noEmit failed (exit ${types.code}):\n${types.output}`);
else process.stdout.write('\ntsc --noEmit: no type errors\n');
process.exitCode = tests.code !== 0 ? tests.code : types.code;
