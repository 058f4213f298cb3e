import { z } from 'zod';
import { ConfigError } from '../core/errors.ts';
import type { ConfigIssue, EarshotConfig } from '../core/workspace-config.ts';
import { channelOfWorkspace, workspaceChannelIds } from './channels.ts';

/**
 * The `alerts:` section of earshot.config.yaml: channels, rule defaults, rules and the weekly
 * digest. The workspace file keeps this slice `unknown`; it is validated here, and errors name
 * the key (`alerts.rules.0.window: …`). Rules created through the API use the same
 * `AlertRuleInputSchema`, so a rule means the same thing wherever it comes from.
 */

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

const Slug = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be a lowercase slug like "nimbus-negative"');

/** "15m", "1h", "2d" → milliseconds (whole minutes: the series has one bucket per minute). */
export const AlertDurationSchema = z
  .string()
  .regex(/^\d{1,4}[mhd]$/, 'use a duration like 15m, 1h or 1d')
  .transform((s) => Number(s.slice(0, -1)) * UNIT_MS[s.slice(-1) as keyof typeof UNIT_MS]);

export const RULE_TYPES = [
  'negative_spike',
  'volume_spike',
  'sentiment_drop',
  'sov_shift',
] as const;
export type RuleType = (typeof RULE_TYPES)[number];

/**
 * Sensitivity → z threshold (robust standard deviations above the seasonal baseline).
 * Chosen with the evaluation harness (docs/alerts.md, docs/benchmarks.md): `medium` keeps false
 * alerts under one per brand-week while catching spikes of three noise levels.
 */
export const SENSITIVITY_Z = { low: 5, medium: 3.75, high: 3 } as const;

export const SensitivitySchema = z.union([
  z.enum(['low', 'medium', 'high']),
  z.number().min(1).max(50),
]);

export const RuleFiltersSchema = z
  .object({
    sources: z.array(z.string().min(1).max(32)).max(50).optional(),
    langs: z.array(z.string().min(2).max(12)).max(50).optional(),
  })
  .strict();

/** A rule as written by a person (config file or API body); defaults filled by `resolveRule`. */
export const AlertRuleInputSchema = z
  .object({
    id: Slug,
    /** Which workspace; optional in the config file when it has exactly one workspace. */
    workspace: Slug.optional(),
    brand: Slug,
    type: z.enum(RULE_TYPES),
    /** Width of the window compared with its baseline (e.g. 15m, 1h). */
    window: AlertDurationSchema.refine((ms) => ms >= 5 * 60_000 && ms <= 6 * UNIT_MS.h, {
      message: 'window must be between 5m and 6h',
    }).optional(),
    sensitivity: SensitivitySchema.optional(),
    /**
     * Optional: below this many mentions in the window (negative ones for negative_spike)
     * nothing fires. No default: the detector's tails are exact for small counts, and a fixed
     * minimum made quiet brands unalertable (docs/alerts.md, "Quiet brands").
     */
    min_volume: z.number().int().min(1).max(1_000_000).optional(),
    /** An incident resolves after the condition has been clear this long; no repeats meanwhile. */
    cooldown: AlertDurationSchema.refine((ms) => ms >= 60_000 && ms <= 7 * UNIT_MS.d, {
      message: 'cooldown must be between 1m and 7d',
    }).optional(),
    /** sov_shift only: the share-of-voice change (absolute, 0.1 = ten points) that counts. */
    min_change: z.number().gt(0).max(1).optional(),
    /** sov_shift only: which direction counts. */
    direction: z.enum(['up', 'down', 'both']).optional(),
    filters: RuleFiltersSchema.optional(),
    /** Channel ids (from `alerts.channels`); default: every channel of the workspace. */
    channels: z.array(Slug).max(20).optional(),
    enabled: z.boolean().optional(),
  })
  .strict();
export type AlertRuleInput = z.input<typeof AlertRuleInputSchema>;
type ParsedRuleInput = z.infer<typeof AlertRuleInputSchema>;

const DefaultsSchema = z
  .object({
    window: AlertDurationSchema.refine((ms) => ms >= 5 * 60_000 && ms <= 6 * UNIT_MS.h, {
      message: 'window must be between 5m and 6h',
    }).default(15 * 60_000),
    sensitivity: SensitivitySchema.default('medium'),
    min_volume: z.number().int().min(1).max(1_000_000).optional(),
    cooldown: AlertDurationSchema.default(UNIT_MS.h),
    min_change: z.number().gt(0).max(1).default(0.1),
  })
  .strict();
