/**
 * Word vectors for language-independent topic features. The pipeline hands the clusterer the
 * multilingual table the sentiment model ships (`enrich/sentiment/model/embeddings.bin`,
 * distilled from multilingual-e5-small, see docs/benchmarks.md; the adapter is
 * enrich/pipeline/topic-vectors.ts, as stages do not import each other). "Akku" and "battery",
 * "Preis" and "price" lie close in it, where hashed words share nothing, so a story told in
 * two languages can land in one topic.
 */
export interface TopicVectors {
  readonly dims: number;
  /** The word's vector into `out`; false (and `out` untouched) when the table lacks it. */
  wordVector(word: string, out: Float64Array): boolean;
}
