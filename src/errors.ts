/**
 * The one error shape docpack reports: a code, where (file, line, column, JSON pointer)
 * and what to do about it. Stages return these as data; only the CLI prints them.
 */
export interface Problem {
  /** Stable machine-readable code, e.g. "unknown-field", "duplicate-key", "calendar-coverage". */
  code: string;
  severity: 'error' | 'warning';
  /** Path of the file as the user gave it (relative paths stay relative). */
  file?: string;
  /** 1-based line and column of the offending token, when known. */
  line?: number;
  column?: number;
  /** RFC 6901 JSON pointer of the offending value, e.g. "/orders/0/circuits/2/requiredCompletion". */
  pointer?: string;
  /** The same place written for people, e.g. "orders[0].circuits[2].requiredCompletion". */
  field?: string;
  message: string;
  hint?: string;
}

/** An exception that carries a Problem: thrown for bad input the user can fix (exit code 2). */
export class DocpackError extends Error {
  override readonly name = 'DocpackError';
  readonly problem: Problem;
  /** Every problem, `problem` first: input refused for several reasons (a rules directory with lint problems) says all of them. */
  readonly problems: readonly Problem[];

  constructor(problem: Omit<Problem, 'severity'> & { severity?: Problem['severity'] }, more: readonly Problem[] = []) {
    super(more.length > 0 ? `${problem.message} (and ${more.length} more)` : problem.message);
    this.problem = { severity: 'error', ...problem };
    this.problems = [this.problem, ...more];
  }

  /** One error for a list of problems (at least one). */
  static of(problems: readonly Problem[]): DocpackError {
    const [first, ...more] = problems;
    if (!first) throw new Error('DocpackError.of needs a problem');
    return new DocpackError(first, more);
  }

  get code(): string {
    return this.problem.code;
  }
}

/** `file:line:column field: message (hint)` — the format every command prints. */
export function formatProblem(problem: Problem): string {
  const where = [problem.file, problem.line, problem.column].filter((part) => part !== undefined).join(':');
  const field = problem.field && problem.field.length > 80 ? `${problem.field.slice(0, 38)}…${problem.field.slice(-38)}` : problem.field;
  const head = [where, field].filter((part) => part !== undefined && part !== '').join(' ');
  const text = head ? `${head}: ${problem.message}` : problem.message;
  return problem.hint ? `${text}\n    hint: ${problem.hint}` : text;
}

/** Converts a JSON pointer to the dotted/bracketed form people read: /a/0/b -> a[0].b */
export function pointerToField(pointer: string): string {
  if (pointer === '' || pointer === '/') return '';
  let field = '';
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(segment)) field += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(segment)) field += field === '' ? segment : `.${segment}`;
    else field += `[${JSON.stringify(segment)}]`;
  }
  return field;
}

/** Escapes one segment for a JSON pointer (RFC 6901). */
export function escapePointerSegment(segment: string | number): string {
  return String(segment).replace(/~/g, '~0').replace(/\//g, '~1');
}