export type RuleDefaults = z.infer<typeof DefaultsSchema>;

const WebhookChannelSchema = z
  .object({
    id: Slug,
    type: z.literal('webhook'),
    workspace: Slug.optional(),
    /** `slack` (also Mattermost, Rocket.Chat), `teams` (Workflows/Power Automate), `json`. */
    format: z.enum(['slack', 'teams', 'json']).default('json'),
    /** The URL is a secret (it is the credential): name the env var that holds it… */
    url_env: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an env var name')
      .optional(),
    /** …or give it inline (local receivers, tests). */
    url: z.url().optional(),
  })
  .strict()
  .refine((c) => (c.url === undefined) !== (c.url_env === undefined), {
    message: 'give exactly one of url or url_env',
  });

const EmailChannelSchema = z
  .object({
    id: Slug,
    type: z.literal('email'),
    workspace: Slug.optional(),
    /** SMTP URL (smtp://user:pass@host:587); a secret, so read from this env var… */
    smtp_url_env: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an env var name')
      .optional(),
    /** …or inline without credentials (a local relay, tests). */
    smtp_url: z
      .string()
      .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
      .optional(),
    from: z.string().min(3).max(320),
    to: z.array(z.string().min(3).max(320)).min(1).max(50),
  })
  .strict()
  .refine((c) => (c.smtp_url === undefined) !== (c.smtp_url_env === undefined), {
    message: 'give exactly one of smtp_url or smtp_url_env',
  });

export const ChannelSchema = z.discriminatedUnion('type', [
  WebhookChannelSchema,
  EmailChannelSchema,
]);
export type ChannelConfig = z.infer<typeof ChannelSchema>;

const DeliverySchema = z
  .object({
    /** Attempts per channel before a dead-letter record is written. */
    attempts: z.number().int().min(1).max(20).default(5),
    base_delay_ms: z.number().int().min(1).max(60_000).default(500),
    max_delay_ms: z.number().int().min(1).max(600_000).default(30_000),
    timeout_ms: z.number().int().min(100).max(120_000).default(10_000),
  })
  .strict();

export const AlertsConfigSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** node-cron expression of the evaluation; every minute by default. */
    schedule: z.string().default('* * * * *'),
    /** Ingest-to-store latency: the newest window ends this long before now, so it is complete. */
    settle: AlertDurationSchema.default(60_000),
    defaults: DefaultsSchema.default({
      window: 15 * 60_000,
      sensitivity: 'medium',
      cooldown: UNIT_MS.h,
      min_change: 0.1,
    }),
    /**
     * Every brand gets `defaultRulesFor`'s rules (negative spike, volume spike, sentiment drop)
     * unless a rule of that type for it exists already; false turns them off.
     */
    default_rules: z.boolean().default(true),
    /**
     * Past windows: mentions that arrive for them (an import, a backfill, a late source, a
     * first start over stored history) are evaluated too, up to `lookback` back; an incident
     * found there is stored as historical and sent to channels only when it opened less than
     * `notify_max_age` ago.
     */
    history: z
      .object({
        lookback: AlertDurationSchema.refine((ms) => ms <= 35 * UNIT_MS.d, {
          message: 'lookback must be at most 35d',
        }).default(3 * UNIT_MS.d),
        notify_max_age: AlertDurationSchema.default(UNIT_MS.h),
      })
      .strict()
      .default({ lookback: 3 * UNIT_MS.d, notify_max_age: UNIT_MS.h }),
    channels: z.array(ChannelSchema).default([]),
    delivery: DeliverySchema.default({
      attempts: 5,
      base_delay_ms: 500,
      max_delay_ms: 30_000,
      timeout_ms: 10_000,
    }),
    rules: z.array(AlertRuleInputSchema).default([]),
    digest: z
      .object({
        enabled: z.boolean().default(false),
        /** Weekly by default: Monday 08:00 UTC. */
        schedule: z.string().default('0 8 * * 1'),
        channels: z.array(Slug).optional(),
      })
      .strict()
      .default({ enabled: false, schedule: '0 8 * * 1' }),
  })
  .strict();
export type AlertsConfig = z.infer<typeof AlertsConfigSchema>;

