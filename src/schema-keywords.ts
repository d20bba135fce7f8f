// The record schema's own keywords (x-asOf, x-ref, x-key), registered with Ajv by validators.ts; read by records/as-of.ts and records/references.ts.
/** The record schema's `x-asOf` annotation (see as-of.ts), as an ajv keyword with its own schema. */
export const ASOF_KEYWORD = {
  keyword: 'x-asOf',
  metaSchema: {
    description:
      'How a field reads at an as-of T. "plan": a planned or required date, kept. "meta": bookkeeping of the record, kept. "event": when something happened, absent while after T. ' +
      'An object form refines an event: exists (the object holding the field did not exist before the event: it is absent, dropped from its list), ' +
      'with (sibling fields known only from the event, absent with it), before (values sibling fields had before the event: {"status": {"from": ["signed"], "to": "negotiating"}}). ' +
      'On a non-time field, latestOf gives the value from the latest entry of a history list at or before T ({"items": "history", "time": "at", "value": "status"}), when later entries were removed.',
    oneOf: [
      { enum: ['plan', 'meta', 'event'] },
      {
        type: 'object',
        additionalProperties: false,
        required: ['event'],
        properties: {
          event: { const: true },
          exists: { type: 'boolean' },
          with: { type: 'array', items: { type: 'string' }, uniqueItems: true },
          before: {
            type: 'object',
            additionalProperties: {
              type: 'object',
              additionalProperties: false,
              required: ['from', 'to'],
              properties: { from: { type: 'array', minItems: 1 }, to: {} },
            },
          },
        },
      },
      {
        type: 'object',
        additionalProperties: false,
        required: ['latestOf'],
        properties: {
          latestOf: {
            type: 'object',
            additionalProperties: false,
            required: ['items', 'time', 'value'],
            properties: { items: { type: 'string' }, time: { type: 'string' }, value: { type: 'string' } },
          },
        },
      },
    ],
  },
} as const;

/**
 * The record schema's `x-ref` annotation: a field holding the id of another part of the record, named by
 * its subject pattern ("orders[].circuits[]"). Alert rules read the part referred to as a fact named by
 * the pattern's last list in the singular ("circuit"); see records/references.ts.
 */
export const REF_KEYWORD = {
  keyword: 'x-ref',
  metaSchema: { type: 'string', pattern: '^[A-Za-z]+(\\[\\])?(\\.[A-Za-z]+(\\[\\])?)*$', description: 'The subject pattern of the part of the record whose id this field holds.' },
} as const;

/** The record schema's `x-key` annotation on a list element without an id: the field that names it in findings ("week"). */
export const KEY_KEYWORD = {
  keyword: 'x-key',
  metaSchema: { type: 'string', minLength: 1, description: 'The field of a list element that names it (in finding labels and keys) when the element has no "id".' },
} as const;
