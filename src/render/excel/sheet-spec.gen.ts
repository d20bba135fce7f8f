/* Generated from templates/excel/sheet-spec.schema.json by `npm run gen:types`. Do not edit by hand. */

/**
 * This interface was referenced by `WorkbookSpec`'s JSON-Schema
 * via the `definition` "name".
 */
export type Name = string;
/**
 * Excel sheet name: at most 31 characters, none of \ / ? * [ ] :
 *
 * This interface was referenced by `WorkbookSpec`'s JSON-Schema
 * via the `definition` "sheetName".
 */
export type SheetName = string;
/**
 * all / any / not over path tests.
 *
 * This interface was referenced by `WorkbookSpec`'s JSON-Schema
 * via the `definition` "condition".
 */
export type Condition =
  | {
      /**
       * @minItems 1
       */
      all: [Condition, ...Condition[]];
    }
  | {
      /**
       * @minItems 1
       */
      any: [Condition, ...Condition[]];
    }
  | {
      not: Condition;
    }
  | {
      path: Path;
      equals: Scalar;
    }
  | {
      path: Path;
      /**
       * @minItems 1
       */
      in: [Scalar, ...Scalar[]];
    }
  | {
      path: Path;
      exists: boolean;
    };
/**
 * Dotted path into the row context; its first segment names a context entry of the row source (e.g. problem, project, clocks, facts). Array elements by index: "history.0.note".
 *
 * This interface was referenced by `WorkbookSpec`'s JSON-Schema
 * via the `definition` "path".
 */
export type Path = string;
/**
 * This interface was referenced by `WorkbookSpec`'s JSON-Schema
 * via the `definition` "scalar".
 */
export type Scalar = string | number | boolean | null;
/**
 * This interface was referenced by `WorkbookSpec`'s JSON-Schema
 * via the `definition` "columnKey".
 */
export type ColumnKey = string;
/**
 * This interface was referenced by `WorkbookSpec`'s JSON-Schema
 * via the `definition` "column".
 */
export type ColumnSpec = Column;
/**
 * A path, or exactly one expression of the fixed set.
 *
 * This interface was referenced by `WorkbookSpec`'s JSON-Schema
 * via the `definition` "value".
 */
export type ValueSpec =
  | Path
  | {
      daysOverdue: Path;
    }
  | {
      daysUntil: Path;
    }
  | {
      workingDaysUntil: Path;
    }
  | {
      /**
       * @minItems 2
       * @maxItems 2
       */
      addMonths: [Path, number];
    }
  | {
      /**
       * @minItems 1
       * @maxItems 8
       */
      first: [Path, ...Path[]];
    }
  | {
      /**
       * @minItems 1
       * @maxItems 8
       */
      join: [Path, ...Path[]];
      with?: string;
    }
  | {
      count: Path;
    }
  | {
      /**
       * @minItems 2
       * @maxItems 2
       */
      lessThan: [Path, Path, ...Path[]];
    };

/**
 * One Excel workbook rendered by `docpack workbook`: templates/excel/<name>.xlsx.json. Each sheet iterates the rows of a named row source (problems, circuits, findings, resourceChecks, resourceReserves), optionally filtered and sorted, and writes one column per entry. Values are dotted paths into the row context (e.g. "circuit.requiredCompletion", "project.customer.name", "clocks.circuit-warning-pool.state") or one expression of a fixed set; nothing is evaluated as code.
 */
export interface WorkbookSpec {
  $schema: './sheet-spec.schema.json';
  title: Name;
  /**
   * What the workbook is for and the handbook section it serves (e.g. §2.1.2).
   */
  description?: string;
  fileName?: Name;
  /**
   * project: one workbook per project record, written to <out>/projects/<id>/<fileName>.xlsx. portfolio: one workbook over all records, written to <out>/portfolio/<fileName>.xlsx. Both are streamed (memory does not grow with the row count).
   */
  scope: 'project' | 'portfolio';
  /**
   * @minItems 1
   * @maxItems 32
   */
  sheets: [SheetSpec, ...SheetSpec[]];
}
/**
 * This interface was referenced by `WorkbookSpec`'s JSON-Schema
 * via the `definition` "sheet".
 */
