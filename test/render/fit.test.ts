import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fillLines, fitColumnWidths, longestUnbreakable, TOKEN_PATTERN, tokens, wrappedLines } from '../../src/render/fit.ts';
import { runs } from '../support/runs.ts';

/** The sheets' measure: CJK 2, others 1. */
const width = (text: string): number => [...text].reduce((sum, char) => sum + (char.codePointAt(0)! >= 0x1100 ? 2 : 1), 0);

describe('one tokenizer and line filler for Word tables and both Excel writers', () => {
  it('breaks between Chinese characters and after - or / in ids, never inside a number or a date', () => {
    expect(tokens('截至2026年11月25日 GD-ZH-MSTP-01 1234567')).toEqual(['截', '至', '2026年11月25日', ' ', 'GD-', 'ZH-', 'MSTP-', '01', ' ', '1234567']);
    expect(longestUnbreakable('电话 18928030619，电路 GD-ZH-MSTP-20261103-05', width)).toBe(11);
  });

  it('the scanner gives exactly the pattern\'s tokens, ASCII runs split after - and /', () => {
    // The definition, written as the regular expressions it replaced for speed.
    const byPattern = (line: string): string[] =>
      (line.match(TOKEN_PATTERN) ?? []).flatMap((token) => (/^[\x21-\x7e]/.test(token) && !/年/.test(token) ? token.split(/(?<=[-/])(?=.)/) : [token]));
    const pieces = ['2026', '11', '5', '年', '月', '日', '-', '/', 'a', 'GD', ' ', '\u3000', '\u00a0', '\t', '\n', '\u0085', '\ufeff', '电', '，', '😀', '\ud800', '\udc00', 'é', '~', '!'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 24 }), (parts) => {
        const line = parts.join('');
        expect(tokens(line)).toEqual(byPattern(line));
      }),
      { numRuns: runs(20_000, 2_000) },
    );
    for (const line of ['a-2026年11月25日', '2026年11月25日2026年1月', '2026年123月', '12026年11月3日x', 'a--b-', '/x/', '2026年11月2x', '']) expect(tokens(line)).toEqual(byPattern(line));
  });

  it('counts lines word by word: Chinese characters 2, explicit newlines start a line', () => {
    expect(wrappedLines('', 10, width)).toBe(1);
    expect(wrappedLines('一二三四五', 10, width)).toBe(1);
    expect(wrappedLines('一二三四五六', 10, width)).toBe(2);
    // A number that does not fit on the line starts the next one whole.
    expect(wrappedLines('一二三 12345678', 10, width)).toBe(2);
    expect(wrappedLines('一\n二\n三', 10, width)).toBe(3);
    // Wider than a whole line: cut.
    expect(wrappedLines('12345678901234567890', 10, width)).toBe(2);
  });

  it("counts the same lines when given each line's sum of widths (a line that fits is then not filled)", () => {
    const line = fc.array(fc.integer({ min: 0, max: 400 }), { maxLength: 30 });
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 4 }), fc.integer({ min: -10, max: 3000 }), (lines, available) => {
        const sums = lines.map((tokens) => tokens.reduce((sum, size) => sum + size, 0));
        expect(fillLines(lines, available, sums)).toBe(fillLines(lines, available));
      }),
    );
  });
});

describe('fitting a sheet to its page', () => {
  const column = (natural: number, wraps: boolean, minimum: number, content: number) => ({ natural, wraps, minimum, content });

  it('keeps natural widths when they fit', () => {
    expect(fitColumnWidths([column(20, true, 14, 100), column(10, false, 10, 10)], 40)).toEqual([20, 10]);
  });

  it('lets headers take two lines before text columns narrow', () => {
    // One-line column whose header (natural 16) can fold to 10: that alone fits the page.
    expect(fitColumnWidths([column(30, true, 14, 300), column(16, false, 10, 10)], 42)).toEqual([30, 12]);
  });

  it('then narrows wrapped columns no lower than their longest word, sharing by content', () => {
    const widths = fitColumnWidths([column(40, true, 14, 300), column(40, true, 20, 100), column(10, false, 10, 10)], 60);
    expect(widths.reduce((sum, value) => sum + value, 0)).toBeCloseTo(60);
    expect(widths[1]).toBeGreaterThanOrEqual(20);
    expect(widths[0]).toBeGreaterThan(widths[1]! - 6);
    // The minimums, when even they do not fit.
    expect(fitColumnWidths([column(40, true, 30, 300), column(40, true, 30, 100)], 50)).toEqual([30, 30]);
  });
});
