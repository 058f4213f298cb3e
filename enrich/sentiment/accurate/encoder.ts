import * as ort from 'onnxruntime-node';
import type { UnigramTokenizer } from './tokenizer.ts';

/**
 * multilingual-e5-small in onnxruntime (CPU, int8; built by training/sentiment/encoder/convert.py):
 * texts → L2-normalised 384-dim sentence embeddings, as e5 computes them ("query: " prefix, mean
 * over the tokens). One intra-op thread: the enrich stage scales by processes, and a second
 * thread per call would fight the other stages for the same cores.
 *
 * Texts are encoded in length-sorted groups of at most `BATCH_TOKENS` tokens and
 * `MAX_BATCH_TEXTS` texts (padding costs compute: a tweet beside a 500-token review would be
 * padded to 500). Small groups are faster per CPU second, not slower: 8 texts / 512 tokens gave
 * 154 texts per CPU-second against 113 for 32 / 2048 (bench texts, one thread; the int8 MatMuls'
 * working set stays in cache), and a text's embedding depends less on its neighbours (the
 * activations are quantised with one range per group).
 */
export const PREFIX = 'query: ';
/** Tokens per text kept (the model has 512 positions; sentiment is decided well before that). */
export const DEFAULT_MAX_TOKENS = 256;
const BATCH_TOKENS = 512;
const MAX_BATCH_TEXTS = 8;

export class SentenceEncoder {
  readonly dims: number;
  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly tokenizer: UnigramTokenizer,
    dims: number,
    private readonly maxTokens: number,
  ) {
    this.dims = dims;
  }

  static async load(
    modelPath: string,
    tokenizer: UnigramTokenizer,
    options: { maxTokens?: number; dims?: number } = {},
  ): Promise<SentenceEncoder> {
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(modelPath, {
        intraOpNumThreads: 1,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
      });
    } catch (cause) {
      throw new Error(`sentiment encoder missing or unreadable: ${modelPath}`, { cause });
    }
    const maxTokens = Math.min(options.maxTokens ?? DEFAULT_MAX_TOKENS, tokenizer.maxLength);
    return new SentenceEncoder(session, tokenizer, options.dims ?? 384, maxTokens);
  }

  /** Token ids of one text, <s> … </s> included, as the encoder is fed. */
  ids(text: string): number[] {
    const t = this.tokenizer;
    return [t.bos, ...t.encode(PREFIX + text, this.maxTokens - 2), t.eos];
  }

  /** One embedding per text, in order (row i of the result is text i). */
  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    const seqs = texts.map((t) => this.ids(t));
    const order = seqs.map((_, i) => i).sort((a, b) => seqs[a]!.length - seqs[b]!.length);
    const out = new Array<Float32Array>(texts.length);
    let start = 0;
    while (start < order.length) {
      let end = start + 1;
      // Grow the group while the padded size stays within the budget (sorted: the last is longest).
      while (
        end < order.length &&
        end - start < MAX_BATCH_TEXTS &&
        (end - start + 1) * seqs[order[end]!]!.length <= BATCH_TOKENS
      )
        end++;
      const group = order.slice(start, end);
      const rows = await this.run(group.map((i) => seqs[i]!));
      group.forEach((i, r) => (out[i] = rows[r]!));
      start = end;
    }
    return out;
  }

  private async run(seqs: number[][]): Promise<Float32Array[]> {
    const b = seqs.length;
    const len = Math.max(...seqs.map((s) => s.length));
    const ids = new BigInt64Array(b * len).fill(BigInt(this.tokenizer.pad));
    const mask = new BigInt64Array(b * len);
    seqs.forEach((s, r) => {
      for (let j = 0; j < s.length; j++) {
        ids[r * len + j] = BigInt(s[j]!);
        mask[r * len + j] = 1n;
      }
    });
    const result = await this.session.run({
      input_ids: new ort.Tensor('int64', ids, [b, len]),
      attention_mask: new ort.Tensor('int64', mask, [b, len]),
    });
    const data = result.embedding!.data as Float32Array;
    const rows: Float32Array[] = [];
    for (let r = 0; r < b; r++) rows.push(data.slice(r * this.dims, (r + 1) * this.dims));
    return rows;
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
