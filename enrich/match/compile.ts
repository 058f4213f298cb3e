import { shortHash } from '../text/hash.ts';
import { normalizeWord, tokenize, type Token } from '../text/tokenize.ts';
import {
  parseQuery,
  QuerySyntaxError,
  type FieldName,
  type QueryAst,
  type TermWord,
} from './parse.ts';

/**
 * Many queries, one pass. Every term of every query becomes a *leaf*, shared between queries
 * that use the same term. A post is tokenized once; each token is looked up in a dictionary
 * keyed by the first word of the leaves (plus a prefix dictionary for wildcards), which marks
 * the leaves that occur and where. Only the queries owning a hit leaf are evaluated, plus the
 * few queries that can match without any term (e.g. `lang:de`, or a pure `NOT x`). With 1,000
 * brand queries a typical post hits a handful of leaves, so the cost is the tokenizer's.
 */

export interface WatchQueryDef {
  workspace: string;
  brand: string;
  query: string;
}

export interface MatchInput {
  text: string;
  title?: string | null;
  lang?: string | null;
  source?: string | null;
  /** Author handle. */
  author?: string | null;
  url?: string | null;
  /**
   * Only this workspace's queries (a mention owned by a workspace, from its webhook); absent
   * or null: every workspace's, as for public sources.
   */
  workspace?: string | null;
}

export interface WatchMatch {
  workspace: string;
  brand: string;
  /** Stable: brand + short hash of the query text. */
  query_id: string;
  /** Matched terms as written in the text (or title). */
  terms: string[];
  /** UTF-16 offsets in `text` of the matched terms (title matches have no span). */
  spans: Array<[number, number]>;
}

export interface WatchMatcher {
  match(input: MatchInput): WatchMatch[];
  /**
   * For early filtering (a firehose source, before Kafka): true unless no query can match.
   * Unlike `match`, a field whose value is missing (e.g. `lang:` before language detection)
   * counts as unknown, so `acme lang:de` keeps an undeclared-language post with "acme".
   */
  mayMatch(input: MatchInput): boolean;
}

type Node =
  | { t: 'leaf'; leaf: number }
  | { t: 'field'; field: FieldName; value: string }
  | { t: 'and' | 'or'; c: Node[] }
  | { t: 'not'; c: Node }
  | { t: 'near'; l: Node; r: Node; d: number; ordered: boolean };

interface Leaf {
  words: TermWord[];
  caseSensitive: boolean;
}

interface CompiledQuery {
  def: WatchQueryDef;
  queryId: string;
  root: Node;
}

/** Title tokens sit this far after the text's so phrases and NEAR never span title → text. */
const TITLE_GAP = 1_000_000;

export function queryId(brand: string, query: string): string {
  return `${brand}:${shortHash(query.trim())}`;
}

/** Three-valued check: can the query be true when no term occurs? Then it is always evaluated. */
type Tri = 0 | 1 | 2; // false, true, unknown
function withoutTerms(n: Node): Tri {
  switch (n.t) {
    case 'leaf':
    case 'near':
      return 0;
    case 'field':
      return 2;
    case 'not': {
      const v = withoutTerms(n.c);
      return v === 2 ? 2 : v === 0 ? 1 : 0;
    }
    case 'and': {
      let all = true;
      for (const c of n.c) {
        const v = withoutTerms(c);
        if (v === 0) return 0;
        if (v === 2) all = false;
      }
      return all ? 1 : 2;
    }
    case 'or': {
      let none = true;
      for (const c of n.c) {
        const v = withoutTerms(c);
        if (v === 1) return 1;
        if (v === 2) none = false;
      }
      return none ? 0 : 2;
    }
  }
}

function countLeaves(n: Node, usage: Int32Array): void {
  switch (n.t) {
    case 'leaf':
      usage[n.leaf]!++;
      return;
    case 'and':
    case 'or':
      for (const c of n.c) countLeaves(c, usage);
      return;
    case 'not':
      countLeaves(n.c, usage);
      return;
    case 'near':
      countLeaves(n.l, usage);
      countLeaves(n.r, usage);
      return;
    default:
      return;
  }
}

