// Every document type of the sample pack, as a coordinator reads it: built with `docpack build`,
// converted by LibreOffice, read back with pdftotext (issue 14: documents a coordinator can send).
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';
import type { ProjectRecord } from '../../src/records/types.gen.ts';
import { officeAvailability, officeOutput, type OfficeOutput } from '../office/office.ts';

const office = officeAvailability('test/pack/documents-office.test.ts');

/** One document of each type, from the projects that show what the issue asks. */
const DOCUMENTS = {
  requirements: 'projects/P2026-FIN-002/项目需求书.docx',
  requirementsInternal: 'projects/P2026-PRE-011/项目需求书.docx',
  requirementsLost: 'projects/P2026-LOST-015/项目需求书.docx',
  arrangement: 'projects/P2026-FIN-002/项目实施安排.docx',
  plan: 'projects/P2026-MED-009/实施方案-ORD-FS-20261109-0688.docx',
  weekly: 'projects/P2026-MED-009/周进度报告-2026-W48.docx',
  problems: 'projects/P2026-PRE-011/问题治理表.xlsx',
  portfolioWeekly: 'portfolio/周报.docx',
  circuits: 'portfolio/电路预警清单.xlsx',
  warnings: 'portfolio/预警升级汇总.xlsx',
  register: 'portfolio/资源核查台账.xlsx',
} as const;
type Name = keyof typeof DOCUMENTS;

let converted: OfficeOutput;
const pages = new Map<Name, string[]>();
let summary = '';

/** The PDF of one document of the pack. */
const pdfOf = (name: Name): string => converted.pdf(converted.status.pack[DOCUMENTS[name]] ?? `missing ${DOCUMENTS[name]}`);
const textOf = (name: Name): string => (pages.get(name) ?? []).join('\f');
const record = (id: string): ProjectRecord => JSON.parse(readFileSync(`fixtures/projects/${id}.json`, 'utf8')) as ProjectRecord;

