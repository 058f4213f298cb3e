import { ConfigError } from '../../core/errors.ts';
import {
  FLAG_HASHTAG,
  FLAG_MENTION,
  FLAG_NONE,
  isUnspacedScript,
  tokenize,
  type TokenFlag,
} from '../text/tokenize.ts';

/**
 * The watch-query language (reference: docs/queries.md). A hand-written recursive-descent
 * parser, because users need errors that say *where* and *what was expected*, which parser
 * generators make hard. Precedence, loosest first: OR, AND (also implicit by juxtaposition),
 * NOT / `-`, NEAR/n and ONEAR/n, then terms, phrases, fields and parentheses.
 */

/** One word of a term, already normalized (or exact, for `raw:`). */
export interface TermWord {
  text: string;
  /** Trailing wildcard: `text` is a prefix. */
  prefix: boolean;
  /** 0 any token, 1 only `#hashtag`, 2 only `@mention`. */
  tag: TokenFlag;
}

export type FieldName = 'lang' | 'source' | 'author' | 'site' | 'url';

export type QueryAst =
  | { type: 'or'; children: QueryAst[]; position: number }
  | { type: 'and'; children: QueryAst[]; position: number }
  | { type: 'not'; child: QueryAst; position: number }
  | {
      type: 'near';
      left: QueryAst;
      right: QueryAst;
      distance: number;
      ordered: boolean;
      position: number;
    }
  | {
      type: 'term';
      /** One word, or several for a phrase (consecutive tokens). */
      words: TermWord[];
      caseSensitive: boolean;
      /** The term as written in the query (for explanations). */
      source: string;
      position: number;
    }
  | { type: 'field'; field: FieldName; value: string; position: number };

/**
 * An invalid watch query. A ConfigError (so a config with a bad query stops startup with this
 * message, not a stack trace), with the position and what was expected for tools and the CLI.
 */
export class QuerySyntaxError extends ConfigError {
  /** 0-based UTF-16 offset in the query where the problem is. */
  readonly position: number;
  /** What the parser expected there, in words. */
  readonly expected: string;

  constructor(message: string, position: number, expected: string) {
    super(message, { context: { position, expected } });
    this.position = position;
    this.expected = expected;
  }
}

const FIELDS: readonly string[] = ['lang', 'source', 'author', 'site', 'url', 'hashtag', 'raw'];
const MAX_NEAR = 1000;
/**
 * How deep a query may nest: each "(", NOT or "-", and each NEAR/ONEAR of a chain opens a
 * level. Generous for people (real queries stay under ten), and it bounds the recursion of the
 * parser, compiler and matcher: a machine-made `((((…))))` 2,000 deep overflowed the stack.
 */
export const MAX_QUERY_DEPTH = 100;
const MIN_PREFIX = 2;

type Lexeme =
  | { kind: 'lparen' | 'rparen' | 'and' | 'or' | 'not' | 'minus' | 'eof'; pos: number }
  | { kind: 'near'; pos: number; distance: number; ordered: boolean; text: string }
  | { kind: 'word'; pos: number; text: string }
  | { kind: 'phrase'; pos: number; text: string }
  | { kind: 'field'; pos: number; field: string; value: Lexeme & { kind: 'word' | 'phrase' } };

const OPERATOR_START = 'a term, a "phrase", a field like lang:de, NOT or "("';

function isSpace(c: string): boolean {
  return /\s/u.test(c);
}
function isDelimiter(c: string): boolean {
  return c === '(' || c === ')' || c === '"' || isSpace(c);
}

