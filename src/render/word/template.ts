import Handlebars from 'handlebars';
import { DocpackError } from '../../errors.ts';
import { createHelpers, locateErrors, type HelperContext } from './helpers.ts';
import type { ViewObject } from './view.ts';

type Node = hbs.AST.Node;
type Program = hbs.AST.Program;
type Statement = hbs.AST.Statement;
type Expression = hbs.AST.Expression;
type Mustache = hbs.AST.MustacheStatement;
type Block = hbs.AST.BlockStatement;
type Path = hbs.AST.PathExpression;

/** An isolated Handlebars environment with docpack's helpers and nothing else. */
export interface TemplateEnv {
  readonly handlebars: typeof Handlebars;
  readonly helperNames: ReadonlySet<string>;
}

const BUILT_IN_HELPERS = new Set(['if', 'unless', 'each', 'with', 'lookup']);

/** The parts of Handlebars' JavaScriptCompiler that the strict subclass uses (not in its typings). */
interface CompilerInternals {
  resolvePath(type: string, parts: string[], start: number, falsy: boolean, strict: boolean): void;
  popStack(): unknown;
  push(expression: unknown): unknown;
  aliasable(name: string): unknown;
  quotedString(text: string): unknown;
  source: { currentLocation?: unknown };
}

/**
 * Handlebars' strict mode only checks the last part of a path printed on its own: `{{#if a.b}}`,
 * helper arguments and the middle of `a.b.c` are looked up leniently. This compiler checks every
 * part of every path in the data, so a misspelt field fails wherever it is written.
 */
function strictCompiler(base: unknown): unknown {
  const Base = base as new () => CompilerInternals;
  class StrictCompiler extends Base {
    override resolvePath(type: string, parts: string[], start: number, falsy: boolean, strict: boolean): void {
      if (type !== 'context') {
        super.resolvePath(type, parts, start, falsy, strict);
        return;
      }
      let stack = this.popStack();
      const location = JSON.stringify(this.source.currentLocation ?? null);
      for (let index = start; index < parts.length; index += 1) {
        stack = [this.aliasable('container.strict'), '(', stack, ', ', this.quotedString(parts[index] as string), ', ', location, ')'];
      }
      this.push(stack);
    }
  }
  // Nested programs ({{#each}} bodies) are compiled with `this.compiler`.
  (StrictCompiler.prototype as unknown as { compiler: unknown }).compiler = StrictCompiler;
  return StrictCompiler;
}

/** `{{lookup object field}}`: the field, which must be the object's own (a misspelt name fails as a misspelt path does). */
function strictLookup(object: unknown, field: unknown): unknown {
  const name = String(field);
  if (object === null || object === undefined) {
    throw new DocpackError({ code: 'template-empty-value', message: `cannot look up "${name}": the value before it is empty for this record`, hint: 'optional fields that a record lacks are null: test them with {{#if ...}} before looking up their fields' });
  }
  if ((typeof object !== 'object' && typeof object !== 'function') || !Object.prototype.hasOwnProperty.call(object, name)) {
    throw new DocpackError({
      code: 'template-missing-field',
      message: `lookup: "${name}" is not a field of the data here`,
      hint: 'check the name against src/schemas/project.schema.json and the document data in the README',
    });
  }
  return (object as Record<string, unknown>)[name];
}

export function createTemplateEnv(context: HelperContext): TemplateEnv {
  const handlebars = Handlebars.create();
  const mutable = handlebars as unknown as { JavaScriptCompiler: unknown };
  mutable.JavaScriptCompiler = strictCompiler(mutable.JavaScriptCompiler);
  // `log` prints to the console and the two "missing" hooks are only reached without knownHelpersOnly.
  handlebars.unregisterHelper('log');
  const helpers = createHelpers(context);
  for (const [name, helper] of Object.entries(helpers)) handlebars.registerHelper(name, locateErrors(name, helper));
  // Handlebars' own lookup gives undefined (a blank) for a field the data does not have: as strict as paths are.
  handlebars.registerHelper('lookup', locateErrors('lookup', strictLookup));
  return { handlebars, helperNames: new Set([...Object.keys(helpers), ...BUILT_IN_HELPERS]) };
}

export interface CompiledTemplate {
  /** The template file as named in errors (relative to the working directory when possible). */
  readonly file: string;
  /** Renders Markdown; every problem is a DocpackError naming the file, line and column. */
  render(context: ViewObject, data?: Record<string, unknown>): string;
}

function sourceLine(source: string, line: number | undefined): string | undefined {
  if (line === undefined) return undefined;
  return source.split(/\r?\n/)[line - 1]?.trim();
}

function located(message: string): { line?: number; column?: number } {
  const match = / - (\d+):(\d+)$/.exec(message);
  return match ? { line: Number(match[1]), column: Number(match[2]) + 1 } : {};
}

