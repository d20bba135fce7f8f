import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { placeholders, renderMessage, resolvePlaceholder } from '../../src/alerts/message.ts';
import { loadLabels } from '../../src/labels.ts';
import { runs } from '../support/runs.ts';

const labels = loadLabels();

/** The message as it always rendered: placeholders replaced in the text, then every doubled full stop made single in the whole text. */
function reference(message: string, facts: Record<string, unknown>): string {
  let rendered = '';
  let at = 0;
  for (const placeholder of placeholders(message)) {
    rendered += message.slice(at, placeholder.index);
    const value = resolvePlaceholder(facts, placeholder);
    rendered += value === undefined || value === null || value === '' ? '—' : Array.isArray(value) ? value.join('、') : String(value);
    at = placeholder.index + placeholder.text.length;
  }
  rendered += message.slice(at);
  return /[。；！？][。；]/.test(rendered) ? rendered.replace(/([。；！？])[。；]/g, '$1') : rendered;
}

// Texts made of the characters that matter (sentence ends, full stops) and a few others.
const text = fc.array(fc.constantFrom('。', '；', '！', '？', '，', 'a', '好', ' ', '、'), { maxLength: 6 }).map((chars) => chars.join(''));
const value = fc.oneof(text, fc.array(text, { maxLength: 3 }), fc.constant(undefined), fc.constant(null), fc.integer({ min: 0, max: 99 }));
const names = ['a', 'b', 'c'] as const;
const message = fc.array(fc.oneof(text, fc.constantFrom('{{a}}', '{{ b }}', '{{c}}', '{{d.e}}')), { maxLength: 7 }).map((parts) => parts.join(''));

describe('renderMessage', () => {
  it('makes a doubled full stop single wherever it is: in the template, in a value, across their joins (as the whole text did)', () => {
    fc.assert(
      fc.property(message, fc.tuple(value, value, value), text, (template, values, nested) => {
        const facts: Record<string, unknown> = { d: { e: nested } };
        names.forEach((name, index) => (facts[name] = values[index]));
        expect(renderMessage(template, facts, labels)).toBe(reference(template, facts));
      }),
      { numRuns: runs(20_000, 3_000) },
    );
  });

  it('examples', () => {
    expect(renderMessage('问题：{{a}}。', { a: '电源不足。' }, labels)).toBe('问题：电源不足。');
    expect(renderMessage('问题：{{a}}{{b}}；', { a: '好！', b: '。' }, labels)).toBe('问题：好！；');
    expect(renderMessage('已完成。。{{a}}', { a: '' }, labels)).toBe('已完成。—');
    expect(renderMessage('{{a}}', { a: ['甲。', '乙'] }, labels)).toBe('甲。、乙');
  });
});
