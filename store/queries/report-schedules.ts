import { ReportScheduleSchema, type ReportSchedule } from '../../core/report-schedule.ts';
import type { Store } from '../port.ts';
import { toClickHouseTime } from '../time.ts';

/** Report schedules created through the API (migration 0018), per workspace. */

let lastVersion = 0;
/** Strictly increasing per process, so two writes in one millisecond still order. */
function nextVersion(): number {
  lastVersion = Math.max(lastVersion + 1, Date.now() * 1000);
  return lastVersion;
}

export async function listStoredSchedules(
  store: Store,
  workspace: string,
): Promise<ReportSchedule[]> {
  const rows = await store.query<{ schedule: string }>(
    `SELECT schedule FROM report_schedules FINAL
     WHERE workspace = {workspace:String} AND deleted = 0 ORDER BY id`,
    { workspace },
  );
  // A row this version cannot read (a future field) is skipped rather than failing every list.
  return rows.flatMap((r) => {
    const parsed = ReportScheduleSchema.safeParse(JSON.parse(r.schedule));
    return parsed.success ? [parsed.data] : [];
  });
}

export async function saveStoredSchedule(
  store: Store,
  workspace: string,
  s: ReportSchedule,
  at: Date,
): Promise<void> {
  await store.insert('report_schedules', [
    {
      workspace,
      id: s.id,
      schedule: JSON.stringify(s),
      deleted: 0,
      updated_at: toClickHouseTime(at),
      version: nextVersion(),
    },
  ]);
}

export async function deleteStoredSchedule(
  store: Store,
  workspace: string,
  id: string,
  at: Date,
): Promise<void> {
  await store.insert('report_schedules', [
    {
      workspace,
      id,
      schedule: '{}',
      deleted: 1,
      updated_at: toClickHouseTime(at),
      version: nextVersion(),
    },
  ]);
}
