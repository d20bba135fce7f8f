// The pack on disk whatever fails: the swap is one atomic step, a crash at any step of it leaves a
// whole pack, leftovers are cleaned at the next start, one run at a time writes an output folder,
// and failures of the machine are exit 2 with one line. File system faults are injected by wrapping
// node:fs (a pass-through until a test sets `fault`).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';

/** Called before each mutating file system call of the code under test; throws to inject a fault. */
let fault: ((call: string, target: string) => void) | undefined;

vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  const wrap = <F extends (...args: never[]) => unknown>(name: string, original: F): F =>
    ((...args: Parameters<F>) => {
      fault?.(name, String(args[args.length > 1 && name !== 'rmSync' && name !== 'mkdirSync' && name !== 'writeFileSync' ? 1 : 0]));
      return original(...args);
    }) as F;
  const wrapped = {
    renameSync: wrap('renameSync', actual.renameSync),
    symlinkSync: wrap('symlinkSync', actual.symlinkSync),
    rmSync: wrap('rmSync', actual.rmSync),
    mkdirSync: wrap('mkdirSync', actual.mkdirSync),
    writeFileSync: wrap('writeFileSync', actual.writeFileSync),
  };
  return { ...actual, ...wrapped, default: { ...actual, ...wrapped } };
});

// The suite shares modules between the test files of a worker (vitest.config.ts, isolate: false): the code
// under test is imported afresh here, so that it gets the wrapped node:fs even when an earlier file of the
// worker imported it with the real one.
vi.resetModules();
const { main } = await import('../../src/cli/main.ts');
const { memoryIo } = await import('../../src/cli/io.ts');
const { PackOutput, recoverLeftovers } = await import('../../src/pack/output.ts');
const { environmentFailure } = await import('../../src/cli/main.ts');

const AS_OF = '2026-11-25T09:00:00+08:00';
const ONE_RECORD = 'fixtures/projects/P2026-URG-003.json';
const OTHER_RECORD = 'fixtures/projects/P2026-AS-005.json';

afterEach(() => {
  fault = undefined;
});

function tempDir(): string {
  return fs.mkdtempSync(path.join(tmpdir(), 'docpack-output-'));
}

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = memoryIo();
  const code = await main(args, io);
  return { code, stdout: io.stdout.join('\n'), stderr: io.stderr.join('\n') };
}

const build = (input: string, out: string, ...more: string[]) => run(['build', input, '--out', out, '--as-of', AS_OF, ...more]);

/** The project ids of the pack at out/2026-11-25, read through its link, or undefined when there is none. */
function packProjects(out: string): string[] | undefined {
  const manifest = path.join(out, '2026-11-25', 'manifest.json');
  if (!fs.existsSync(manifest)) return undefined;
  const files = (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { files: { path: string }[] }).files;
  return [...new Set(files.filter((file) => file.path.startsWith('projects/')).map((file) => file.path.split('/')[1] ?? ''))];
}

