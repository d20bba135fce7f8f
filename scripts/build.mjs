// `npm run build` (and `prepare`, so `npm ci` in a checkout and `npm pack` run it): compiles src/ into
// dist/ with tsc (tsconfig.build.json rewrites the .ts imports to .js), copies the JSON schemas the code
// reads beside it, compiles every file format's schema into dist/validators/<name>.cjs (Ajv's standalone
// code: the CLI then starts without compiling schemas, src/validators.ts) and stamps the build so
// bin/docpack.js can tell a build older than the sources.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const root = new URL('../', import.meta.url);
const dist = new URL('dist/', root);
rmSync(dist, { recursive: true, force: true });
const tsc = path.join(path.dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin/tsc');
execFileSync(process.execPath, [tsc, '-p', new URL('tsconfig.build.json', root).pathname], { stdio: 'inherit' });
cpSync(new URL('src/schemas/', root), new URL('schemas/', dist), { recursive: true });
const { SCHEMA_NAMES, validatorModuleSource } = await import(new URL('validators.js', dist).href);
mkdirSync(new URL('validators/', dist));
for (const name of SCHEMA_NAMES) writeFileSync(new URL(`validators/${name}.cjs`, dist), validatorModuleSource(name));
writeFileSync(new URL('.stamp', dist), 'built by scripts/build.mjs; bin/docpack.js compares its time with the sources\n');
