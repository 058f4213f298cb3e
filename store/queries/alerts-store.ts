import type { Store } from '../port.ts';
import { fromClickHouseTime, toClickHouseTime } from '../time.ts';

/**
 * Reads and writes of the alert tables (migration 0010). Rows are plain JSON-able objects: the
 * alerts module owns their meaning. Updates are inserts of a newer `version` (ReplacingMergeTree),
 * read back with FINAL.
 */

let lastVersion = 0;
/** Strictly increasing per process, so two writes in one millisecond still order. */
function nextVersion(): number {
  lastVersion = Math.max(lastVersion + 1, Date.now() * 1000);
  return lastVersion;
}

const time = (iso: string | null) => (iso === null ? null : toClickHouseTime(new Date(iso)));
const iso = (t: string | null) => (t === null ? null : fromClickHouseTime(t).toISOString());

// ---------------------------------------------------------------- rules created by the API

export interface StoredRule {
  workspace: string;
  id: string;
  /** The rule input as given (validated by the alerts module). */
  rule: Record<string, unknown>;
  enabled: boolean;
  created_at: string;
  updated_at: string;
}

export async function listStoredRules(store: Store, workspace?: string): Promise<StoredRule[]> {
  const rows = await store.query<{
    workspace: string;
    id: string;
    rule: string;
    enabled: boolean | number;
    created_at: string;
    updated_at: string;
  }>(
    `SELECT workspace, id, rule, enabled, created_at, updated_at
      FROM alert_rules FINAL
      WHERE deleted = 0 AND ({workspace:String} = '' OR workspace = {workspace:String})
      ORDER BY workspace, id`,
    { workspace: workspace ?? '' },
  );
  return rows.map((r) => ({
    workspace: r.workspace,
    id: r.id,
    rule: JSON.parse(r.rule) as Record<string, unknown>,
    enabled: Boolean(r.enabled),
    created_at: iso(r.created_at)!,
    updated_at: iso(r.updated_at)!,
  }));
}

export async function saveStoredRule(store: Store, r: StoredRule): Promise<void> {
  await store.insert('alert_rules', [
    {
      workspace: r.workspace,
      id: r.id,
      rule: JSON.stringify(r.rule),
      enabled: r.enabled,
      deleted: 0,
      created_at: time(r.created_at),
      updated_at: time(r.updated_at),
      version: nextVersion(),
    },
  ]);
}

export async function deleteStoredRule(
  store: Store,
  workspace: string,
  id: string,
  at: Date,
): Promise<void> {
  await store.insert('alert_rules', [
    {
      workspace,
      id,
      rule: '{}',
      enabled: false,
      deleted: 1,
      created_at: toClickHouseTime(at),
      updated_at: toClickHouseTime(at),
      version: nextVersion(),
    },
  ]);
}

// ---------------------------------------------------------------- incidents and events

export interface StoredIncident {
  workspace: string;
  id: string;
  rule_id: string;
  brand: string;
  type: string;
  state: string;
  opened_at: string;
  updated_at: string;
  resolved_at: string | null;
  last_firing_at: string;
  detection: unknown;
  peak: unknown;
  context: unknown;
  updates: number;
  acked_at: string | null;
  acked_by: string | null;
  /** Found by evaluating past windows (history), not live. */
  historical?: boolean;
}

export async function saveIncident(store: Store, i: StoredIncident): Promise<void> {
  await store.insert('alert_incidents', [
    {
      ...i,
      opened_at: time(i.opened_at),
      updated_at: time(i.updated_at),
      resolved_at: time(i.resolved_at),
      last_firing_at: time(i.last_firing_at),
      acked_at: time(i.acked_at),
      detection: JSON.stringify(i.detection),
      peak: JSON.stringify(i.peak),
      context: JSON.stringify(i.context ?? null),
      historical: i.historical ?? false,
      version: nextVersion(),
    },
  ]);
}

interface IncidentRow extends Omit<StoredIncident, 'detection' | 'peak' | 'context'> {
  detection: string;
  peak: string;
  context: string;
}

