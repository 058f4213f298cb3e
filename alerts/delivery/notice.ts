import type { AlertEventKind, Incident } from '../incident.ts';

/**
 * What a channel delivers, independent of the channel: a title, short lines, facts, and the
 * machine-readable body (the generic JSON webhook sends `body` as is).
 */
export interface Notice {
  title: string;
  lines: string[];
  facts: Array<{ name: string; value: string }>;
  /** Red for open, orange for updated, green for resolved, blue for the digest. */
  color: string;
  body: Record<string, unknown>;
  /**
   * Files that go with it (a scheduled report's PDF): attached to e-mails, and base64 in the
   * generic JSON webhook's body; chat webhooks (Slack, Teams) cannot carry files and get the lines.
   */
  attachments?: Array<{ filename: string; contentType: string; content: Buffer }>;
}

export interface AlertContextLike {
  top_topics: Array<{ label: string; volume: number; negative: number }>;
  top_negative_mentions: Array<{
    id: string;
    url: string | null;
    text: string;
    engagement: number;
    author_handle: string | null;
  }>;
}

const COLORS: Record<AlertEventKind, string> = {
  open: '#d93f0b',
  updated: '#f29513',
  resolved: '#2bb673',
};

const METRIC_LABEL: Record<string, string> = {
  volume: 'mentions',
  negative_count: 'negative mentions',
  net_sentiment: 'net sentiment',
  share_of_voice: 'share of voice',
};

function fmt(x: number): string {
  return Math.abs(x) < 1 && x !== 0 ? x.toFixed(3) : String(Math.round(x * 10) / 10);
}

export function alertNotice(
  kind: AlertEventKind,
  incident: Incident,
  context: AlertContextLike | null,
): Notice {
  const d = incident.detection;
  const label = METRIC_LABEL[d.metric] ?? d.metric;
  const verb = { open: 'ALERT', updated: 'ALERT (escalated)', resolved: 'RESOLVED' }[kind];
  const title = `${verb}: ${incident.type.replace('_', ' ')} for ${incident.brand}`;
  const lines = [
    `${label}: ${fmt(d.observed)} in the ${d.window_minutes} min to ${d.window_end} vs baseline ${fmt(d.baseline)} (z = ${fmt(d.z)}, threshold ${fmt(d.threshold)})`,
  ];
  if (d.secondary)
    lines.push(
      `${d.secondary.metric.replaceAll('_', ' ')}: ${fmt(d.secondary.observed)} vs ${fmt(d.secondary.baseline)} (z = ${fmt(d.secondary.z)})`,
    );
  if (kind === 'resolved') lines.push(`quiet since ${incident.last_firing_at}`);
  if (context && context.top_topics.length > 0)
    lines.push(
      `top topics: ${context.top_topics.map((t) => `${t.label} (${t.volume})`).join(', ')}`,
    );
  for (const m of context?.top_negative_mentions.slice(0, 3) ?? [])
    lines.push(`• ${m.text.replace(/\s+/g, ' ').slice(0, 200)}${m.url ? ` ${m.url}` : ''}`);
  return {
    title,
    lines,
    facts: [
      { name: 'workspace', value: incident.workspace },
      { name: 'rule', value: incident.rule_id },
      { name: 'incident', value: incident.id },
      { name: 'opened', value: incident.opened_at },
      { name: 'baseline', value: `${d.baseline_method ?? 'n/a'} (${d.baseline_samples} samples)` },
    ],
    color: COLORS[kind],
    body: { kind: 'alert', event: kind, incident, context },
  };
}
