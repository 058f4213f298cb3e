import { describe, expect, it } from 'vitest';
import { judgeAst, parseAstText, SqlRefusedError } from './read-only-sql.ts';

/**
 * The judgement over EXPLAIN AST text, on trees recorded from the engine (ClickHouse 26.7);
 * the same cases run against the real engine in test/integration/read-only-sql.int.test.ts.
 */
const tree = (...lines: string[]) => lines.join('\n');

const SELECT_FROM_T = [
  ' ExpressionList (children 1)',
  '  SelectQuery (children 2)',
  '   ExpressionList (children 1)',
  '    Asterisk',
  '   TablesInSelectQuery (children 1)',
  '    TablesInSelectQueryElement (children 1)',
  '     TableExpression (children 1)',
  '      TableIdentifier earshot.t',
];

describe('parseAstText', () => {
  it('gives each node its parent by indentation', () => {
    const nodes = parseAstText(tree('SelectWithUnionQuery (children 2)', ...SELECT_FROM_T));
    expect(nodes.map((n) => [n.type, n.parent?.type ?? null])).toEqual([
      ['SelectWithUnionQuery', null],
      ['ExpressionList', 'SelectWithUnionQuery'],
      ['SelectQuery', 'ExpressionList'],
      ['ExpressionList', 'SelectQuery'],
      ['Asterisk', 'ExpressionList'],
      ['TablesInSelectQuery', 'SelectQuery'],
      ['TablesInSelectQueryElement', 'TablesInSelectQuery'],
      ['TableExpression', 'TablesInSelectQueryElement'],
      ['TableIdentifier', 'TableExpression'],
    ]);
  });
});

describe('judgeAst', () => {
  const refusal = (ast: string, canonical = 'SELECT 1') => {
    try {
      judgeAst(ast, canonical);
      return null;
    } catch (error) {
      expect(error).toBeInstanceOf(SqlRefusedError);
      return (error as Error).message;
    }
  };

  it('lets a plain SELECT, FORMAT included, through', () => {
    expect(
      refusal(tree('SelectWithUnionQuery (children 2)', ...SELECT_FROM_T, ' Identifier JSON')),
    ).toBeNull();
  });

  it.each([
    [
      'SELECT',
      tree(
        'SelectWithUnionQuery (children 3)',
        ...SELECT_FROM_T,
        " Literal '/tmp/x'",
        ' Identifier CSV',
      ),
    ],
    ['SHOW', tree('ShowTables (children 2)', " Literal '/tmp/x'", ' Identifier CSV')],
    [
      'DESCRIBE',
      tree(
        'DescribeQuery (children 2)',
        ' TableExpression (children 1)',
        '  TableIdentifier t',
        " Literal '/tmp/x'",
      ),
    ],
    [
      'EXPLAIN',
      tree(
        'Explain EXPLAIN (children 2)',
        ' SelectWithUnionQuery (children 1)',
        ...SELECT_FROM_T.map((l) => ` ${l}`),
        " Literal '/tmp/x'",
      ),
    ],
  ])('refuses INTO OUTFILE on %s', (_kind, ast) => {
    expect(refusal(ast)).toMatch(/writes a file \(INTO OUTFILE\)/);
  });

  it('refuses INTO OUTFILE seen in the canonical text outside quotes, and not inside them', () => {
    const plain = tree('SelectWithUnionQuery (children 1)', ...SELECT_FROM_T);
    expect(refusal(plain, "SELECT * FROM t INTO OUTFILE '/x'")).toMatch(/writes a file/);
    expect(refusal(plain, "SELECT 'INTO OUTFILE \\'x\\'' AS s")).toBeNull();
  });

  it('refuses a table function outside the allow-list, however deep, and allows numbers()', () => {
    const withFunction = (name: string) =>
      tree(
        'SelectWithUnionQuery (children 1)',
        ' ExpressionList (children 1)',
        '  SelectQuery (children 2)',
        '   TablesInSelectQuery (children 1)',
        '    TablesInSelectQueryElement (children 1)',
        '     TableExpression (children 1)',
        '      Function view (children 1)',
        '       SelectWithUnionQuery (children 1)',
        '        ExpressionList (children 1)',
        '         SelectQuery (children 1)',
        '          TablesInSelectQuery (children 1)',
        '           TablesInSelectQueryElement (children 1)',
        '            TableExpression (children 1)',
        `             Function ${name} (alias f) (children 1)`,
      );
    expect(refusal(withFunction('file'))).toMatch(/reads files outside the database \(file\(\)\)/);
    expect(refusal(withFunction('s3Cluster'))).toMatch(/another server or storage/);
    expect(refusal(withFunction('executable'))).toMatch(/runs a program/);
    expect(refusal(withFunction('merge'))).toMatch(
      /table function that is not allowed \(merge\(\)\)/,
    );
    expect(refusal(withFunction('numbers'))).toBeNull();
  });

  it.each([
    ['file', /reads files outside the database/],
    ['catboostEvaluate', /loads a model file/],
    ['dictGetOrDefault', /reads a dictionary/],
  ])('refuses the scalar function %s', (name, reason) => {
    const ast = tree(
      'SelectWithUnionQuery (children 1)',
      ' ExpressionList (children 1)',
      '  SelectQuery (children 1)',
      '   ExpressionList (children 1)',
      `    Function ${name} (children 1)`,
    );
    expect(refusal(ast)).toMatch(reason);
  });

  it.each([
    'InsertQuery',
    'CreateQuery',
    'DropQuery',
    'BackupQuery',
    'SYSTEM',
    'Set',
    'AlterQuery',
  ])('refuses the statement %s as not a read', (root) => {
    expect(refusal(root)).toMatch(/is not a read/);
  });

  it('allows EXPLAIN options but refuses SETTINGS on the statement', () => {
    const explain = tree(
      'Explain EXPLAIN (children 2)',
      ' Set',
      ' SelectWithUnionQuery (children 1)',
      '  ExpressionList (children 1)',
    );
    expect(refusal(explain)).toBeNull();
    expect(refusal(tree('SelectWithUnionQuery (children 2)', ...SELECT_FROM_T, ' Set'))).toMatch(
      /changes settings/,
    );
  });
});