/** A rule with every default applied and its workspace resolved: what the detector runs. */
export interface AlertRule {
  id: string;
  workspace: string;
  brand: string;
  type: RuleType;
  windowMs: number;
  /** z threshold. */
  threshold: number;
  sensitivity: 'low' | 'medium' | 'high' | number;
  /** 0: no minimum (the default). */
  minVolume: number;
  cooldownMs: number;
  minChange: number;
  direction: 'up' | 'down' | 'both';
  filters: { sources: string[]; langs: string[] };
  channels: string[] | null;
  enabled: boolean;
  /** `default`: one of `defaultRulesFor`'s, read-only like the config file's. */
  origin: 'config' | 'api' | 'default';
}

export function thresholdOf(s: 'low' | 'medium' | 'high' | number): number {
  return typeof s === 'number' ? s : SENSITIVITY_Z[s];
}

export function resolveRule(
  input: ParsedRuleInput,
  defaults: RuleDefaults,
  workspace: string,
  origin: AlertRule['origin'],
): AlertRule {
  const sensitivity = input.sensitivity ?? defaults.sensitivity;
  return {
    id: input.id,
    workspace,
    brand: input.brand,
    type: input.type,
    windowMs: input.window ?? defaults.window,
    threshold: thresholdOf(sensitivity),
    sensitivity,
    minVolume: input.min_volume ?? defaults.min_volume ?? 0,
    cooldownMs: input.cooldown ?? defaults.cooldown,
    minChange: input.min_change ?? defaults.min_change,
    direction: input.direction ?? 'both',
    filters: { sources: input.filters?.sources ?? [], langs: input.filters?.langs ?? [] },
    channels: input.channels ?? null,
    enabled: input.enabled ?? true,
    origin,
  };
}

/**
 * Validate `config.alerts` against the schema and the workspaces (brands and channels must
 * exist). Throws one ConfigError listing every problem, each naming its key.
 */
