import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { CheckContext } from '../alerts/pipeline.ts';
import type { Finding } from '../alerts/types.ts';
import { DocpackError } from '../errors.ts';
import { parseIsoWeek } from '../time.ts';
import { parseAsOf, formatTime } from '../time.ts';
import { finishPack, portfolioFromRecords, writePortfolio, type BuildResult, type ShardInfo } from './build.ts';
import { PackOutput, writePackFile, type ManifestEntry } from './output.ts';
import { readJsonArrayItems } from './json-array.ts';
import { writeScratchFindings } from './project.ts';
import { calendarHorizonWarnings, mergeTallies, tallyFindings, type FindingTally } from './summary.ts';
import type { PackSpec } from './spec.ts';

export interface MergeOptions {
  /** Something the user should know that does not stop the run (leftovers of an interrupted run removed). */
  onNotice?: (message: string) => void;
  /** Shard pack directories, e.g. shard-1/2026-11-25 shard-2/2026-11-25. */
  dirs: string[];
  /** The merged pack goes to <outDir>/<as-of date>/. */
  outDir: string;
  context: CheckContext;
  pack: PackSpec;
  referenceDoc?: string;
}

function readJson<T>(file: string): T {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    throw new DocpackError({ code: 'not-a-shard', file, message: 'cannot read this file of the shard', hint: 'give the directories written by docpack build --shard k/n (out/<date>)' });
  }
}

/**
 * Joins the packs of `docpack build --shard k/n` into one pack identical to an unsharded build:
 * the project documents are copied (checked against their shard's manifest), the findings merged,
 * and the portfolio documents, findings.json, summary.md and manifest.json written over everything.
 */
