import { mkdtempSync, writeFileSync, mkdirSync, truncateSync, readFileSync, symlinkSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SIZES_FIRST_FROM, checkRecordText, loadRecords, readRegularFile } from '../../src/records/load.ts';
import { scanStructure } from '../../src/records/json-text.ts';

const base = readFileSync('fixtures/invalid/bad-enum.json', 'utf8').replace('"presale"', '"in-sale"');

function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'docpack-load-'));
}

describe('checkRecordText', () => {
  it('accepts a valid record and returns it typed', () => {
    const outcome = checkRecordText('x.json', base);
    expect(outcome.problems).toEqual([]);
    expect(outcome.valid).toBe(true);
    expect(outcome.record?.orders?.[0]?.circuits[0]?.id).toBe('EDU-C-01');
  });

  it('reports every problem of a file, not just the first', () => {
    const text = base.replace('"in-sale"', '"presale"').replace('"urgent": false', '"urgent": "no"').replace('"1G"', '"fast"');
    const outcome = checkRecordText('x.json', text);
    expect(outcome.problems.map((problem) => problem.code)).toEqual(['bad-enum', 'wrong-type', 'bad-pattern']);
    // Sorted by position in the file.
    const lines = outcome.problems.map((problem) => problem.line ?? 0);
    expect([...lines].sort((a, b) => a - b)).toEqual(lines);
  });

  it('says how many items a list has and how many it may have', () => {
    const record = JSON.parse(base) as { orders: { circuits: unknown[] }[] };
    const circuit = record.orders[0]!.circuits[0]!;
    record.orders[0]!.circuits = Array.from({ length: 10_001 }, (_, index) => ({ ...(circuit as object), id: `C-${index}` }));
    const problems = checkRecordText('x.json', JSON.stringify(record, null, 2)).problems;
    expect(problems.find((problem) => problem.code === 'out-of-range')).toMatchObject({
      field: 'orders[0].circuits',
      message: 'has 10001 items; at most 10000 allowed',
      hint: expect.stringContaining('split'),
    });
  });

  it('refuses progress reports out of submission order (the last one is read as the latest), at the later one', () => {
    const record = JSON.parse(base) as { orders: { progressReports?: unknown[] }[] };
    const report = (week: string, submittedAt: string): unknown => ({ week, submittedAt, thisWeek: ['施工'], nextWeek: ['调测'], warnings: [] });
    record.orders[0]!.progressReports = [report('2026-W47', '2026-11-20T17:00:00+08:00'), report('2026-W46', '2026-11-13T17:00:00+08:00')];
    const outcome = checkRecordText('x.json', JSON.stringify(record, null, 2));
    expect(outcome.valid).toBe(false);
    expect(outcome.problems).toMatchObject([{ code: 'time-order', field: 'orders[0].progressReports[1].submittedAt', hint: expect.stringContaining('in the order they were submitted') }]);
    record.orders[0]!.progressReports.reverse();
    expect(checkRecordText('x.json', JSON.stringify(record, null, 2)).problems).toEqual([]);
  });

  it('points an unknown key at the key itself and suggests the closest field', () => {
    const text = base.replace('"industry"', '"industy"');
    const [problem] = checkRecordText('x.json', text).problems;
    const line = text.split('\n').findIndex((row) => row.includes('"industy"')) + 1;
    expect(problem).toMatchObject({ code: 'unknown-field', line, field: 'customer.industy', hint: 'did you mean "industry"?' });
    expect(problem?.column).toBe(text.split('\n')[line - 1]!.indexOf('"industy"') + 1);
  });

  it('reads times without an offset and rejects impossible ones', () => {
    expect(checkRecordText('x.json', base.replace('2026-11-20T10:00:00+08:00', '2026-11-20T10:00')).valid).toBe(true);
    const [problem] = checkRecordText('x.json', base.replace('2026-11-20T10:00:00+08:00', '2026-11-20T24:00:00')).problems;
    expect(problem?.code).toBe('bad-time');
  });

  it('refuses a duplicate key even though JSON.parse would accept it', () => {
    const text = base.replace('"name": "无效样例', '"name": "x",\n  "name": "无效样例');
    expect(JSON.parse(text)).toBeTruthy();
    expect(checkRecordText('x.json', text).problems[0]?.code).toBe('duplicate-key');
  });

  it('refuses __proto__ and never builds an object with a changed prototype', () => {
    const text = base.replace('"industry": "教育"', '"industry": "教育", "__proto__": {"polluted": true}');
    const outcome = checkRecordText('x.json', text);
    expect(outcome.valid).toBe(false);
    expect(outcome.problems[0]?.code).toBe('forbidden-key');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses deep nesting without recursing (100,000 levels)', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const outcome = checkRecordText('deep.json', deep);
    expect(outcome.problems[0]).toMatchObject({ code: 'too-deep', line: 1, column: 65 });
  });

  it('allows a configurable depth', () => {
    expect(scanStructure('[[[]]]', 3)).toEqual([]);
    expect(scanStructure('[[[[]]]]', 3)[0]?.code).toBe('too-deep');
  });

  it('does not mistake escaped quotes or keys inside strings for structure', () => {
    const problems = scanStructure('{"a": "x\\"y", "b": "\\"a\\":1", "c": {"a": 1}, "\\u0061b": 2, "ab": 3}');
    expect(problems.map((problem) => problem.message)).toEqual(['duplicate key "ab"']);
  });
});

