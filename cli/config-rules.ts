import { z } from 'zod';
import { alertsConfigIssues, AlertsConfigSchema } from '../alerts/config.ts';
import type { ConfigIssue, ConfigRules, EarshotConfig } from '../core/workspace-config.ts';
import { parseQuery, QuerySyntaxError } from '../enrich/match/index.ts';
import { RefreshConfigSchema } from '../ingest/refresh/config.ts';
import { SOURCES } from '../ingest/registry.ts';

/**
 * Everything `earshot.config.yaml` is checked against when a process loads it: unknown keys in
 * every section (each source's options with its `refresh:`, the alerts section), every watch
 * query parsed, every alert rule against its workspace. A process that would fail on any of
 * these later fails at load instead, naming the file and line, before it opens anything.
 */
export const CONFIG_RULES: ConfigRules = {
  sources: Object.fromEntries(
    SOURCES.map((d) => [
      d.source,
      // The runtime reads `refresh:` beside the connector's own options.
      z.intersection(d.schema, z.object({ refresh: RefreshConfigSchema })),
    ]),
  ),
  alerts: AlertsConfigSchema,
  checks: [watchQueryIssues, alertsConfigIssues],
};

/** Each brand's watch query parsed; an error points at the character in the query. */
export function watchQueryIssues(config: EarshotConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  config.workspaces.forEach((ws, wi) => {
    ws.brands.forEach((brand, bi) => {
      try {
        parseQuery(brand.query);
      } catch (error) {
        if (!(error instanceof QuerySyntaxError)) throw error;
        issues.push({
          path: ['workspaces', wi, 'brands', bi, 'query'],
          message: `invalid watch query of brand "${ws.id}/${brand.id}": ${error.message} (expected ${error.expected})`,
          offset: error.position,
        });
      }
    });
  });
  return issues;
}
