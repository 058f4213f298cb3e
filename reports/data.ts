import type { Calendar } from '../core/time-zone.ts';
import type { WorkspaceConfig } from '../core/workspace-config.ts';
import type { Store } from '../store/port.ts';
import { listIncidents, type StoredIncident } from '../store/queries/alerts-store.ts';
import { brandHealth } from '../store/queries/brand-health.ts';
import { compareBrands } from '../store/queries/compare.ts';
import { mentionFeed, type ApiMention } from '../store/queries/mentions.ts';
import type { EngagementWeights } from '../store/queries/metrics.ts';
import { brandTopics } from '../store/queries/topics.ts';

/**
 * What a report shows, read from the same queries as the API and the dashboard (so a report
 * and the page it summarises agree to the mention): a brand's KPIs against the previous period,
 * its series, mix, top topics, most engaged positive and negative mentions and the alerts of
 * the period; or a comparison with its verdicts.
 */

export interface ReportPeriod {
  from: Date;
  to: Date;
  intervalMs: number;
  calendar: Calendar | null;
  tz: string;
  /** When asked: a period still running compares the same elapsed part of the previous one. */
  now: Date;
}

export interface ReportInput {
  store: Store;
  workspace: WorkspaceConfig;
  period: ReportPeriod;
  weights?: EngagementWeights;
}

const TOP_MENTIONS = 5;

/** Incidents of these brands opened in the period, or still open during it. */
async function periodAlerts(
  store: Store,
  workspace: string,
  brands: string[],
  p: ReportPeriod,
): Promise<StoredIncident[]> {
  const all = await listIncidents(store, { workspace, limit: 1_000 });
  return all.filter(
    (i) =>
      brands.includes(i.brand) &&
      Date.parse(i.opened_at) < p.to.getTime() &&
      (i.resolved_at === null || Date.parse(i.resolved_at) >= p.from.getTime()),
  );
}

export async function brandReportData(input: ReportInput, brandId: string) {
  const { store, workspace: ws, period: p } = input;
  const brand = ws.brands.find((b) => b.id === brandId)!;
  const filters = { workspace: ws.id, brand: brandId, from: p.from, to: p.to };
  const mostEngaged = (sentiment: 'pos' | 'neg') =>
    mentionFeed(
      store,
      { ...filters, sentiment },
      { limit: TOP_MENTIONS, cursor: null, sort: 'engagement' },
    );
  const [health, topics, positive, negative, alerts] = await Promise.all([
    brandHealth(store, {
      ...filters,
      intervalSeconds: p.intervalMs / 1000,
      calendar: p.calendar,
      ...(input.weights ? { weights: input.weights } : {}),
      now: p.now,
    }),
    brandTopics(store, filters, { limit: 10, minVolume: 5, now: p.now }),
    mostEngaged('pos'),
    mostEngaged('neg'),
    periodAlerts(store, ws.id, [brandId], p),
  ]);
  return {
    kind: 'brand' as const,
    workspace: { id: ws.id, name: ws.name },
    brand: { id: brand.id, name: brand.name, color: brand.color ?? null },
    period: p,
    health,
    topics: topics.top,
    positive: positive.mentions,
    negative: negative.mentions,
    alerts,
  };
}

export async function compareReportData(input: ReportInput, brandIds: string[]) {
  const { store, workspace: ws, period: p } = input;
  const brands = brandIds.map((id) => {
    const b = ws.brands.find((x) => x.id === id)!;
    return { id: b.id, name: b.name, color: b.color ?? null };
  });
  const [compare, alerts] = await Promise.all([
    compareBrands(store, {
      workspace: ws.id,
      brands,
      from: p.from,
      to: p.to,
      intervalSeconds: p.intervalMs / 1000,
      calendar: p.calendar,
      ...(input.weights ? { weights: input.weights } : {}),
      now: p.now,
    }),
    periodAlerts(store, ws.id, brandIds, p),
  ]);
  return {
    kind: 'compare' as const,
    workspace: { id: ws.id, name: ws.name },
    brands,
    period: p,
    compare,
    alerts,
  };
}

export type BrandReport = Awaited<ReturnType<typeof brandReportData>>;
export type CompareReport = Awaited<ReturnType<typeof compareReportData>>;
export type Report = BrandReport | CompareReport;
export type { ApiMention };