export async function mergePacks(options: MergeOptions): Promise<Pick<BuildResult, 'asOf' | 'out' | 'week' | 'projects' | 'invalid' | 'tally' | 'findingCount' | 'manifest' | 'problems'>> {
  const shards = options.dirs.map((dir) => ({
    dir,
    info: readJson<ShardInfo>(path.join(dir, 'shard.json')),
    manifest: readJson<{ files: ManifestEntry[] }>(path.join(dir, 'manifest.json')).files,
  }));
  const first = shards[0];
  if (!first) throw new DocpackError({ code: 'no-shards', message: 'docpack merge needs the shard directories', hint: 'docpack merge shard-1/2026-11-25 shard-2/2026-11-25 --out out' });
  const count = Number(first.info.shard.split('/')[1]);
  const seen = new Set<string>();
  for (const shard of shards) {
    if (shard.info.asOf !== first.info.asOf || shard.info.week !== first.info.week) {
      throw new DocpackError({ code: 'shard-mismatch', file: shard.dir, message: `shard ${shard.info.shard} is as of ${shard.info.asOf} (week ${shard.info.week}); ${first.dir} is as of ${first.info.asOf} (week ${first.info.week})`, hint: 'build every shard with the same --as-of and --week' });
    }
    if (Number(shard.info.shard.split('/')[1]) !== count || seen.has(shard.info.shard)) {
      throw new DocpackError({ code: 'shard-mismatch', file: shard.dir, message: `shard ${shard.info.shard} does not fit the others (${[...seen].join(', ')})`, hint: 'give each k/n of one run exactly once' });
    }
    seen.add(shard.info.shard);
  }
  const missing = Array.from({ length: count }, (_, index) => `${index + 1}/${count}`).filter((name) => !seen.has(name));
  if (missing.length > 0) throw new DocpackError({ code: 'shard-missing', message: `shards ${missing.join(', ')} are missing`, hint: 'a merged pack needs every slice of the run' });

  const asOf = parseAsOf(first.info.asOf);
  if (!asOf) throw new DocpackError({ code: 'not-a-shard', file: first.dir, message: `as-of "${first.info.asOf}" is not a time` });
  const isoWeek = parseIsoWeek(first.info.week);
  const out = new PackOutput(path.join(options.outDir, asOf.toISODate() ?? 'pack'), { onNotice: options.onNotice });
  try {
    const results = shards
      .flatMap((shard) =>
        shard.info.projects.map((project) => ({
          ...project,
          problems: project.problems ?? [],
          documents: shard.manifest
            .filter((entry) => entry.path.startsWith(`projects/${project.id}/`))
            .map((entry) => {
              const bytes = readFileSync(path.join(shard.dir, ...entry.path.split('/')));
              const copied = writePackFile(out.staging, entry.path, bytes, entry.template, entry.sources);
              if (copied.sha256 !== entry.sha256) throw new DocpackError({ code: 'shard-corrupt', file: path.join(shard.dir, entry.path), message: 'the file differs from its shard manifest', hint: 'build the shard again' });
              return out.add(copied);
            }),
        })),
      )
      .sort((a, b) => (a.id < b.id ? -1 : 1));
    // Each shard's findings go to the same scratch files a build writes, so the rest is the build's
    // own code. A shard's findings.json is read a finding at a time; its findings come project by
    // project, so one project's findings are held at a time.
    const tallies = new Map<string, FindingTally>();
    const known = new Set(results.map((result) => result.id));
    for (const shard of shards) {
      const file = path.join(shard.dir, 'findings.json');
      let current: string | undefined;
      let group: Finding[] = [];
      const flush = (): void => {
        if (current !== undefined && known.has(current)) {
          writeScratchFindings(out.staging, current, group);
          tallies.set(current, tallyFindings(group));
        }
        group = [];
      };
      try {
        for (const item of readJsonArrayItems(file, 'findings')) {
          const finding = item as Finding;
          if (finding.project !== current) {
            flush();
            current = finding.project;
            if (tallies.has(current)) throw new DocpackError({ code: 'shard-corrupt', file, message: `the findings of project ${current} are not together (or in two shards)`, hint: 'build the shards again' });
          }
          group.push(finding);
        }
      } catch (error) {
        if (error instanceof DocpackError) throw error;
        throw new DocpackError({ code: 'not-a-shard', file, message: 'cannot read this file of the shard', hint: 'give the directories written by docpack build --shard k/n (out/<date>)' });
      }
      flush();
    }
    for (const result of results) if (!tallies.has(result.id)) writeScratchFindings(out.staging, result.id, []);
    const withTallies = results.map((result) => ({ ...result, tally: tallies.get(result.id) ?? tallyFindings([]) }));
    const invalid = shards.flatMap((shard) => shard.info.invalid).sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
    // The shards wrote no portfolio parts: each project's is worked out here, from its record and findings.
    const { results: withPortfolio, assembly } = portfolioFromRecords(out, withTallies, isoWeek, { asOf, context: options.context, pack: options.pack });
    const portfolioProblems = await writePortfolio(out, assembly, withPortfolio, isoWeek, { asOf, context: options.context, pack: options.pack, referenceDoc: options.referenceDoc });
    // Every shard saw the same inputs, so their input problems are the same: take the first's.
    const inputProblems = first.info.inputProblems ?? [];
    const problems = [...inputProblems, ...withTallies.flatMap((result) => result.problems), ...portfolioProblems];
    problems.push(...calendarHorizonWarnings({ calendar: options.context.calendar, asOfMs: asOf.toMillis(), tally: mergeTallies(withTallies.map((result) => result.tally)), problems }));
    const findingCount = finishPack(out, { asOf, isoWeek, results: withTallies, invalid, inputProblems, problems, context: options.context });
    out.commit();
    return {
      asOf: formatTime(asOf),
      out: out.target,
      week: isoWeek.id,
      projects: results.map((result) => ({ id: result.id, file: result.file, documents: result.documents.map((document) => document.path) })),
      invalid,
      tally: mergeTallies(withTallies.map((result) => result.tally)),
      findingCount,
      problems,
      manifest: out.manifest(),
    };
  } catch (error) {
    out.abandon();
    throw error;
  }
}
