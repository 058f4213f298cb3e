import { readFileSync, watch } from 'node:fs';
import { basename, dirname } from 'node:path';
import { isNode, LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
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

/** Parse config text; errors name the file, the line and the key. */
export function parseEarshotConfig(text: string, file = 'earshot.config.yaml'): EarshotConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e) => {
      const pos = e.linePos?.[0];
      return `${file}${pos ? `:${pos.line}:${pos.col}` : ''}: ${e.message.split('\n')[0]}`;
    });
    throw new ConfigError(`invalid YAML:\n${problems.join('\n')}`);
  }
  const parsed = EarshotConfigSchema.safeParse(doc.toJS());
  if (parsed.success) return parsed.data;

  const problems = parsed.error.issues.map((issue) => {
    const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
    // Walk up the path until a node exists (a missing key is reported at its parent).
    let line: number | null = null;
    for (let n = path.length; n >= 0 && line === null; n--) {
      const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
      if (isNode(node) && node.range) line = lineCounter.linePos(node.range[0]).line;
    }
    const key = path.length > 0 ? path.join('.') : '(root)';
    return `${file}${line === null ? '' : `:${line}`}: ${key}: ${issue.message}`;
  });
  throw new ConfigError(`invalid configuration:\n${problems.join('\n')}`);
}

export function loadEarshotConfig(path: string): EarshotConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read config file ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return parseEarshotConfig(text, path);
}

/**
 * Reload the config file when it changes, without restarting. A change that does not
 * validate is logged and ignored: the last good configuration stays in force.
 */
export function watchEarshotConfig(
  path: string,
  onChange: (config: EarshotConfig) => void,
  onError: (error: unknown) => void,
): { close(): void } {
  let timer: NodeJS.Timeout | null = null;
  const reload = () => {
    timer = null;
    try {
      onChange(loadEarshotConfig(path));
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
