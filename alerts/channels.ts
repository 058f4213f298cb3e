import type { AlertsConfig, ChannelConfig } from './config.ts';

/**
 * Which alert channels a workspace may deliver to: the channels of that workspace, and the ones
 * the config gives no `workspace` (shared by every workspace, as in a one-workspace setup).
 * Rules (from the file or the API) may name only these, and delivery sends only to these, so a
 * rule of one workspace never reaches another workspace's webhook or mailbox, whatever it names.
 */
export function channelOfWorkspace(channel: ChannelConfig, workspace: string): boolean {
  return channel.workspace === undefined || channel.workspace === workspace;
}

/**
 * Ids of the channels `workspace` may name. A rule naming any other id, unknown or another
 * workspace's, gets the same "unknown channel" answer: the reply never tells which ids exist.
 */
export function workspaceChannelIds(alerts: AlertsConfig, workspace: string): Set<string> {
  return new Set(alerts.channels.filter((c) => channelOfWorkspace(c, workspace)).map((c) => c.id));
}

/** Where a workspace's weekly digest goes: `alerts.digest.channels` if set, of its own only. */
export function digestChannelsOf(alerts: AlertsConfig, workspace: string): ChannelConfig[] {
  const wanted = alerts.digest.channels;
  return alerts.channels.filter(
    (c) => channelOfWorkspace(c, workspace) && (!wanted || wanted.includes(c.id)),
  );
}
