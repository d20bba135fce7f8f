export { renderWorkbook, renderStream, defaultMode, columnLetter, type RenderInput, type RenderReport, type WriterMode } from './render.ts';
export { buildRowSources, ROW_SOURCES, type FindingRow, type RowSources, type SourceInput } from './sources.ts';
export { checkSpecText, defaultSpecDir, loadSheetSpecs, readSheetSpecs, selectSpecs, type LoadedSpec, type SheetSpec, type WorkbookSpec, type ColumnSpec } from './spec.ts';
export { displayWidth, excelDate, toCell, type CellValue, type RowContext } from './values.ts';
export { fixZipTimes, fixZipTimesInFile, zipTimeOf } from '../zip.ts';
