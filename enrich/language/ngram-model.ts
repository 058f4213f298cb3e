import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * eld's n-gram scoring (Nito-ELD, Apache-2.0), re-implemented over packed typed arrays.
 *
 * Why: eld keeps its database as one object per n-gram (`{langIndex: score}`) and walks it with
 * `for…in`, then builds result objects we only read two numbers from. Profiling the enrich hot
 * path showed eld at about a third of the time per mention. Same database, same tokenisation,
 * same arithmetic — the scores are identical (a unit test compares against eld itself) — but
 * the inner loop reads two typed arrays instead of enumerating object keys.
 *
 * The database is read from a packed binary copy (model/eld-medium.bin, written by
 * `npm run train:sentiment` from eld's files): parsing eld's 2 MB JavaScript object literal
 * leaves ~150 MiB resident in every worker, the binary loads straight into typed arrays.
 * If the file is missing, eld's own files are read instead (same scores, more memory); if those
 * moved too (a future eld), eld's public `detect` is used (same answers, slower).
 */

export interface NgramScores {
  /** Raw score per language index (eld's `calculateScores`), 0 = no evidence. */
  raw: Float64Array;
  /** Number of distinct n-grams in the text (eld's `numNgrams`). */
  ngrams: number;
}

export interface NgramModel {
  readonly languages: readonly string[];
  /** Fill `out.raw` with per-language scores for `text`; returns false when nothing scored. */
  score(text: string, out: NgramScores): boolean;
  /** eld's 0..1 scaling of a raw score. */
  scale(raw: number, ngrams: number): number;
}

interface EldData {
  languages: Record<number, string>;
  ngrams: Record<string, Record<number, number>>;
}

/** eld subtracts this from every stored score to shrink its database; it is added back here. */
const BASE_NGRAM_SCORE = 53;
const SCALE = 25;
const CUT_AFTER = 350;
const ENFORCE_CUT_AFTER = 380;

function isEldData(x: unknown): x is EldData {
  if (typeof x !== 'object' || x === null) return false;
  const o = x as Record<string, unknown>;
  return (
    typeof o['languages'] === 'object' &&
    o['languages'] !== null &&
    typeof o['ngrams'] === 'object' &&
    o['ngrams'] !== null
  );
}

/** eld's small helpers (byte alphabet and word separators), tiny modules: always loaded. */
async function loadHelpers(): Promise<{ dictionary: string[]; separators: RegExp } | null> {
  try {
    const entry = import.meta.resolve('eld/medium');
    const dictMod = (await import(new URL('../dictionary.js', entry).href)) as {
      dictionary?: unknown;
    };
    const reMod = (await import(new URL('../regexPatterns.js', entry).href)) as {
      separators?: unknown;
    };
    const dictionary = dictMod.dictionary;
    const separators = reMod.separators;
    if (!Array.isArray(dictionary) || !(separators instanceof RegExp)) return null;
    return { dictionary: dictionary as string[], separators };
  } catch {
    return null;
  }
}

/** eld's database and helpers, from its own files (the package does not export them by name). */
export async function loadEldInternals(): Promise<{
  data: EldData;
  dictionary: string[];
  separators: RegExp;
} | null> {
  const helpers = await loadHelpers();
  if (helpers === null) return null;
  try {
    const entry = import.meta.resolve('eld/medium');
    const ngramsMod = (await import(new URL('../ngrams/medium.js', entry).href)) as {
      ngramsData?: unknown;
    };
    const data = ngramsMod.ngramsData;
    if (!isEldData(data)) return null;
    return { data, ...helpers };
  } catch {
    return null;
  }
}

export const PACKED_DB_PATH = fileURLToPath(new URL('./model/eld-medium.bin', import.meta.url));
const MAGIC = 0x50444c45; // "ELDP"
const KEY_SLOTS = 6;

/** Packed layout (little-endian): header, language codes, keys, CSR offsets, entries. */
interface Packed {
  languages: string[];
  keys: string[];
  starts: Uint32Array;
  langs: Uint8Array;
  scores: Float32Array;
}

function pack(data: EldData): Packed {
  const n = Object.keys(data.languages).length;
  const languages = Array.from({ length: n }, (_, i) => data.languages[i] ?? '');
  const keys: string[] = [];
  let total = 0;
  for (const key in data.ngrams) {
    keys.push(key);
    for (const _ in data.ngrams[key]) total++;
  }
  const starts = new Uint32Array(keys.length + 1);
  const langs = new Uint8Array(total);
  const scores = new Float32Array(total);
  let at = 0;
  keys.forEach((key, k) => {
    starts[k] = at;
    const entry = data.ngrams[key]!;
    for (const lang in entry) {
      langs[at] = Number(lang);
      scores[at] = entry[lang]! + BASE_NGRAM_SCORE;
      at++;
    }
  });
  starts[keys.length] = at;
  return { languages, keys, starts, langs, scores };
}

export function encodePackedDb(data: EldData): Buffer {
  const p = pack(data);
  const size =
    20 +
    p.languages.length * 4 +
    p.keys.length * (KEY_SLOTS + 1) * 2 +
    p.starts.length * 4 +
    p.langs.length +
    p.scores.length * 4;
  const b = Buffer.alloc(size);
  let o = 0;
  for (const v of [MAGIC, 1, p.languages.length, p.keys.length, p.langs.length])
    o = b.writeUInt32LE(v, o);
  for (const l of p.languages) {
    b.write(l.padEnd(4, '\0'), o, 4, 'latin1');
    o += 4;
  }
  for (const k of p.keys) {
    if (k.length > KEY_SLOTS) throw new Error(`n-gram key longer than ${KEY_SLOTS}: ${k}`);
    o = b.writeUInt16LE(k.length, o);
    for (let i = 0; i < KEY_SLOTS; i++) o = b.writeUInt16LE(i < k.length ? k.charCodeAt(i) : 0, o);
  }
  for (const v of p.starts) o = b.writeUInt32LE(v, o);
  b.set(p.langs, o);
  o += p.langs.length;
  for (const v of p.scores) o = b.writeFloatLE(v, o);
  return b;
}

export function decodePackedDb(b: Buffer, path: string): Packed {
  const fail = (why: string): never => {
    throw new Error(`language model file is corrupt (${why}): ${path}`);
  };
  if (b.length < 20 || b.readUInt32LE(0) !== MAGIC) fail('bad magic');
  if (b.readUInt32LE(4) !== 1) fail('unknown version');
  const nl = b.readUInt32LE(8);
  const nk = b.readUInt32LE(12);
  const ne = b.readUInt32LE(16);
  const size = 20 + nl * 4 + nk * (KEY_SLOTS + 1) * 2 + (nk + 1) * 4 + ne + ne * 4;
  if (b.length !== size) fail(`${b.length} bytes, expected ${size}`);
  let o = 20;
  const languages: string[] = [];
  for (let i = 0; i < nl; i++, o += 4)
    languages.push(b.toString('latin1', o, o + 4).replace(/\0+$/, ''));
  const keys = new Array<string>(nk);
  for (let k = 0; k < nk; k++) {
    const len = b.readUInt16LE(o);
    let key = '';
    for (let i = 0; i < len; i++) key += String.fromCharCode(b.readUInt16LE(o + 2 + i * 2));
    keys[k] = key;
    o += (KEY_SLOTS + 1) * 2;
  }
  const starts = new Uint32Array(nk + 1);
  for (let i = 0; i <= nk; i++, o += 4) starts[i] = b.readUInt32LE(o);
  const langs = Uint8Array.from(b.subarray(o, o + ne));
  o += ne;
  const scores = new Float32Array(ne);
  for (let i = 0; i < ne; i++, o += 4) scores[i] = b.readFloatLE(o);
  if (starts[nk] !== ne) fail('offsets do not match the entries');
  return { languages, keys, starts, langs, scores };
}

/**
 * eld's n-grams are 1-6 characters of an 8-bit alphabet (its byte dictionary), so each packs
 * exactly into a number below 2^49: the lookup table is open addressing over those
 * numbers, and scoring builds no strings (was: a substring, a Set and a string-keyed Map per
 * n-gram, a fifth of the time of language + sentiment).
 */
const ALPHABET = 256;
/** Digits are character code + 1 (so lengths differ), hence base 257: 257^6 < 2^49. */
const BASE = ALPHABET + 1;
const MAX_NGRAM = 6;
const SPACE = 32;
/** Distinct n-grams of one text: at most ENFORCE_CUT_AFTER bytes / 3 + words, well under this. */
const SEEN_SLOTS = 1024;

function packKey(key: string): number {
  if (key.length === 0 || key.length > MAX_NGRAM) return -1;
  let code = 0;
  for (let i = key.length - 1; i >= 0; i--) {
    const c = key.charCodeAt(i);
    if (c >= ALPHABET) return -1;
    code = code * BASE + c + 1;
  }
  return code;
}

/** Mix a packed key (< 2^49) into a table slot. */
function slotOf(code: number, mask: number): number {
  const lo = code % 0x1000000;
  const hi = (code - lo) / 0x1000000;
  return (Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b) >>> 0) & mask;
}

