import fc from 'fast-check';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { gfm } from 'micromark-extension-gfm';
import { describe, expect, it } from 'vitest';
import { parseMarkdown } from '../../../src/render/word/markdown.ts';
import { runs } from '../../support/runs.ts';

// The fast path for GFM tables must give exactly micromark's tree, or step aside.
const reference = (markdown: string): unknown => fromMarkdown(markdown, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });

const cellText = fc.oneof(
  fc.constantFrom('编号', '电路 GD-01', '2026年11月25日', '进行中', '¥1,234.00', 'a\\|b', 'x<br>y', '*强调*', '`code`', '&amp;', 'http://x.cn', ' 空格 ', '', '—'),
  fc.string({ maxLength: 6 }).map((text) => text.replace(/[\n\r|]/g, '')),
);
const table = fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 4 })).chain(([columns, rows]) =>
  fc.tuple(fc.array(cellText, { minLength: columns, maxLength: columns }), fc.array(fc.array(cellText, { minLength: columns, maxLength: columns }), { minLength: rows, maxLength: rows }), fc.constantFrom('---', ':--', '--:', ':-:')).map(
    ([header, body, align]) => [`| ${header.join(' | ')} |`, `|${Array(columns).fill(align).join('|')}|`, ...body.map((row) => `| ${row.join(' | ')} |`)].join('\n'),
  ),
);
const block = fc.oneof(table, fc.constantFrom('# 标题', '正文段落，含 **粗体**。', '1. 列表项', '- 项目', '<!-- pagebreak -->', '<!-- table widths="2,5" -->', ''));

/**
 * Positions inside the fast path's table cells differ from micromark's (they only serve error
 * messages); what the documents are built from — types, values, alignment, order — must not.
 */
function withoutPositions(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutPositions);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(Object.entries(node as Record<string, unknown>).filter(([key]) => key !== 'position').map(([key, value]) => [key, withoutPositions(value)]));
}

describe('Markdown tables fast path', () => {
  it('parses exactly like micromark (all but source positions) on random documents', () => {
    fc.assert(
      fc.property(fc.array(block, { minLength: 1, maxLength: 6 }), (blocks) => {
        const markdown = `${blocks.join('\n\n')}\n`;
        expect(withoutPositions(parseMarkdown(markdown))).toEqual(withoutPositions(reference(markdown)));
        expect((parseMarkdown(markdown).position)).toEqual((reference(markdown) as { position: unknown }).position);
      }),
      { numRuns: runs(600, 100) },
    );
  });
});

describe('CommonMark alone for Markdown that holds no GFM syntax', () => {
  // The blocks templates write, and the inline syntax they use, without any GFM trigger character.
  const inline = fc.constantFrom('正文', '**粗体**', '*斜体*', '`code`', '&amp;', '\\*', 'a_b_c', '<br>', '  ', '\t', '2026年11月25日', 'GD-ZH-01', '：', 'x.cn', 'w.x', 'ht', '**', '_', '#', '>', '\\');
  const line = fc.array(inline, { minLength: 1, maxLength: 5 }).map((parts) => parts.join(''));
  const block = fc.oneof(
    line,
    line.map((text) => `# ${text}`),
    line.map((text) => `### ${text} ###`),
    line.map((text) => `> ${text}`),
    fc.array(line, { minLength: 1, maxLength: 3 }).map((lines) => lines.map((text) => `- ${text}`).join('\n')),
    fc.array(line, { minLength: 1, maxLength: 3 }).map((lines) => lines.map((text, index) => `${index + 1}. ${text}`).join('\n')),
    line.map((text) => `\`\`\`\n${text}\n\`\`\``),
    line.map((text) => `    ${text}`),
    line.map((text) => `${text}\n===`),
    line.map((text) => `${text}\n---`),
    fc.constantFrom('<!-- pagebreak -->', '<!-- table widths="2,5" -->', '<div>', '***', ''),
    fc.string({ maxLength: 12 }),
  );
  const plain = (markdown: string): unknown => fromMarkdown(markdown);

  it('gives micromark-with-GFM\'s tree, positions included, whenever the text has no |, ~, [, @, www., http, mailto: or xmpp:', () => {
    fc.assert(
      fc.property(fc.array(block, { minLength: 1, maxLength: 8 }), fc.constantFrom('\n', '\n\n'), (blocks, separator) => {
        const markdown = `${blocks.join(separator)}\n`;
        fc.pre(!/[|~[@]|www\.|http|mailto:|xmpp:/i.test(markdown));
        expect(plain(markdown)).toEqual(reference(markdown));
        expect(parseMarkdown(markdown)).toEqual(reference(markdown));
      }),
      { numRuns: runs(3_000, 300) },
    );
  });

  it('still parses GFM when the text has it', () => {
    for (const markdown of ['~~删除~~\n', '见 www.example.cn\n', '邮件 a@b.cn\n', '- [x] 完成\n', '脚注[^1]\n\n[^1]: 说明\n', 'HTTPS://x.cn\n']) {
      expect(parseMarkdown(markdown)).toEqual(reference(markdown));
      expect(parseMarkdown(markdown)).not.toEqual(plain(markdown));
    }
  });
});
