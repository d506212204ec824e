/**
 * Slack incoming webhooks (https://api.slack.com/messaging/webhooks): one
 * POST of a Block Kit message per alert. Slack answers 200 "ok"; 429 with
 * Retry-After when rate limited (about one message per second per hook);
 * 400 invalid_payload, 403 action_prohibited, 404 no_service or
 * channel_not_found, 410 channel_is_archived are permanent; 5xx are not.
 *
 * Limits respected (Block Kit reference): 50 blocks, 3000 characters per
 * section text, 10 fields of 2000, header 150, button URL 3000.
 *
 * Event values (user names, actions) are attacker-influenced: they are
 * escaped so that a user named `<!channel>` cannot ping a whole channel.
 */
import type { Alert } from '../alert.js';
import { summarizeAlert, truncate, type AlertSummary } from '../dispatch/summary.js';
import { SinkError, SinkReason, type AlertSink } from '../dispatch/sink.js';
import { createOutboundClient, redactUrl, urlSecrets, type OutboundPolicy, type Resolver } from '../outbound/index.js';
import { postJson } from './http.js';

export const SLACK_LIMITS = { blocks: 50, sectionText: 3000, fieldText: 2000, fields: 10, header: 150, buttonUrl: 3000, fallback: 3000 } as const;

const EMOJI: Readonly<Record<Alert['severity'], string>> = {
  low: ':large_blue_circle:',
  medium: ':large_yellow_circle:',
  high: ':large_orange_circle:',
  critical: ':red_circle:',
};

interface TextObject {
  readonly type: 'plain_text' | 'mrkdwn';
  readonly text: string;
  readonly emoji?: boolean;
}

export type SlackBlock =
  | { readonly type: 'header'; readonly text: TextObject }
  | { readonly type: 'section'; readonly text?: TextObject; readonly fields?: readonly TextObject[] }
  | { readonly type: 'actions'; readonly elements: readonly { type: 'button'; text: TextObject; url: string; action_id: string }[] }
  | { readonly type: 'context'; readonly elements: readonly TextObject[] };

export interface SlackMessage {
  /** Notification and screen-reader fallback; Slack shows blocks when present. */
  readonly text: string;
  readonly blocks: readonly SlackBlock[];
}

/** Slack's mrkdwn control characters (https://api.slack.com/reference/surfaces/formatting#escaping). */
export function slackEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function md(text: string, max: number = SLACK_LIMITS.sectionText): TextObject {
  return { type: 'mrkdwn', text: truncate(text, max) };
}

function field(label: string, value: string | undefined): TextObject | undefined {
  if (value === undefined) return undefined;
  return md(`*${label}*\n${slackEscape(value)}`, SLACK_LIMITS.fieldText);
}

function timeRange(s: AlertSummary): string | undefined {
  if (s.firstEvent === undefined) return s.lastEvent;
  return s.lastEvent === undefined || s.lastEvent === s.firstEvent ? s.firstEvent : `${s.firstEvent} → ${s.lastEvent}`;
}

/** The Block Kit message for one alert. Pure, for tests and `sift alerts preview`. */
export function slackMessage(alert: Alert): SlackMessage {
  const s = summarizeAlert(alert);
  const title = `${EMOJI[s.severity]} ${s.ruleName}`;
  const fields = [
    field('Severity', s.severity.toUpperCase()),
    field('Risk score', s.riskScore === undefined ? undefined : String(s.riskScore)),
    field('Who', s.who),
    field('Where', s.where),
    field('What', s.what),
    field('Events', s.count === undefined ? undefined : String(s.count)),
    field('When', timeRange(s)),
  ].filter((f): f is TextObject => f !== undefined);
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(title, SLACK_LIMITS.header), emoji: true } },
    { type: 'section', text: md(slackEscape(s.message)) },
  ];
  if (fields.length > 0) blocks.push({ type: 'section', fields: fields.slice(0, SLACK_LIMITS.fields) });
  if (s.runbook !== undefined) {
    // Room for the label: the whole text object must stay within 3000.
    blocks.push({ type: 'section', text: md(`*Runbook*\n${truncate(slackEscape(s.runbook), SLACK_LIMITS.sectionText - 20)}`) });
  }
  if (s.kibanaUrl !== undefined && s.kibanaUrl.length <= SLACK_LIMITS.buttonUrl && /^https?:\/\//.test(s.kibanaUrl)) {
    blocks.push({ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open in Kibana' }, url: s.kibanaUrl, action_id: 'sift_open_kibana' }] });
  }
  blocks.push({ type: 'context', elements: [md(`rule \`${slackEscape(s.ruleId)}\` · alert \`${alert.id.slice(0, 16)}\``)] });
  const text = truncate(`[${s.severity.toUpperCase()}] ${s.ruleName}: ${s.message}`, SLACK_LIMITS.fallback);
  return { text: slackEscape(text), blocks: blocks.slice(0, SLACK_LIMITS.blocks) };
}

export interface SlackSinkOptions {
  readonly name: string;
  /** The incoming-webhook URL: a credential. */
  readonly url: string;
  readonly policy: OutboundPolicy;
  readonly timeoutMs?: number;
  readonly resolve?: Resolver;
}

export function createSlackSink(opts: SlackSinkOptions): AlertSink {
  const client = createOutboundClient({ sink: opts.name, policy: opts.policy, ...(opts.resolve ? { resolve: opts.resolve } : {}) });
  const secrets = urlSecrets(opts.url);
  return {
    name: opts.name,
    kind: 'slack',
    async send(alert, signal) {
      const body = JSON.stringify(slackMessage(alert));
      const res = await postJson({ client, sink: opts.name, url: opts.url, body, timeoutMs: opts.timeoutMs ?? 10_000, secrets }, signal);
      // A 2xx that is not Slack's "ok" came from something else (a proxy's page): not delivered.
      if (res.text.trim() !== 'ok') {
        throw new SinkError(opts.name, SinkReason.BadResponse, `alert sink "${opts.name}": ${redactUrl(opts.url)} answered HTTP ${res.status} without "ok"`, { retryable: false, status: res.status });
      }
    },
    close: () => client.close(),
  };
}
