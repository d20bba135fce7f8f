// summary.md goes into CI job summaries: record text in it must stay text, parsed as GitHub Markdown.
import fc from 'fast-check';
import type { Node, Parent } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { gfm } from 'micromark-extension-gfm';
import { describe, expect, it } from 'vitest';
import { loadLabels } from '../../src/labels.ts';
import { emptyTally, markdownCell, renderSummary } from '../../src/pack/summary.ts';
import { runs } from '../support/runs.ts';

const HOSTILE = [
  'a\rb',
  'line\nbreak',
  '<img src=x onerror=alert(1)>',
  '<script>alert(1)</script>',
  '[click](https://evil.example)',
  '![x](https://evil.example/x.png)',
  'https://evil.example/path',
  'www.evil.example',
  'mail me@evil.example',
  '**bold** _em_ ~~gone~~ `code` $x^2$',
  '&lt; &#x41; &copy;',
  'a | b \\| c',
  '#123 @someone :smile:',
  '<https://evil.example>',
  '```',
];

function collect(node: Node, into: string[] = []): string[] {
  into.push(node.type);
  if ('children' in node) for (const child of (node as Parent).children) collect(child, into);
  return into;
}

function textOf(node: Node): string {
  if ('value' in node && typeof node.value === 'string') return node.value;
  if ('children' in node) return (node as Parent).children.map(textOf).join('');
  return '';
}

function summaryOf(names: string[], messages: string[]): string {
  const tally = emptyTally();
  tally.open = messages.length;
  tally.escalationsOpen = messages.length;
  tally.escalations = messages.map((message, index) => ({ project: `P-${index}`, subject: { label: names[index % names.length] ?? '' }, ruleId: 'survey-late', level: 'province', due: null, message }));
  return renderSummary({
    asOf: '2026-11-25T09:00:00+08:00',
    projects: names.map((name, index) => ({ id: `P-${index}`, name, documents: 1, open: 0 })),
    invalid: [{ file: 'bad.json', problems: [{ code: 'x', severity: 'error', file: 'bad```.json', message: 'value "```\\n<script>" is wrong\r\n```' }] }],
    problems: [],
    tally,
    documents: names.length,
    labels: loadLabels(),
  });
}

describe('summary.md from record text', () => {
  it('keeps every hostile text as plain text in its own cell: no HTML, link, image, emphasis, code or math, no broken row', () => {
    const markdown = summaryOf(HOSTILE, HOSTILE);
    const tree = fromMarkdown(markdown, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });
    const tables = tree.children.filter((node) => node.type === 'table') as Parent[];
    const projects = tables[tables.length - 1]!;
    const escalations = tables[1]!;
    expect(projects.children).toHaveLength(HOSTILE.length + 1);
    expect(escalations.children).toHaveLength(HOSTILE.length + 1);
    for (const table of [projects, escalations]) {
      const types = new Set(collect(table));
      for (const forbidden of ['html', 'link', 'image', 'emphasis', 'strong', 'delete', 'inlineCode', 'inlineMath', 'linkReference', 'footnoteReference']) expect(types.has(forbidden), forbidden).toBe(false);
    }
    HOSTILE.forEach((text, index) => {
      const row = projects.children[index + 1] as Parent;
      expect(row.children).toHaveLength(4);
      expect(textOf(row.children[1]!).replace(/\u2060/g, '')).toBe(text.replace(/[\r\n]/g, ' '));
      expect(textOf((escalations.children[index + 1] as Parent).children[5]!).replace(/\u2060/g, '')).toBe(text.replace(/[\r\n]/g, ' '));
    });
    // A problem quoting ``` stays inside its code block.
    const code = tree.children.find((node) => node.type === 'code') as { value: string } | undefined;
    expect(code?.value).toContain('<script>');
    expect(code?.value).toContain('```');
    expect(tree.children.some((node) => node.type === 'html')).toBe(false);
  });

  it('holds for any text (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: fc.constantFrom('<', '>', '[', ']', '(', ')', '*', '_', '`', '|', '\\', '&', '#', ';', '!', '~', '$', ':', '/', '@', 'w', '.', 'a', ' ', '\r', '\n', '中') }), { minLength: 1, maxLength: 4 }), (names) => {
        const tree = fromMarkdown(summaryOf(names, []), { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });
        const tables = tree.children.filter((node) => node.type === 'table') as Parent[];
        const projects = tables[tables.length - 1]!;
        expect(projects.children).toHaveLength(names.length + 1);
        names.forEach((name, index) => {
          const row = projects.children[index + 1] as Parent;
          expect(row.children).toHaveLength(4);
          expect(collect(row).filter((type) => !['tableRow', 'tableCell', 'text'].includes(type))).toEqual([]);
          expect(textOf(row.children[1]!).replace(/\u2060/g, '')).toBe(name.replace(/[\r\n]/g, ' ').trim());
        });
      }),
      { numRuns: runs(300, 100) },
    );
  });

  it('leaves ids readable', () => {
    expect(markdownCell('P2026-GOV-001')).toBe('P2026-GOV-001');
  });
});
