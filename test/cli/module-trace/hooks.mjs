// The loader hook of register.mjs (it runs on Node's loader thread).
import { writeSync } from 'node:fs';

export async function load(url, context, nextLoad) {
  writeSync(2, `module-trace: ${url}\n`);
  return nextLoad(url, context);
}
