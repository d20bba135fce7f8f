import type { Command } from 'commander';
import { formatProblem } from '../../errors.ts';
import { scanRecords } from '../../records/load.ts';
import { ExitCode } from '../exit-codes.ts';
import type { CliIo, SetExit } from '../io.ts';
import { parseSize } from '../options.ts';

export function registerValidate(program: Command, io: CliIo, setExit: SetExit): void {
  program
    .command('validate')
    .description('check project records against the schema; every problem of every file, with file:line:column, field and hint')
    .argument('<inputs...>', 'record files, directories (every *.json below) or glob patterns')
    .option('--json', 'print the result as JSON')
    .option('--max-file-size <size>', 'refuse files larger than this (e.g. 16MiB)', '16MiB')
    .action(async (inputs: string[], options: { json?: boolean; maxFileSize: string }) => {
      // Checks every file without keeping the records: memory does not grow with the portfolio.
      const result = await scanRecords(inputs, { maxFileBytes: parseSize(options.maxFileSize) });
      const invalid = result.files.filter((file) => !file.valid);
      if (options.json) {
        io.out(
          JSON.stringify(
            {
              valid: result.files.filter((file) => file.valid).map(({ file, id }) => ({ file, id })),
              invalid: invalid.map(({ file, id }) => ({ file, id })),
              problems: result.problems,
            },
            null,
            2,
          ),
        );
      } else {
        for (const found of result.problems) io.out(formatProblem(found));
        const problemCount = result.problems.length;
        io.out(
          `${result.files.length - invalid.length} valid, ${invalid.length} invalid` +
            (problemCount > 0 ? ` (${problemCount} problem${problemCount === 1 ? '' : 's'})` : ''),
        );
      }
      setExit(result.problems.length > 0 ? ExitCode.invalidInput : ExitCode.ok);
    });
}
