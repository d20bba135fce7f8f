import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { docxText } from '../../../src/render/word/extract-text.ts';
import { fixtureFiles, readRecord, renderAll } from './support.ts';

// UPDATE_GOLDEN=1 npx vitest run test/render/word/golden.test.ts rewrites the expected texts; review the diff.
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const GOLDEN_DIR = 'test/golden/word';

describe('golden text of every document of every fixture record', () => {
  for (const file of fixtureFiles()) {
    const record = readRecord(file);
    it(`${record.id}`, async () => {
      const documents = await renderAll(record);
      const dir = path.join(GOLDEN_DIR, record.id);
      const expectedNames = documents.map((document) => document.fileName.replace(/\.docx$/, '.txt')).sort();
      if (UPDATE) {
        rmSync(dir, { recursive: true, force: true });
        mkdirSync(dir, { recursive: true });
        for (const document of documents) writeFileSync(path.join(dir, document.fileName.replace(/\.docx$/, '.txt')), docxText(document.bytes));
        return;
      }
      expect(existsSync(dir), `no golden texts for ${record.id}: run UPDATE_GOLDEN=1 npx vitest run ${GOLDEN_DIR.replace('golden/word', 'render/word')}/golden.test.ts and review them`).toBe(true);
      expect(readdirSync(dir).sort()).toEqual(expectedNames);
      for (const document of documents) {
        const expected = readFileSync(path.join(dir, document.fileName.replace(/\.docx$/, '.txt')), 'utf8');
        expect(docxText(document.bytes), `${record.id}/${document.fileName}`).toBe(expected);
      }
    });
  }
});
