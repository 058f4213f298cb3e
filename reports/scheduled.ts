import { describeError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { lastCompletePeriod, type ReportSchedule } from '../core/report-schedule.ts';
import type { EarshotConfig, WorkspaceConfig } from '../core/workspace-config.ts';
import { digestChannelsOf, channelOfWorkspace } from '../alerts/channels.ts';
import { parseAlertsConfig, type AlertsConfig } from '../alerts/config.ts';
import { buildDigest, digestNotice } from '../alerts/digest.ts';
import type { Notice } from '../alerts/delivery/notice.ts';
import { sendNotice, type DeliveryResult } from '../alerts/delivery/send.ts';
import type { Store } from '../store/port.ts';
import { digestTopTopics, digestTotals } from '../store/queries/alerts-digest.ts';
import { insertDelivery, listDeliveries } from '../store/queries/alerts-store.ts';
import type { EngagementWeights } from '../store/queries/metrics.ts';
import { listStoredSchedules } from '../store/queries/report-schedules.ts';
import { brandReportData, compareReportData, type ReportPeriod } from './data.ts';
import { renderReport } from './html.ts';
import { PdfUnavailableError } from './pdf.ts';
import type { ReportPrinter } from './print.ts';

/**
 * Scheduled reports: when a schedule's period is over (the week to Monday 00:00, the month to
 * the 1st, in the workspace's time zone), its report is made and sent to its channels, once per
 * channel and period (a delivery record `report.<id>.<period start>` marks it sent, so a restart
 * or a second tick sends nothing twice; a channel that failed is tried again at the next tick).
 *
 * The weekly digest is one of them: a workspace whose alert channels take the digest
 * (`alerts.digest`) has a `digest` schedule, weekly, over all its brands. Every report's
 * message carries the digest's lines (volume, net sentiment and share of voice against the
 * previous period, top topics) for its brands, and the PDF.
 */

export interface ScheduledRunOptions {
  store: Store;
  config: EarshotConfig;
  logger: Logger;
  env: Record<string, string | undefined>;
  now: Date;
  /** Prints the PDF as the API does: the dashboard's print view (reports/print.ts). */
  printer: ReportPrinter;
  weights?: EngagementWeights;
  /** `REPORTS_PUBLIC_URL`: where links of `pdf: link` schedules point (the API's address). */
  publicUrl?: string;
  /** Send these even if already sent for this period (`earshot reports send`, the API's send). */
  only?: { workspace: string; id: string; force?: boolean };
  /** Make the messages without the file and send nothing (`earshot alerts digest --dry-run`). */
  dryRun?: boolean;
}

export interface ScheduledResult {
  workspace: string;
  schedule: string;
  period: { from: string; to: string };
  deliveries: DeliveryResult[];
  /** With `dryRun`: what would be sent, and to which channels. */
  preview?: { title: string; lines: string[]; channels: string[] };
}

/** The digest's schedule of a workspace, when its alert channels take the digest. */
export function digestSchedule(alerts: AlertsConfig, ws: WorkspaceConfig): ReportSchedule | null {
  if (!alerts.digest.enabled) return null;
  const channels = digestChannelsOf(alerts, ws.id).map((c) => c.id);
  if (channels.length === 0) return null;
  return {
    id: 'digest',
    every: 'weekly',
    brands: ws.brands.map((b) => b.id),
    channels,
    pdf: 'attach',
  };
}

/** Every schedule of a workspace: the file's, the API's, and the digest's. */
export async function schedulesOf(
  store: Store,
  config: EarshotConfig,
  ws: WorkspaceConfig,
): Promise<Array<ReportSchedule & { origin: 'config' | 'api' | 'digest' }>> {
  const alerts = parseAlertsConfig(config);
  const own = (ws.reports ?? []).map((r) => ({ ...r, origin: 'config' as const }));
  const stored = (await listStoredSchedules(store, ws.id))
    .filter((s) => !own.some((o) => o.id === s.id))
    .map((s) => ({ ...s, origin: 'api' as const }));
  const digest = digestSchedule(alerts, ws);
  return [...own, ...stored, ...(digest ? [{ ...digest, origin: 'digest' as const }] : [])];
}

const fmtDay = (d: Date, tz: string) =>
  new Intl.DateTimeFormat('en', {
    timeZone: tz,
    month: 'short',
    day: 'numeric',
    year: 'numeric',
  }).format(d);

/** The message: the digest's lines for the schedule's brands, then the file or its link. */
async function reportNotice(
  o: ScheduledRunOptions,
  ws: WorkspaceConfig,
  s: ReportSchedule,
  period: ReportPeriod,
): Promise<{ notice: Notice; file: string }> {
  const span = period.to.getTime() - period.from.getTime();
  const prevFrom = new Date(period.from.getTime() - span);
  const scoped: WorkspaceConfig = {
    ...ws,
    brands: s.brands.map((id) => ws.brands.find((b) => b.id === id)!).filter(Boolean),
  };
  const digest = buildDigest(
    scoped,
    period.from,
    period.to,
    await digestTotals(o.store, ws.id, period.from, period.to),
    await digestTotals(o.store, ws.id, prevFrom, period.from),
    await digestTopTopics(o.store, ws.id, period.from, period.to),
  );
  const base = digestNotice(digest);
  const label = s.every === 'weekly' ? 'Weekly' : 'Monthly';
  const title = `${label} ${s.id === 'digest' ? 'digest' : 'report'}: ${ws.name} (${fmtDay(period.from, period.tz)} – ${fmtDay(new Date(period.to.getTime() - 1), period.tz)})`;
  const query = `from=${period.from.toISOString()}&to=${period.to.toISOString()}&interval=1d&tz=${encodeURIComponent(period.tz)}`;
  const path =
    s.brands.length === 1
      ? `/v1/reports/brands/${s.brands[0]}?${query}`
      : `/v1/reports/compare?brands=${s.brands.join(',')}&${query}`;
  const file = `${ws.id}-${s.id}-${period.from.toISOString().slice(0, 10)}`;
  const notice: Notice = {
    ...base,
    title,
    facts: [...base.facts, { name: 'report', value: s.id }],
    body: { ...base.body, kind: 'report', schedule: s.id, every: s.every, report_path: path },
  };
  if (s.pdf === 'link') {
    const link = o.publicUrl ? `${o.publicUrl.replace(/\/$/, '')}${path}` : null;
    if (link === null)
      throw new Error(`report "${s.id}" sends a link, but REPORTS_PUBLIC_URL is not set`);
    notice.lines = [...notice.lines, '', `The report: ${link} (with your API key)`];
    notice.body = { ...notice.body, report_url: link };
    return { notice, file };
  }
  if (o.dryRun) return { notice, file };
  const input = {
    store: o.store,
    workspace: ws,
    period,
    ...(o.weights ? { weights: o.weights } : {}),
  };
  const html = async () =>
    renderReport(
      s.brands.length === 1
        ? await brandReportData(input, s.brands[0]!)
        : await compareReportData(input, s.brands),
      { generatedAt: o.now },
    );
  try {
    // The same print as `GET /v1/reports/…`: the dashboard's page, printed.
    const pdf = await o.printer.pdf({
      workspace: ws.id,
      kind: s.brands.length === 1 ? 'brand' : 'compare',
      brands: s.brands,
      from: period.from,
      to: period.to,
      tz: period.tz,
      html,
    });
    notice.attachments = [
      { filename: `${file}.pdf`, contentType: 'application/pdf', content: pdf },
    ];
  } catch (error) {
    if (!(error instanceof PdfUnavailableError)) throw error;
    // No browser here: the same report as HTML, and the reason in the message.
    o.logger.warn({ event: 'report_pdf_unavailable', schedule: s.id, err: error.message });
    notice.lines = [
      ...notice.lines,
      '',
      `(PDF unavailable: ${error.message}. The report is attached as HTML.)`,
    ];
    notice.attachments = [
      {
        filename: `${file}.html`,
        contentType: 'text/html; charset=utf-8',
        content: Buffer.from(await html()),
      },
    ];
  }
  return { notice, file };
}

/** Make and send the reports whose period is over and not yet sent (or `only` one, now). */
export async function runScheduledReports(o: ScheduledRunOptions): Promise<ScheduledResult[]> {
  const alerts = parseAlertsConfig(o.config);
  const out: ScheduledResult[] = [];
  for (const ws of o.config.workspaces) {
    if (o.only && o.only.workspace !== ws.id) continue;
    const tz = ws.timezone ?? 'UTC';
    // A channel is done for a period once delivered, or once it was tried and dead-lettered after
    // its retries (as for alerts: a broken channel is not sent the same report every hour of the
    // week). A report that could not be made (attempts 0) is tried again on the next run.
    const delivered = new Set(
      (await listDeliveries(o.store, ws.id))
        .filter(
          (d) =>
            d.kind === 'report' &&
            (d.status === 'delivered' || (d.status === 'dead_letter' && d.attempts > 0)),
        )
        .map((d) => `${d.incident_id}|${d.channel}`),
    );
    for (const s of await schedulesOf(o.store, o.config, ws)) {
      if (o.only && o.only.id !== s.id) continue;
      const { from, to } = lastCompletePeriod(s.every, o.now, tz);
      const key = `report.${s.id}.${from.toISOString()}`;
      // Only the workspace's own channels, whatever a schedule names (tenancy, as for rules).
      const channels = alerts.channels.filter(
        (c) => s.channels.includes(c.id) && channelOfWorkspace(c, ws.id),
      );
      const pending = channels.filter((c) => o.only?.force || !delivered.has(`${key}|${c.id}`));
      if (pending.length === 0) continue;
      const period: ReportPeriod = {
        from,
        to,
        intervalMs: 86_400_000,
        calendar: { unit: 'day', tz },
        tz,
        now: o.now,
      };
      const result: ScheduledResult = {
        workspace: ws.id,
        schedule: s.id,
        period: { from: from.toISOString(), to: to.toISOString() },
        deliveries: [],
      };
      let notice: Notice;
      let file: string;
      try {
        ({ notice, file } = await reportNotice(o, ws, s, period));
      } catch (error) {
        // Nothing to send: every channel records the reason (a dead letter, never silence).
        for (const c of pending) {
          const r: DeliveryResult = {
            channel: c.id,
            status: 'dead_letter',
            attempts: 0,
            last_error: describeError(error),
            payload: null,
          };
          result.deliveries.push(r);
          await insertDelivery(o.store, {
            workspace: ws.id,
            incident_id: key,
            kind: 'report',
            ...r,
            at: new Date().toISOString(),
          });
        }
        o.logger.error({
          event: 'report_failed',
          workspace: ws.id,
          schedule: s.id,
          err: describeError(error),
        });
        out.push(result);
        continue;
      }
      if (o.dryRun) {
        result.preview = {
          title: notice.title,
          lines: [...notice.lines, '', `(the report would be attached: ${file}.pdf)`],
          channels: pending.map((c) => c.id),
        };
        out.push(result);
        continue;
      }
      for (const c of pending) {
        const r = await sendNotice(c, notice, {
          delivery: alerts.delivery,
          env: o.env,
          logger: o.logger,
        });
        result.deliveries.push(r);
        await insertDelivery(o.store, {
          workspace: ws.id,
          incident_id: key,
          kind: 'report',
          ...r,
          at: new Date().toISOString(),
        });
      }
      // Unknown channel ids are said, not skipped in silence.
      for (const id of s.channels.filter((id) => !channels.some((c) => c.id === id)))
        o.logger.warn({
          event: 'report_unknown_channel',
          workspace: ws.id,
          schedule: s.id,
          channel: id,
        });
      o.logger.info({
        event: 'report_sent',
        workspace: ws.id,
        schedule: s.id,
        channels: pending.length,
      });
      out.push(result);
    }
  }
  return out;
}
