// `npm pack` (prepack / postpack): ships package-lock.json as npm-shrinkwrap.json, so that installing the
// tarball gives the dependency versions docpack was tested with (npm's advice for command-line tools),
// including the overrides of package.json, which npm applies only to the root project.
// With --remove it deletes the copy again, so that `npm ci` in the checkout keeps reading package-lock.json.
import { copyFileSync, rmSync } from 'node:fs';

const root = new URL('../', import.meta.url);
const shrinkwrap = new URL('npm-shrinkwrap.json', root);
if (process.argv.includes('--remove')) rmSync(shrinkwrap, { force: true });
else copyFileSync(new URL('package-lock.json', root), shrinkwrap);