function lex(query: string): Lexeme[] {
  const out: Lexeme[] = [];
  let i = 0;
  const n = query.length;
  const readPhrase = (start: number): Lexeme & { kind: 'phrase' } => {
    const close = query.indexOf('"', start + 1);
    if (close < 0) {
      throw new QuerySyntaxError(
        `unterminated phrase: the quote at position ${start} is never closed`,
        start,
        'a closing "',
      );
    }
    return { kind: 'phrase', pos: start, text: query.slice(start + 1, close) };
  };
  while (i < n) {
    const c = query[i]!;
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (c === '(' || c === ')') {
      out.push({ kind: c === '(' ? 'lparen' : 'rparen', pos: i });
      i++;
      continue;
    }
    if (c === '"') {
      const phrase = readPhrase(i);
      out.push(phrase);
      i += phrase.text.length + 2;
      continue;
    }
    // A leading `-` negates; inside a word (`coca-cola`) it is part of the word.
    if (c === '-' && i + 1 < n && !isSpace(query[i + 1]!) && query[i + 1] !== ')') {
      out.push({ kind: 'minus', pos: i });
      i++;
      continue;
    }
    let j = i;
    while (j < n && !isDelimiter(query[j]!)) j++;
    const word = query.slice(i, j);
    const start = i;
    i = j;

    if (word === 'AND' || word === 'OR' || word === 'NOT') {
      out.push({ kind: word === 'AND' ? 'and' : word === 'OR' ? 'or' : 'not', pos: start });
      continue;
    }
    const near = /^(O?NEAR)(?:\/(.*))?$/.exec(word);
    if (near) {
      const arg = near[2];
      if (arg === undefined || !/^\d+$/.test(arg)) {
        throw new QuerySyntaxError(
          `${near[1]} needs a distance like ${near[1]}/3 at position ${start}`,
          start + near[1]!.length + (arg === undefined ? 0 : 1),
          `"/" and a number of words`,
        );
      }
      const distance = Number(arg);
      if (distance > MAX_NEAR) {
        throw new QuerySyntaxError(
          `${near[1]} distance ${distance} at position ${start} is larger than ${MAX_NEAR}`,
          start + near[1]!.length + 1,
          `a number of words up to ${MAX_NEAR}`,
        );
      }
      out.push({ kind: 'near', pos: start, distance, ordered: near[1] === 'ONEAR', text: word });
      continue;
    }
    if (/^(and|or|not|near|onear)(\/\d+)?$/i.test(word)) {
      throw new QuerySyntaxError(
        `"${word}" at position ${start} looks like an operator: operators are written in capitals (${word.toUpperCase()}); quote it ("${word}") to search for the word`,
        start,
        `${word.toUpperCase()} or "${word}"`,
      );
    }
    const colon = word.indexOf(':');
    if (colon > 0 && /^[a-z_]+$/i.test(word.slice(0, colon))) {
      const field = word.slice(0, colon);
      if (!FIELDS.includes(field)) {
        throw new QuerySyntaxError(
          `unknown field "${field}:" at position ${start}; quote the text to search for it literally`,
          start,
          `one of ${FIELDS.map((f) => `${f}:`).join(', ')}`,
        );
      }
      const valueStart = start + colon + 1;
      let value: Lexeme & { kind: 'word' | 'phrase' };
      if (colon === word.length - 1) {
        if (i < n && query[i] === '"') {
          value = readPhrase(i);
          i += value.text.length + 2;
        } else {
          throw new QuerySyntaxError(
            `field ${field}: at position ${start} has no value`,
            valueStart,
            `a value after ${field}:`,
          );
        }
      } else {
        value = { kind: 'word', pos: valueStart, text: word.slice(colon + 1) };
      }
      out.push({ kind: 'field', pos: start, field, value });
      continue;
    }
    out.push({ kind: 'word', pos: start, text: word });
  }
  out.push({ kind: 'eof', pos: n });
  return out;
}

function describe(l: Lexeme): string {
  switch (l.kind) {
    case 'eof':
      return 'end of query';
    case 'lparen':
      return '"("';
    case 'rparen':
      return '")"';
    case 'and':
      return 'AND';
    case 'or':
      return 'OR';
    case 'not':
      return 'NOT';
    case 'minus':
      return '"-"';
    case 'near':
      return l.text;
    case 'word':
      return `"${l.text}"`;
    case 'phrase':
      return `"${l.text}" (phrase)`;
    case 'field':
      return `${l.field}:`;
  }
}

