import type { Producer } from 'kafkajs';
import { sleep } from '../live.js';
import { fill, probeEvent } from './traffic.js';

/**
 * Produces pooled Okta traffic at a steady rate until stopped: every 10 ms it
 * sends what the schedule says is due (rate × elapsed, so it catches up
 * rather than drifts). With `probeEveryMs`, the first record of a tick that
 * is due for a probe is a probe event; `onProbe` gets its id and the wall
 * clock just before it is handed to the producer.
 */
export interface FeedOptions {
  producer: Producer;
  topic: string;
  rate: number;
  pool: readonly string[];
  /** Prefix of event ids, unique per run. */
  runId: string;
  probeEveryMs?: number;
  onProbe?: (id: string, producedAt: number) => void;
}

export interface Feed {
  /** Ends the feed; resolves with the events sent once every send is acknowledged. */
  stop(): Promise<number>;
  sent(): number;
  /** Sends that failed (the broker refused or was unreachable). */
  failed(): number;
}

const TICK_MS = 10;

export function startFeed(o: FeedOptions): Feed {
  let stopped = false;
  let sent = 0;
  let failed = 0;
  let probes = 0;
  const pending = new Set<Promise<unknown>>();
  const loop = (async (): Promise<void> => {
    const from = Date.now();
    let nextProbe = from + (o.probeEveryMs ?? Infinity);
    for (let tick = 1; !stopped; tick++) {
      const now = Date.now();
      const due = Math.floor(((now - from) * o.rate) / 1000) - sent;
      if (due > 0) {
        const at = new Date(now);
        const messages: { value: string }[] = [];
        if (now >= nextProbe) {
          nextProbe += o.probeEveryMs ?? Infinity;
          const id = `probe-${o.runId}-${probes++}`;
          messages.push({ value: probeEvent(id, at) });
          o.onProbe?.(id, Date.now());
        }
        while (messages.length < due) messages.push({ value: fill(o.pool[(sent + messages.length) % o.pool.length] as string, at, `${o.runId}-${sent + messages.length}`) });
        sent += due;
        const p = o.producer.send({ topic: o.topic, acks: -1, messages }).catch(() => {
          failed += messages.length;
        });
        pending.add(p);
        void p.finally(() => pending.delete(p));
      }
      await sleep(Math.max(0, from + tick * TICK_MS - Date.now()));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      await Promise.all(pending);
      return sent;
    },
    sent: () => sent,
    failed: () => failed,
  };
}