function unsupported(why: string): never {
  throw new Error(`the eld n-gram database is not in the expected shape: ${why}`);
}

class PackedModel implements NgramModel {
  readonly languages: string[];
  private readonly starts: Uint32Array;
  private readonly langs: Uint8Array;
  private readonly scores: Float32Array;
  /** Open-addressing table: packed n-gram → index into `starts`. */
  private readonly tableKeys: Float64Array;
  private readonly tableValues: Int32Array;
  private readonly mask: number;
  /** The byte dictionary as character codes (eld encodes non-ASCII bytes as ASCII letters). */
  private readonly dictCodes: Uint8Array;
  private readonly word = new Uint8Array(ENFORCE_CUT_AFTER + 4);
  private readonly seenKeys = new Float64Array(SEEN_SLOTS);
  private readonly seenStamp = new Uint32Array(SEEN_SLOTS);
  private readonly seenList = new Float64Array(SEEN_SLOTS);
  private stamp = 0;

  constructor(
    p: Packed,
    dictionary: string[],
    private readonly separators: RegExp,
  ) {
    this.languages = p.languages;
    this.starts = p.starts;
    this.langs = p.langs;
    this.scores = p.scores;
    this.dictCodes = Uint8Array.from(dictionary, (c) => c.charCodeAt(0));
    if (this.dictCodes.some((c) => c >= ALPHABET))
      unsupported('its byte dictionary leaves the 8-bit alphabet');
    let size = 1;
    while (size < p.keys.length * 2) size *= 2;
    this.mask = size - 1;
    this.tableKeys = new Float64Array(size);
    this.tableValues = new Int32Array(size).fill(-1);
    p.keys.forEach((key, k) => {
      const code = packKey(key);
      if (code < 0) unsupported(`n-gram ${JSON.stringify(key)} does not pack into a number`);
      let slot = slotOf(code, this.mask);
      while (this.tableValues[slot]! >= 0) slot = (slot + 1) & this.mask;
      this.tableKeys[slot] = code;
      this.tableValues[slot] = k;
    });
  }

