import { once } from 'node:events';
import { PassThrough, Readable } from 'node:stream';

/**
 * A table to download, as CSV or XLSX, streamed: rows come page by page from an async
 * iterable and leave as they come, so memory stays flat however many there are.
 */
export type Cell = string | number | boolean | null | undefined;

export interface Table {
  /** The sheet's name (XLSX) and the start of the file name. */
  name: string;
  columns: readonly string[];
  rows: AsyncIterable<Cell[]> | Iterable<Cell[]>;
}

export type TableFormat = 'csv' | 'xlsx';

export const CONTENT_TYPES: Record<TableFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/**
 * The byte-order mark Excel needs to read a CSV as UTF-8: without it, Excel on Windows opens
 * the file in the system's code page and Greek, Persian or any non-Latin text turns to mojibake.
 * Other readers (pandas, LibreOffice, csv modules) skip it.
 */
export const UTF8_BOM = '\uFEFF';

export function csvField(v: Cell): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  // Quote when needed; a leading =,+,-,@ is prefixed so spreadsheets do not run it as a formula.
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

async function* csvChunks(table: Table): AsyncGenerator<string> {
  yield `${UTF8_BOM}${table.columns.map(csvField).join(',')}\r\n`;
  let chunk = '';
  for await (const row of table.rows) {
    chunk += `${row.map(csvField).join(',')}\r\n`;
    // Chunks of ~64 KiB: one write per row costs more than the rows themselves.
    if (chunk.length >= 65_536) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

/** Excel's limits: a cell holds at most 32,767 characters, a sheet 1,048,576 rows. */
export const XLSX_CELL_MAX = 32_767;
const XLSX_SHEET_ROWS = 1_000_000;

/**
 * A cell's text within Excel's limit, said when cut: "… [cut: 1,234 more characters; the CSV
 * export has the whole text]". Excel refuses to open a file with a longer cell.
 */
export function xlsxText(v: string): string {
  if (v.length <= XLSX_CELL_MAX) return v;
  const note = ` … [cut: ${v.length - (XLSX_CELL_MAX - 90)} more characters; the CSV export has the whole text]`;
  return v.slice(0, XLSX_CELL_MAX - note.length) + note;
}

function xlsxStream(table: Table): Readable {
  const out = new PassThrough();
  const write = async () => {
    // Loaded at the first XLSX export, not with the API: most processes never write one.
    const { default: ExcelJS } = await import('exceljs');
    // No shared strings and no styles: both are held in memory until the end (exceljs docs).
    const book = new ExcelJS.stream.xlsx.WorkbookWriter({
      stream: out,
      useSharedStrings: false,
      useStyles: false,
    });
    let sheetNo = 1;
    let rowsInSheet = 0;
    const newSheet = () => {
      const s = book.addWorksheet(sheetNo === 1 ? table.name : `${table.name} ${sheetNo}`);
      s.addRow([...table.columns]).commit();
      return s;
    };
    let sheet = newSheet();
    for await (const row of table.rows) {
      // A sheet past Excel's row limit does not open: further rows go on the next sheet.
      if (rowsInSheet === XLSX_SHEET_ROWS) {
        sheet.commit();
        sheetNo++;
        rowsInSheet = 0;
        sheet = newSheet();
      }
      sheet.addRow(row.map((c) => (typeof c === 'string' ? xlsxText(c) : (c ?? null)))).commit();
      rowsInSheet++;
      // Follow the reader's pace: the zip writer pushes into `out` as rows are committed.
      if (out.writableNeedDrain) await once(out, 'drain');
    }
    sheet.commit();
    await book.commit();
  };
  write().catch((error: unknown) => out.destroy(error as Error));
  return out;
}

/** The file's bytes as a stream: CSV with a BOM and CRLF line ends (RFC 4180), or XLSX. */
export function tableStream(table: Table, format: TableFormat): Readable {
  return format === 'csv' ? Readable.from(csvChunks(table)) : xlsxStream(table);
}

/** A file name for Content-Disposition: the name's safe characters and the extension. */
export function fileName(base: string, format: TableFormat): string {
  return `${base.replace(/[^A-Za-z0-9._-]+/g, '-')}.${format}`;
}