describe('loadRecords', () => {
  it('loads directories, globs and files; bad files fail alone', async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'nested'));
    writeFileSync(path.join(dir, 'good.json'), base);
    writeFileSync(path.join(dir, 'nested', 'good2.json'), base.replace('"INV-BAD-ENUM"', '"INV-GOOD-2"'));
    writeFileSync(path.join(dir, 'bad.json'), '{ nope');
    writeFileSync(path.join(dir, 'notes.txt'), 'not a record');
    const result = await loadRecords([dir]);
    expect(result.records.map((loaded) => loaded.record.id).sort()).toEqual(['INV-BAD-ENUM', 'INV-GOOD-2']);
    expect(result.problems.map((problem) => [path.basename(problem.file ?? ''), problem.code])).toEqual([['bad.json', 'not-json']]);
    const globbed = await loadRecords([`${dir}/*.json`]);
    expect(globbed.files.map((file) => path.basename(file.file))).toEqual(['bad.json', 'good.json']);
  });

  it('skips installed packages and docpack\'s own output in a directory, not in explicit files', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'good.json'), base);
    mkdirSync(path.join(dir, 'node_modules', 'x'), { recursive: true });
    writeFileSync(path.join(dir, 'node_modules', 'x', 'package.json'), '{"name": "x"}');
    writeFileSync(path.join(dir, 'node_modules', 'x', 'data.json'), '{}');
    mkdirSync(path.join(dir, 'out', '2026-11-25'), { recursive: true });
    for (const name of ['findings.json', 'manifest.json', 'shard.json']) writeFileSync(path.join(dir, 'out', '2026-11-25', name), '{}');
    writeFileSync(path.join(dir, 'package.json'), '{}');
    const result = await loadRecords([dir]);
    expect(result.files.map((file) => path.relative(dir, file.file))).toEqual(['good.json']);
    expect(result.problems).toEqual([]);
    const explicit = await loadRecords([path.join(dir, 'out', '2026-11-25', 'findings.json')]);
    expect(explicit.files).toHaveLength(1);
  });

  it('refuses a 100 MB file without reading it', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'huge.json');
    writeFileSync(file, '');
    truncateSync(file, 100 * 1024 * 1024);
    const result = await loadRecords([file]);
    expect(result.problems[0]).toMatchObject({ code: 'too-large', file });
    expect(result.problems[0]?.message).toContain('100.0 MiB');
  });

  it('reports unreadable paths and patterns that match nothing', async () => {
    const dir = tempDir();
    const result = await loadRecords([path.join(dir, 'missing.json'), `${dir}/*.json`, dir]);
    expect(result.problems.map((problem) => problem.code)).toEqual(['no-records', 'no-records', 'unreadable']);
  });

  it('rejects both records when two files share one project id', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'a.json'), base);
    writeFileSync(path.join(dir, 'b.json'), base);
    const result = await loadRecords([dir]);
    expect(result.records).toEqual([]);
    expect(result.problems.map((problem) => problem.code)).toEqual(['duplicate-project-id', 'duplicate-project-id']);
  });
});

