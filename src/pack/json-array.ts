import { closeSync, openSync, readFileSync, readSync } from 'node:fs';

/** Lines of a file, read a chunk at a time (strings never hold a raw newline in JSON). */
function* lines(file: string): Generator<string> {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(1 << 20);
    let rest = '';
    const decoder = new TextDecoder('utf-8', { fatal: true });
    for (;;) {
      const read = readSync(fd, buffer, 0, buffer.length, null);
      const text = rest + decoder.decode(buffer.subarray(0, read), { stream: read > 0 });
      if (read === 0) {
        if (text.length > 0) yield text;
        return;
      }
      const parts = text.split('\n');
      rest = parts.pop() ?? '';
      yield* parts;
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * The items of the array `key` in a JSON file that `PackOutput.writeJsonArray` wrote (findings.json),
 * one at a time: each item is four spaces in and ends on a line `    }` or `    },`, so an item is
 * parsed on its own and the file is never held whole. A file laid out otherwise (edited by hand,
 * written by another tool) is parsed whole instead. Throws on a file that is not JSON of that shape.
 */
export function* readJsonArrayItems(file: string, key: string): Generator<unknown> {
  const opening = `  ${JSON.stringify(key)}: [`;
  let state: 'head' | 'items' | 'done' = 'head';
  let item: string[] = [];
  let ours = true;
  let yielded = 0;
  for (const line of lines(file)) {
    if (state === 'head') {
      if (line === `${opening}]`) state = 'done';
      else if (line === opening) state = 'items';
      else if (line !== '{' && !/^ {2}"[^"]*": .*,$/.test(line)) {
        ours = false;
        break;
      }
    } else if (state === 'done') {
      if (line !== '}' && line !== '') {
        ours = false;
        break;
      }
    } else if (item.length === 0 && line === '  ]') {
      state = 'done';
    } else if (item.length === 0 && line !== '    {') {
      ours = false;
      break;
    } else {
      item.push(line);
      if (line === '    }' || line === '    },') {
        const text = item.join('\n');
        item = [];
        yield JSON.parse(line.endsWith(',') ? text.slice(0, -1) : text);
        yielded += 1;
      }
    }
  }
  if (ours && state === 'done') return;
  // Not our layout (or cut short): parse it whole, and hand over what was not handed over yet.
  const whole = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown> | null;
  const items = whole === null || typeof whole !== 'object' ? undefined : whole[key];
  if (!Array.isArray(items)) throw new Error(`${file}: no "${key}" array`);
  yield* items.slice(yielded);
}
