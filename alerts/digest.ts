import type { WorkspaceConfig } from '../core/workspace-config.ts';
import type { DigestBrandTotals } from '../store/queries/alerts-digest.ts';
import type { Notice } from './delivery/notice.ts';

/**
 * The weekly digest's lines: per brand, volume, net sentiment and share of voice against the
 * previous period, and the top topics. Pure; the digest is sent as the `digest` scheduled
 * report (reports/scheduled.ts), whose message starts with these lines for its brands.
 */

export interface DigestBrand {
  brand: string;
  name: string;
  volume: number;
  previous_volume: number;
  volume_change_pct: number | null;
  net_sentiment: number | null;
  net_sentiment_delta: number | null;
  share_of_voice: number | null;
  share_of_voice_delta: number | null;
  top_topics: string[];
}

export interface Digest {
  workspace: string;
  from: string;
  to: string;
  brands: DigestBrand[];
}

const net = (t: DigestBrandTotals | undefined) => {
  const s = t ? t.positive + t.neutral + t.negative : 0;
  return t && s > 0 ? (t.positive - t.negative) / s : null;
};
const r4 = (x: number | null) => (x === null ? null : Math.round(x * 10_000) / 10_000);

/**
 * Pure: this week's and last week's totals → the digest. Share of voice is against the
 * brand's competitor set (brand / (brand + competitors)), as in the compare view.
 */
export function buildDigest(
  ws: WorkspaceConfig,
  from: Date,
  to: Date,
  current: DigestBrandTotals[],
  previous: DigestBrandTotals[],
  topics: Array<{ brand: string; label: string }>,
): Digest {
  const cur = new Map(current.map((t) => [t.brand, t]));
  const prev = new Map(previous.map((t) => [t.brand, t]));
  const sov = (m: Map<string, DigestBrandTotals>, brand: string, competitors: string[]) => {
    if (competitors.length === 0) return null;
    const own = m.get(brand)?.volume ?? 0;
    const all = own + competitors.reduce((s, c) => s + (m.get(c)?.volume ?? 0), 0);
    return all === 0 ? null : own / all;
  };
  return {
    workspace: ws.id,
    from: from.toISOString(),
    to: to.toISOString(),
    brands: ws.brands.map((b) => {
      const v = cur.get(b.id)?.volume ?? 0;
      const pv = prev.get(b.id)?.volume ?? 0;
      const n = net(cur.get(b.id));
      const pn = net(prev.get(b.id));
      const s = sov(cur, b.id, b.competitors);
      const ps = sov(prev, b.id, b.competitors);
      return {
        brand: b.id,
        name: b.name,
        volume: v,
        previous_volume: pv,
        volume_change_pct: pv === 0 ? null : r4(((v - pv) / pv) * 100),
        net_sentiment: r4(n),
        net_sentiment_delta: n === null || pn === null ? null : r4(n - pn),
        share_of_voice: r4(s),
        share_of_voice_delta: s === null || ps === null ? null : r4(s - ps),
        top_topics: topics.filter((t) => t.brand === b.id).map((t) => t.label),
      };
    }),
  };
}

export function digestNotice(d: Digest): Notice {
  const pct = (x: number | null) => (x === null ? 'n/a' : `${x > 0 ? '+' : ''}${x.toFixed(1)} %`);
  const pts = (x: number | null) =>
    x === null ? 'n/a' : `${x > 0 ? '+' : ''}${(x * 100).toFixed(1)} pts`;
  return {
    title: `Weekly digest: ${d.workspace} (${d.from.slice(0, 10)} – ${d.to.slice(0, 10)})`,
    lines: d.brands.map(
      (b) =>
        `${b.name}: ${b.volume} mentions (${pct(b.volume_change_pct)}), net sentiment ${b.net_sentiment ?? 'n/a'} (${pts(b.net_sentiment_delta)}), share of voice ${b.share_of_voice === null ? 'n/a' : `${(b.share_of_voice * 100).toFixed(1)} %`} (${pts(b.share_of_voice_delta)})${b.top_topics.length ? `; topics: ${b.top_topics.join(', ')}` : ''}`,
    ),
    facts: [{ name: 'workspace', value: d.workspace }],
    color: '#4f7cff',
    body: { kind: 'digest', ...d },
  };
}
