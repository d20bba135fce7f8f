// docx-compiler.ts uses docx's non-public compiler (Packer.compiler) and the getters of its File
// for the parts formatted once. Should a docx upgrade change either, docpack would still write
// documents (through Packer, slower), so this test is what says so, loudly.
import { Document, Packer, Paragraph } from 'docx';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { CONSTANT_PARTS, compiler, newCompiler } from '../../../src/render/word/docx-compiler.ts';
import { buildDocument } from '../../../src/render/word/skeleton.ts';
import { parseAsOf } from '../../../src/time.ts';

const documentOf = (text: string): Document => new Document({ creator: 'test', sections: [{ children: [new Paragraph(text)] }] });

describe("docx's non-public compiler, as docx-compiler.ts uses it", () => {
  it('exists, with compile() and a formatter, and can be constructed', () => {
    const shared = (Packer as unknown as { compiler?: { compile?: unknown; formatter?: { format?: unknown } } }).compiler;
    expect(typeof shared?.compile, 'docx no longer has Packer.compiler.compile: docx-compiler.ts must be revised').toBe('function');
    expect(typeof shared?.formatter?.format, 'docx no longer has Packer.compiler.formatter.format').toBe('function');
    expect(newCompiler(), 'a new docx Compiler could not be made').toBeDefined();
    expect(compiler.available).toBe(true);
  });

  it('gives the parts Packer zips, XML for XML', async () => {
    const document = documentOf('同一份文档');
    const compiled = newCompiler()!.compile(document);
    const packed = unzipSync(new Uint8Array(await Packer.toBuffer(documentOf('同一份文档'))));
    expect([...compiled.keys()].sort()).toEqual(Object.keys(packed).sort());
    for (const [path, data] of compiled) {
      const text = typeof data === 'string' ? data : strFromU8(data);
      // core.xml carries the time it was made.
      if (path !== 'docProps/core.xml') expect(text, path).toBe(strFromU8(packed[path]!));
    }
  });

  it("reaches every part it formats once through the File's getters", () => {
    const file = documentOf('x') as unknown as Record<string, unknown>;
    for (const part of CONSTANT_PARTS) expect(part.of(file), `${part.path}: the File getter docx-compiler.ts reads is gone`).toBeDefined();
  });

  it('gives the same parts for a document whose constant parts are taken from its cache as a full compile', () => {
    const meta = { title: '标题', project: '项目', description: '说明', asOf: parseAsOf('2026-11-25T09:00:00+08:00')! };
    const build = (text: string): Document => buildDocument({ cover: null, body: [new Paragraph(text)] }, meta);
    compiler.compile(build('一'));
    const cached = compiler.compile(build('二'));
    const full = newCompiler()!.compile(build('二'));
    for (const [path, data] of full) if (path !== 'docProps/core.xml') expect(cached.get(path), path).toEqual(data);
    expect(String(cached.get('word/document.xml'))).toContain('二');
  });
});
