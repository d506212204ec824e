/**
 * Local stand-ins for the alert receivers (node:http on 127.0.0.1, port 0),
 * implementing each one's request/response contract closely enough that a
 * sink passing against them speaks the real protocol:
 *  - Slack incoming webhook: 200 "ok"; 400 invalid_payload / no_text /
 *    invalid_blocks; 404 no_service for an unknown hook path.
 *  - PagerDuty Events v2 enqueue: 202 {status, message, dedup_key}; 400
 *    {status: "invalid event", message, errors}; dedup like PagerDuty (one
 *    incident per dedup_key while it is open).
 *  - A generic webhook that verifies X-Sift-Signature (its own HMAC code,
 *    not Sift's, so a symmetric bug cannot pass).
 * Every receiver records what it got and switches mode at runtime.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ReceiverMode =
  | { readonly kind: 'up' }
  /** Server closed: connections are refused. */
  | { readonly kind: 'down' }
  | { readonly kind: 'slow'; readonly delayMs: number }
  | { readonly kind: 'error500'; readonly count: number }
  | { readonly kind: 'rate-limited'; readonly retryAfterS: number; readonly count: number };

export interface Recorded {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** The answer given (including injected failures). */
  readonly status: number;
}

export interface Answer {
  readonly status: number;
  readonly body: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface Receiver {
  /** The URL a sink is configured with. */
  readonly url: string;
  readonly port: number;
  readonly requests: Recorded[];
  setMode(mode: ReceiverMode): Promise<void>;
  /** Resolves once `n` requests were answered with a 2xx. */
  waitForAccepted(n: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function listen(server: Server, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

async function shut(server: Server): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
}

/** The mode machinery shared by the three receivers; `handle` is the receiver's own contract. */
async function createReceiver(pathForUrl: string, handle: (path: string, headers: IncomingHttpHeaders, body: string) => Answer): Promise<Receiver> {
  let mode: ReceiverMode = { kind: 'up' };
  let left = 0;
  const requests: Recorded[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const onRequest = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req);
    const path = req.url ?? '/';
    let answer: Answer;
    if ((mode.kind === 'error500' || mode.kind === 'rate-limited') && left > 0) {
      left -= 1;
      answer = mode.kind === 'error500' ? { status: 500, body: 'internal_error' } : { status: 429, body: 'rate_limited', headers: { 'retry-after': String(mode.retryAfterS) } };
      if (left === 0) mode = { kind: 'up' };
    } else {
      if (mode.kind === 'slow') {
        const delay = mode.delayMs;
        await new Promise<void>((resolve) => {
          const t = setTimeout(() => (timers.delete(t), resolve()), delay);
          timers.add(t);
        });
      }
      answer = handle(path, req.headers, body);
    }
    requests.push({ path, headers: req.headers, body, status: answer.status });
    if (res.destroyed) return;
    res.writeHead(answer.status, { 'content-type': answer.body.startsWith('{') ? 'application/json' : 'text/html', ...answer.headers });
    res.end(answer.body);
  };
  const server = createServer((req, res) => void onRequest(req, res).catch(() => res.destroy()));
  const port = await listen(server, 0);
  const accepted = (): number => requests.filter((r) => r.status >= 200 && r.status < 300).length;
  return {
    url: `http://127.0.0.1:${port}${pathForUrl}`,
    port,
    requests,
    async setMode(next) {
      if (next.kind === 'down') await shut(server);
      else if (!server.listening) await listen(server, port);
      mode = next;
      left = next.kind === 'error500' || next.kind === 'rate-limited' ? next.count : 0;
    },
    async waitForAccepted(n, timeoutMs = 5000) {
      const until = Date.now() + timeoutMs;
      while (accepted() < n) {
        if (Date.now() > until) throw new Error(`receiver got ${accepted()} accepted requests, wanted ${n}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      await shut(server);
    },
  };
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export const SLACK_HOOK_PATH = '/services/T0TEST0001/B0TEST0002/s3cr3tS1ackT0kenAbcdefgh';

export async function createSlackReceiver(hookPath: string = SLACK_HOOK_PATH): Promise<Receiver & { messages(): Record<string, unknown>[] }> {
  const messages: Record<string, unknown>[] = [];
  const r = await createReceiver(hookPath, (path, _headers, body) => {
    if (path !== hookPath) return { status: 404, body: 'no_service' };
    const msg = parseJson(body);
    if (!isObject(msg)) return { status: 400, body: 'invalid_payload' };
    const blocks = msg.blocks;
    if (typeof msg.text !== 'string' && blocks === undefined) return { status: 400, body: 'no_text' };
    if (blocks !== undefined) {
      if (!Array.isArray(blocks) || blocks.length > 50) return { status: 400, body: 'invalid_blocks' };
      for (const b of blocks) {
        const text = isObject(b) && isObject(b.text) ? b.text.text : undefined;
        const max = isObject(b) && b.type === 'header' ? 150 : 3000;
        if (!isObject(b) || (typeof text === 'string' && text.length > max)) return { status: 400, body: 'invalid_blocks' };
      }
    }
    messages.push(msg);
    return { status: 200, body: 'ok' };
  });
  return { ...r, messages: () => messages };
}

export interface Incident {
  status: 'triggered' | 'acknowledged' | 'resolved';
  events: number;
  severity: string;
}

const PD_SEVERITIES = new Set(['critical', 'error', 'warning', 'info']);

function pdErrors(ev: unknown, routingKey: string): string[] {
  if (!isObject(ev)) return ['Event object is invalid'];
  const errors: string[] = [];
  if (ev.routing_key !== routingKey) errors.push(typeof ev.routing_key === 'string' && ev.routing_key.length === 32 ? 'Invalid routing key' : "Length of 'routing_key' is incorrect (should be 32 characters)");
  if (!['trigger', 'acknowledge', 'resolve'].includes(String(ev.event_action))) errors.push("'event_action' is invalid (must be one of the following: 'trigger', 'acknowledge' or 'resolve')");
  if (ev.dedup_key !== undefined && (typeof ev.dedup_key !== 'string' || ev.dedup_key.length > 255)) errors.push("'dedup_key' is invalid");
  if (ev.event_action !== 'trigger') return errors;
  const p = ev.payload;
  if (!isObject(p)) return [...errors, "'payload' is missing or blank"];
  if (typeof p.summary !== 'string' || p.summary === '' || p.summary.length > 1024) errors.push("'payload.summary' is missing, blank or longer than 1024");
  if (typeof p.source !== 'string' || p.source === '') errors.push("'payload.source' is missing or blank");
  if (!PD_SEVERITIES.has(String(p.severity))) errors.push("'payload.severity' is invalid (must be one of the following: 'critical', 'warning', 'error' or 'info')");
  if (p.timestamp !== undefined && Number.isNaN(Date.parse(String(p.timestamp)))) errors.push("'payload.timestamp' is invalid");
  return errors;
}

export const PD_ROUTING_KEY = 'R0UT1NGKEYs3cr3tABCDEFGHIJKLMNOP';

export async function createPagerDutyReceiver(routingKey: string = PD_ROUTING_KEY): Promise<Receiver & { incidents: Map<string, Incident>; incidentsCreated(): number }> {
  const incidents = new Map<string, Incident>();
  let created = 0;
  const r = await createReceiver('/v2/enqueue', (path, _headers, body) => {
    if (path !== '/v2/enqueue') return { status: 404, body: '{"status":"not found"}' };
    const ev = parseJson(body);
    const errors = pdErrors(ev, routingKey);
    if (errors.length > 0 || !isObject(ev)) return { status: 400, body: JSON.stringify({ status: 'invalid event', message: 'Event object is invalid', errors }) };
    const key = typeof ev.dedup_key === 'string' ? ev.dedup_key : `generated-${created + 1}`;
    const open = incidents.get(key);
    const severity = isObject(ev.payload) ? String(ev.payload.severity) : '';
    if (ev.event_action === 'trigger') {
      if (open !== undefined && open.status !== 'resolved') open.events += 1;
      else {
        incidents.set(key, { status: 'triggered', events: 1, severity });
        created += 1;
      }
    } else if (open !== undefined && open.status !== 'resolved') {
      open.status = ev.event_action === 'resolve' ? 'resolved' : 'acknowledged';
    }
    return { status: 202, body: JSON.stringify({ status: 'success', message: 'Event processed', dedup_key: key }) };
  });
  return { ...r, incidents, incidentsCreated: () => created };
}

export const WEBHOOK_SECRET = 'whsec-s3cr3t-0123456789abcdef';

/** The receiver's own check of the documented scheme: HMAC-SHA256(secret, `${ts}.${body}`), ts within 5 minutes. */
function signatureValid(secret: string, headers: IncomingHttpHeaders, body: string, nowMs: number): boolean {
  const ts = headers['x-sift-timestamp'];
  const sig = headers['x-sift-signature'];
  if (typeof ts !== 'string' || typeof sig !== 'string' || Math.abs(nowMs / 1000 - Number(ts)) > 300) return false;
  const want = Buffer.from(`sha256=${createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex')}`);
  const got = Buffer.from(sig);
  return want.length === got.length && timingSafeEqual(want, got);
}

export async function createWebhookReceiver(secret: string = WEBHOOK_SECRET, now: () => number = Date.now): Promise<Receiver & { verified(): unknown[] }> {
  const verified: unknown[] = [];
  const r = await createReceiver('/hooks/sift', (path, headers, body) => {
    if (path !== '/hooks/sift') return { status: 404, body: 'not found' };
    if (!signatureValid(secret, headers, body, now())) return { status: 401, body: 'bad signature' };
    verified.push(parseJson(body));
    return { status: 200, body: 'accepted' };
  });
  return { ...r, verified: () => verified };
}