describe.runIf(office.run)('the sample pack in LibreOffice', () => {
  // The pack is built and every document converted once for the suite (test/office/prepare.ts).
  beforeAll(async () => {
    converted = await officeOutput();
    summary = readFileSync(path.join(converted.pack, 'summary.md'), 'utf8');
    // Reading order (no -layout): a table's cells come one after another, as a reader takes them.
    for (const name of Object.keys(DOCUMENTS) as Name[]) pages.set(name, execFileSync('pdftotext', [pdfOf(name), '-'], { encoding: 'utf8' }).split('\f'));
  }, 600_000);

  it('every document of the pack converts with LibreOffice and reads back its Chinese text', () => {
    const manifest = JSON.parse(readFileSync(path.join(converted.pack, 'manifest.json'), 'utf8')) as { files: { path: string }[] };
    const documents = manifest.files.filter((file) => /\.(docx|xlsx)$/.test(file.path));
    expect(documents.length).toBeGreaterThan(40);
    for (const file of documents) expect(existsSync(converted.pdf(converted.status.pack[file.path] ?? 'none')), `${file.path} did not convert`).toBe(true);
    const text = (file: string): string => execFileSync('pdftotext', ['-layout', converted.pdf(converted.status.pack[file] ?? 'none'), '-'], { encoding: 'utf8' });
    expect(text('portfolio/周报.docx')).toContain('政企客户项目周报');
    expect(text('portfolio/电路预警清单.xlsx')).toContain('GD-ZH-INT-20261110-01');
    // Rule ids wrap at their hyphens in their column: read in reading order (no -layout) the pieces follow each other (pdftotext drops the hyphen that ends a line).
    const warnings = execFileSync('pdftotext', [converted.pdf(converted.status.pack['portfolio/预警升级汇总.xlsx'] ?? 'none'), '-'], { encoding: 'utf8' });
    expect(warnings).toMatch(/serious-\s*fault-\s*key-?\s*customer/);
  });

  it('counts agree across summary.md, 周报 and 预警升级汇总, which shows status and closing time', () => {
    const [, open, escalations] = /(\d+) open findings \((\d+) escalations\)/.exec(summary) ?? [];
    expect(open).toBeDefined();
    const weekly = textOf('portfolioWeekly').replace(/\s+/g, '');
    expect(weekly).toContain(`未关闭预警与升级${open}（本周新增`);
    expect(weekly).toContain(`其中升级事项${escalations}`);
    const warnings = textOf('warnings');
    expect(warnings.replace(/\s+/g, '')).toContain(`以下统计其中${open}行`);
    // The count by type (预警, 升级, 合计): its numbers come first among the summary's numbers.
    const numbers = (pages.get('warnings')?.[0] ?? '').split('\n').filter((line) => /^\d+$/.test(line.trim())).map(Number);
    expect(numbers.slice(0, 3)).toEqual([Number(open) - Number(escalations), Number(escalations), Number(open)]);
    for (const header of ['状态', '关闭时间', '预警事项']) expect(warnings).toContain(header);
    // Open ones first: no 未关闭 row after the first 已关闭 one.
    const statuses: string[] = warnings.match(/未关闭|已关闭/g) ?? [];
    expect(statuses.lastIndexOf('未关闭')).toBeLessThan(statuses.indexOf('已关闭'));
    // Numbers people can say, not hashes.
    expect(warnings).not.toMatch(/\b[0-9a-f]{16}\b/);
    expect(warnings).toMatch(/P2026-MFG-012-0\d/);
  });

  it('电路预警清单 lists the circuits whose unit filed a warning, with the warning type', () => {
    const text = textOf('circuits');
    expect(text).toContain('预警类型');
    expect(text).toContain('GD-ZH-MSTP-20261103-04');
    expect(text).toContain('GD-GZ-OTN-20261026-02');
  });

  it('项目需求书: signature block on one page with its lead-in, internal matters left out, a lost bid said', () => {
    const signaturePage = (pages.get('requirements') ?? []).find((page) => page.includes('签字（盖章）'));
    expect(signaturePage).toBeDefined();
    for (const row of ['客户确认', '客户经理', '客户工程师', '本需求书已于']) expect(signaturePage).toContain(row);
    const internal = textOf('requirementsInternal').replace(/\s+/g, '');
    expect(internal).not.toContain('商务处理');
    expect(internal).not.toContain('集成商报价');
    expect(textOf('requirementsLost').replace(/\s+/g, '')).toContain('本项目未中标');
  });

  it('no column narrower than its longest word: id pieces, phone numbers and dates stay whole', () => {
    // An id may wrap after a '-' (the layout allows it); a piece between them never breaks. The
    // -layout text keeps each line's hyphen, where reading order joins a wrapped id's lines.
    const layout = (name: Name): string => execFileSync('pdftotext', ['-layout', pdfOf(name), '-'], { encoding: 'utf8' });
    const fin = record('P2026-FIN-002');
    const med = record('P2026-MED-009');
    for (const name of ['plan', 'weekly'] as const) {
      const text = layout(name);
      for (const circuit of med.orders![0]!.circuits) for (const piece of circuit.id.split(/(?<=-)/)) expect(text, `${name} ${circuit.id}`).toContain(piece);
    }
    for (const contact of fin.customer.contacts ?? []) if (contact.phone) expect(layout('requirements')).toContain(contact.phone);
    expect(textOf('plan').replace(/ /g, '')).toContain('2026年11月17日');
    expect(textOf('requirements').replace(/ /g, '')).toContain('2026年12月10日');
  });

  it('实施方案: parallel segments, no boilerplate where the record has none', () => {
    const text = textOf('plan').replace(/\s+/g, '');
    expect(text).toContain('11个工作日（各分段合计17个工作日，部分并行）');
    expect(text).not.toContain('按相关规范实施');
  });

  it('周进度报告 mid-week: the report is not yet due, and the latest one is shown', () => {
    const text = textOf('weekly').replace(/\s+/g, '');
    expect(text).toContain('尚未到提交期限');
    expect(text).toContain('最近一次进度报告（2026-W47');
    expect(text).not.toContain('本周未提交进度报告');
  });

  it('workbooks: handbook words, blank days overdue before the due', () => {
    const register = textOf('register');
    expect(register).toContain('不满足');
    for (const clockWord of ['计时中', '按时完成', '未开始', '已停止']) expect(register).not.toContain(clockWord);
    const problems = textOf('problems');
    expect(problems).toContain('逾期天数');
  });
});

/** A 2 x 2 red PNG: the letterhead's logo. */
const LOGO = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEklEQVR4nGP4z8DAwMDAxAABAB8AAgGSDZEAAAAASUVORK5CYII=', 'base64');

