import { z } from 'zod';
import type { WorkspaceConfig } from '../core/workspace-config.ts';
import type { StoredRule } from '../store/queries/alerts-store.ts';
import { workspaceChannelIds } from './channels.ts';
import { AlertRuleInputSchema, checkRuleAgainstWorkspace, type AlertsConfig } from './config.ts';

/**
 * A rule written through the API: what a body may hold, what is wrong with it against the
 * caller's workspace (each problem at its field, so a form can show it there), and what is
 * stored. The HTTP layer (api/routes/alerts.ts) turns problems into status codes.
 */

export type RuleInput = z.infer<typeof AlertRuleInputSchema>;

/**
 * PATCH: any field of a rule except its id, as a JSON merge patch (RFC 7396): a field given
 * replaces the stored one, `null` removes it (the rule takes `alerts.defaults` again), a field
 * left out stays. Without `null` a form could not clear a window it had set.
 */
const field = AlertRuleInputSchema.shape;
export const RulePatchSchema = z
  .object({
    workspace: field.workspace,
    brand: field.brand.optional(),
    type: field.type.optional(),
    window: field.window.unwrap().nullable().optional(),
    sensitivity: field.sensitivity.unwrap().nullable().optional(),
    min_volume: field.min_volume.unwrap().nullable().optional(),
    cooldown: field.cooldown.unwrap().nullable().optional(),
    min_change: field.min_change.unwrap().nullable().optional(),
    direction: field.direction.unwrap().nullable().optional(),
    filters: field.filters.unwrap().nullable().optional(),
    channels: field.channels.unwrap().nullable().optional(),
    enabled: field.enabled,
  })
  .strict();

/** One bad field: `parameter` is its path in the body (`window`, `channels.0`). */
export interface FieldProblem {
  parameter: string;
  message: string;
}

/**
 * Problems of a schema-valid rule against the workspace: unknown brand, a type the brand cannot
 * have, fields of another type. Only this workspace's channels may be named: another
 * workspace's is "unknown", like an id that does not exist.
 */
export function ruleProblems(
  input: RuleInput,
  ws: WorkspaceConfig,
  alerts: AlertsConfig,
): FieldProblem[] {
  return checkRuleAgainstWorkspace(input, ws, workspaceChannelIds(alerts, ws.id)).map((p) => {
    // `channels.0: unknown channel "x"` → the field and the message.
    const [parameter, ...rest] = p.split(': ');
    return { parameter: parameter!, message: rest.join(': ') };
  });
}

/**
 * What is stored for a rule: the body as given (durations stay "15m", defaults stay unapplied,
 * so a later change of `alerts.defaults` reaches it), without `workspace`: that is the key's.
 */
export function storedRuleBody(body: unknown): Record<string, unknown> {
  const { workspace: _ignored, ...raw } = body as Record<string, unknown>;
  return raw;
}

/**
 * A stored rule with a merge patch applied (`RulePatchSchema`): the fields given replace the
 * stored ones, `null` removes one.
 */
export function patchedRuleBody(current: StoredRule, patch: unknown): Record<string, unknown> {
  const merged: Record<string, unknown> = {
    ...current.rule,
    enabled: current.enabled,
    ...(patch as Record<string, unknown>),
    id: current.id,
  };
  return Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== null));
}
