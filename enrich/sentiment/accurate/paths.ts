import { fileURLToPath } from 'node:url';

/** Where the accurate tier's files live (encoder, tokenizer, heads): see model/README.md. */
export const ACCURATE_MODEL_DIR = fileURLToPath(new URL('../model/accurate/', import.meta.url));
