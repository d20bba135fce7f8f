#!/usr/bin/env node
// Runs docpack's compiled JavaScript (dist/, built by `npm run build`; `npm ci` runs it through `prepare`).
// In a checkout whose sources changed after the last build, it runs the sources through tsx instead, and
// says so: a stale build is never run silently.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = new URL('../', import.meta.url);
const compiled = new URL('dist/cli/main.js', root);
const stamp = new URL('dist/.stamp', root);
const sources = new URL('src/', root);
const checkout = new URL('src/cli/main.ts', root);

/** The newest modification time under a folder (about a hundred files: a millisecond or two). */
function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) latest = Math.max(latest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return latest;
}

let entry = compiled;
if (existsSync(checkout)) {
  const built = existsSync(stamp) && existsSync(compiled) ? statSync(stamp).mtimeMs : -1;
  if (built < newest(fileURLToPath(sources))) {
    process.stderr.write(`docpack: ${built < 0 ? 'dist/ is not built' : 'src/ changed after the last build'}; running the sources through tsx (npm run build makes it fast again)\n`);
    const { register } = await import('tsx/esm/api');
    register();
    entry = checkout;
  }
} else if (!existsSync(compiled)) {
  process.stderr.write('docpack: this installation has no dist/cli/main.js; reinstall the package\n');
  process.exit(2);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
