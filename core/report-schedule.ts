import { z } from 'zod';
import { floorTo } from './time-zone.ts';

/**
 * Scheduled reports of a workspace (`workspaces[].reports` in earshot.config.yaml, or created
 * through `PUT /v1/report-schedules/{id}`): every week (Monday to Monday) or month (the 1st to
 * the 1st), in the workspace's reporting time zone, sent when the period is over to alert
 * channels of the workspace (e-mail with the PDF attached, webhooks with it or a link).
 */

const Id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'a lowercase id like "monday-report"');

export const ReportScheduleSchema = z
  .object({
    id: Id,
    /** weekly: the week from Monday 00:00 to Monday 00:00; monthly: the calendar month. */
    every: z.enum(['weekly', 'monthly']),
    /** One brand: its brand report; more: a comparison, the first being the reference. */
    brands: z.array(Id).min(1).max(20),
    /** Alert channel ids of the workspace (`alerts.channels`). */
    channels: z.array(Id).min(1).max(20),
    /**
     * attach: the PDF goes with the e-mail (and in a JSON webhook's body, base64); link: a link
     * to `GET /v1/reports/…` for the period instead (needs REPORTS_PUBLIC_URL).
     */
    pdf: z.enum(['attach', 'link']).default('attach'),
  })
  .strict();
export type ReportSchedule = z.infer<typeof ReportScheduleSchema>;

/** The last complete period of a schedule at `now`, in `tz`: [from, to). */
export function lastCompletePeriod(
  every: ReportSchedule['every'],
  now: Date,
  tz: string,
): { from: Date; to: Date } {
  if (every === 'weekly') {
    const to = floorTo(now.getTime(), { unit: 'week', tz });
    const from = floorTo(to - 3_600_000, { unit: 'week', tz });
    return { from: new Date(from), to: new Date(to) };
  }
  // The 1st of this month at local midnight: walk back day by day from today's midnight.
  const startOfMonth = (ms: number): number => {
    let day = floorTo(ms, { unit: 'day', tz });
    const local = (t: number) =>
      Number(new Intl.DateTimeFormat('en-US', { timeZone: tz, day: 'numeric' }).format(t));
    while (local(day) !== 1) day = floorTo(day - 3_600_000, { unit: 'day', tz });
    return day;
  };
  const to = startOfMonth(now.getTime());
  const from = startOfMonth(to - 3_600_000);
  return { from: new Date(from), to: new Date(to) };
}