  score(text: string, out: NgramScores): boolean {
    out.raw.fill(0);
    const t = text.substring(0, 1000).replace(this.separators, ' ').trim().toLowerCase();
    this.stamp = (this.stamp + 1) >>> 0 || 1;
    let distinct = 0;
    // Encode to eld's byte alphabet word by word (eld's strToUtf8Bytes + getByteNgrams, fused:
    // the same n-grams, as packed numbers).
    const word = this.word;
    const dict = this.dictCodes;
    const seenList = this.seenList;
    let len = 0;
    let bytes = 0;
    const push = (code: number): void => {
      if (len < word.length) word[len] = code;
      len++;
    };
    const addWord = (): void => {
      const n = len > 70 ? 70 : len;
      let j = 0;
      for (; j + 4 < n; j += 3) {
        const code = this.pack(j, j + 4, j === 0, false);
        if (this.isNew(code)) seenList[distinct++] = code;
      }
      // eld's last n-gram of a word over 70 bytes runs to the word's end: it never matches the
      // database but counts as a distinct n-gram, so it gets a negative code of its own.
      const code =
        len > 70 ? this.tailCode(n - 4, len) : this.pack(n - 4 > 0 ? n - 4 : 0, n, j === 0, true);
      if (this.isNew(code)) seenList[distinct++] = code;
      len = 0;
    };
    for (let i = 0; i < t.length; i++) {
      let c = t.charCodeAt(i);
      if (c < 0x80) {
        if (c === SPACE) {
          if (len > 0) addWord();
          if (bytes > CUT_AFTER) break;
        } else push(c);
        bytes++;
      } else if (c < 0x800) {
        push(dict[0xc0 | (c >> 6)]!);
        push(dict[0x80 | (c & 0x3f)]!);
        bytes += 2;
      } else if (c < 0xd800 || c >= 0xe000) {
        push(dict[0xe0 | (c >> 12)]!);
        push(dict[0x80 | ((c >> 6) & 0x3f)]!);
        push(dict[0x80 | (c & 0x3f)]!);
        bytes += 3;
      } else {
        i++;
        c = 0x10000 + (((c & 0x3ff) << 10) | (t.charCodeAt(i) & 0x3ff));
        push(dict[0xf0 | (c >> 18)]!);
        push(dict[0x80 | ((c >> 12) & 0x3f)]!);
        push(dict[0x80 | ((c >> 6) & 0x3f)]!);
        push(dict[0x80 | (c & 0x3f)]!);
        bytes += 4;
      }
      if (bytes > ENFORCE_CUT_AFTER) break;
    }
    if (len > 0) addWord();
    out.ngrams = distinct;
    let any = false;
    const raw = out.raw;
    for (let d = 0; d < distinct; d++) {
      const code = seenList[d]!;
      let slot = slotOf(code, this.mask);
      let k = this.tableValues[slot]!;
      while (k >= 0 && this.tableKeys[slot] !== code) {
        slot = (slot + 1) & this.mask;
        k = this.tableValues[slot]!;
      }
      if (k < 0) continue;
      const end = this.starts[k + 1]!;
      for (let p = this.starts[k]!; p < end; p++) {
        const l = this.langs[p]!;
        raw[l] = raw[l]! + this.scores[p]!;
      }
      any = true;
    }
    return any;
  }

