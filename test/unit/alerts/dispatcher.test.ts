import { afterEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../../src/alerts/alert.js';
import { createDispatcher, createTokenBucket, SinkError, SinkReason, type AlertSink, type Dispatcher, type DispatcherOptions, type Route } from '../../../src/alerts/dispatch/index.js';
import { createPagerDutySink } from '../../../src/alerts/sinks/pagerduty.js';
import { createSlackSink } from '../../../src/alerts/sinks/slack.js';
import { createWebhookSink } from '../../../src/alerts/sinks/webhook.js';
import { createPagerDutyReceiver, createSlackReceiver, createWebhookReceiver, PD_ROUTING_KEY, WEBHOOK_SECRET, type Receiver } from '../../helpers/receivers.js';
import { captureLogger, LOCAL_POLICY, makeAlert, until } from './fixtures.js';

interface Recorder {
  delivered: string[];
  retries: string[];
  failed: string[];
  dead: { alert: Alert; sink: string; reason: string; code: SinkReason }[];
}

const receivers: Receiver[] = [];
const dispatchers: Dispatcher[] = [];
afterEach(async () => {
  await Promise.all(dispatchers.splice(0).map((d) => d.drain(0)));
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

function dispatcher(routes: Route[], extra: Partial<DispatcherOptions> = {}): { d: Dispatcher; rec: Recorder } {
  const rec: Recorder = { delivered: [], retries: [], failed: [], dead: [] };
  const d = createDispatcher({
    routes,
    log: captureLogger().log,
    retry: { initialMs: 5, maxMs: 20, attempts: 4 },
    dlq: (alert, sink, reason, code) => void rec.dead.push({ alert, sink, reason, code }),
    hooks: {
      onDelivered: (sink) => rec.delivered.push(sink),
      onRetry: (sink, reason) => rec.retries.push(`${sink}:${reason}`),
      onFailed: (sink, reason) => rec.failed.push(`${sink}:${reason}`),
    },
    ...extra,
  });
  dispatchers.push(d);
  return { d, rec };
}

async function slack(): Promise<{ rx: Awaited<ReturnType<typeof createSlackReceiver>>; sink: AlertSink }> {
  const rx = await createSlackReceiver();
  receivers.push(rx);
  return { rx, sink: createSlackSink({ name: 'slack', url: rx.url, policy: LOCAL_POLICY, timeoutMs: 200 }) };
}

async function pagerduty(routingKey = PD_ROUTING_KEY): Promise<{ rx: Awaited<ReturnType<typeof createPagerDutyReceiver>>; sink: AlertSink }> {
  const rx = await createPagerDutyReceiver();
  receivers.push(rx);
  return { rx, sink: createPagerDutySink({ name: 'pd', routingKey, url: rx.url, policy: LOCAL_POLICY }) };
}

/** A fake clock advanced only by the dispatcher's own sleeps: time-based behaviour, counted. */
function fakeTime(): { now: () => number; sleep: (ms: number) => Promise<void>; sleeps: number[] } {
  let t = 0;
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleeps,
    sleep: async (ms) => {
      sleeps.push(ms);
      t += ms;
    },
  };
}

/** A sink whose sends stay pending until released. */
function blockedSink(name = 'blocked'): AlertSink & { release(): void; sent: string[] } {
  const sent: string[] = [];
  let releases: (() => void)[] = [];
  return {
    name,
    kind: 'webhook',
    sent,
    release: () => (releases.forEach((r) => r()), (releases = [])),
    send: (alert, signal) =>
      new Promise<void>((resolve, reject) => {
        sent.push(alert.id);
        releases.push(resolve);
        signal.addEventListener('abort', () => reject(new SinkError(name, SinkReason.Aborted, 'aborted', { retryable: false })));
      }),
  };
}

describe('dispatcher retries and dead letters', () => {
  it('retries after 500s, then delivers', async () => {
    const { rx, sink } = await slack();
    await rx.setMode({ kind: 'error500', count: 2 });
    const { d, rec } = dispatcher([{ sink }]);
    d.submit([makeAlert()]);
    await until(() => rec.delivered.length === 1);
    expect(rx.requests.map((r) => r.status)).toEqual([500, 500, 200]);
    expect(rec.retries).toEqual(['slack:server_error', 'slack:server_error']);
    expect(rec.dead).toEqual([]);
  });

  it('honours Retry-After: the next attempt waits at least that long', async () => {
    const { rx, sink } = await slack();
    await rx.setMode({ kind: 'rate-limited', retryAfterS: 3, count: 1 });
    const time = fakeTime();
    const { d, rec } = dispatcher([{ sink }], { now: time.now, sleep: time.sleep, random: () => 0 });
    d.submit([makeAlert()]);
    await until(() => rec.delivered.length === 1);
    expect(rec.retries).toEqual(['slack:rate_limited']);
    expect(time.sleeps.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(3000);
  });

  it('sends a permanent 400 to the DLQ without retrying', async () => {
    const { rx, sink } = await pagerduty('WRONGKEYWRONGKEYWRONGKEYWRONGKEY');
    const { d, rec } = dispatcher([{ sink }]);
    const alert = makeAlert();
    d.submit([alert]);
    await until(() => rec.dead.length === 1);
    expect(rx.requests).toHaveLength(1);
    expect(rec.retries).toEqual([]);
    expect(rec.dead[0]).toMatchObject({ sink: 'pd', code: SinkReason.Rejected, alert: { id: alert.id } });
    expect(rec.dead[0]?.reason).toContain('HTTP 400');
    expect(rec.failed).toEqual(['pd:rejected']);
  });

  it('dead-letters after the retry budget when the receiver is down', async () => {
    const { rx, sink } = await slack();
    await rx.setMode({ kind: 'down' });
    const { d, rec } = dispatcher([{ sink }]);
    d.submit([makeAlert()]);
    await until(() => rec.dead.length === 1);
    expect(rec.retries).toEqual(['slack:network', 'slack:network', 'slack:network']);
    expect(rec.dead[0]?.code).toBe(SinkReason.Network);
    expect(rec.dead[0]?.reason).toContain('gave up after 4 attempts');
  });

  it('retries a timed-out request against a slow receiver', async () => {
    const { rx, sink } = await slack();
    await rx.setMode({ kind: 'slow', delayMs: 1000 });
    const retries: string[] = [];
    const { d, rec } = dispatcher([{ sink }], {
      hooks: {
        onRetry: (_s, reason) => (retries.push(reason), void rx.setMode({ kind: 'up' })),
        onDelivered: (s) => rec.delivered.push(s),
      },
    });
    d.submit([makeAlert()]);
    await until(() => rec.delivered.length === 1);
    expect(retries).toEqual([SinkReason.Timeout]);
    expect(rx.messages()).toHaveLength(1);
  });

  it('dead-letters a sink bug (non-SinkError) without retries or its message', async () => {
    const sink: AlertSink = { name: 'buggy', kind: 'webhook', send: async () => Promise.reject(new TypeError('secret-in-message')) };
    const { d, rec } = dispatcher([{ sink }]);
    d.submit([makeAlert()]);
    await until(() => rec.dead.length === 1);
    expect(rec.dead[0]).toMatchObject({ code: SinkReason.Internal });
    expect(rec.dead[0]?.reason).not.toContain('secret-in-message');
  });
});

describe('dispatcher pacing and isolation', () => {
  it('respects the rate limit: at most one send per second (counted on an injected clock)', async () => {
    const time = fakeTime();
    const at: number[] = [];
    const sink: AlertSink = { name: 'paced', kind: 'slack', send: async () => void at.push(time.now()) };
    const { d } = dispatcher([{ sink, rate: { perSecond: 1, burst: 1 } }], { now: time.now, sleep: time.sleep });
    d.submit([1, 2, 3, 4, 5].map(() => makeAlert()));
    await until(() => at.length === 5);
    for (const t of at) expect(at.filter((u) => u >= t && u < t + 1000)).toHaveLength(1);
    expect(at[4]).toBeGreaterThanOrEqual(4000);
  });

  it('token bucket: burst, then the sustained rate', () => {
    let t = 0;
    const bucket = createTokenBucket({ perSecond: 2, burst: 3 }, () => t);
    expect([bucket.take(), bucket.take(), bucket.take()]).toEqual([0, 0, 0]);
    expect(bucket.take()).toBe(500);
    t += 500;
    expect(bucket.take()).toBe(0);
    t += 10_000;
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([0, 0, 0, 500]);
  });

  it.each([
    ['down', { kind: 'down' }],
    ['slow', { kind: 'slow', delayMs: 3000 }],
  ] as const)('a %s Slack does not delay PagerDuty', async (_label, mode) => {
    const s = await slack();
    const p = await pagerduty();
    await s.rx.setMode(mode);
    const { d, rec } = dispatcher([{ sink: s.sink }, { sink: p.sink }], { retry: { initialMs: 200, maxMs: 1000, attempts: 5 } });
    const started = Date.now();
    d.submit([makeAlert(), makeAlert(), makeAlert()]);
    await until(() => rec.delivered.length === 3, 2000);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(rec.delivered).toEqual(['pd', 'pd', 'pd']);
    expect(p.rx.incidentsCreated()).toBe(3);
    expect(d.pending().slack).toBe(3);
  });

  it('submit returns at once even while a sink hangs', () => {
    const sink = blockedSink();
    const { d } = dispatcher([{ sink }]);
    const started = performance.now();
    d.submit(Array.from({ length: 200 }, () => makeAlert()));
    expect(performance.now() - started).toBeLessThan(100);
    expect(d.pending()).toEqual({ blocked: 200 });
  });

  it('a full queue sends its oldest alerts to the DLQ with reason "queue full"', async () => {
    const sink = blockedSink();
    const { d, rec } = dispatcher([{ sink, queueSize: 2 }]);
    const alerts = [1, 2, 3, 4, 5].map(() => makeAlert());
    d.submit(alerts);
    await until(() => sink.sent.length === 1);
    expect(sink.sent).toEqual([alerts[0]?.id]);
    expect(rec.dead.map((x) => [x.alert.id, x.reason])).toEqual([
      [alerts[1]?.id, 'queue full'],
      [alerts[2]?.id, 'queue full'],
    ]);
    expect(rec.failed).toEqual(['blocked:queue_full', 'blocked:queue_full']);
    sink.release();
    await until(() => rec.delivered.length === 1 && sink.sent.length === 2);
  });

  it('runs up to `concurrency` sends at once', async () => {
    const sink = blockedSink();
    const { d } = dispatcher([{ sink, concurrency: 3 }]);
    d.submit([1, 2, 3, 4, 5].map(() => makeAlert()));
    await until(() => sink.sent.length === 3);
    await new Promise((r) => setTimeout(r, 20));
    expect(sink.sent).toHaveLength(3);
  });
});

describe('dispatcher routing and shutdown', () => {
  it('sends each alert to every matching route', async () => {
    const a = blockedSink('a');
    const b = blockedSink('b');
    const c = blockedSink('c');
    const { d } = dispatcher([
      { sink: a, filter: { minSeverity: 'high' } },
      { sink: b, filter: { includeRules: ['okta.*'], excludeRules: ['okta.noisy'] } },
      { sink: c, concurrency: 4 },
    ]);
    d.submit([makeAlert({ severity: 'medium', ruleId: 'okta.x' }), makeAlert({ severity: 'critical', ruleId: 'github.y' }), makeAlert({ ruleId: 'okta.noisy' })]);
    await until(() => a.sent.length + b.sent.length + c.sent.length === 5);
    expect([a.sent.length, b.sent.length, c.sent.length]).toEqual([1, 1, 3]);
    expect(d.pending()).toEqual({ a: 2, b: 1, c: 3 });
  });

  it('drain delivers what it can, then dead-letters the rest as shutdown', async () => {
    const sink = blockedSink();
    const { d, rec } = dispatcher([{ sink }]);
    d.submit([makeAlert(), makeAlert(), makeAlert()]);
    const result = await d.drain(30);
    expect(result).toEqual({ drained: false, abandoned: 3 });
    expect(rec.dead.map((x) => x.code)).toEqual([SinkReason.Shutdown, SinkReason.Shutdown, SinkReason.Shutdown]);
    d.submit([makeAlert()]);
    expect(rec.dead).toHaveLength(4);
  });

  it('drain resolves as soon as the lanes are empty', async () => {
    const rx = await createWebhookReceiver();
    receivers.push(rx);
    const sink = createWebhookSink({ name: 'hook', url: rx.url, secret: WEBHOOK_SECRET, policy: LOCAL_POLICY });
    const { d, rec } = dispatcher([{ sink }]);
    d.submit([makeAlert(), makeAlert()]);
    expect(await d.drain(5000)).toEqual({ drained: true, abandoned: 0 });
    expect(rec.delivered).toEqual(['hook', 'hook']);
  });

  it('refuses duplicate sink names', () => {
    expect(() => createDispatcher({ routes: [{ sink: blockedSink('x') }, { sink: blockedSink('x') }], log: captureLogger().log, dlq: () => undefined })).toThrow(/used twice/);
  });
});

describe('dispatcher shutdown with a sink that ignores its signal', () => {
  it('does not hang drain', async () => {
    const sink: AlertSink = { name: 'stuck', kind: 'webhook', send: () => new Promise<void>(() => undefined) };
    const { d } = dispatcher([{ sink }]);
    d.submit([makeAlert()]);
    const started = Date.now();
    expect(await d.drain(10)).toEqual({ drained: false, abandoned: 1 });
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
