import fc from 'fast-check';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { gfm } from 'micromark-extension-gfm';
import { describe, expect, it } from 'vitest';
import { parseMarkdown } from '../../../src/render/word/markdown.ts';
import { parseSimpleDocument } from '../../../src/render/word/markdown-tables.ts';
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
      { numRuns: runs(3_000, 150) },
    );
  });

  it('still parses GFM when the text has it', () => {
    for (const markdown of ['~~删除~~\n', '见 www.example.cn\n', '邮件 a@b.cn\n', '- [x] 完成\n', '脚注[^1]\n\n[^1]: 说明\n', 'HTTPS://x.cn\n']) {
      expect(parseMarkdown(markdown)).toEqual(reference(markdown));
      expect(parseMarkdown(markdown)).not.toEqual(plain(markdown));
    }
  });
});

describe('documents of headings, plain paragraphs, comments and tables, read without micromark', () => {
  const plainLine = fc.constantFrom('正文段落', '电路 GD-ZH-MSTP-01 于 2026年11月25日 完工。', 'x.cn 与 w.x', 'A1 段', '第二行：说明', '中文（括号）', '１２３');
  const lineOf = fc.oneof(
    plainLine,
    plainLine.map((text) => `# ${text}`),
    plainLine.map((text) => `### ${text}`),
    fc.constantFrom('<!-- pagebreak -->', '<!-- table widths="2,5" -->', '<!-- style: CoverTitle -->', '', '', '  ', '\t'),
    plainLine.map((text) => `1. ${text}`),
    plainLine.map((text) => `12. ${text}`),
    plainLine.map((text) => `- ${text}`),
    plainLine.map((text) => `> ${text}`),
    plainLine.map((text) => `> **计划完成晚于要求**：${text}`),
    plainLine.map((text) => `**${text}**${text}`),
    plainLine.map((text) => `- **要求**：${text}`),
    table,
    // Near misses: each must send the document to micromark, and come out the same.
    fc.constantFrom('1. 列表', '- 项', '> 引用', '**粗**体', '**粗。**体', '** 粗**', '**粗** ', '**粗*', '***粗***', '> **a**b*', '>', '> ', '>  x', '-  x', '- - x', '1.  x', '1) x', '+ x', '* x', '0. 零', '===', '---', '    缩进', ' 前导空格', '尾随空格  ', '#无空格', '# 含#号', '#', 'a@b.cn', '见 www.x.cn', '中|间', '&amp;', 'a\\b', '<br>', '<!--', '-->', '<!-- a --> b', '<!-->', '```', '[x]: /u', '~~删~~', '2) 项'),
  );

  /** The tree with the positions inside tables taken out: the table reader's cell positions differ from micromark's. */
  function withoutTablePositions(node: unknown): unknown {
    if (Array.isArray(node)) return node.map(withoutTablePositions);
    if (node === null || typeof node !== 'object') return node;
    const record = node as Record<string, unknown>;
    if (record.type === 'table') return { ...(withoutPositions(record) as object), position: record.position };
    return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, withoutTablePositions(value)]));
  }

  function withoutOffsets(node: unknown): unknown {
    if (Array.isArray(node)) return node.map(withoutOffsets);
    if (node === null || typeof node !== 'object') return node;
    return Object.fromEntries(Object.entries(node as Record<string, unknown>).filter(([key]) => key !== 'offset').map(([key, value]) => [key, withoutOffsets(value)]));
  }

  it('gives micromark\'s tree, positions included, or leaves the document to micromark', () => {
    let simple = 0;
    let total = 0;
    fc.assert(
      fc.property(fc.array(lineOf, { minLength: 1, maxLength: 10 }), fc.boolean(), (lines, finalNewline) => {
        const markdown = `${lines.join('\n')}${finalNewline ? '\n' : ''}`;
        total += 1;
        if (parseSimpleDocument(markdown)) {
          simple += 1;
          expect(withoutTablePositions(parseMarkdown(markdown))).toEqual(withoutTablePositions(reference(markdown)));
        } else {
          // The older table path keeps every node's line and column, not its offset (placeholders are shorter than tables).
          expect(withoutOffsets(withoutTablePositions(parseMarkdown(markdown)))).toEqual(withoutOffsets(withoutTablePositions(reference(markdown))));
        }
      }),
      { numRuns: runs(5_000, 250) },
    );
    // The generator must exercise the reader, not only the fallback.
    expect(simple).toBeGreaterThan(total / 10);
  });

  it('reads the sample templates\' documents itself', () => {
    const markdown = '<!-- style: Title -->\n周进度报告\n\n> **计划完成晚于要求完成时间**：定单\n\n1. 完成布放\n1. 设备安装\n\n- 甲：乙\n\n# 一、定单 SYN-1-O1\n\n南京交通专线第1批\n本周进度报告应于2026年11月27日 23:59前提交。\n\n<!-- table widths="2,5" -->\n| 项 | 值 |\n|---|---|\n| 电路 | GD-01 |\n';
    expect(parseSimpleDocument(markdown)).not.toBeNull();
    expect(withoutTablePositions(parseMarkdown(markdown))).toEqual(withoutTablePositions(reference(markdown)));
  });
});
