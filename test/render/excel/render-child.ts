// Run by determinism.test.ts in a child process with another TZ: renders two workbooks of the
// fixtures (one per writer) and prints their SHA-256 and a date cell as JSON.
import { createHash } from 'node:crypto';
import { fixtures, readBack, render, specNamed } from './helpers.ts';

const records = await fixtures();
const problemTable = await render(specNamed('problem-table'), [records.find((record) => record.id === 'P2026-PRE-011')!]);
const register = await render(specNamed('resource-register'), records);
const sha = (data: Buffer): string => createHash('sha256').update(data).digest('hex');
const book = await readBack(problemTable);
const date = book.getWorksheet('问题治理表')!.getCell('H3').value as Date;
process.stdout.write(`${JSON.stringify({ tz: process.env.TZ, offset: new Date(0).getTimezoneOffset(), problemTable: sha(problemTable), register: sha(register), date: date.toISOString() })}\n`);
