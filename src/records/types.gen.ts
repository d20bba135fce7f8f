/* Generated from src/schemas/project.schema.json by `npm run gen:types`. Do not edit by hand. */

/**
 * 1-64 characters: letters, digits, '.', '_' and '-', starting with a letter or digit, no '..', no trailing '.', not a Windows device name (CON, PRN, AUX, NUL, COM1-9, LPT1-9).
 *
 * This interface was referenced by `ProjectRecord`'s JSON-Schema
 * via the `definition` "safeId".
 */
export type SafeId = string;
/**
 * This interface was referenced by `ProjectRecord`'s JSON-Schema
 * via the `definition` "text".
 */
export type ShortText = string;
/**
 * ISO 8601 time, e.g. 2026-11-24T09:30:00+08:00. Without an offset it is read in Asia/Shanghai.
 *
 * This interface was referenced by `ProjectRecord`'s JSON-Schema
 * via the `definition` "dateTime".
 */
export type DateTimeString = string;
/**
 * 本地网 / 省 / 集团.
 *
 * This interface was referenced by `ProjectRecord`'s JSON-Schema
 * via the `definition` "level".
 */
export type Level = 'local' | 'province' | 'group';
/**
 * This interface was referenced by `ProjectRecord`'s JSON-Schema
 * via the `definition` "longText".
 */
export type LongText = string;
/**
 * A calendar date, YYYY-MM-DD.
 *
 * This interface was referenced by `ProjectRecord`'s JSON-Schema
 * via the `definition` "date".
 */
export type DateString = string;
/**
 * This interface was referenced by `ProjectRecord`'s JSON-Schema
 * via the `definition` "problemStatus".
 */
export type ProblemStatus = 'open' | 'in-progress' | 'resolved' | 'closed' | 'deferred';
/**
 * @maxItems 1000
 *
 * This interface was referenced by `ProjectRecord`'s JSON-Schema
 * via the `definition` "textList".
 */
export type TextList = LongText[];
/**
 * ISO week, e.g. 2026-W48.
 *
 * This interface was referenced by `ProjectRecord`'s JSON-Schema
 * via the `definition` "week".
 */
export type Week = string;

/**
 * One enterprise-customer network service project over its whole life cycle: pre-sale (§2.1), in-sale seven steps (§2.2) and after-sale (§2.3). Dates are YYYY-MM-DD; times are ISO 8601 and read in Asia/Shanghai when they carry no offset.
 */
export interface ProjectRecord {
  /**
   * Path or URL of this schema, so that editors autocomplete the record.
   */
  $schema?: string;
  /**
   * Version of the record format. Always 1 for now.
   */
  schemaVersion: 1;
  id: SafeId;
  name: ShortText;
  /**
   * Life-cycle phase: 售前 / 售中 / 售后.
   */
  phase: 'pre-sale' | 'in-sale' | 'after-sale';
  scope?: Scope;
  updatedAt: DateTimeString;
  customer: Customer;
  team: Team;
  requirements?: Requirements;
  /**
   * 问题治理表 rows (§2.1.2 item 3).
   *
   * @maxItems 10000
   */
  problems?: Problem[];
  contract?: Contract;
  /**
   * 资源核查 (§2.1.2 item 5).
   *
   * @maxItems 10000
   */
  resourceChecks?: ResourceCheck[];
  /**
   * Resource reserves with their warning thresholds (预警门限).
   *
   * @maxItems 10000
   */
  resourceReserves?: ResourceReserve[];
  /**
   * Orders going through the seven steps (§2.2).
   *
   * @maxItems 10000
   */
  orders?: Order[];
  afterSale?: AfterSale;
  notes?: LongText;
}
/**
 * Where the project runs. Cross-domain (跨域) projects span several provinces or cities and report weekly (§2.2.4).
 *
 * This interface was referenced by `ProjectRecord`'s JSON-Schema
 * via the `definition` "scope".
 */
export interface Scope {
  crossDomain: boolean;
  /**
   * @maxItems 64
   */
  provinces?: ShortText[];
  /**
   * @maxItems 512
   */
  cities?: ShortText[];
}
/**
 * This interface was referenced by `ProjectRecord`'s JSON-Schema
 * via the `definition` "customer".
 */