  /** Pack word[from, to) with an optional leading and trailing space, as `packKey` would. */
  private pack(from: number, to: number, lead: boolean, trail: boolean): number {
    let code = trail ? SPACE + 1 : 0;
    for (let i = to - 1; i >= from; i--) code = code * BASE + this.word[i]! + 1;
    return lead ? code * BASE + SPACE + 1 : code;
  }

  /** A negative code for word[from, to), distinct per content (FNV-1a over 52 bits). */
  private tailCode(from: number, to: number): number {
    let h = 0x811c9dc5;
    let g = to - from;
    for (let i = from; i < to; i++) {
      h = Math.imul(h ^ this.word[i]!, 0x01000193) >>> 0;
      g = (Math.imul(g, 31) + this.word[i]!) & 0xfffff;
    }
    return -(g * 0x100000000 + h) - 1;
  }

  /** True the first time a packed n-gram is seen in the current text. */
  private isNew(code: number): boolean {
    let slot = slotOf(code, SEEN_SLOTS - 1);
    while (this.seenStamp[slot] === this.stamp) {
      if (this.seenKeys[slot] === code) return false;
      slot = (slot + 1) & (SEEN_SLOTS - 1);
    }
    this.seenStamp[slot] = this.stamp;
    this.seenKeys[slot] = code;
    return true;
  }

  scale(raw: number, ngrams: number): number {
    const s = raw / ngrams;
    return s / (s + SCALE);
  }
}

/** Fallback: eld's public API, mapped onto the same interface. */
interface EldPublic {
  detect(text: string): { getScores(): Record<string, number> };
  info(): { Languages: Record<number, string> };
}

class PublicEldModel implements NgramModel {
  readonly languages: string[];
  constructor(private readonly eld: EldPublic) {
    this.languages = Object.values(eld.info().Languages);
  }
  score(text: string, out: NgramScores): boolean {
    out.raw.fill(0);
    const scores = this.eld.detect(text).getScores();
    let any = false;
    // getScores is already scaled; invert the scaling with ngrams = 1 so `scale` round-trips.
    out.ngrams = 1;
    for (const [lang, s] of Object.entries(scores)) {
      const i = this.languages.indexOf(lang);
      if (i < 0 || s <= 0 || s >= 1) continue;
      out.raw[i] = (SCALE * s) / (1 - s);
      any = true;
    }
    return any;
  }
  scale(raw: number, ngrams: number): number {
    const s = raw / ngrams;
    return s / (s + SCALE);
  }
}

async function loadModel(): Promise<{
  model: NgramModel;
  source: 'packed' | 'eld-files' | 'eld-api';
}> {
  const helpers = await loadHelpers();
  if (helpers !== null && existsSync(PACKED_DB_PATH)) {
    // A corrupt file is a packaging bug: fail loudly rather than silently use more memory.
    const packed = decodePackedDb(readFileSync(PACKED_DB_PATH), PACKED_DB_PATH);
    return {
      model: new PackedModel(packed, helpers.dictionary, helpers.separators),
      source: 'packed',
    };
  }
  const internals = await loadEldInternals();
  if (internals !== null) {
    return {
      model: new PackedModel(pack(internals.data), internals.dictionary, internals.separators),
      source: 'eld-files',
    };
  }
  const mod = (await import('eld/medium')) as { eld: EldPublic };
  return { model: new PublicEldModel(mod.eld), source: 'eld-api' };
}

const loaded = await loadModel();

/** The n-gram model the detector uses. */
export const ngramModel: NgramModel = loaded.model;
/** Where it came from: the packed file normally (see the module comment). */
export const ngramModelSource = loaded.source;

export function newScores(): NgramScores {
  return { raw: new Float64Array(ngramModel.languages.length), ngrams: 0 };
}