/** Build a term from a word or phrase as written; wildcards and sigils are resolved here. */
function buildTerm(
  text: string,
  position: number,
  options: { caseSensitive: boolean; tag: TokenFlag; quoted: boolean },
): QueryAst & { type: 'term' } {
  const tokens = tokenize(text);
  if (tokens.length === 0) {
    throw new QuerySyntaxError(
      `"${text}" at position ${position} has no letters or digits to match`,
      position,
      'a word with letters or digits',
    );
  }
  const offset = options.quoted ? position + 1 : position;
  // Every `*` must directly follow a word and end it.
  for (let k = 0; k < text.length; k++) {
    if (text[k] !== '*') continue;
    const owner = tokens.find((t) => t.end === k);
    const next = text[k + 1];
    if (!owner || (next !== undefined && !isSpace(next) && next !== '-')) {
      throw new QuerySyntaxError(
        `wildcard "*" at position ${offset + k} is only allowed at the end of a word`,
        offset + k,
        'a trailing wildcard like "clou*"',
      );
    }
    if (owner.raw.length < MIN_PREFIX && !isUnspacedScript(owner.raw)) {
      throw new QuerySyntaxError(
        `wildcard "${owner.raw}*" at position ${offset + owner.start} is too short`,
        offset + owner.start,
        `at least ${MIN_PREFIX} characters before "*"`,
      );
    }
  }
  const words: TermWord[] = tokens.map((t) => ({
    text: options.caseSensitive ? t.raw.normalize('NFC') : t.norm,
    prefix: text[t.end] === '*',
    tag: options.tag !== FLAG_NONE ? options.tag : t.flag,
  }));
  return {
    type: 'term',
    words,
    caseSensitive: options.caseSensitive,
    source: text,
    position,
  };
}

class Parser {
  private index = 0;
  private depth = 0;
  constructor(
    private readonly lexemes: Lexeme[],
    private readonly query: string,
  ) {}

  private peek(): Lexeme {
    return this.lexemes[this.index]!;
  }
  private next(): Lexeme {
    return this.lexemes[this.index++]!;
  }

  /** Open one level of nesting at `l`; refused past MAX_QUERY_DEPTH, before recursing. */
  private enter(l: Lexeme): void {
    this.depth++;
    if (this.depth > MAX_QUERY_DEPTH) {
      throw new QuerySyntaxError(
        `query nested too deeply: ${describe(l)} at position ${l.pos} opens level ${this.depth}, more than the ${MAX_QUERY_DEPTH} allowed`,
        l.pos,
        `at most ${MAX_QUERY_DEPTH} levels of parentheses, NOT and NEAR`,
      );
    }
  }

  parse(): QueryAst {
    if (this.peek().kind === 'eof') {
      throw new QuerySyntaxError('empty query', 0, OPERATOR_START);
    }
    const ast = this.parseOr();
    const rest = this.peek();
    if (rest.kind !== 'eof') {
      throw new QuerySyntaxError(
        rest.kind === 'rparen'
          ? `unbalanced ")" at position ${rest.pos}: there is no "(" to close`
          : `unexpected ${describe(rest)} at position ${rest.pos}`,
        rest.pos,
        'an operator (AND, OR, NOT, NEAR/n) or end of query',
      );
    }
    return ast;
  }

  private parseOr(): QueryAst {
    const first = this.parseAnd();
    const children = [first];
    while (this.peek().kind === 'or') {
      const op = this.next();
      children.push(this.parseAnd(op));
    }
    return children.length === 1 ? first : { type: 'or', children, position: first.position };
  }

  private startsOperand(l: Lexeme): boolean {
    return (
      l.kind === 'word' ||
      l.kind === 'phrase' ||
      l.kind === 'field' ||
      l.kind === 'lparen' ||
      l.kind === 'not' ||
      l.kind === 'minus'
    );
  }

  private parseAnd(after?: Lexeme): QueryAst {
    const first = this.parseUnary(after);
    const children = [first];
    for (;;) {
      const l = this.peek();
      if (l.kind === 'and') {
        this.next();
        children.push(this.parseUnary(l));
      } else if (this.startsOperand(l)) {
        children.push(this.parseUnary());
      } else {
        break;
      }
    }
    return children.length === 1 ? first : { type: 'and', children, position: first.position };
  }

  private parseUnary(after?: Lexeme): QueryAst {
    const l = this.peek();
    if (l.kind === 'not' || l.kind === 'minus') {
      this.next();
      this.enter(l);
      const child = this.parseUnary(l);
      this.depth--;
      return { type: 'not', child, position: l.pos };
    }
    return this.parseNear(after);
  }

