// bin/docpack.js runs the compiled dist/ when it is at least as new as src/, the sources through tsx (and
// says so) when they changed after the build, and refuses an installation without dist/.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A package folder with this bin, a main that says where it came from, and (for a checkout) sources. */
function fixture(options: { sources: boolean; built: boolean }): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'docpack-bin-'));
  dirs.push(root);
  mkdirSync(path.join(root, 'bin'));
  copyFileSync('bin/docpack.js', path.join(root, 'bin/docpack.js'));
  writeFileSync(path.join(root, 'package.json'), '{ "type": "module" }\n');
  symlinkSync(path.resolve('node_modules'), path.join(root, 'node_modules'));
  const main = (from: string): string => `export async function main(argv: string[]): Promise<number> { console.log('${from}', argv.join(' ')); return 0; }\n`;
  if (options.sources) {
    mkdirSync(path.join(root, 'src/cli'), { recursive: true });
    writeFileSync(path.join(root, 'src/cli/main.ts'), main('sources'));
  }
  if (options.built) {
    mkdirSync(path.join(root, 'dist/cli'), { recursive: true });
    writeFileSync(path.join(root, 'dist/cli/main.js'), main('compiled').replace(/: string\[\]|: Promise<number>/g, ''));
    writeFileSync(path.join(root, 'dist/.stamp'), '');
  }
  return root;
}

const run = (root: string): { status: number | null; stdout: string; stderr: string } => spawnSync(process.execPath, [path.join(root, 'bin/docpack.js'), 'check', 'x'], { encoding: 'utf8' });

describe('bin/docpack.js', () => {
  it('runs dist/ in an installed package (no sources)', () => {
    const result = run(fixture({ sources: false, built: true }));
    expect(result).toMatchObject({ status: 0, stdout: 'compiled check x\n', stderr: '' });
  });

  it('runs dist/ in a checkout built after its last source change', () => {
    const root = fixture({ sources: true, built: true });
    const past = new Date(Date.now() - 60_000);
    utimesSync(path.join(root, 'src/cli/main.ts'), past, past);
    expect(run(root)).toMatchObject({ status: 0, stdout: 'compiled check x\n', stderr: '' });
  });

  it('runs the sources through tsx, and says so, when a source changed after the build', () => {
    const root = fixture({ sources: true, built: true });
    const past = new Date(Date.now() - 60_000);
    utimesSync(path.join(root, 'dist/.stamp'), past, past);
    const result = run(root);
    expect(result.stdout).toBe('sources check x\n');
    expect(result.stderr).toContain('src/ changed after the last build; running the sources through tsx');
  });

  it('runs the sources of a checkout that was never built, and says so', () => {
    const result = run(fixture({ sources: true, built: false }));
    expect(result.stdout).toBe('sources check x\n');
    expect(result.stderr).toContain('dist/ is not built');
  });

  it('refuses an installation without dist/ (exit 2)', () => {
    const result = run(fixture({ sources: false, built: false }));
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('no dist/cli/main.js; reinstall the package');
  });
});
