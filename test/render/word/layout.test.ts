import { describe, expect, it } from 'vitest';
import { CELL_PADDING, TEXT_WIDTH, displayWidth, fitColumns, unitsToTwips } from '../../../src/render/word/layout.ts';

/** Twips a value needs to stay on one line. */
const oneLine = (text: string): number => unitsToTwips(displayWidth(text)) + CELL_PADDING;

describe('table column widths', () => {
  it("keeps a template's shares but no column narrower than its longest word: a Chinese date does not break", () => {
    const rows = [
      ['期限', '说明'],
      ['2026年12月15日', '电路要求完成时间临近，单位已填报预警，新的完成时间待客户确认后执行。'],
    ];
    const widths = fitColumns(rows, TEXT_WIDTH, [5, 95]);
    expect(widths.reduce((sum, width) => sum + width, 0)).toBe(TEXT_WIDTH);
    expect(widths[0]).toBeGreaterThanOrEqual(oneLine('2026年12月15日'));
    // The rest stays with the column the template gave most to.
    expect(widths[1]).toBeGreaterThan(TEXT_WIDTH * 0.7);
  });

  it('adds up to the text width and gives every header its room', () => {
    const rows = [
      ['序号', '问题描述', '责任人', '计划解决'],
      ['1', '园区内部综合布线由客户负责，需客户确认施工窗口和进场人员名单', '黎婉仪', '2026年12月5日'],
      ['2', '机房空调改造影响设备上架', '区国梁', '2026年12月15日'],
    ];
    const widths = fitColumns(rows, TEXT_WIDTH);
    expect(widths.reduce((sum, width) => sum + width, 0)).toBe(TEXT_WIDTH);
    rows[0]!.forEach((header, column) => expect(widths[column]!).toBeGreaterThanOrEqual(oneLine(header) - CELL_PADDING));
    // Dates and names stay on one line; the long description takes the rest.
    expect(widths[3]!).toBeGreaterThanOrEqual(oneLine('2026年12月15日'));
    expect(widths[2]!).toBeGreaterThanOrEqual(oneLine('黎婉仪'));
    expect(widths[1]!).toBe(Math.max(...widths));
  });

  it('keeps circuit ids on one line when the page allows, after dates and states', () => {
    const rows = [
      ['电路编号', '业务 / 带宽', 'A 端 — Z 端', '要求完成', '状态'],
      ...[1, 2, 3, 4, 5].map((n) => [`GD-ZH-MSTP-20261103-0${n}`, 'MSTP 专线\n100M', `格创智能金湾总部 — 格创智能${n}厂`, `2026-12-0${n}`, '进行中']),
    ];
    const widths = fitColumns(rows, TEXT_WIDTH);
    expect(widths[0]!).toBeGreaterThanOrEqual(oneLine('GD-ZH-MSTP-20261103-01'));
    expect(widths.reduce((sum, width) => sum + width, 0)).toBe(TEXT_WIDTH);
  });

  it('never squeezes a column of long text into a sliver to keep ids on one line', () => {
    const message = '电路 GD-ZH-MSTP-20261103-02（格创智能金湾总部—格创智能二厂，100M）要求 2026-12-01 完成，尚未竣工；预警原因：—。';
    const rows = [
      ['序号', '类型', '严重程度', '当前层级', '对象', '期限', '说明'],
      ...[1, 2, 3, 4].map((n) => [String(n), '预警', '重要', '本地网', `GD-ZH-MSTP-20261103-0${n}`, '2026年12月1日', message]),
    ];
    const widths = fitColumns(rows, TEXT_WIDTH);
    expect(widths[6]!).toBeGreaterThanOrEqual(TEXT_WIDTH / 4);
    expect(widths[6]!).toBe(Math.max(...widths));
    expect(widths[5]!).toBeGreaterThanOrEqual(oneLine('2026年12月1日'));
  });

  it('gives the other short columns their room when an id column cannot have its own', () => {
    const id = 'GD-ZH-MSTP-20261103-01';
    const rows = [
      ['电路编号', '要求完成', '状态', '说明'],
      [id, '2026-12-02', '进行中', '说明文字'.repeat(10)],
    ];
    // 5,000 twips: room for the date's whole width, not for the id's.
    const widths = fitColumns(rows, 5000);
    expect(widths[1]!).toBeGreaterThanOrEqual(oneLine('2026-12-02'));
    expect(widths[0]!).toBeLessThan(oneLine(id));
  });

  it('keeps e-mail addresses whole when the page allows', () => {
    const rows = [
      ['序号', '姓名', '职务', '电话', '邮箱'],
      ['1', '王海峰', '信息科技部网络处处长', '020-38796120', 'wanghf@yuexinbank.example.cn'],
      ['2', '邓雅琴', '信息科技部网络工程师', '13760321458', 'dengyq@yuexinbank.example.cn'],
    ];
    const widths = fitColumns(rows, TEXT_WIDTH);
    expect(widths[4]!).toBeGreaterThanOrEqual(oneLine('dengyq@yuexinbank.example.cn'));
    expect(widths[3]!).toBeGreaterThanOrEqual(oneLine('020-38796120'));
  });

  it('measures Latin letters by their font: capitals wider than digits, i and l narrow', () => {
    expect(displayWidth('MW')).toBeGreaterThan(displayWidth('00'));
    expect(displayWidth('il')).toBeLessThan(displayWidth('00'));
    expect(displayWidth('电路')).toBe(4);
    // A quarter em between Chinese and Latin.
    expect(displayWidth('电A')).toBe(2 + displayWidth('A') + 0.5);
  });

  it('follows a template\'s widths exactly', () => {
    expect(fitColumns([['a', 'b', 'c']], 9070, [1, 2, 3])).toEqual([1512, 3023, 4535]);
  });
});