/**
 * Leaves of which at least one must occur for the node to be true, or null when the node can
 * be true without any (under NOT, or a field). Prefers the rarest alternative for AND/NEAR.
 */
function triggerLeaves(n: Node, usage: Int32Array): number[] | null {
  switch (n.t) {
    case 'leaf':
      return [n.leaf];
    case 'or': {
      const out: number[] = [];
      for (const c of n.c) {
        const t = triggerLeaves(c, usage);
        if (t === null) return null;
        // A loop, not push(...t): spreading passes every element on the stack.
        for (const leaf of t) out.push(leaf);
      }
      return out;
    }
    case 'and':
    case 'near': {
      const options = (n.t === 'near' ? [n.l, n.r] : n.c)
        .map((c) => triggerLeaves(c, usage))
        .filter((t): t is number[] => t !== null);
      let best: number[] | null = null;
      let bestCost = Infinity;
      for (const t of options) {
        let cost = 0;
        for (const leaf of t) cost += usage[leaf]!;
        if (cost < bestCost) {
          best = t;
          bestCost = cost;
        }
      }
      return best;
    }
    default:
      return null;
  }
}

function hostOf(url: string): string {
  const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?([^/?#:]+)/i.exec(url);
  return m ? m[1]!.toLowerCase() : '';
}

interface Entry {
  leaf: number;
  words: TermWord[];
  caseSensitive: boolean;
}

class Matcher implements WatchMatcher {
  private readonly leaves: Leaf[] = [];
  private readonly leafKeys = new Map<string, number>();
  private readonly leafQueries: number[][] = [];
  private readonly exact = new Map<string, Entry[]>();
  private readonly prefix = new Map<string, Entry[]>();
  private prefixLengths: number[] = [];
  private readonly queries: CompiledQuery[] = [];
  private readonly always: number[] = [];

  // Per-call scratch state, reused so the hot path allocates little.
  private epoch = 0;
  private leafEpoch = new Int32Array(0);
  private leafOcc: number[][] = [];
  private queryEpoch = new Int32Array(0);
  private tokens: readonly Token[] = [];
  private textLen = 0;
  private input: MatchInput = { text: '' };
  private inputLang = '';
  private inputAuthor = '';
  private inputUrl = '';
  private inputHost = '';
  private inputSource = '';

  constructor(defs: WatchQueryDef[]) {
    const prefixLengths = new Set<number>();
    defs.forEach((def) => {
      let ast: QueryAst;
      try {
        ast = parseQuery(def.query);
      } catch (error) {
        if (error instanceof QuerySyntaxError) {
          throw new QuerySyntaxError(
            `watch query of brand "${def.workspace}/${def.brand}": ${error.message}`,
            error.position,
            error.expected,
          );
        }
        throw error;
      }
      const root = this.compile(ast);
      this.queries.push({ def, queryId: queryId(def.brand, def.query), root });
    });
    // Trigger leaves: a query is evaluated only when one of its trigger leaves occurs. For an
    // AND, one child's triggers suffice (all children must hold), so take the rarest child's:
    // `raw:"Apple" AND (app OR review)` is woken by "Apple", not by every post saying "app".
    const usage = new Int32Array(this.leaves.length);
    for (const q of this.queries) countLeaves(q.root, usage);
    this.queries.forEach((q, qi) => {
      const triggers = withoutTerms(q.root) === 0 ? triggerLeaves(q.root, usage) : null;
      if (triggers === null) {
        this.always.push(qi);
        return;
      }
      for (const leaf of new Set(triggers)) this.leafQueries[leaf]!.push(qi);
    });
    this.leaves.forEach((leaf, id) => {
      const first = leaf.words[0]!;
      const key = leaf.caseSensitive ? normalizeWord(first.text) : first.text;
      const entry: Entry = { leaf: id, words: leaf.words, caseSensitive: leaf.caseSensitive };
      const map = first.prefix ? this.prefix : this.exact;
      const list = map.get(key);
      if (list) list.push(entry);
      else map.set(key, [entry]);
      if (first.prefix) prefixLengths.add(key.length);
    });
    this.prefixLengths = [...prefixLengths].sort((a, b) => a - b);
    this.leafEpoch = new Int32Array(this.leaves.length);
    this.leafOcc = this.leaves.map(() => []);
    this.queryEpoch = new Int32Array(this.queries.length);
  }

  private compile(ast: QueryAst): Node {
    switch (ast.type) {
      case 'term': {
        const key = JSON.stringify([ast.caseSensitive, ast.words]);
        let id = this.leafKeys.get(key);
        if (id === undefined) {
          id = this.leaves.length;
          this.leaves.push({ words: ast.words, caseSensitive: ast.caseSensitive });
          this.leafKeys.set(key, id);
          this.leafQueries.push([]);
        }
        return { t: 'leaf', leaf: id };
      }
      case 'field':
        return { t: 'field', field: ast.field, value: ast.value };
      case 'and':
      case 'or':
        return { t: ast.type, c: ast.children.map((c) => this.compile(c)) };
      case 'not':
        return { t: 'not', c: this.compile(ast.child) };
      case 'near':
        return {
          t: 'near',
          l: this.compile(ast.left),
          r: this.compile(ast.right),
          d: ast.distance,
          ordered: ast.ordered,
        };
    }
  }

  match(input: MatchInput): WatchMatch[] {
    const out: WatchMatch[] = [];
    const only = input.workspace ?? null;
    // 3. Evaluate the candidates, and explain the ones that match.
    for (const qi of this.prepare(input)) {
      const q = this.queries[qi]!;
      if (only !== null && q.def.workspace !== only) continue;
      if (!this.evaluate(q.root)) continue;
      const occ: number[] = [];
      this.explain(q.root, occ);
      const { terms, spans } = this.describeMatch(occ);
      out.push({
        workspace: q.def.workspace,
        brand: q.def.brand,
        query_id: q.queryId,
        terms,
        spans,
      });
    }
    return out;
  }

  mayMatch(input: MatchInput): boolean {
    const only = input.workspace ?? null;
    for (const qi of this.prepare(input)) {
      const q = this.queries[qi]!;
      if (only !== null && q.def.workspace !== only) continue;
      if (this.evaluate3(q.root) !== 0) return true;
    }
    return false;
  }

  /** Steps 1 and 2: tokenize, find the leaves that occur, return candidate queries in order. */
  private prepare(input: MatchInput): number[] {
    this.epoch++;
    if (this.epoch === 0x7fffffff) {
      this.epoch = 1;
      this.leafEpoch.fill(0);
      this.queryEpoch.fill(0);
    }
    const epoch = this.epoch;
    const textTokens = tokenize(input.text);
    this.textLen = textTokens.length;
    this.tokens = input.title ? textTokens.concat(tokenize(input.title)) : textTokens;
    this.input = input;
    this.inputLang = (input.lang ?? '').toLowerCase();
    this.inputAuthor = (input.author ?? '').replace(/^@/, '').toLowerCase();
    this.inputUrl = (input.url ?? '').toLowerCase();
    this.inputHost = '';
    this.inputSource = (input.source ?? '').toLowerCase();

    // 1. One pass over the tokens: which leaves occur, and where.
    const touched: number[] = [];
    const tokens = this.tokens;
    const prefixLengths = this.prefixLengths;
    for (let i = 0; i < tokens.length; i++) {
      const norm = tokens[i]!.norm;
      const exact = this.exact.get(norm);
      if (exact) this.verify(exact, i, touched, epoch);
      for (const len of prefixLengths) {
        if (len > norm.length) break;
        const list = this.prefix.get(len === norm.length ? norm : norm.slice(0, len));
        if (list) this.verify(list, i, touched, epoch);
      }
    }

    // 2. Candidate queries: owners of hit leaves, plus those that need no term.
    const candidates: number[] = [];
    for (const leaf of touched) {
      for (const qi of this.leafQueries[leaf]!) {
        if (this.queryEpoch[qi] !== epoch) {
          this.queryEpoch[qi] = epoch;
          candidates.push(qi);
        }
      }
    }
    for (const qi of this.always) {
      if (this.queryEpoch[qi] !== epoch) {
        this.queryEpoch[qi] = epoch;
        candidates.push(qi);
      }
    }
    candidates.sort((a, b) => a - b);
    return candidates;
  }

  /**
   * Kleene three-valued evaluation for `mayMatch`: a field whose input value is missing is
   * unknown (2), not false, so a query is only ruled out by what is known.
   */
  private evaluate3(n: Node): Tri {
    switch (n.t) {
      case 'leaf':
        return this.leafEpoch[n.leaf] === this.epoch ? 1 : 0;
      case 'near':
        return this.near(n, null).length > 0 ? 1 : 0;
      case 'field':
        return this.fieldKnown(n.field) ? (this.field(n.field, n.value) ? 1 : 0) : 2;
      case 'not': {
        const v = this.evaluate3(n.c);
        return v === 2 ? 2 : v === 1 ? 0 : 1;
      }
      case 'and': {
        let result: Tri = 1;
        for (const c of n.c) {
          const v = this.evaluate3(c);
          if (v === 0) return 0;
          if (v === 2) result = 2;
        }
        return result;
      }
      case 'or': {
        let result: Tri = 0;
        for (const c of n.c) {
          const v = this.evaluate3(c);
          if (v === 1) return 1;
          if (v === 2) result = 2;
        }
        return result;
      }
    }
  }

  private fieldKnown(field: FieldName): boolean {
    switch (field) {
      case 'lang':
        return this.inputLang !== '';
      case 'source':
        return this.inputSource !== '';
      case 'author':
        return this.inputAuthor !== '';
      case 'url':
      case 'site':
        return this.inputUrl !== '';
    }
  }

  private verify(entries: Entry[], i: number, touched: number[], epoch: number): void {
    const tokens = this.tokens;
    const inText = i < this.textLen;
    for (const entry of entries) {
      const words = entry.words;
      const last = i + words.length - 1;
      if (last >= tokens.length || (inText && last >= this.textLen)) continue;
      let ok = true;
      for (let k = 0; k < words.length && ok; k++) {
        const w = words[k]!;
        const tok = tokens[i + k]!;
        if (w.tag !== 0 && tok.flag !== w.tag) ok = false;
        else if (entry.caseSensitive) {
          // NFC on both sides: "é" may arrive precomposed or as e + combining accent.
          const raw = tok.raw.normalize('NFC');
          ok = w.prefix ? raw.startsWith(w.text) : raw === w.text;
        } else ok = w.prefix ? tok.norm.startsWith(w.text) : tok.norm === w.text;
      }
      if (!ok) continue;
      if (this.leafEpoch[entry.leaf] !== epoch) {
        this.leafEpoch[entry.leaf] = epoch;
        this.leafOcc[entry.leaf]!.length = 0;
        touched.push(entry.leaf);
      }
      this.leafOcc[entry.leaf]!.push(i, last);
    }
  }

  private evaluate(n: Node): boolean {
    switch (n.t) {
      case 'leaf':
        return this.leafEpoch[n.leaf] === this.epoch;
      case 'field':
        return this.field(n.field, n.value);
      case 'and':
        for (const c of n.c) if (!this.evaluate(c)) return false;
        return true;
      case 'or':
        for (const c of n.c) if (this.evaluate(c)) return true;
        return false;
      case 'not':
        return !this.evaluate(n.c);
      case 'near':
        return this.near(n, null).length > 0;
    }
  }

  private field(field: FieldName, value: string): boolean {
    switch (field) {
      case 'lang':
        return (
          this.inputLang === value ||
          (this.inputLang.startsWith(value) && this.inputLang[value.length] === '-')
        );
      case 'source':
        return this.inputSource === value;
      case 'author':
        return this.inputAuthor === value;
      case 'url':
        return this.inputUrl.includes(value);
      case 'site': {
        if (this.inputHost === '' && this.inputUrl !== '') this.inputHost = hostOf(this.inputUrl);
        const host = this.inputHost;
        return (
          host === value || (host.endsWith(value) && host[host.length - value.length - 1] === '.')
        );
      }
    }
  }

  /** Occurrences (flat [start, end] token index pairs) of a positional node. */
  private occurrences(n: Node): number[] {
    switch (n.t) {
      case 'leaf':
        return this.leafEpoch[n.leaf] === this.epoch ? this.leafOcc[n.leaf]! : [];
      case 'or': {
        const out: number[] = [];
        for (const c of n.c) for (const x of this.occurrences(c)) out.push(x);
        return out;
      }
      case 'near':
        return this.near(n, null);
      default:
        return []; // the parser rejects other NEAR operands
    }
  }

  private pos(i: number): number {
    return i < this.textLen ? i : i + TITLE_GAP;
  }

  /** Pairs within distance; `parts` (if given) receives the participating occurrences. */
  private near(n: Node & { t: 'near' }, parts: number[] | null): number[] {
    const a = this.occurrences(n.l);
    if (a.length === 0) return [];
    const b = this.occurrences(n.r);
    const out: number[] = [];
    for (let i = 0; i < a.length; i += 2) {
      const as = a[i]!;
      const ae = a[i + 1]!;
      for (let j = 0; j < b.length; j += 2) {
        const bs = b[j]!;
        const be = b[j + 1]!;
        let gap: number;
        if (ae < bs) gap = this.pos(bs) - this.pos(ae) - 1;
        else if (!n.ordered && be < as) gap = this.pos(as) - this.pos(be) - 1;
        else continue; // overlapping, or wrong order for ONEAR
        if (gap > n.d) continue;
        out.push(Math.min(as, bs), Math.max(ae, be));
        if (parts) parts.push(as, ae, bs, be);
      }
    }
    return out;
  }

  /** Collect the occurrences that make a matching query true (never those under NOT). */
  private explain(n: Node, out: number[]): void {
    switch (n.t) {
      case 'leaf':
        // A loop, not push(...occ): a long text can hold more occurrences than the stack has room
        // for as arguments.
        if (this.leafEpoch[n.leaf] === this.epoch)
          for (const x of this.leafOcc[n.leaf]!) out.push(x);
        return;
      case 'and':
      case 'or':
        for (const c of n.c) if (this.evaluate(c)) this.explain(c, out);
        return;
      case 'near':
        this.near(n, out);
        return;
      default:
        return;
    }
  }

  private describeMatch(occ: number[]): { terms: string[]; spans: Array<[number, number]> } {
    const spans: Array<[number, number]> = [];
    const terms: string[] = [];
    const seenSpan = new Set<string>();
    const seenTerm = new Set<string>();
    for (let i = 0; i < occ.length; i += 2) {
      const s = occ[i]!;
      const e = occ[i + 1]!;
      const inText = s < this.textLen;
      const src = inText ? this.input.text : (this.input.title ?? '');
      const start = this.tokens[s]!.start;
      const end = this.tokens[e]!.end;
      const term = src.slice(start, end);
      if (!seenTerm.has(term)) {
        seenTerm.add(term);
        terms.push(term);
      }
      if (inText && !seenSpan.has(`${start}:${end}`)) {
        seenSpan.add(`${start}:${end}`);
        spans.push([start, end]);
      }
    }
    spans.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    return { terms, spans };
  }
}

/**
 * Compile all watch queries into one matcher. Throws QuerySyntaxError naming the brand when a
 * query is invalid. The matcher keeps per-call scratch state: use one per thread of control.
 */
export function compileWatchQueries(defs: WatchQueryDef[]): WatchMatcher {
  return new Matcher(defs);
}