export function parseAlertsConfig(config: EarshotConfig): AlertsConfig {
  const { alerts, issues } = checkAlertsConfig(config);
  if (alerts === null || issues.length > 0) {
    const problems = issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`);
    throw new ConfigError(`invalid alerts configuration:\n${problems.join('\n')}`);
  }
  return alerts;
}

/**
 * Every problem of `config.alerts`, each at its path in the config file (`alerts.rules.0.window`),
 * for the config loader, which names the line. Unknown keys are left out: the loader reports
 * those itself, with the nearest known key.
 */
export function alertsConfigIssues(config: EarshotConfig): ConfigIssue[] {
  return checkAlertsConfig(config, { unknownKeys: false }).issues;
}

/** `alerts` is null when the schema itself failed. */
function checkAlertsConfig(
  config: EarshotConfig,
  options = { unknownKeys: true },
): { alerts: AlertsConfig | null; issues: ConfigIssue[] } {
  const parsed = AlertsConfigSchema.safeParse(config.alerts ?? {});
  if (!parsed.success) {
    const reported = options.unknownKeys
      ? parsed.error.issues
      : parsed.error.issues.filter((i) => i.code !== 'unrecognized_keys');
    const issues = reported.map((i) => ({
      path: ['alerts', ...i.path.map((p) => (typeof p === 'symbol' ? String(p) : p))],
      message: i.message,
    }));
    return { alerts: null, issues };
  }
  const alerts = parsed.data;
  const issues: ConfigIssue[] = [];
  const at = (path: ConfigIssue['path'], message: string) => issues.push({ path, message });
  const channelIds = new Set<string>();
  alerts.channels.forEach((c, i) => {
    if (channelIds.has(c.id)) at(['alerts', 'channels', i, 'id'], `duplicate channel "${c.id}"`);
    channelIds.add(c.id);
  });
  const ruleIds = new Set<string>();
  alerts.rules.forEach((r, i) => {
    const key = ['alerts', 'rules', i];
    const ws = workspaceOfRule(config, r.workspace);
    if (typeof ws === 'string') at([...key, 'workspace'], ws);
    else {
      if (ruleIds.has(`${ws.id}/${r.id}`)) at([...key, 'id'], `duplicate rule "${r.id}"`);
      ruleIds.add(`${ws.id}/${r.id}`);
      for (const problem of checkRuleAgainstWorkspace(r, ws, workspaceChannelIds(alerts, ws.id))) {
        // `channels.0: unknown channel "x"` → the path [..., 'channels', 0] and the message.
        const split = problem.indexOf(': ');
        const path = problem
          .slice(0, split)
          .split('.')
          .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
        at([...key, ...path], problem.slice(split + 2));
      }
    }
  });
  alerts.digest.channels?.forEach((c, i) => {
    if (!channelIds.has(c)) at(['alerts', 'digest', 'channels', i], `unknown channel "${c}"`);
  });
  return { alerts, issues };
}

function workspaceOfRule(
  config: EarshotConfig,
  id: string | undefined,
): EarshotConfig['workspaces'][number] | string {
  if (id === undefined) {
    if (config.workspaces.length === 1) return config.workspaces[0]!;
    return 'required when the config has more than one workspace';
  }
  return config.workspaces.find((w) => w.id === id) ?? `unknown workspace "${id}"`;
}

/** Problems of a rule against its workspace, each as `key: message` (used by the API too). */
export function checkRuleAgainstWorkspace(
  r: ParsedRuleInput,
  ws: EarshotConfig['workspaces'][number],
  channelIds: ReadonlySet<string>,
): string[] {
  const problems: string[] = [];
  const brand = ws.brands.find((b) => b.id === r.brand);
  if (!brand) problems.push(`brand: unknown brand "${r.brand}" in workspace "${ws.id}"`);
  else if (r.type === 'sov_shift' && brand.competitors.length === 0)
    problems.push(`type: sov_shift needs competitors for brand "${r.brand}"`);
  r.channels?.forEach((c, ci) => {
    if (!channelIds.has(c)) problems.push(`channels.${ci}: unknown channel "${c}"`);
  });
  if (r.type !== 'sov_shift' && (r.min_change !== undefined || r.direction !== undefined))
    problems.push('min_change: only sov_shift rules take min_change and direction');
  return problems;
}

/** Rule types every brand gets by default, and the id suffix of each. */
export const DEFAULT_RULE_TYPES: ReadonlyArray<[RuleType, string]> = [
  ['negative_spike', 'negative-spike'],
  ['sentiment_drop', 'sentiment-drop'],
  ['volume_spike', 'volume-spike'],
];

/**
 * The rules a brand gets without writing any: every setting from `alerts.defaults`, nothing
 * to tune (the detector adapts its windows to the brand's rate). Ids `<brand>-<type>`, cut to
 * the slug's 64 characters.
 */
export function defaultRulesFor(
  workspace: string,
  brand: string,
  _hasCompetitors: boolean,
): ParsedRuleInput[] {
  return DEFAULT_RULE_TYPES.map(([type, suffix]) => ({
    id: `${brand.slice(0, 63 - suffix.length)}-${suffix}`,
    workspace,
    brand,
    type,
  }));
}

/**
 * Default rules for every brand of the config's workspaces that has no rule of that type in
 * `taken` (rules already in force, as `workspace/brand/type`) and whose id is free.
 */
export function defaultRules(
  config: EarshotConfig,
  alerts: AlertsConfig,
  existing: readonly AlertRule[],
): AlertRule[] {
  if (!alerts.default_rules) return [];
  const types = new Set(existing.map((r) => `${r.workspace}/${r.brand}/${r.type}`));
  const ids = new Set(existing.map((r) => `${r.workspace}/${r.id}`));
  const out: AlertRule[] = [];
  for (const ws of config.workspaces)
    for (const brand of ws.brands)
      for (const input of defaultRulesFor(ws.id, brand.id, brand.competitors.length > 0)) {
        if (types.has(`${ws.id}/${brand.id}/${input.type}`) || ids.has(`${ws.id}/${input.id}`))
          continue;
        out.push(resolveRule(input, alerts.defaults, ws.id, 'default'));
      }
  return out;
}

/** Every enabled and disabled rule of the config file, resolved. */
export function configRules(config: EarshotConfig, alerts: AlertsConfig): AlertRule[] {
  return alerts.rules.map((r) => {
    const ws = workspaceOfRule(config, r.workspace);
    return resolveRule(r, alerts.defaults, typeof ws === 'string' ? '' : ws.id, 'config');
  });
}

/**
 * Channels a rule delivers to: its own list, else every channel of its workspace. Never a
 * channel of another workspace, even when a rule names one (stored before that was refused).
 */
export function channelsOf(
  rule: Pick<AlertRule, 'channels' | 'workspace'>,
  alerts: AlertsConfig,
): ChannelConfig[] {
  const wanted = rule.channels === null ? null : new Set(rule.channels);
  return alerts.channels.filter(
    (c) => channelOfWorkspace(c, rule.workspace) && (wanted === null || wanted.has(c.id)),
  );
}
