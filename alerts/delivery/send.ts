import { createTransport } from 'nodemailer';
import { DependencyUnavailableError, describeError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import { proxiedFetch } from '../../core/proxy.ts';
import { withRetry } from '../../core/retry.ts';
import type { AlertsConfig, ChannelConfig } from '../config.ts';
import { emailText, jsonBody, slackBody, teamsBody } from './format.ts';
import type { Notice } from './notice.ts';

/**
 * Deliver a notice to one channel with retries (full-jitter backoff). A channel that keeps
 * failing — or refuses for good (4xx) — yields a dead-letter result the caller records, so an
 * alert is never lost silently. Secrets (webhook URLs, SMTP passwords) come from env vars.
 */

export interface DeliveryResult {
  channel: string;
  status: 'delivered' | 'dead_letter';
  attempts: number;
  last_error: string;
  payload: unknown;
}

/** A refusal that retrying cannot fix (bad URL, 400, 404…). */
class PermanentDeliveryError extends Error {}

export interface SendOptions {
  delivery: AlertsConfig['delivery'];
  env: Record<string, string | undefined>;
  logger: Logger;
  /** Tests; the default goes through the proxy of `env` (HTTPS_PROXY / NO_PROXY). */
  fetch?: typeof fetch;
}

export function webhookPayload(channel: ChannelConfig & { type: 'webhook' }, n: Notice) {
  return channel.format === 'slack'
    ? slackBody(n)
    : channel.format === 'teams'
      ? teamsBody(n)
      : jsonBody(n);
}

export async function sendNotice(
  channel: ChannelConfig,
  notice: Notice,
  o: SendOptions,
): Promise<DeliveryResult> {
  let attempts = 0;
  let payload: unknown = null;
  const attempt = async () => {
    attempts++;
    try {
      if (channel.type === 'webhook') {
        const url = channel.url ?? o.env[channel.url_env ?? ''];
        if (!url) throw new PermanentDeliveryError(`env var ${channel.url_env} is not set`);
        const body: Record<string, unknown> = webhookPayload(channel, notice);
        payload = body;
        const files = channel.format === 'json' ? notice.attachments : undefined;
        // The delivery record keeps the names and sizes of files, not their bytes.
        const sent = files?.length
          ? {
              ...body,
              attachments: files.map((f) => ({
                filename: f.filename,
                content_type: f.contentType,
                content_base64: f.content.toString('base64'),
              })),
            }
          : payload;
        if (files?.length)
          payload = {
            ...body,
            attachments: files.map((f) => ({ filename: f.filename, bytes: f.content.length })),
          };
        const response = await (o.fetch ?? proxiedFetch(o.env))(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(sent),
          signal: AbortSignal.timeout(o.delivery.timeout_ms),
        });
        await response.arrayBuffer().catch(() => undefined);
        if (response.ok) return;
        const why = `HTTP ${response.status}`;
        if (response.status === 429 || response.status >= 500)
          throw new DependencyUnavailableError(why);
        throw new PermanentDeliveryError(why);
      }
      const url = channel.smtp_url ?? o.env[channel.smtp_url_env ?? ''];
      if (!url) throw new PermanentDeliveryError(`env var ${channel.smtp_url_env} is not set`);
      const mail = emailText(notice);
      payload = {
        from: channel.from,
        to: channel.to,
        ...mail,
        ...(notice.attachments?.length
          ? {
              attachments: notice.attachments.map((f) => ({
                filename: f.filename,
                bytes: f.content.length,
              })),
            }
          : {}),
      };
      const u = new URL(url);
      const transport = createTransport({
        host: u.hostname,
        port: Number(u.port || (u.protocol === 'smtps:' ? 465 : 587)),
        secure: u.protocol === 'smtps:',
        ...(u.username
          ? { auth: { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } }
          : {}),
        // A local relay without TLS (tests, sidecars) must still work: STARTTLS when offered.
        ignoreTLS: u.searchParams.get('tls') === 'off',
        connectionTimeout: o.delivery.timeout_ms,
        greetingTimeout: o.delivery.timeout_ms,
        socketTimeout: o.delivery.timeout_ms,
      });
      try {
        await transport.sendMail({
          from: channel.from,
          to: channel.to,
          ...mail,
          ...(notice.attachments?.length
            ? {
                attachments: notice.attachments.map((f) => ({
                  filename: f.filename,
                  content: f.content,
                  contentType: f.contentType,
                })),
              }
            : {}),
        });
      } finally {
        transport.close();
      }
    } catch (error) {
      if (error instanceof PermanentDeliveryError || error instanceof DependencyUnavailableError)
        throw error;
      const code = (error as { responseCode?: number }).responseCode;
      // SMTP 5xx is a permanent refusal (bad recipient…); network errors and 4xx are transient.
      if (typeof code === 'number' && code >= 500)
        throw new PermanentDeliveryError(describeError(error));
      throw new DependencyUnavailableError(describeError(error), { cause: error });
    }
  };
  try {
    await withRetry(attempt, {
      attempts: o.delivery.attempts,
      baseDelayMs: o.delivery.base_delay_ms,
      maxDelayMs: o.delivery.max_delay_ms,
      onRetry: (error, n, delayMs) =>
        o.logger.warn({
          event: 'alert_delivery_retry',
          channel: channel.id,
          attempt: n,
          delay_ms: delayMs,
          err: describeError(error),
        }),
    });
    return { channel: channel.id, status: 'delivered', attempts, last_error: '', payload };
  } catch (error) {
    o.logger.error({
      event: 'alert_dead_letter',
      channel: channel.id,
      attempts,
      err: describeError(error),
    });
    return {
      channel: channel.id,
      status: 'dead_letter',
      attempts,
      last_error: describeError(error),
      payload,
    };
  }
}
