import type { QuerySyntaxError } from './parse.ts';

/**
 * A query error for people: the message, the query, and a caret under the position. Only the
 * first line of a multi-line query is unlikely to be enough, so the line holding the position
 * is shown with its line and column.
 */
export function formatQueryError(query: string, error: QuerySyntaxError): string {
  const before = query.slice(0, error.position);
  const lineNo = before.split('\n').length;
  const lineStart = before.lastIndexOf('\n') + 1;
  const lineEnd = query.indexOf('\n', lineStart);
  const line = query.slice(lineStart, lineEnd < 0 ? query.length : lineEnd);
  const column = error.position - lineStart;
  const where = query.includes('\n') ? ` (line ${lineNo}, column ${column + 1})` : '';
  return [
    `invalid query: ${error.message}${where}`,
    `  expected: ${error.expected}`,
    `  ${line}`,
    `  ${' '.repeat(column)}^`,
  ].join('\n');
}