export interface Customer {
  name: ShortText;
  /**
   * 省级重点 / 地市钻石级 / 地市金牌 / 普通. Provincial key and city diamond customers are key customers for serious faults.
   */
  tier: 'provincial-key' | 'city-diamond' | 'city-gold' | 'ordinary';
  industry: ShortText;
  /**
   * @maxItems 100
   */
  contacts?: Contact[];
}
/**
 * This interface was referenced by `ProjectRecord`'s JSON-Schema
 * via the `definition` "contact".
 */
export interface Contact {
  name: ShortText;
  title?: ShortText;
  phone?: string;
  email?: string;
}
/**
 * This interface was referenced by `ProjectRecord`'s JSON-Schema
 * via the `definition` "team".
 */
export interface Team {
  chiefCustomerManager?: Person;
  customerManager: Person;
  chiefCustomerEngineer: Person;
  /**
   * 客户工程师.
   *
   * @maxItems 100
   */
  customerEngineers?: Person[];
  projectManager?: Person;
  /**
   * 集成公司 / 项目合作方 owners.
   *
   * @maxItems 100
   */
  partners?: {
    kind: 'integrator' | 'partner';
    company: ShortText;
    owner: Person;
  }[];
}
/**
 * This interface was referenced by `ProjectRecord`'s JSON-Schema
 * via the `definition` "person".
 */
export interface Person {
  name: ShortText;
  org: ShortText;
  level: Level;
  phone?: string;
  email?: string;
}
/**
 * 项目需求书: the five kinds of need (§2.1.2 item 2) and the customer's confirmation.
 *
 * This interface was referenced by `ProjectRecord`'s JSON-Schema
 * via the `definition` "requirements".
 */
export interface Requirements {
  businessApplication: RequirementSection;
  management: RequirementSection;
  networking: RequirementSection;
  schedule: RequirementSection;
  service: RequirementSection;
  draftedOn?: DateString;
  confirmation: {
    confirmed: boolean;
    confirmedBy?: ShortText;
    confirmedOn?: DateString;
    requestedOn?: DateString;
  };
}
/**
 * This interface was referenced by `ProjectRecord`'s JSON-Schema
 * via the `definition` "requirementSection".
 */
export interface RequirementSection {
  summary?: LongText;
  /**
   * @maxItems 1000
   */
  items: {
    title: ShortText;
    detail?: LongText;
    priority?: 'must' | 'should' | 'could';
  }[];
}
/**
 * This interface was referenced by `ProjectRecord`'s JSON-Schema
 * via the `definition` "problem".
 */
export interface Problem {
  id: SafeId;
  description: string;
  target: LongText;
  suggestedResolution?: LongText;
  /**
   * An internal matter (an integrator's quotation, a commercial decision of 政企部): kept in 问题治理表, left out of the 项目需求书 the customer signs.
   */
  internal?: boolean;
  owner: Person;
  raisedOn?: DateString;
  plannedResolution: DateString;
  resolvedOn?: DateString;
  status: ProblemStatus;
  /**
   * @maxItems 1000
   */
  history?: {
    at: DateTimeString;
    by: ShortText;
    note: LongText;
    status?: ProblemStatus;
  }[];
}
/**
 * 合同签约支撑 (§2.1.2 item 4).
 *
 * This interface was referenced by `ProjectRecord`'s JSON-Schema
 * via the `definition` "contract".
 */
export interface Contract {
  review?: {
    reviewedOn?: DateString;
    serviceInterface: ReviewItem;
    serviceContent: ReviewItem;
    serviceIndicators: ReviewItem;
  };
  signing?: {
    status: 'negotiating' | 'signed' | 'lost';
    signedOn?: DateString;
    contractNo?: ShortText;
    performanceTerms?: LongText;
    serviceSubject?: ShortText;
    fees?: Money;
  };
  /**
   * 合同执行单 sent by the enterprise-customer department after signing.
   */
  executionSheet?: {
    receivedOn: DateString;
    /**
     * @maxItems 1000
     */
    nonStandardTerms: {
      clause: ShortText;
      text: LongText;
    }[];
  };
  /**
   * 项目实施安排 issued by the network operations department.
   */
  implementationArrangement?: {
    issuedOn: DateString;
    issuedBy?: ShortText;
    serviceTerms: TextList;
    maintenanceTerms: TextList;
    acceptanceStandard: TextList;
    serviceSubject: ShortText;
    fees: Money;
    /**
     * @maxItems 10000
     */
    sites: {
      name: ShortText;
      city?: ShortText;
      address?: ShortText;
      requirements: LongText;
      localUnit?: ShortText;
      contact?: Contact;
    }[];
  };
}
/**
 * This interface was referenced by `ProjectRecord`'s JSON-Schema
 * via the `definition` "reviewItem".
 */
