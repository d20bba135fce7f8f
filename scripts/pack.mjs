// `npm pack` runs this as prepack, and with --restore as postpack. Before packing it
//  - builds dist/ (scripts/build.mjs), so the tarball holds the JavaScript of the sources being packed;
//  - ships package-lock.json as npm-shrinkwrap.json, so that installing the tarball gives the dependency
//    versions docpack was tested with (npm's advice for command-line tools), overrides included, which
//    npm applies only to the root project (docx's nanoid 6 would warn on Node 20);
//  - leaves the `prepare` script out of the packed package.json: it builds a checkout after `npm ci`, but
//    an installed package is already built, and npm flags a tarball's `prepare` as an install script.
// Afterwards (postpack, or the next prepack when a pack failed half-way) package.json is put back.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';

const root = new URL('../', import.meta.url);
const manifest = new URL('package.json', root);
const saved = new URL('package.json.prepack', root);
const shrinkwrap = new URL('npm-shrinkwrap.json', root);

function restore() {
  if (existsSync(saved)) renameSync(saved, manifest);
  rmSync(shrinkwrap, { force: true });
}

restore();
if (!process.argv.includes('--restore')) {
  execFileSync(process.execPath, [new URL('scripts/build.mjs', root).pathname], { stdio: 'inherit' });
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
