import type { Circuit, Order, Person, ProjectRecord } from '../src/records/types.gen.ts';

/** mulberry32: a tiny seeded PRNG, so the same seed always gives the same portfolio. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '周', '吴', '徐', '孙', '马', '朱', '胡', '郭', '何', '林'];
const GIVEN = ['伟', '芳', '敏', '静', '强', '磊', '军', '洋', '勇', '艳', '杰', '涛', '明', '超', '霞', '平', '刚', '婷'];
const PROVINCES: [string, string[]][] = [
  ['广东', ['广州', '深圳', '佛山', '东莞', '珠海']],
  ['湖南', ['长沙', '株洲', '湘潭', '衡阳']],
  ['广西', ['南宁', '柳州', '桂林']],
  ['江苏', ['南京', '苏州', '无锡', '常州']],
  ['四川', ['成都', '绵阳', '德阳']],
];
const INDUSTRIES = ['政务', '金融', '教育', '医疗', '交通', '能源', '制造', '零售'];
const CUSTOMER_KINDS = ['省政务服务中心', '农村商业银行', '第一人民医院', '教育局', '高速公路管理局', '电网公司', '汽车制造有限公司', '连锁超市'];
const TIERS = ['provincial-key', 'city-diamond', 'city-gold', 'ordinary'] as const;
const BANDWIDTHS = ['20M', '50M', '100M', '200M', '500M', '1G', '10G'];
const SERVICES = ['internet', 'leased-circuit', 'mstp', 'otn', 'mpls-vpn'] as const;

export interface SyntheticOptions {
  projects: number;
  /** Average circuits per project. */
  circuits: number;
  seed: number;
}