describe('the swap', () => {
  it('is a link renamed over the old one: one pack folder, no staging left, the old pack removed', async () => {
    const out = tempDir();
    expect((await build(ONE_RECORD, out)).code).toBe(0);
    expect(fs.lstatSync(path.join(out, '2026-11-25')).isSymbolicLink()).toBe(true);
    const first = fs.readlinkSync(path.join(out, '2026-11-25'));
    expect((await build(OTHER_RECORD, out)).code).toBe(0);
    expect(packProjects(out)).toEqual(['P2026-AS-005']);
    expect(fs.readdirSync(out)).toEqual(['.docpack', '2026-11-25']);
    expect(fs.readdirSync(path.join(out, '.docpack'))).toEqual([path.basename(fs.readlinkSync(path.join(out, '2026-11-25')))]);
    expect(fs.readlinkSync(path.join(out, '2026-11-25'))).not.toBe(first);
  });

  it('leaves a whole pack, old or new, when the run dies at any file system step of the swap, and the next run cleans up', async () => {
    const out = tempDir();
    expect((await build(ONE_RECORD, out)).code).toBe(0);
    // Count the mutating calls of a commit, then die at each of them in turn.
    const probe = new PackOutput(path.join(out, '2026-11-25'));
    probe.write('manifest.json', '{"files":[]}', 't', []);
    const calls: string[] = [];
    fault = (call) => void calls.push(call);
    probe.commit();
    fault = undefined;
    expect((await build(ONE_RECORD, out)).code).toBe(0);
    expect(calls.length).toBeGreaterThan(2);
    for (let step = 0; step < calls.length; step += 1) {
      const output = new PackOutput(path.join(out, '2026-11-25'));
      output.write('manifest.json', JSON.stringify({ files: [{ path: 'projects/CRASH/x' }] }), 't', []);
      let count = 0;
      fault = () => {
        if (count++ === step) throw Object.assign(new Error('killed'), { code: 'KILLED' });
      };
      try {
        output.commit(); // dying while the previous pack is removed is caught: the new pack is in place
      } catch (error) {
        expect((error as Error).message).toBe('killed');
      }
      expect(count).toBeGreaterThan(step);
      fault = undefined;
      // A dead run's lock is taken over by the next run (its process is gone); this one lives on, so drop it.
      fs.rmSync(path.join(out, '.docpack', 'lock'), { force: true });
      // Whatever step it died at, out/2026-11-25 is a whole pack: the old one or the new one.
      expect([['P2026-URG-003'], ['CRASH']]).toContainEqual(packProjects(out));
      // The next run starts by putting things right; then a build gives the old pack back.
      expect((await build(ONE_RECORD, out)).code).toBe(0);
      expect(packProjects(out)).toEqual(['P2026-URG-003']);
      expect(fs.readdirSync(path.join(out, '.docpack'))).toHaveLength(1);
    }
  });

  it('puts back a pack that an older docpack had moved aside, and removes its staging folders (31 MB each before)', () => {
    const out = tempDir();
    const store = path.join(out, '.docpack');
    fs.mkdirSync(store);
    fs.mkdirSync(path.join(out, '.2026-11-25.staging-123-abcdef01.previous', 'projects'), { recursive: true });
    fs.writeFileSync(path.join(out, '.2026-11-25.staging-123-abcdef01.previous', 'manifest.json'), '{"files":[{"path":"projects/OLD/x"}]}');
    fs.mkdirSync(path.join(out, '.2026-11-25.staging-123-abcdef01'));
    fs.mkdirSync(path.join(out, '.2026-11-24.staging-456-abcdef02'));
    fs.mkdirSync(path.join(store, '2026-11-25.99999-deadbeef'));
    const notices = recoverLeftovers(out, store);
    expect(packProjects(out)).toEqual(['OLD']);
    expect(fs.readdirSync(out).sort()).toEqual(['.docpack', '2026-11-25']);
    expect(fs.readdirSync(store)).toEqual([]);
    expect(notices.join('\n')).toMatch(/put back .*2026-11-25[\s\S]*removed 3 folders/);
  });

  it('replaces a pack folder written by an older docpack (a real folder) with the link', async () => {
    const out = tempDir();
    fs.mkdirSync(path.join(out, '2026-11-25'));
    fs.writeFileSync(path.join(out, '2026-11-25', 'manifest.json'), '{"files":[]}');
    expect((await build(ONE_RECORD, out)).code).toBe(0);
    expect(fs.lstatSync(path.join(out, '2026-11-25')).isSymbolicLink()).toBe(true);
    expect(fs.readdirSync(path.join(out, '.docpack'))).toHaveLength(1);
  });
});