export interface SheetSpec {
  name: SheetName;
  /**
   * Name of the row source: problems, circuits, findings, resourceChecks or resourceReserves.
   */
  rows: string;
  filter?: Condition;
  /**
   * Sort keys in order; each names a column (its cell value is compared: numbers and dates by value, text by code point; blanks last).
   *
   * @maxItems 8
   */
  sort?: {
    column: ColumnKey;
    descending?: boolean;
  }[];
  /**
   * @minItems 1
   * @maxItems 200
   */
  columns: [ColumnSpec, ...ColumnSpec[]];
  /**
   * Conditional formats, in priority order (first wins).
   *
   * @maxItems 20
   */
  highlight?: HighlightSpec[];
  summary?: SummarySpec;
  /**
   * Text written in the first data row when the sheet has no rows, e.g. 无预警.
   */
  emptyNote?: string;
  /**
   * Blank rows below the data that still get the dropdowns and conditional formats, for rows people add in Excel. Default 200.
   */
  spareRows?: number;
  print?: PrintSpec;
}
export interface Column {
  key: ColumnKey;
  /**
   * Header text (Chinese). {asOf} is replaced by the as-of date, e.g. 截至{asOf}逾期天数.
   */
  header: string;
  value: ValueSpec;
  when?: Condition;
  type: 'text' | 'number' | 'date' | 'datetime' | 'money' | 'percent' | 'enum' | 'boolean';
  /**
   * Label group of templates/labels.json: required for type enum; optional for boolean (default "boolean": 是/否).
   */
  labels?: string;
  /**
   * enum and boolean columns: a data-validation dropdown listing the Chinese labels.
   */
  dropdown?: boolean;
  /**
   * Excel number format, e.g. 0, #,##0.00, yyyy-mm-dd. Defaults by type.
   */
  format?: string;
  /**
   * Fixed width in characters; default: the widest header or value (CJK characters count 2), clamped to 8..maxWidth.
   */
  width?: number;
  /**
   * Upper bound of the automatic width. Default 50.
   */
  maxWidth?: number;
  /**
   * Wrap long text inside the cell.
   */
  wrap?: boolean;
  align?: 'left' | 'center' | 'right';
}
/**
 * This interface was referenced by `WorkbookSpec`'s JSON-Schema
 * via the `definition` "highlight".
 */
export interface HighlightSpec {
  /**
   * What the highlight means, for people reading the spec.
   */
  name?: string;
  /**
   * A test of one column's cell. For enum and boolean columns, equals/in take the record values (e.g. "critical", true) and are compared with their labels.
   */
  when: {
    column: ColumnKey;
    equals?: Scalar;
    /**
     * @minItems 1
     * @maxItems 30
     */
    in?: [Scalar, ...Scalar[]];
    greaterThan?: number;
    lessThan?: number;
    lessThanColumn?: ColumnKey;
    blank?: boolean;
  };
  /**
   * bad (red), warning (amber), good (green), muted (grey text), critical (dark red, bold white text), or colours as RRGGBB.
   */
  style:
    | ('bad' | 'warning' | 'good' | 'muted' | 'critical')
    | {
        fill?: string;
        font?: string;
        bold?: boolean;
      };
  /**
   * Colour the whole row or only the tested cell.
   */
  target?: 'row' | 'cell';
}
/**
 * A summary sheet placed before this sheet: one table of counts per listed column (enum columns list every label, zero counts included).
 *
 * This interface was referenced by `WorkbookSpec`'s JSON-Schema
 * via the `definition` "summary".
 */
export interface SummarySpec {
  name: SheetName;
  /**
   * @minItems 1
   * @maxItems 10
   */
  by: [ColumnKey, ...ColumnKey[]];
  /**
   * Count only the rows whose cell in this column equals a value (or one of `in`; enum and boolean columns take the record values, e.g. "open"); `note` says which, e.g. 仅统计未关闭的预警.
   */
  where?: {
    column: ColumnKey;
    equals?: Scalar;
    /**
     * @minItems 1
     * @maxItems 30
     */
    in?: [Scalar, ...Scalar[]];
    note: string;
  };
}
/**
 * Print setup. Defaults: A4, landscape, fit all columns to one page wide, header row repeated on every page.
 *
 * This interface was referenced by `WorkbookSpec`'s JSON-Schema
 * via the `definition` "print".
 */
export interface PrintSpec {
  /**
   * Paper size; A3 for lists too wide to read on A4 (default A4).
   */
  paper?: 'A4' | 'A3';
  orientation?: 'landscape' | 'portrait';
  fitToWidth?: boolean;
}
