import { z } from 'zod';

/**
 * Unknown keys in a config document. zod objects drop keys they do not know, so a typo
 * (`competitor:` for `competitors:`, a top-level `alert:`) used to vanish and the setting it
 * meant silently took its default. This walks the parsed document beside the schema and
 * reports every key the schema has no place for, with the nearest known key as a suggestion.
 */

export type ConfigPath = Array<string | number>;

export interface UnknownKey {
  /** Path of the unknown key itself (its parent's path plus the key). */
  path: ConfigPath;
  /** Known keys of the object it sits in. */
  known: string[];
  /** The nearest known key, when one is near enough to be a likely typo. */
  suggestion: string | null;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The schema under wrappers that do not change the shape of the data. */
function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  for (;;) {
    if (
      s instanceof z.ZodOptional ||
      s instanceof z.ZodNullable ||
      s instanceof z.ZodDefault ||
      s instanceof z.ZodPrefault ||
      s instanceof z.ZodReadonly ||
      s instanceof z.ZodCatch ||
      s instanceof z.ZodNonOptional
    ) {
      s = s.unwrap() as z.ZodType;
    } else if (s instanceof z.ZodPipe) {
      s = s.in as z.ZodType; // the input side is what the document holds
    } else if (s instanceof z.ZodLazy) {
      s = s.unwrap() as z.ZodType;
    } else {
      return s;
    }
  }
}

/** Object schemas that may describe `value`: one for an object, several for an intersection. */
function objectShapes(schema: z.ZodType, value: Record<string, unknown>): z.ZodObject[] | null {
  const s = unwrap(schema);
  if (s instanceof z.ZodObject) return [s];
  if (s instanceof z.ZodIntersection) {
    const def = s._zod.def;
    const left = objectShapes(def.left as z.ZodType, value);
    const right = objectShapes(def.right as z.ZodType, value);
    return left && right ? [...left, ...right] : null;
  }
  if (s instanceof z.ZodUnion) {
    const options = s.options as z.ZodType[];
    const discriminator = (s._zod.def as { discriminator?: string }).discriminator;
    if (discriminator !== undefined) {
      // The option whose literal matches; none means zod reports the discriminator itself.
      const wanted = value[discriminator];
      for (const o of options) {
        const shapes = objectShapes(o, value);
        const d = shapes?.[0]?.shape[discriminator] as z.ZodType | undefined;
        if (shapes && d && unwrap(d).safeParse(wanted).success) return shapes;
      }
      return null;
    }
    // A plain union: the object option that knows the most of the keys written.
    let best: z.ZodObject[] | null = null;
    let bestScore = -1;
    for (const o of options) {
      const shapes = objectShapes(o, value);
      if (!shapes) continue;
      const known = new Set(shapes.flatMap((x) => Object.keys(x.shape)));
      const score = Object.keys(value).filter((k) => known.has(k)).length;
      if (score > bestScore) {
        best = shapes;
        bestScore = score;
      }
    }
    return best;
  }
  return null;
}

/** Whether an object schema accepts any key (`.loose()`, `.catchall(...)`). */
function acceptsAnyKey(o: z.ZodObject): boolean {
  const catchall = o._zod.def.catchall;
  return catchall !== undefined && !(catchall instanceof z.ZodNever);
}

/** Every key of `value` that `schema` has no place for, depth first in document order. */
export function findUnknownKeys(
  value: unknown,
  schema: z.ZodType,
  path: ConfigPath = [],
): UnknownKey[] {
  const out: UnknownKey[] = [];
  walk(value, schema, path, out);
  return out;
}

function walk(value: unknown, schema: z.ZodType, path: ConfigPath, out: UnknownKey[]): void {
  const s = unwrap(schema);
  if (Array.isArray(value)) {
    if (s instanceof z.ZodArray) {
      value.forEach((v, i) => walk(v, s.element as z.ZodType, [...path, i], out));
    } else if (s instanceof z.ZodUnion) {
      const arrays = (s.options as z.ZodType[]).map(unwrap).filter((o) => o instanceof z.ZodArray);
      if (arrays.length === 1) walk(value, arrays[0]!, path, out);
    }
    return;
  }
  if (!isPlainObject(value)) return;
  if (s instanceof z.ZodRecord) {
    for (const [k, v] of Object.entries(value))
      walk(v, s.valueType as z.ZodType, [...path, k], out);
    return;
  }
  const shapes = objectShapes(s, value);
  if (!shapes) return;
  const open = shapes.some(acceptsAnyKey);
  const known = [...new Set(shapes.flatMap((o) => Object.keys(o.shape)))];
  for (const [k, v] of Object.entries(value)) {
    const field = shapes.map((o) => o.shape[k] as z.ZodType | undefined).find((f) => f);
    if (field) walk(v, field, [...path, k], out);
    else if (!open) out.push({ path: [...path, k], known, suggestion: nearestKey(k, known) });
  }
}

/**
 * The known key nearest to `key` by edit distance (insertions, deletions, substitutions and
 * swaps of neighbours each cost one), when it is near enough to be a typo: at most a third of
 * the longer word's letters, and at least one.
 */
export function nearestKey(key: string, known: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = editDistance(key.toLowerCase(), candidate.toLowerCase());
    const allowed = Math.max(1, Math.floor(Math.max(key.length, candidate.length) / 3));
    if (d <= allowed && d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** Optimal string alignment distance (Damerau–Levenshtein without repeated edits of a span). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(
        d[(i - 1) * cols + j]! + 1,
        d[i * cols + j - 1]! + 1,
        d[(i - 1) * cols + j - 1]! + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, d[(i - 2) * cols + j - 2]! + 1);
      d[i * cols + j] = v;
    }
  }
  return d[rows * cols - 1]!;
}

/** "unknown key "competitor" (did you mean "competitors"?)", or the keys that are known. */
export function describeUnknownKey(u: UnknownKey): string {
  const key = String(u.path[u.path.length - 1]);
  if (u.suggestion !== null) return `unknown key "${key}" (did you mean "${u.suggestion}"?)`;
  return `unknown key "${key}" (known keys: ${u.known.join(', ')})`;
}
