// `node --import ./register.mjs ...`: prints every module the process loads, one `module-trace: <url>` line
// on stderr each: ES modules as they load (a loader hook), CommonJS ones (require's cache) at exit.
import { writeSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';

register('./hooks.mjs', import.meta.url);
const cache = createRequire(import.meta.url).cache;
process.on('exit', () => {
  for (const file of Object.keys(cache)) writeSync(2, `module-trace: ${pathToFileURL(file).href}\n`);
});