describe('inputs that are not regular files, and huge bad files', () => {
  it('refuses a FIFO named *.json at once instead of waiting for a writer (validate hung)', async () => {
    const dir = tempDir();
    const fifo = path.join(dir, 'pipe.json');
    execFileSync('mkfifo', [fifo]);
    const result = await loadRecords([fifo]);
    expect(result.problems).toMatchObject([{ code: 'not-a-file', file: fifo, message: 'is a named pipe (FIFO), not a regular file' }]);
  });

  it('refuses a link to /dev/zero without reading it (1.7 GB RSS in 10 s before)', async () => {
    const dir = tempDir();
    const link = path.join(dir, 'zero.json');
    symlinkSync('/dev/zero', link);
    const result = await loadRecords([link]);
    expect(result.problems).toMatchObject([{ code: 'not-a-file', message: 'is a device, not a regular file' }]);
  });

  it('holds the size limit while reading, whatever size the file system reports (/proc files say 0)', async () => {
    const result = await loadRecords(['/proc/self/status'], { maxFileBytes: 16 });
    expect(result.problems).toMatchObject([{ code: 'too-large', message: 'the file is over 16 bytes; a record may be at most 16 bytes' }]);
  });

  it('reads a /proc file that says it is empty in full, up to its end', async () => {
    // /proc/self/status is about 1.4 KB and reports size 0: read until a read gives nothing, then not JSON.
    const result = await loadRecords(['/proc/self/status']);
    expect(result.problems).toMatchObject([{ code: 'not-json', line: 1, column: 1 }]);
  });

  it('reads a file that says it is empty and is larger than its first buffer through to its end, each byte once', () => {
    // /proc/self/smaps reports size 0 and holds well over 64 KiB in a test worker: the buffer grows while reading.
    const bytes = readRegularFile('/proc/self/smaps', 16 * 1024 * 1024);
    if (!Buffer.isBuffer(bytes)) throw new Error(`not read: ${bytes.message}`);
    const text = bytes.toString('utf8');
    expect(text.length).toBeGreaterThan(64 * 1024);
    expect(text.endsWith('\n')).toBe(true);
    expect(text.split('\n').filter((line) => line !== '' && !/^[0-9a-f]+-[0-9a-f]+ |^[A-Z][A-Za-z_]+:/.test(line))).toEqual([]);
  });

  it('reads files one after the other through one buffer: a large one, then small ones, each whole and its own', async () => {
    const dir = tempDir();
    // 2.5 MiB: more than the buffer the reader keeps between files (1 MiB), read in more than one read.
    const large = path.join(dir, 'a-large.json');
    writeFileSync(large, `[${'1,'.repeat(1_300_000)}1]`);
    const limit = path.join(dir, 'b-limit.json');
    writeFileSync(limit, `[${'2,'.repeat(9)}2]`);
    const small = path.join(dir, 'c-small.json');
    writeFileSync(small, base);
    const record = path.join(dir, 'd-record.json');
    writeFileSync(record, base.replace('"in-sale"', '"presale"').replace('"INV-BAD-ENUM"', '"INV-BAD-ENUM-2"'));
    const result = await loadRecords([dir], { maxFileBytes: 3 * 1024 * 1024 });
    expect(result.files.map((file) => [path.basename(file.file), file.problems.map((problem) => problem.code)])).toEqual([
      ['a-large.json', ['not-a-record']],
      ['b-limit.json', ['not-a-record']],
      ['c-small.json', []],
      ['d-record.json', ['bad-enum']],
    ]);
    expect(result.problems.find((problem) => problem.file === large)?.message).toBe('expected one project record (a JSON object), got an array');
    // A file exactly at the limit is read; one byte more is refused.
    const exact = await loadRecords([limit], { maxFileBytes: 21 });
    expect(exact.problems.map((problem) => problem.code)).toEqual(['not-a-record']);
    const over = await loadRecords([limit], { maxFileBytes: 20 });
    expect(over.problems).toMatchObject([{ code: 'too-large', message: 'the file is 21 bytes; a record may be at most 20 bytes' }]);
  });

  it('refuses a list over its limit before the schema looks at its items (each of 10,001 circuits missing a field: one problem)', () => {
    const record = JSON.parse(base) as { orders: { circuits: Record<string, unknown>[] }[] };
    const circuit = record.orders[0]!.circuits[0]!;
    record.orders[0]!.circuits = Array.from({ length: 10_001 }, (_, index) => {
      const { bandwidth: _dropped, ...rest } = { ...circuit, id: `C-${index}` } as Record<string, unknown>;
      return rest;
    });
    const problems = checkRecordText('x.json', JSON.stringify(record)).problems;
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ code: 'out-of-range', field: 'orders[0].circuits', message: 'has 10001 items; at most 10000 allowed', line: 1 });
  });

  it('gives a small record over a limit the size problem alone, as a large one (validated first, its sizes looked at when it fails)', () => {
    const record = JSON.parse(base) as { name: string; phase: string };
    record.name = '长'.repeat(501);
    record.phase = 'presale';
    const small = checkRecordText('x.json', JSON.stringify(record, null, 2));
    expect(small.problems).toMatchObject([{ code: 'out-of-range', field: 'name', message: 'is 501 characters long; at most 500 allowed', line: 5 }]);
    // Padded past SIZES_FIRST_FROM with spaces: the sizes are checked before the schema, with the same result.
    const large = checkRecordText('x.json', JSON.stringify(record, null, 2).replace('{', `{${' '.repeat(SIZES_FIRST_FROM)}`));
    expect(large.problems).toEqual(small.problems);
    record.name = '长'.repeat(500);
    expect(checkRecordText('x.json', JSON.stringify(record, null, 2)).problems.map((problem) => problem.code)).toEqual(['bad-enum']);
  });

  it('lists the first 100 problems of a file and says how many more there are', () => {
    const record = JSON.parse(base) as { orders: { circuits: Record<string, unknown>[] }[] };
    const circuit = record.orders[0]!.circuits[0]!;
    record.orders[0]!.circuits = Array.from({ length: 250 }, (_, index) => {
      const { bandwidth: _dropped, ...rest } = { ...circuit, id: `C-${index}` } as Record<string, unknown>;
      return rest;
    });
    const problems = checkRecordText('x.json', JSON.stringify(record, null, 2)).problems;
    expect(problems).toHaveLength(101);
    expect(problems[0]).toMatchObject({ code: 'missing-field', field: 'orders[0].circuits[0].bandwidth' });
    expect(problems[100]).toMatchObject({ code: 'more-problems', message: 'and 150 more problems in this file (the first 100 are listed)' });
  });
});