/** Turns whatever Handlebars or a helper threw into a DocpackError that names the template line. */
export function templateError(error: unknown, file: string, source: string): DocpackError {
  if (error instanceof DocpackError) {
    const { problem } = error;
    const text = sourceLine(source, problem.line);
    return new DocpackError({
      ...problem,
      file: problem.file ?? file,
      hint: problem.hint ?? (text ? `in: ${text}` : undefined),
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  const detail = error as { lineNumber?: number; column?: number; hash?: { loc?: { first_line?: number; first_column?: number } } };
  const parseError = /^Parse error on line (\d+):/.exec(message) ?? /^Expecting .* on line (\d+)/.exec(message);
  if (parseError || detail.hash?.loc) {
    const line = detail.hash?.loc?.first_line ?? Number(parseError?.[1]);
    return new DocpackError({
      code: 'template-syntax',
      file,
      line,
      column: detail.hash?.loc?.first_column !== undefined ? detail.hash.loc.first_column + 1 : undefined,
      message: `template syntax error: ${message.split('\n').slice(-1)[0] ?? message}`,
      hint: 'check the {{...}} tags on this line: every {{#block}} needs its {{/block}}',
    });
  }
  const where = detail.lineNumber !== undefined ? { line: detail.lineNumber, column: (detail.column ?? 0) + 1 } : located(message);
  const missing = /^"([^"]+)" not defined in (.*?)(?: - \d+:\d+)?$/.exec(message);
  if (missing && (missing[2] === 'null' || missing[2] === 'undefined')) {
    const text = sourceLine(source, where.line);
    return new DocpackError({
      code: 'template-empty-value',
      file,
      ...where,
      message: `cannot read "${missing[1]}": the value before it is empty for this record${text ? ` (in ${text})` : ''}`,
      hint: 'optional fields that a record lacks are null: test them with {{#if ...}} before reading their fields',
    });
  }
  if (missing) {
    const text = sourceLine(source, where.line);
    return new DocpackError({
      code: 'template-missing-field',
      file,
      ...where,
      message: `"${missing[1]}" is not a field of the data here${text ? ` (in ${text})` : ''}`,
      hint: 'check the name against src/schemas/project.schema.json and the document data in the README; optional fields that a record lacks are null, test them with {{#if ...}}',
    });
  }
  const unknownHelper = /unknown helper (\S+)/.exec(message);
  if (unknownHelper) {
    return new DocpackError({
      code: 'template-unknown-helper',
      file,
      ...where,
      message: `unknown helper "${unknownHelper[1]?.replace(/ - \d+:\d+$/, '')}"`,
      hint: 'templates can only call the helpers listed in the README (cnDate, money, label, ...)',
    });
  }
  return new DocpackError({ code: 'template-error', file, ...where, message: message.replace(/ - \d+:\d+$/, '') });
}

function isHelperCall(mustache: Mustache | hbs.AST.SubExpression, helperNames: ReadonlySet<string>): boolean {
  if (mustache.params.length > 0 || mustache.hash?.pairs.length) return true;
  const path = mustache.path as Path;
  return path.type === 'PathExpression' && !path.data && path.parts.length === 1 && helperNames.has(path.original);
}

/**
 * Rewrites every `{{expr}}` into `{{md expr}}`, so everything a template prints from the data is
 * Markdown-escaped; `{{{expr}}}` prints raw Markdown. Partials and decorators are refused.
 */
function escapeMustaches(program: Program, file: string, helperNames: ReadonlySet<string>): void {
  const refuse = (node: Node, what: string): never => {
    throw new DocpackError({
      code: 'template-syntax',
      file,
      line: node.loc?.start.line,
      column: node.loc ? node.loc.start.column + 1 : undefined,
      message: `${what} are not supported in Word templates`,
      hint: 'write the content in this template, or use a helper',
    });
  };
  const visit = (statements: Statement[]): void => {
    for (let index = 0; index < statements.length; index += 1) {
      const statement = statements[index] as Statement;
      switch (statement.type) {
        case 'MustacheStatement': {
          const mustache = statement as Mustache;
          if (!mustache.escaped) break;
          const inner: Expression = isHelperCall(mustache, helperNames)
            ? ({ type: 'SubExpression', path: mustache.path, params: mustache.params, hash: mustache.hash, loc: mustache.loc } as hbs.AST.SubExpression)
            : (mustache.path as Expression);
          const md: Path = { type: 'PathExpression', data: false, depth: 0, parts: ['md'], original: 'md', loc: mustache.loc };
          statements[index] = { ...mustache, path: md, params: [inner], hash: undefined as unknown as hbs.AST.Hash, escaped: false } as Mustache;
          break;
        }
        case 'BlockStatement': {
          const block = statement as Block;
          if (block.program) visit(block.program.body);
          if (block.inverse) visit(block.inverse.body);
          break;
        }
        case 'PartialStatement':
        case 'PartialBlockStatement':
          refuse(statement, 'partials ({{> name}})');
          break;
        case 'DecoratorBlock':
        case 'Decorator':
          refuse(statement, 'decorators ({{* name}})');
          break;
        default:
          break;
      }
    }
  };
  visit(program.body);
}

/** Compiles one `.md.hbs` template: strict, known helpers only, prototype access left denied. */
export function compileTemplate(env: TemplateEnv, source: string, file: string): CompiledTemplate {
  let ast: Program;
  try {
    ast = env.handlebars.parse(source);
  } catch (error) {
    throw templateError(error, file, source);
  }
  escapeMustaches(ast, file, env.helperNames);
  const knownHelpers = Object.fromEntries([...env.helperNames].map((name) => [name, true]));
  const template = env.handlebars.compile(ast as unknown as string, {
    strict: true,
    knownHelpersOnly: true,
    knownHelpers,
    noEscape: true,
    preventIndent: true,
  });
  return {
    file,
    render(context, data) {
      try {
        return template(context, { data, allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false });
      } catch (error) {
        throw templateError(error, file, source);
      }
    },
  };
}

