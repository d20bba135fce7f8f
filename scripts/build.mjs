// `npm run build` (and `prepare`, so `npm ci` in a checkout and `npm pack` run it): compiles src/ into
// dist/ with tsc (tsconfig.build.json rewrites the .ts imports to .js), copies the JSON schemas the code
// reads beside it, and stamps the build so bin/docpack.js can tell a build older than the sources.
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const root = new URL('../', import.meta.url);
const dist = new URL('dist/', root);
rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', new URL('tsconfig.build.json', root).pathname], { stdio: 'inherit' });
cpSync(new URL('src/schemas/', root), new URL('schemas/', dist), { recursive: true });
writeFileSync(new URL('.stamp', dist), 'built by scripts/build.mjs; bin/docpack.js compares its time with the sources\n');
