// `npm pack` runs this as prepack, and with --restore as postpack. Before packing it
//  - builds dist/ (scripts/build.mjs), so the tarball holds the JavaScript of the sources being packed
//    (DOCPACK_PACK_PREBUILT=1: packs the dist/ there if it is as new as the sources, else fails);
//  - ships package-lock.json as npm-shrinkwrap.json, so that installing the tarball gives the dependency
//    versions docpack was tested with (npm's advice for command-line tools), overrides included, which
//    npm applies only to the root project (docx's nanoid 6 would warn on Node 20);
//  - leaves the `prepare` script out of the packed package.json: it builds a checkout after `npm ci`, but
//    an installed package is already built, and npm flags a tarball's `prepare` as an install script.
// Afterwards (postpack, or the next prepack when a pack failed half-way) package.json is put back.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = new URL('../', import.meta.url);
const manifest = new URL('package.json', root);
const saved = new URL('package.json.prepack', root);
const shrinkwrap = new URL('npm-shrinkwrap.json', root);

function restore() {
  if (existsSync(saved)) renameSync(saved, manifest);
  rmSync(shrinkwrap, { force: true });
}

/**
 * Why dist/ is older than the sources it would ship (undefined when it is as new as every file under src/
 * and every schema the build compiles): the rule bin/docpack.js and test/setup/dist.ts apply.
 */
async function staleBuild() {
  const stamp = new URL('dist/.stamp', root);
  if (!existsSync(stamp) || !existsSync(new URL('dist/cli/main.js', root))) return 'dist/ is not built';
  const built = statSync(stamp).mtimeMs;
  const src = fileURLToPath(new URL('src/', root));
  for (const entry of readdirSync(src, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && statSync(path.join(entry.parentPath, entry.name)).mtimeMs > built) return `src/ changed after the last build (${path.relative(src, path.join(entry.parentPath, entry.name))})`;
  }
  const { SCHEMA_FILES } = await import(new URL('dist/validators.js', root).href);
  for (const file of Object.values(SCHEMA_FILES)) if (statSync(new URL(file, root)).mtimeMs > built) return `${file} changed after the last build`;
  return undefined;
}

restore();
if (!process.argv.includes('--restore')) {
  // DOCPACK_PACK_PREBUILT=1 packs the dist/ that is there (the tests pack a copy of the checkout with the
  // dist/ their set-up has just built), and refuses one older than the sources; by default dist/ is rebuilt.
  if (process.env.DOCPACK_PACK_PREBUILT === '1') {
    const stale = await staleBuild();
    if (stale) {
      process.stderr.write(`scripts/pack.mjs: DOCPACK_PACK_PREBUILT=1 but ${stale}; run npm run build first, or pack without DOCPACK_PACK_PREBUILT\n`);
      process.exit(1);
    }
  } else {
    execFileSync(process.execPath, [new URL('scripts/build.mjs', root).pathname], { stdio: 'inherit' });
  }
  copyFileSync(new URL('package-lock.json', root), shrinkwrap);
  const text = readFileSync(manifest, 'utf8');
  const packed = JSON.parse(text);
  delete packed.scripts.prepare;
  copyFileSync(manifest, saved);
  // Written beside and renamed, so that nothing reading package.json meanwhile sees half a file.
  const staged = new URL('package.json.packing', root);
  writeFileSync(staged, `${JSON.stringify(packed, null, 2)}\n`);
  renameSync(staged, manifest);
}
