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

class PackedModel implements NgramModel {
  readonly languages: string[];
  private readonly index = new Map<string, number>();
  private readonly starts: Uint32Array;
  private readonly langs: Uint8Array;
  private readonly scores: Float32Array;
  private readonly seen = new Set<string>();

  constructor(
    p: Packed,
    private readonly dictionary: string[],
    private readonly separators: RegExp,
  ) {
    this.languages = p.languages;
    p.keys.forEach((k, i) => this.index.set(k, i));
    this.starts = p.starts;
    this.langs = p.langs;
    this.scores = p.scores;
  }

  score(text: string, out: NgramScores): boolean {
    out.raw.fill(0);
    const t = text.substring(0, 1000).replace(this.separators, ' ').trim().toLowerCase();
    const seen = this.seen;
    seen.clear();
    // Encode to eld's byte alphabet and cut into n-grams word by word (eld's strToUtf8Bytes +
    // getByteNgrams, fused so no word array is built).
    let encoded = '';
    let bytes = 0;
    const dict = this.dictionary;
    const addWord = (word: string): void => {
      let len = word.length;
      if (len > 70) len = 70;
      let j = 0;
      for (; j + 4 < len; j += 3) seen.add((j === 0 ? ' ' : '') + word.substring(j, j + 4));
      seen.add((j === 0 ? ' ' : '') + word.substring(len !== 3 ? len - 4 : 0) + ' ');
    };
    for (let i = 0; i < t.length; i++) {
      let c = t.charCodeAt(i);
      if (c < 0x80) {
        if (c === 32) {
          if (encoded !== '') {
            addWord(encoded);
            encoded = '';
          }
          if (bytes > CUT_AFTER) break;
        } else encoded += t[i];
        bytes++;
      } else if (c < 0x800) {
        encoded += dict[0xc0 | (c >> 6)]! + dict[0x80 | (c & 0x3f)]!;
        bytes += 2;
      } else if (c < 0xd800 || c >= 0xe000) {
        encoded +=
          dict[0xe0 | (c >> 12)]! + dict[0x80 | ((c >> 6) & 0x3f)]! + dict[0x80 | (c & 0x3f)]!;
        bytes += 3;
      } else {
        i++;
        c = 0x10000 + (((c & 0x3ff) << 10) | (t.charCodeAt(i) & 0x3ff));
        encoded +=
          dict[0xf0 | (c >> 18)]! +
          dict[0x80 | ((c >> 12) & 0x3f)]! +
          dict[0x80 | ((c >> 6) & 0x3f)]! +
          dict[0x80 | (c & 0x3f)]!;
        bytes += 4;
      }
      if (bytes > ENFORCE_CUT_AFTER) break;
    }
    if (encoded !== '') addWord(encoded);
    out.ngrams = seen.size;
    let any = false;
    const raw = out.raw;
    for (const g of seen) {
      const k = this.index.get(g);
      if (k === undefined) continue;
      const end = this.starts[k + 1]!;
      for (let p = this.starts[k]!; p < end; p++) {
        const l = this.langs[p]!;
        raw[l] = raw[l]! + this.scores[p]!;
      }
      any = true;
    }
    return any;
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