describe.runIf(office.run)('--reference-doc in LibreOffice: the page set-up and the letterhead of the team\'s own Word file', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'docpack-reference-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('takes the margins, the landscape page, the header (text and logo, with its relationship) and the footer', async () => {
    const { Document, Footer, Header, ImageRun, Packer, PageOrientation, Paragraph, TextRun } = await import('docx');
    const reference = new Document({
      sections: [
        {
          properties: { page: { size: { orientation: PageOrientation.LANDSCAPE }, margin: { top: 1701, bottom: 1417, left: 2268, right: 2268, header: 567, footer: 567 } } },
          headers: { default: new Header({ children: [new Paragraph({ children: [new ImageRun({ type: 'png', data: LOGO, transformation: { width: 24, height: 24 } }), new TextRun('粤信通信服务有限公司 信笺')] })] }) },
          footers: { default: new Footer({ children: [new Paragraph('地址：广州市天河区 电话：020-12345678')] }) },
          children: [new Paragraph('参考文档')],
        },
      ],
    });
    const file = path.join(work, 'letterhead.docx');
    writeFileSync(file, await Packer.toBuffer(reference));
    const io = memoryIo();
    const code = await main(['render', 'fixtures/projects/P2026-FIN-002.json', '--template', 'requirements', '--out', work, '--as-of', '2026-11-25T09:00:00+08:00', '--reference-doc', file], io);
    expect(code, io.stderr.join('\n')).toBe(0);
    const docx = path.join(work, 'requirements.docx');
    copyFileSync(path.join(work, '项目需求书.docx'), docx);
    const parts = unzipSync(readFileSync(docx));
    const xml = (name: string): string => strFromU8(parts[name] ?? new Uint8Array());
    // The page: landscape A4 with the reference's margins, in every section (the cover's too).
    const sections = xml('word/document.xml').match(/<w:sectPr\b[\s\S]*?<\/w:sectPr>/g) ?? [];
    expect(sections.length).toBe(2);
    for (const section of sections) {
      expect(section).toMatch(/<w:pgSz w:w="16838" w:h="11906" w:orient="landscape"\/>/);
      expect(section).toMatch(/<w:pgMar w:top="1701" w:right="2268" w:bottom="1417" w:left="2268" w:header="567" w:footer="567"/);
    }
    // Tables are as wide as the text between the reference's margins.
    const widths = [...xml('word/document.xml').matchAll(/<w:tblW w:type="dxa" w:w="(\d+)"\/>/g)].map((match) => Number(match[1]));
    expect(widths.length).toBeGreaterThan(0);
    for (const width of widths) expect(width).toBe(16838 - 2268 - 2268);
    // The header is the reference's, its logo carried with its relationship and content type.
    const headerId = /<w:headerReference w:type="default" r:id="([^"]+)"/.exec(xml('word/document.xml'))![1];
    const headerTarget = new RegExp(`Id="${headerId}"[^>]*Target="([^"]+)"`).exec(xml('word/_rels/document.xml.rels'))?.[1] ?? new RegExp(`Target="([^"]+)"[^>]*Id="${headerId}"`).exec(xml('word/_rels/document.xml.rels'))![1];
    const header = xml(`word/${headerTarget}`);
    expect(header).toContain('粤信通信服务有限公司 信笺');
    const embed = /r:embed="([^"]+)"/.exec(header)![1];
    const media = new RegExp(`Id="${embed}"[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*Id="${embed}"`).exec(xml(`word/_rels/${headerTarget}.rels`))!;
    expect(Buffer.from(parts[`word/${media[1] ?? media[2]}`]!)).toEqual(LOGO);
    expect(xml('[Content_Types].xml')).toMatch(/<Default Extension="png" ContentType="image\/png"\/>/);
    // And LibreOffice prints it so: landscape pages with the letterhead and its footer.
    execFileSync('soffice', [`-env:UserInstallation=file://${path.join(work, 'profile')}`, '--headless', '--convert-to', 'pdf', '--outdir', work, docx], { stdio: 'pipe', timeout: 240_000 });
    const pdf = path.join(work, 'requirements.pdf');
    expect(execFileSync('pdfinfo', [pdf], { encoding: 'utf8' })).toMatch(/Page size:\s+841\.\d+ x 595\.\d+ pts/);
    const text = execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8' }).split('\f');
    const body = text.slice(1).filter((page) => page.trim() !== '');
    expect(body.length).toBeGreaterThan(0);
    for (const page of body) {
      expect(page).toContain('粤信通信服务有限公司 信笺');
      expect(page).toContain('地址：广州市天河区 电话：020-12345678');
    }
    expect(text.join('')).toContain('项目需求书');
  }, 300_000);
});