  private parseNear(after?: Lexeme): QueryAst {
    let left = this.parsePrimary(after);
    // A chain `a NEAR/1 b NEAR/1 c` nests to the left, one level per operator.
    const outer = this.depth;
    while (this.peek().kind === 'near') {
      const op = this.next() as Lexeme & { kind: 'near' };
      this.enter(op);
      this.checkPositional(left, op);
      const right = this.parsePrimary(op);
      this.checkPositional(right, op);
      left = {
        type: 'near',
        left,
        right,
        distance: op.distance,
        ordered: op.ordered,
        position: left.position,
      };
    }
    this.depth = outer;
    return left;
  }

  /** NEAR compares word positions, so its operands must have positions: terms or OR-groups. */
  private checkPositional(node: QueryAst, op: Lexeme & { kind: 'near' }): void {
    const bad = findNonPositional(node);
    if (bad) {
      throw new QuerySyntaxError(
        `${op.text} at position ${op.pos} cannot take ${bad.type === 'field' ? `the field ${bad.field}:` : bad.type.toUpperCase()} (position ${bad.position}) as an operand`,
        bad.position,
        `words, "phrases" or (OR-groups of them) around ${op.text}`,
      );
    }
  }

  private parsePrimary(after?: Lexeme): QueryAst {
    const l = this.next();
    switch (l.kind) {
      case 'word':
        return buildTerm(l.text, l.pos, { caseSensitive: false, tag: FLAG_NONE, quoted: false });
      case 'phrase':
        return buildTerm(l.text, l.pos, { caseSensitive: false, tag: FLAG_NONE, quoted: true });
      case 'field':
        return this.fieldNode(l);
      case 'lparen': {
        if (this.peek().kind === 'rparen') {
          throw new QuerySyntaxError(
            `empty parentheses at position ${l.pos}`,
            this.peek().pos,
            OPERATOR_START,
          );
        }
        this.enter(l);
        const inner = this.parseOr();
        const close = this.peek();
        if (close.kind !== 'rparen') {
          throw new QuerySyntaxError(
            `the "(" at position ${l.pos} is never closed (found ${describe(close)} at position ${close.pos})`,
            close.pos,
            '")"',
          );
        }
        this.next();
        this.depth--;
        return inner;
      }
      default: {
        const after_ = after ? ` after ${describe(after)}` : '';
        throw new QuerySyntaxError(
          `expected a term at position ${l.pos}${after_} but found ${describe(l)}`,
          l.pos,
          OPERATOR_START,
        );
      }
    }
  }

  private fieldNode(l: Lexeme & { kind: 'field' }): QueryAst {
    const { field, value } = l;
    const quoted = value.kind === 'phrase';
    if (field === 'raw' || field === 'hashtag') {
      return buildTerm(value.text, value.pos, {
        caseSensitive: field === 'raw',
        tag: field === 'hashtag' ? FLAG_HASHTAG : FLAG_NONE,
        quoted,
      });
    }
    let v = value.text.trim();
    if (v === '') {
      throw new QuerySyntaxError(
        `field ${field}: at position ${l.pos} has an empty value`,
        value.pos,
        `a value after ${field}:`,
      );
    }
    if (field === 'author') v = v.replace(/^@/, '');
    if (field === 'lang' && !/^[a-z]{2,3}(-[a-z0-9]{2,8})*$/i.test(v)) {
      throw new QuerySyntaxError(
        `lang:${v} at position ${l.pos} is not a language code`,
        value.pos,
        'an ISO 639 code like lang:de or lang:pt-BR',
      );
    }
    if (field === 'site') v = v.replace(/^https?:\/\//i, '').replace(/\/.*$/, '');
    return {
      type: 'field',
      field: field as FieldName,
      value: v.toLowerCase(),
      position: l.pos,
    };
  }

  toString(): string {
    return this.query;
  }
}

function findNonPositional(node: QueryAst): QueryAst | null {
  switch (node.type) {
    case 'term':
    case 'near':
      return null;
    case 'or':
      for (const c of node.children) {
        const bad = findNonPositional(c);
        if (bad) return bad;
      }
      return null;
    default:
      return node;
  }
}

/** Parse a watch query. Throws QuerySyntaxError with the position and what was expected. */
export function parseQuery(query: string): QueryAst {
  return new Parser(lex(query), query).parse();
}

/** Mentions use `@`: exported for the docs/tests that build terms by hand. */
export { FLAG_HASHTAG, FLAG_MENTION, FLAG_NONE };
