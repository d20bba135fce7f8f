import { readdirSync } from 'node:fs';
import path from 'node:path';

/**
 * The rule files of a rules directory (rules/alerts, rules/deadlines), subfolders included: every
 * *.json except *.test.json cases, *.schema.json schemas and _-prefixed support files, as paths
 * relative to `dir` with "/" between folders, sorted. Hidden entries (.git, .vscode) are not rules.
 * Throws when `dir` cannot be read.
 */
export function listRuleFiles(dir: string): string[] {
  const found: string[] = [];
  const visit = (relative: string): void => {
    for (const entry of readdirSync(path.join(dir, relative), { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const name = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) visit(name);
      else if (entry.name.endsWith('.json') && !entry.name.endsWith('.test.json') && !entry.name.endsWith('.schema.json') && !entry.name.startsWith('_')) found.push(name);
    }
  };
  visit('');
  return found.sort();
}
