import type { Notice } from './notice.ts';

/**
 * Bodies each webhook kind accepts. Slack incoming webhooks take `text` plus Block Kit
 * `blocks` (Mattermost and Rocket.Chat accept the same `text`). Microsoft Teams Workflows
 * ("post to a channel when a webhook request is received") take a message with an Adaptive
 * Card attachment. The generic JSON webhook gets the notice's own body.
 */

export function slackBody(n: Notice): Record<string, unknown> {
  const text = `*${n.title}*\n${n.lines.join('\n')}`;
  return {
    text,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: n.title.slice(0, 150) } },
      { type: 'section', text: { type: 'mrkdwn', text: n.lines.join('\n').slice(0, 2900) } },
      {
        type: 'context',
        elements: n.facts.map((f) => ({ type: 'mrkdwn', text: `*${f.name}:* ${f.value}` })),
      },
    ],
  };
}

export function teamsBody(n: Notice): Record<string, unknown> {
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            { type: 'TextBlock', text: n.title, weight: 'Bolder', size: 'Medium', wrap: true },
            ...n.lines.map((l) => ({ type: 'TextBlock', text: l, wrap: true })),
            { type: 'FactSet', facts: n.facts.map((f) => ({ title: f.name, value: f.value })) },
          ],
        },
      },
    ],
  };
}

export function jsonBody(n: Notice): Record<string, unknown> {
  return { title: n.title, lines: n.lines, ...n.body };
}

export function emailText(n: Notice): { subject: string; text: string } {
  const facts = n.facts.map((f) => `${f.name}: ${f.value}`);
  return { subject: `[earshot] ${n.title}`, text: [...n.lines, '', ...facts].join('\n') };
}