export interface ReviewItem {
  summary: LongText;
  /**
   * false when current capability cannot meet it; suggest commercial handling.
   */
  acceptable: boolean;
  feedback?: LongText;
}
/**
 * This interface was referenced by `ProjectRecord`'s JSON-Schema
 * via the `definition` "money".
 */
export interface Money {
  /**
   * In yuan (CNY).
   */
  amount: number;
  period?: 'one-off' | 'monthly' | 'yearly';
  note?: ShortText;
}
/**
 * This interface was referenced by `ProjectRecord`'s JSON-Schema
 * via the `definition` "resourceCheck".
 */
export interface ResourceCheck {
  id: SafeId;
  demandOrder: {
    id: ShortText;
    /**
     * 查询型 / 定单型需求单.
     */
    type: 'query' | 'order';
  };
  segment: ShortText;
  requestedAt: DateTimeString;
  feedbackAt?: DateTimeString;
  /**
   * 具备 / 不具备.
   */
  result?: 'available' | 'unavailable';
  /**
   * false when the implementation schedule is 不满足.
   */
  scheduleMet?: boolean;
  usedAt?: DateTimeString;
  /**
   * 二次核查 organised by the chief customer engineer.
   */
  secondCheck?: {
    organizer: Person;
    requestedAt: DateTimeString;
    completedAt?: DateTimeString;
    result?: 'available' | 'unavailable';
    scheduleMet?: boolean;
    note?: LongText;
  };
}
/**
 * This interface was referenced by `ProjectRecord`'s JSON-Schema
 * via the `definition` "resourceReserve".
 */
export interface ResourceReserve {
  id: SafeId;
  node: ShortText;
  resource: ShortText;
  unit: ShortText;
  available: number;
  /**
   * 预警门限: below this, warn the customer manager and trigger construction.
   */
  warningThreshold: number;
  measuredAt: DateTimeString;
  constructionTriggeredAt?: DateTimeString;
}
/**
 * This interface was referenced by `ProjectRecord`'s JSON-Schema
 * via the `definition` "order".
 */
export interface Order {
  id: SafeId;
  title?: ShortText;
  receivedAt: DateTimeString;
  /**
   * Step 1 定单审核: a faulty order is returned (退单) with a reason.
   */
  review?: {
    result: 'accepted' | 'returned';
    reviewedAt: DateTimeString;
    returnReason?: LongText;
    returnedTo?: ShortText;
  };
  convertedAt?: DateTimeString;
  /**
   * 加急.
   */
  urgent: boolean;
  projectManager?: {
    person: Person;
    namedAt: DateTimeString;
  };
  /**
   * Plan within 1 (simple) or 2 (complex) working days of the survey (§2.2.3).
   */
  complexity?: 'simple' | 'complex';
  /**
   * Step 2 详细资源勘查.
   */
  survey?: {
    doneAt: DateTimeString;
    summary?: LongText;
    /**
     * @maxItems 1000
     */
    propertyIssues?: {
      site?: ShortText;
      description: LongText;
      customerManagerNotifiedAt?: DateTimeString;
      resolvedAt?: DateTimeString;
    }[];
  };
  /**
   * Step 3 制定实施方案: the work split into segments with durations.
   */
  plan?: {
    doneAt: DateTimeString;
    summary?: LongText;
    /**
     * @maxItems 1000
     */
    segments: {
      name: ShortText;
      workingDays: number;
      owner?: ShortText;
      requirements?: LongText;
      /**
       * Names of the segments this one follows: it starts the working day after the last of them ends. [] starts with the plan; absent follows the previous segment.
       *
       * @maxItems 1000
       */
      after?: ShortText[];
    }[];
    risks?: TextList;
  };
  /**
   * @maxItems 10000
   */
  circuits: Circuit[];
  /**
   * Step 4 周进度报告, in the order they were submitted (the last one is the latest: its 需预警内容 are the warnings in force).
   *
   * @maxItems 1000
   */
  progressReports?: ProgressReport[];
  /**
   * Step 6 业务调试.
   */
  commissioning?: {
    startedAt?: DateTimeString;
    doneAt?: DateTimeString;
    result?: 'passed' | 'failed';
    note?: LongText;
  };
  /**
   * Step 7 竣工交付.
   */
  delivery?: {
    completedAt?: DateTimeString;
    deliveredAt?: DateTimeString;
    acceptedBy?: ShortText;
    note?: LongText;
  };
}
/**
 * This interface was referenced by `ProjectRecord`'s JSON-Schema
 * via the `definition` "circuit".
 */