/** Generates a portfolio of realistic project records: Chinese text, orders, circuits, problems, reports. */
export function* syntheticPortfolio(options: SyntheticOptions): Generator<ProjectRecord> {
  const random = seededRandom(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const int = (min: number, max: number): number => min + Math.floor(random() * (max - min + 1));
  // Every date stays inside 2026 (the calendar's last covered year): offsets are clamped to 2026-12-20.
  const day = (offset: number): string => {
    const date = new Date(Date.UTC(2026, 8, 1) + Math.min(offset, 110) * 86_400_000);
    return date.toISOString().slice(0, 10);
  };
  const time = (offset: number, hour: number): string => `${day(offset)}T${String(hour).padStart(2, '0')}:${String(int(0, 59)).padStart(2, '0')}:00+08:00`;
  const person = (org: string, level: Person['level']): Person => ({ name: pick(SURNAMES) + pick(GIVEN) + (random() < 0.5 ? pick(GIVEN) : ''), org, level });

  for (let index = 0; index < options.projects; index += 1) {
    const [province, cities] = pick(PROVINCES);
    const city = pick(cities);
    const industry = pick(INDUSTRIES);
    const id = `SYN-${options.seed}-${String(index).padStart(6, '0')}`;
    const start = int(0, 60);
    const orderCount = int(1, 3);
    const circuitsPerOrder = Math.max(1, Math.round((options.circuits / orderCount) * (0.5 + random())));
    const orders: Order[] = [];
    let circuitNumber = 0;
    for (let orderIndex = 0; orderIndex < orderCount; orderIndex += 1) {
      const received = start + int(0, 20);
      const urgent = random() < 0.15;
      const circuits: Circuit[] = [];
      for (let c = 0; c < circuitsPerOrder; c += 1) {
        circuitNumber += 1;
        const required = received + int(10, 60);
        const completed = random() < 0.5 ? received + int(5, 70) : undefined;
        circuits.push({
          id: `${id}-C${String(circuitNumber).padStart(4, '0')}`,
          service: pick(SERVICES),
          aEnd: { site: `${city}${pick(CUSTOMER_KINDS)}总部机房`, city },
          zEnd: { site: `${pick(cities)}营业网点${int(1, 99)}号`, city: pick(cities) },
          bandwidth: pick(BANDWIDTHS),
          requiredCompletion: day(required),
          ...(completed !== undefined ? { completedAt: time(completed, int(9, 18)) } : {}),
          progressReportsRequired: random() < 0.6,
        });
      }
      const named = received + int(0, 2);
      const surveyed = named + int(1, 4);
      orders.push({
        id: `${id}-O${orderIndex + 1}`,
        title: `${city}${industry}专线第${orderIndex + 1}批`,
        receivedAt: time(received, 9),
        review: random() < 0.05
          ? { result: 'returned', reviewedAt: time(received, 15), ...(random() < 0.5 ? { returnReason: '装机地址与合同不符' } : {}) }
          : { result: 'accepted', reviewedAt: time(received, 15) },
        convertedAt: time(received + 1, 10),
        urgent,
        projectManager: { person: person(`${city}分公司网运部`, 'local'), namedAt: time(named, 11) },
        complexity: random() < 0.3 ? 'complex' : 'simple',
        survey: { doneAt: time(surveyed, 10), propertyIssues: random() < 0.1 ? [{ description: '园区物业要求施工前三天报备' }] : [] },
        plan: {
          doneAt: time(surveyed + int(1, 3), 17),
          segments: [
            { name: '光缆布放', workingDays: int(2, 8), owner: '线路中心' },
            { name: '设备安装', workingDays: int(1, 4), owner: '传输中心' },
            { name: '业务开通调测', workingDays: int(1, 2), owner: '数据中心' },
          ],
        },
        circuits,
        progressReports: Array.from({ length: int(0, 6) }, (_, week) => ({
          week: `2026-W${String(40 + week).padStart(2, '0')}`,
          submittedAt: time(start + 7 * week + 4, 17),
          thisWeek: [`完成${city}段光缆布放${int(1, 20)}公里`],
          nextWeek: ['设备安装与调测'],
          warnings: random() < 0.2 ? [{ text: '局部路由需市政审批，可能延期' }] : [],
        })),
      });
    }
    yield {
      schemaVersion: 1,
      id,
      name: `${city}${pick(CUSTOMER_KINDS)}网络专线项目`,
      phase: pick(['pre-sale', 'in-sale', 'in-sale', 'after-sale'] as const),
      scope: { crossDomain: random() < 0.2, provinces: [province], cities: [city] },
      updatedAt: time(start + 70, 18),
      customer: { name: `${city}市${pick(CUSTOMER_KINDS)}`, tier: pick(TIERS), industry, contacts: [{ name: pick(SURNAMES) + pick(GIVEN), title: '信息中心主任' }] },
      team: {
        customerManager: person(`${city}分公司政企客户部`, 'local'),
        chiefCustomerEngineer: person(`${province}公司网运部`, 'province'),
        customerEngineers: [person(`${city}分公司网运部`, 'local')],
      },
      requirements: {
        businessApplication: { items: [{ title: '总部与网点互联', detail: `${industry}业务系统集中部署于总部机房` }] },
        management: { items: [{ title: '月度服务报告' }] },
        networking: { items: [{ title: '双路由保护', priority: 'must' }] },
        schedule: { items: [{ title: `${day(start + 45)}前全部开通` }] },
        service: { items: [{ title: '7x24小时故障受理，4小时到场' }] },
        confirmation: random() < 0.8 ? { confirmed: true, confirmedBy: pick(SURNAMES) + '主任', confirmedOn: day(start + 5) } : { confirmed: false },
      },
      problems: Array.from({ length: int(0, 5) }, (_, problemIndex) => ({
        id: `P${problemIndex + 1}`,
        description: '部分网点无光缆资源，需新建引入段',
        target: '开通前完成引入段建设',
        suggestedResolution: '协调线路中心纳入本月建设计划',
        owner: person(`${city}分公司网运部`, 'local'),
        plannedResolution: day(start + int(10, 80)),
        status: pick(['open', 'in-progress', 'resolved'] as const),
      })),
      orders,
    };
  }
}