function fromRow(r: IncidentRow): StoredIncident {
  return {
    ...r,
    opened_at: iso(r.opened_at)!,
    updated_at: iso(r.updated_at)!,
    resolved_at: iso(r.resolved_at),
    last_firing_at: iso(r.last_firing_at)!,
    acked_at: iso(r.acked_at),
    updates: Number(r.updates),
    historical: [true, 1, '1', 'true'].includes(r.historical as unknown as string),
    detection: JSON.parse(r.detection) as unknown,
    peak: JSON.parse(r.peak) as unknown,
    context: JSON.parse(r.context) as unknown,
  };
}

export interface IncidentFilter {
  workspace?: string;
  brand?: string;
  /** One rule's incidents. */
  rule?: string;
  state?: string;
  /** Only incidents not resolved yet. */
  active?: boolean;
  limit?: number;
}

export async function listIncidents(store: Store, f: IncidentFilter): Promise<StoredIncident[]> {
  const rows = await store.query<IncidentRow>(
    `SELECT workspace, id, rule_id, brand, type, state, opened_at, updated_at, resolved_at,
        last_firing_at, detection, peak, context, updates, acked_at, acked_by, historical
      FROM alert_incidents FINAL
      WHERE ({workspace:String} = '' OR workspace = {workspace:String})
        AND ({brand:String} = '' OR brand = {brand:String})
        AND ({rule:String} = '' OR rule_id = {rule:String})
        AND ({state:String} = '' OR state = {state:String})
        AND (NOT {active:Bool} OR state != 'resolved')
      ORDER BY opened_at DESC, id
      LIMIT {limit:UInt32}`,
    {
      workspace: f.workspace ?? '',
      brand: f.brand ?? '',
      rule: f.rule ?? '',
      state: f.state ?? '',
      active: f.active ?? false,
      limit: f.limit ?? 100,
    },
  );
  return rows.map(fromRow);
}

export async function getIncident(
  store: Store,
  workspace: string,
  id: string,
): Promise<StoredIncident | null> {
  const rows = await store.query<IncidentRow>(
    `SELECT workspace, id, rule_id, brand, type, state, opened_at, updated_at, resolved_at,
        last_firing_at, detection, peak, context, updates, acked_at, acked_by, historical
      FROM alert_incidents FINAL
      WHERE workspace = {workspace:String} AND id = {id:String}`,
    { workspace, id },
  );
  return rows[0] ? fromRow(rows[0]) : null;
}

export interface StoredEvent {
  workspace: string;
  incident_id: string;
  kind: string;
  at: string;
  brand: string;
  rule_id: string;
  payload: unknown;
}

export async function insertEvent(store: Store, e: StoredEvent): Promise<void> {
  await store.insert('alert_events', [
    { ...e, at: time(e.at), payload: JSON.stringify(e.payload) },
  ]);
}

export async function listEvents(
  store: Store,
  workspace: string,
  incidentIds: readonly string[],
): Promise<Array<Omit<StoredEvent, 'payload'>>> {
  if (incidentIds.length === 0) return [];
  const rows = await store.query<Omit<StoredEvent, 'payload'>>(
    `SELECT workspace, incident_id, kind, at, brand, rule_id
      FROM alert_events FINAL
      WHERE workspace = {workspace:String} AND has({ids:Array(String)}, incident_id)
      ORDER BY at, kind`,
    { workspace, ids: [...incidentIds] },
  );
  return rows.map((r) => ({ ...r, at: iso(r.at)! }));
}

export interface DeliveryRecord {
  workspace: string;
  incident_id: string;
  kind: string;
  channel: string;
  status: 'delivered' | 'dead_letter';
  attempts: number;
  last_error: string;
  payload: unknown;
  at: string;
}

export async function insertDelivery(store: Store, d: DeliveryRecord): Promise<void> {
  await store.insert('alert_deliveries', [
    { ...d, at: time(d.at), payload: JSON.stringify(d.payload) },
  ]);
}

export async function listDeliveries(
  store: Store,
  workspace: string,
): Promise<Array<Omit<DeliveryRecord, 'payload'>>> {
  const rows = await store.query<Omit<DeliveryRecord, 'payload'>>(
    `SELECT workspace, incident_id, kind, channel, status, attempts, last_error, at
      FROM alert_deliveries WHERE workspace = {workspace:String} ORDER BY at`,
    { workspace },
  );
  return rows.map((r) => ({ ...r, attempts: Number(r.attempts), at: iso(r.at)! }));
}