export interface Circuit {
  id: SafeId;
  service?:
    | 'internet'
    | 'leased-circuit'
    | 'voice-leased-line'
    | 'mstp'
    | 'otn'
    | 'mpls-vpn'
    | 'apn'
    | 'sms';
  aEnd: Endpoint;
  zEnd: Endpoint;
  /**
   * e.g. 100M, 10G.
   */
  bandwidth: string;
  crossCity?: boolean;
  crossProvince?: boolean;
  requiredCompletion: DateString;
  completedAt?: DateTimeString;
  /**
   * Circuits that do not file progress reports enter the warning pool (§2.2.5).
   */
  progressReportsRequired: boolean;
  /**
   * A warning filed by the implementing unit that cannot finish in time.
   */
  warningFiled?: {
    at: DateTimeString;
    reason: LongText;
    newCompletion?: DateString;
  };
}
/**
 * This interface was referenced by `ProjectRecord`'s JSON-Schema
 * via the `definition` "endpoint".
 */
export interface Endpoint {
  site: ShortText;
  city?: ShortText;
  address?: ShortText;
}
/**
 * This interface was referenced by `ProjectRecord`'s JSON-Schema
 * via the `definition` "progressReport".
 */
export interface ProgressReport {
  week: Week;
  submittedAt: DateTimeString;
  submittedBy?: ShortText;
  thisWeek: TextList;
  nextWeek: TextList;
  /**
   * 需预警内容.
   *
   * @maxItems 1000
   */
  warnings: {
    circuitId?: SafeId;
    text: LongText;
  }[];
}
/**
 * This interface was referenced by `ProjectRecord`'s JSON-Schema
 * via the `definition` "afterSale".
 */
export interface AfterSale {
  /**
   * @maxItems 10000
   */
  faults?: Fault[];
  /**
   * 割接通知 (§2.3.3).
   *
   * @maxItems 1000
   */
  cutovers?: {
    id: SafeId;
    plannedStart: DateTimeString;
    plannedEnd: DateTimeString;
    notifiedAt?: DateTimeString;
    /**
     * @maxItems 10000
     */
    affectedCircuits?: SafeId[];
    description: LongText;
  }[];
  /**
   * 走访 / 回访 (§2.3.4).
   *
   * @maxItems 1000
   */
  visits?: {
    on: DateString;
    kind: 'visit' | 'revisit';
    by: ShortText;
    summary: LongText;
    satisfaction?: number;
  }[];
}
/**
 * This interface was referenced by `ProjectRecord`'s JSON-Schema
 * via the `definition` "fault".
 */
export interface Fault {
  id: SafeId;
  /**
   * 短信 / APN / 互联网接入 / 语音专线 / 数据电路.
   */
  service: 'sms' | 'apn' | 'internet' | 'voice-leased-line' | 'leased-circuit';
  circuitId?: SafeId;
  city?: ShortText;
  crossCity?: boolean;
  crossProvince?: boolean;
  /**
   * 全阻: service fully interrupted.
   */
  fullOutage: boolean;
  startAt: DateTimeString;
  restoredAt?: DateTimeString;
  description?: LongText;
  /**
   * Customers who reported the outage, in the order of their reports.
   *
   * @maxItems 10000
   */
  affectedCustomers: {
    name: ShortText;
    tier: 'provincial-key' | 'city-diamond' | 'city-gold' | 'ordinary';
    reportedAt: DateTimeString;
  }[];
  reportedToProvinceAt?: DateTimeString;
}