describe('what the exit code says', () => {
  it('is 0 with a note when the new pack is in place but the old one cannot be removed (was exit 3)', async () => {
    const out = tempDir();
    expect((await build(ONE_RECORD, out)).code).toBe(0);
    const old = path.resolve(out, fs.readlinkSync(path.join(out, '2026-11-25')));
    fault = (call, target) => {
      if (call === 'rmSync' && path.resolve(target) === old) throw Object.assign(new Error(`EACCES: permission denied, rmdir '${old}'`), { code: 'EACCES', syscall: 'rmdir', path: old });
    };
    const result = await build(OTHER_RECORD, out);
    fault = undefined;
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/note: the new pack is in place, but the previous one .* could not be removed \(EACCES\)/);
    expect(packProjects(out)).toEqual(['P2026-AS-005']);
    // The next run removes it.
    expect((await build(OTHER_RECORD, out)).stderr).toMatch(/removed 1 folder/);
    expect(fs.existsSync(old)).toBe(false);
  });

  for (const [code, syscall, message] of [
    ['ENOSPC', 'write', 'no space left on the device'],
    ['EROFS', 'mkdir', 'read-only file system'],
    ['EACCES', 'mkdir', 'permission denied'],
  ] as const) {
    it(`is 2 with one line naming the path and the cause on ${code}, the previous pack intact (was exit 3 with a stack trace)`, async () => {
      const out = tempDir();
      expect((await build(ONE_RECORD, out)).code).toBe(0);
      const before = fs.readFileSync(path.join(out, '2026-11-25', 'manifest.json'));
      fault = (call, target) => {
        if ((syscall === 'write' && call === 'writeFileSync' && target.includes('.docx')) || (syscall === 'mkdir' && call === 'mkdirSync' && target.includes('.docpack'))) {
          throw Object.assign(new Error(`${code}: ${message}, ${syscall} '${target}'`), { code, syscall, path: target });
        }
      };
      const result = await build(OTHER_RECORD, out);
      fault = undefined;
      expect(result.code).toBe(2);
      const lines = result.stderr.split('\n').filter((line) => line.startsWith('docpack:'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^docpack: cannot (write|create) .*${path.basename(out)}.*: ${message} \\(${code}\\)$`));
      expect(result.stderr).not.toContain('internal error');
      expect(result.stderr).not.toMatch(/\n\s+at /);
      expect(fs.readFileSync(path.join(out, '2026-11-25', 'manifest.json'))).toEqual(before);
    });
  }

  it('reads the code and path from the message of an error that crossed a worker thread', () => {
    expect(environmentFailure(new Error("ENOSPC: no space left on device, write '/x/y.docx'"))).toBe('cannot write /x/y.docx: no space left on the device (ENOSPC)');
    expect(environmentFailure(new Error('ENOENT: no such file'))).toBeUndefined();
    expect(environmentFailure(new TypeError('x is undefined'))).toBeUndefined();
  });

  it('is 2 with one line when --out is below a file', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'file'), 'x');
    const result = await build(ONE_RECORD, path.join(dir, 'file', 'out'));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/docpack: cannot create .*file.*\(ENOTDIR\)|docpack: cannot create .*file.*\(EEXIST\)/);
  });
});

describe('one run at a time', () => {
  it('refuses a second run into the same output folder and names the run that holds it', async () => {
    const out = tempDir();
    const holder = spawn('sleep', ['30']);
    try {
      fs.mkdirSync(path.join(out, '.docpack'));
      fs.writeFileSync(path.join(out, '.docpack', 'lock'), JSON.stringify({ pid: holder.pid, host: (await import('node:os')).hostname(), command: 'docpack build records --out packs', started: '2026-11-25T01:00:00.000Z' }));
      const result = await build(ONE_RECORD, out);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`another docpack run is writing this output folder: process ${holder.pid} on`);
      expect(result.stderr).toContain('(docpack build records --out packs), started 2026-11-25T01:00:00.000Z');
      expect(fs.existsSync(path.join(out, '2026-11-25'))).toBe(false);
    } finally {
      holder.kill();
    }
  });

  it('two builds started together: one writes, the other is refused', async () => {
    const out = tempDir();
    const [a, b] = await Promise.all([build(ONE_RECORD, out), build(OTHER_RECORD, out)]);
    expect([a.code, b.code].sort()).toEqual([0, 2]);
    expect([a.stderr, b.stderr].join('\n')).toContain('another docpack run is writing this output folder');
    expect(fs.existsSync(path.join(out, '.docpack', 'lock'))).toBe(false);
  });

  it('takes over the lock of a run that no longer exists', async () => {
    const out = tempDir();
    fs.mkdirSync(path.join(out, '.docpack'));
    fs.writeFileSync(path.join(out, '.docpack', 'lock'), JSON.stringify({ pid: 2 ** 22 + 12345, host: (await import('node:os')).hostname(), command: 'x', started: 'y' }));
    expect((await build(ONE_RECORD, out)).code).toBe(0);
    expect(fs.existsSync(path.join(out, '.docpack', 'lock'))).toBe(false);
  });
});

describe('never an empty pack over a full one', () => {
  it('a mistyped input folder is exit 2 with one line, and the previous pack stays (was replaced by an empty pack)', async () => {
    const out = tempDir();
    expect((await build(ONE_RECORD, out)).code).toBe(0);
    const before = fs.readFileSync(path.join(out, '2026-11-25', 'manifest.json'));
    const result = await build('recordz/', out);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')[0]).toBe('no record file in "recordz/": nothing to build; the previous pack is kept');
    expect(fs.readFileSync(path.join(out, '2026-11-25', 'manifest.json'))).toEqual(before);
    const empty = tempDir();
    expect((await build(empty, out)).code).toBe(2);
    expect(fs.readFileSync(path.join(out, '2026-11-25', 'manifest.json'))).toEqual(before);
  });

  it('a run where no record is valid is exit 2, lists why, and keeps the previous pack', async () => {
    const out = tempDir();
    expect((await build(ONE_RECORD, out)).code).toBe(0);
    const before = fs.readFileSync(path.join(out, '2026-11-25', 'manifest.json'));
    const result = await build('fixtures/invalid/impossible-date.json', out);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('"2026-02-30" is not a date');
    expect(result.stderr).toContain('none of the 1 record file is valid: nothing to build; the previous pack is kept');
    expect(fs.readFileSync(path.join(out, '2026-11-25', 'manifest.json'))).toEqual(before);
    const weekly = await run(['report', 'weekly', 'recordz/', '--week', '2026-W48', '--out', out, '--as-of', AS_OF]);
    expect(weekly.code).toBe(2);
    expect(weekly.stderr).toContain('no record file in "recordz/"');
  });
});
