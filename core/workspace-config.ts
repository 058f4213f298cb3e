import { readFileSync, watch } from 'node:fs';
import { basename, dirname } from 'node:path';
import { isMap, isNode, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import { ReportScheduleSchema } from './report-schedule.ts';
import { TimeZoneSchema } from './time-zone.ts';
import { describeUnknownKey, findUnknownKeys, nearestKey, type ConfigPath } from './config-keys.ts';
import { ConfigError } from './errors.ts';

/**
 * `earshot.config.yaml`: workspaces, their brands and competitor sets (each brand defined by a
 * watch query), sources and alert rules. Configuration as code: reviewed, versioned,
 * backtested. Secrets are never in this file, only the names of env vars that hold them.
 */

const Slug = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be a lowercase slug like "acme-cloud"');

export const OwnedAccountsSchema = z.object({
  /** Channel ids: comments on the channel's videos (read by the YouTube source). */
  youtube: z
    .array(
      z
        .string()
        .regex(/^UC[A-Za-z0-9_-]{10,40}$/, 'a YouTube channel id like "UCxxxxxxxxxxxxxxxxxxxxxx"'),
    )
    .default([]),
  /** Accounts as `@name@instance` (or `name@instance`): their statuses and replies to them. */
  mastodon: z
    .array(
      z
        .string()
        .regex(
          /^@?[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$/,
          'an account like "@acme@mastodon.social"',
        ),
    )
    .default([]),
  /** Handles (`acme.bsky.social`) or DIDs (`did:plc:…`): their posts and replies to them. */
  bluesky: z
    .array(
      z
        .string()
        .regex(
          /^(did:[a-z]+:[A-Za-z0-9._:%-]+|@?([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,})$/,
          'a handle like "acme.bsky.social" or a DID like "did:plc:…"',
        ),
    )
    .default([]),
});
export type OwnedAccounts = z.infer<typeof OwnedAccountsSchema>;

export const BrandConfigSchema = z.object({
  id: Slug,
  name: z.string().min(1).max(200),
  /** Boolean watch query (see docs/queries.md). */
  query: z.string().min(1).max(10_000),
  /** Brands this one is compared against (ids in the same workspace). */
  competitors: z.array(Slug).default([]),
  /** Shown in the UI. */
  color: z.string().optional(),
  /**
   * The brand's own accounts: their posts and the replies and comments under them are kept for
   * this brand without matching the query (people answering a brand rarely name it), marked
   * `owned` (enrich/owned/).
   */
  owned: OwnedAccountsSchema.optional(),
});
export type BrandConfig = z.infer<typeof BrandConfigSchema>;

export const WorkspaceConfigSchema = z.object({
  id: Slug,
  name: z.string().min(1).max(200),
  brands: z.array(BrandConfigSchema).min(1),
  /**
   * The reporting time zone (IANA): where days and weeks of charts, exports and reports split
   * (local midnight, weeks from Monday). Absent: UTC. A request's `tz` overrides it.
   */
  timezone: TimeZoneSchema.optional(),
  /** Scheduled reports (core/report-schedule.ts): weekly or monthly, to alert channels. */
  reports: z.array(ReportScheduleSchema).optional(),
});
export type WorkspaceConfig = z.infer<typeof WorkspaceConfigSchema>;

export const EarshotConfigSchema = z
  .object({
    workspaces: z.array(WorkspaceConfigSchema).min(1),
    /** Per-source settings; each connector validates its own slice (see ingest/<source>/config.ts). */
    sources: z.record(z.string(), z.unknown()).default({}),
    /** Alert rules and channels; validated by the alerts module. */
    alerts: z.unknown().optional(),
  })
  .superRefine((config, ctx) => {
    const workspaceIds = new Set<string>();
    config.workspaces.forEach((ws, wi) => {
      if (workspaceIds.has(ws.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['workspaces', wi, 'id'],
          message: `duplicate workspace id "${ws.id}"`,
        });
      }
      workspaceIds.add(ws.id);
      const brandIds = new Set(ws.brands.map((b) => b.id));
      if (brandIds.size !== ws.brands.length) {
        ctx.addIssue({
          code: 'custom',
          path: ['workspaces', wi, 'brands'],
          message: 'brand ids must be unique in a workspace',
        });
      }
      const scheduleIds = new Set<string>();
      (ws.reports ?? []).forEach((r, ri) => {
        if (scheduleIds.has(r.id))
          ctx.addIssue({
            code: 'custom',
            path: ['workspaces', wi, 'reports', ri, 'id'],
            message: `duplicate report id "${r.id}"`,
          });
        scheduleIds.add(r.id);
        r.brands.forEach((b, bi) => {
          if (!brandIds.has(b))
            ctx.addIssue({
              code: 'custom',
              path: ['workspaces', wi, 'reports', ri, 'brands', bi],
              message: `unknown brand "${b}": a report names brands of its workspace`,
            });
        });
      });
      ws.brands.forEach((brand, bi) => {
        brand.competitors.forEach((c, ci) => {
          if (!brandIds.has(c)) {
            ctx.addIssue({
              code: 'custom',
              path: ['workspaces', wi, 'brands', bi, 'competitors', ci],
              message: `unknown competitor "${c}": competitors must be brands of the same workspace`,
            });
          }
        });
      });
    });
  });
export type EarshotConfig = z.infer<typeof EarshotConfigSchema>;

/** A problem found by a check beyond the schema, at a path of the document. */
export interface ConfigIssue {
  path: ConfigPath;
  message: string;
  /** UTF-16 offset inside the string at `path` (a watch query's error), for a column. */
  offset?: number;
}

/**
 * What the rest of the app knows about the sections this module keeps opaque (core imports no
 * other folder): each source's options schema and the alerts schema, so unknown keys there are
 * refused too, and checks that need other modules (watch queries, alert rules). The CLI passes
 * them all (`cli/config-rules.ts`); without them only the workspace part is checked.
 */
export interface ConfigRules {
  /** `sources.<name>` → its options schema; a source not listed is an unknown key. */
  sources?: Readonly<Record<string, z.ZodType>>;
  alerts?: z.ZodType;
  checks?: ReadonlyArray<(config: EarshotConfig) => ConfigIssue[]>;
}

interface Located extends ConfigIssue {
  /** Point at the key (an unknown key) rather than at its value. */
  atKey?: boolean;
}

/** Unknown keys at every level the rules describe, each with its nearest known key. */
function unknownKeyIssues(raw: unknown, rules: ConfigRules): Located[] {
  const issues: Located[] = findUnknownKeys(raw, EarshotConfigSchema).map((u) => ({
    path: u.path,
    message: describeUnknownKey(u),
    atKey: true,
  }));
  if (typeof raw !== 'object' || raw === null) return issues;
  const { sources, alerts } = raw as { sources?: unknown; alerts?: unknown };
  if (rules.sources && typeof sources === 'object' && sources !== null) {
    const known = Object.keys(rules.sources);
    for (const [name, options] of Object.entries(sources)) {
      const schema = rules.sources[name];
      if (schema === undefined) {
        const u = { path: ['sources', name], known, suggestion: nearestKey(name, known) };
        issues.push({ path: u.path, message: describeUnknownKey(u), atKey: true });
        continue;
      }
      for (const u of findUnknownKeys(options, schema, ['sources', name]))
        issues.push({ path: u.path, message: describeUnknownKey(u), atKey: true });
    }
  }
  if (rules.alerts && alerts !== undefined) {
    for (const u of findUnknownKeys(alerts, rules.alerts, ['alerts']))
      issues.push({ path: u.path, message: describeUnknownKey(u), atKey: true });
  }
  return issues;
}

/** `line` or `line:column` of an issue in the document, or null when nothing there exists. */
function locate(
  doc: Document,
  text: string,
  lineCounter: LineCounter,
  issue: Located,
): string | null {
  const path = issue.path;
  if (issue.atKey && path.length > 0) {
    const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
    const key = path[path.length - 1];
    if (isMap(parent)) {
      const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === key);
      if (pair && isNode(pair.key) && pair.key.range) {
        const pos = lineCounter.linePos(pair.key.range[0]);
        return `${pos.line}:${pos.col}`;
      }
    }
  }
  const node = doc.getIn(path, true);
  if (
    issue.offset !== undefined &&
    isScalar(node) &&
    node.range &&
    typeof node.value === 'string'
  ) {
    const written = text.slice(node.range[0], node.range[1]);
    const column = columnInScalar(written, node.type, node.value, issue.offset);
    const start = lineCounter.linePos(node.range[0]);
    if (column !== null) return `${start.line}:${start.col + column}`;
  }
  // Walk up the path until a node exists (a missing key is reported at its parent).
  for (let n = path.length; n >= 0; n--) {
    const at = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if (isNode(at) && at.range) return String(lineCounter.linePos(at.range[0]).line);
  }
  return null;
}

/**
 * Where `offset` of a scalar's value sits, relative to the scalar's first character, when the
 * scalar is written on one line in a way that maps back (plain, or quoted without escapes).
 */
function columnInScalar(
  written: string,
  type: string | undefined,
  value: string,
  offset: number,
): number | null {
  if (written.includes('\n')) return null;
  if (type === 'PLAIN' && written === value) return offset;
  if (type === 'QUOTE_DOUBLE' && written === `"${value}"`) return offset + 1;
  if (type === 'QUOTE_SINGLE' && written === `'${value.replace(/'/g, "''")}'`)
    return offset + 1 + (value.slice(0, offset).match(/'/g)?.length ?? 0);
  return null;
}

/**
 * Parse config text; errors name the file, the line and the key. Unknown keys are refused with
 * the nearest known one; `rules` extends the checks to sources, alerts and watch queries.
 */
export function parseEarshotConfig(
  text: string,
  file = 'earshot.config.yaml',
  rules: ConfigRules = {},
): EarshotConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e) => {
      const pos = e.linePos?.[0];
      return `${file}${pos ? `:${pos.line}:${pos.col}` : ''}: ${e.message.split('\n')[0]}`;
    });
    throw new ConfigError(`invalid YAML:\n${problems.join('\n')}`);
  }
  const raw: unknown = doc.toJS();
  const issues: Located[] = unknownKeyIssues(raw, rules);
  const parsed = EarshotConfigSchema.safeParse(raw);
  if (parsed.success) {
    for (const check of rules.checks ?? []) issues.push(...check(parsed.data));
  } else {
    for (const issue of parsed.error.issues) {
      const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
      issues.push({ path, message: issue.message });
    }
  }
  if (parsed.success && issues.length === 0) return parsed.data;

  const problems = issues.map((issue) => {
    const where = locate(doc, text, lineCounter, issue);
    const key = issue.path.length > 0 ? issue.path.join('.') : '(root)';
    return `${file}${where === null ? '' : `:${where}`}: ${key}: ${issue.message}`;
  });
  throw new ConfigError(`invalid configuration:\n${problems.join('\n')}`);
}

export function loadEarshotConfig(path: string, rules: ConfigRules = {}): EarshotConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read config file ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return parseEarshotConfig(text, path, rules);
}

/**
 * Reload the config file when it changes, without restarting. A change that does not
 * validate is logged and ignored: the last good configuration stays in force.
 */
export function watchEarshotConfig(
  path: string,
  onChange: (config: EarshotConfig) => void,
  onError: (error: unknown) => void,
  rules: ConfigRules = {},
): { close(): void } {
  let timer: NodeJS.Timeout | null = null;
  const reload = () => {
    timer = null;
    try {
      onChange(loadEarshotConfig(path, rules));
    } catch (error) {
      onError(error);
    }
  };
  // Watch the directory: editors replace files (rename), which ends a watch on the file itself.
  const dir = dirname(path);
  const name = basename(path);
  const watcher = watch(dir, (_event, file) => {
    if (file !== null && file !== name) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(reload, 200); // editors write in several steps
  });
  watcher.on('error', onError);
  return {
    close: () => {
      if (timer) clearTimeout(timer);
      watcher.close();
    },
  };
}
