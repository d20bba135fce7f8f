// Labels are data (templates/labels.json): a message that prints a value through |label:<group>
// must find every value the record schema allows in that group, or a finding fails to render.
import type { Problem } from '../errors.ts';
import type { Labels } from '../labels.ts';
import { recordSchema, resolveSchema, walkSchema, type SchemaNode } from '../records/schema-paths.ts';
import { subjectSchemas } from './lint.ts';

const rootSchema = recordSchema;
/** The record schema of a path below a node, its $ref followed; undefined when there is no such field. */
const schemaAt = (start: SchemaNode, path: readonly (string | number)[]): SchemaNode | undefined => {
  const walked = walkSchema(start, path).node;
  return walked ? resolveSchema(walked).node : undefined;
};
import type { LoadedRule } from './load.ts';
import { placeholders } from './message.ts';

type Node = { enum?: unknown[]; type?: unknown };

/** Every |label:<group> placeholder whose field can hold a value the group has no label for. */
export function lintLabelCoverage(rules: readonly LoadedRule[], labels: Labels): Problem[] {
  const problems: Problem[] = [];
  for (const { file, rule, sourceMap } of rules) {
    if (typeof rule.subject !== 'string') continue;
    const { subject, chain } = subjectSchemas(rule.subject);
    for (const placeholder of placeholders(rule.message)) {
      const [filter, group] = (placeholder.filter ?? '').split(':');
      if (filter !== 'label' || group === undefined || !labels[group]) continue;
      const start = placeholder.root === 'subject' ? subject : placeholder.root === 'project' ? rootSchema() : chain.get(placeholder.root);
      if (!start) continue;
      const node = schemaAt(start, placeholder.path.map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment))) as Node | undefined;
      const values = node?.enum ?? (node?.type === 'boolean' ? [true, false] : undefined);
      const missing = (values ?? []).filter((value) => labels[group]![String(value)] === undefined);
      if (missing.length > 0) {
        problems.push({
          code: 'missing-label',
          severity: 'error',
          file,
          ...sourceMap.locate('/message'),
          field: 'message',
          message: `${placeholder.text}: group "${group}" of templates/labels.json has no label for ${missing.map((value) => JSON.stringify(value)).join(', ')}`,
          hint: `add ${missing.map((value) => `"${String(value)}": "..."`).join(', ')} to "${group}", or use the group made for this field`,
        });
      }
    }
  }
  return problems;
}
