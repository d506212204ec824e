/**
 * Keyed mode's event-time reorder (src/rules/runtime/reorder.ts), alone:
 * per-source FIFO queues merged by event time, released once every other
 * expected source has an event waiting, a watermark at or past the event, or
 * is idle; forced past maxEvents; replayed keyed offsets ignored;
 * begin/rollback/settle; oldest(). Then one small run through a threshold
 * rule's windows, to show what the reorder is for.
 *
 * Every expected release order is written out by hand as the event ids, in
 * the order the reorder should hand them to the windows.
 */
import { describe, expect, it } from 'vitest';
import { createEngine, createReorder, type Detection, type KeyedInput, type Reorder, type SourceMark } from '../../src/rules/index.js';
import { at, compile, ruleText, sourceBatch, vendorIds } from '../helpers/keyed-sim.js';

const A = 'sift.raw.okta/0';
const B = 'sift.raw.okta/1';
const C = 'sift.raw.aws/0';
/** A source partition that delivers here but is not in the expected set. */
const X = 'sift.raw.gcp/5';

/** A keyed event of `source` at event time `time` (ms): the reorder reads only its source, time and future flag. */
function ev(id: string, source: string, time: number, extra: { future?: true } = {}): KeyedInput {
  return {
    key: '["alice"]',
    dataset: 'test.reorder',
    time,
    watermark: Number.isFinite(time) ? time : -Infinity,
    rules: [{ id: 'r', fingerprint: 'f', mask: 1 }],
    event: { '@timestamp': '2026-03-02T09:00:00.000Z', event: { kind: 'event', dataset: 'test.reorder', module: 'test' } },
    id,
    source,
    ...extra,
  };
}

const mark = (source: string, watermark: number, idle = false): SourceMark => ({ source, watermark, idle });

/** A keyed partition in arrival order: each record takes the next keyed offset, from 0. */
function partition(maxEvents = 1000, expected: readonly string[] = [A, B, C]): { r: Reorder; push(...e: KeyedInput[]): void; mark(...m: SourceMark[]): void; release(): string[] } {
  const r = createReorder(maxEvents);
  r.expect(new Set(expected));
  let offset = 0n;
  return {
    r,
    push(...events) {
      for (const e of events) r.push(e, offset++);
    },
    mark(...marks) {
      r.mark(marks, offset++);
    },
    release() {
      const out = r.release();
      expect(out.forced).toBe(0);
      return out.inputs.map((i) => i.id);
    },
  };
}

describe('three sources with interleaved event times', () => {
  it('releases in event time, each event once every other expected source has an event waiting, a watermark at or past it, or is idle', () => {
    const p = partition();
    // A backlog arrives one source's fetch at a time.
    p.push(ev('a1', A, 10), ev('a2', A, 40), ev('a3', A, 70));
    expect(p.release()).toEqual([]); // B and C not heard from
    p.push(ev('b1', B, 20), ev('b2', B, 50));
    expect(p.release()).toEqual([]); // C not heard from
    p.push(ev('c1', C, 30), ev('c2', C, 60));
    // Every source has an event waiting up to b2; c2 (60) then waits for B, which has nothing queued.
    expect(p.release()).toEqual(['a1', 'b1', 'c1', 'a2', 'b2']);
    expect(p.r.size).toBe(2);
    // B's watermark reaches c2's time exactly (>=): c2 goes; a3 (70) is past it.
    p.mark(mark(B, 60));
    expect(p.release()).toEqual(['c2']);
    // a3 waits for B (watermark 60) and C (nothing queued, watermark unknown).
    expect(p.release()).toEqual([]);
    // B idle, C's watermark past 70.
    p.mark(mark(B, 60, true), mark(C, 75));
    expect(p.release()).toEqual(['a3']);
    expect(p.r.size).toBe(0);
    expect(p.r.oldest()).toBeUndefined();
  });

  it('a watermark below the event holds it; a non-idle marker ends idleness; a later lower watermark does not move a source back', () => {
    const p = partition(1000, [A, B]);
    p.mark(mark(B, 100));
    p.push(ev('a1', A, 100), ev('a2', A, 101));
    expect(p.release()).toEqual(['a1']);
    p.mark(mark(B, 100, true));
    expect(p.release()).toEqual(['a2']);
    // B had a batch (no longer idle) whose marker says 50: older news, B's watermark stays 100.
    p.mark(mark(B, 50));
    p.push(ev('a3', A, 90), ev('a4', A, 102));
    expect(p.release()).toEqual(['a3']);
  });

  it('equal event times: the source heard from first goes first', () => {
    const p = partition(1000, [A, B]);
    p.mark(mark(B, 0)); // B heard from before A
    p.push(ev('a1', A, 10), ev('b1', B, 10));
    // b1 goes (A has a1 waiting); a1 then waits for B (watermark 0, nothing queued).
    expect(p.release()).toEqual(['b1']);
    p.mark(mark(B, 10));
    expect(p.release()).toEqual(['a1']);
  });
});

describe('expected sources', () => {
  it('a source not yet heard from holds everything back, whatever the others say of themselves', () => {
    const p = partition(1000, [A, B]);
    p.push(ev('a1', A, 10), ev('a2', A, 20));
    p.mark(mark(A, 20, true));
    expect(p.release()).toEqual([]);
    expect(p.r.size).toBe(2);
    expect(p.r.oldest()).toBe(0n);
    // B's first word: a watermark past both.
    p.mark(mark(B, 25));
    expect(p.release()).toEqual(['a1', 'a2']);
  });

  it('a source not in the expected set does not hold back; added to the set, it does', () => {
    const p = partition(1000, [A]);
    p.mark(mark(X, 0)); // known, far behind, not idle: not expected
    p.push(ev('a1', A, 10));
    expect(p.release()).toEqual(['a1']);
    // Its events still merge in event time with the expected sources'.
    p.push(ev('x1', X, 15), ev('a2', A, 20));
    expect(p.release()).toEqual(['x1', 'a2']);

    p.r.expect(new Set([A, X]));
    p.push(ev('a3', A, 30));
    expect(p.release()).toEqual([]);
    p.r.expect(new Set([A]));
    expect(p.release()).toEqual(['a3']);
  });
});

describe('events without a usable time', () => {
  it('an event with no time (NaN) or future-dated waits only for its own source’s earlier events', () => {
    const p = partition(1000, [A, B]);
    p.push(ev('a1', A, 10), ev('aNaN', A, NaN));
    p.push(ev('bFuture', B, 5, { future: true }), ev('bNaN', B, NaN), ev('b1', B, 20));
    // B's two go at once (nothing of B before them); aNaN stays behind a1, which waits for B (b1 queued: passes).
    // Then b1 (20) waits for A: nothing queued, nothing said.
    expect(p.release()).toEqual(['bFuture', 'bNaN', 'a1', 'aNaN']);
    p.push(ev('aFuture', A, 1e15, { future: true }));
    expect(p.release()).toEqual(['aFuture']);
    expect(p.r.size).toBe(1);
  });

  it('it goes even while another expected source has not been heard from, unless its own source’s earlier event is held', () => {
    const p = partition(1000, [A, B]);
    p.push(ev('aNaN', A, NaN), ev('aFuture', A, 7, { future: true }), ev('a1', A, 10), ev('aNaN2', A, NaN));
    // B not heard from: a1 waits, and aNaN2 behind it.
    expect(p.release()).toEqual(['aNaN', 'aFuture']);
    p.mark(mark(B, 10));
    expect(p.release()).toEqual(['a1', 'aNaN2']);
  });
});

describe('per-source FIFO', () => {
  it('a late event stays behind its own source’s earlier events', () => {
    const p = partition(1000, [A, B]);
    p.push(ev('a1', A, 50), ev('aLate', A, 10));
    p.push(ev('b1', B, 20), ev('b2', B, 60));
    // aLate (10) is older than b1 (20) but comes after a1 (50) in A's order.
    expect(p.release()).toEqual(['b1', 'a1', 'aLate']);
    expect(p.release()).toEqual([]); // b2 waits for A
    p.mark(mark(A, 50, true));
    expect(p.release()).toEqual(['b2']);
  });
});

describe('bounded by maxEvents', () => {
  it('past maxEvents waiting, the earliest head goes anyway, counted as forced', () => {
    const r = createReorder(3);
    r.expect(new Set([A, B]));
    r.push(ev('a1', A, 10), 0n);
    r.push(ev('a2', A, 20), 1n);
    r.push(ev('a3', A, 30), 2n);
    expect(r.release()).toEqual({ inputs: [], forced: 0 }); // 3 waiting: not past 3
    r.push(ev('a4', A, 40), 3n);
    let out = r.release();
    expect(out.inputs.map((i) => i.id)).toEqual(['a1']);
    expect(out.forced).toBe(1);
    expect(r.size).toBe(3);
    // B's first event, earlier than all of A's: released by the rule (A has one waiting), not forced.
    r.push(ev('b1', B, 5), 4n);
    out = r.release();
    expect(out.inputs.map((i) => i.id)).toEqual(['b1']);
    expect(out.forced).toBe(0);
    r.push(ev('a5', A, 50), 5n);
    r.push(ev('a6', A, 60), 6n);
    out = r.release();
    expect(out.inputs.map((i) => i.id)).toEqual(['a2', 'a3']);
    expect(out.forced).toBe(2);
    expect(r.size).toBe(3);
    expect(r.oldest()).toBe(3n);
  });

  it('counts only the events that went because the buffer was full', () => {
    const r = createReorder(1);
    r.expect(new Set([A, B]));
    r.push(ev('b1', B, 5), 0n);
    r.push(ev('a1', A, 10), 1n);
    r.push(ev('a2', A, 20), 2n);
    // b1: A has one waiting (not forced). a1: B has nothing; 2 waiting > 1: forced. a2: 1 waiting: held.
    const out = r.release();
    expect(out.inputs.map((i) => i.id)).toEqual(['b1', 'a1']);
    expect(out.forced).toBe(1);
    expect(r.size).toBe(1);
  });
});

describe('replayed keyed offsets', () => {
  it('a push or mark at or below the last offset taken is ignored', () => {
    const r = createReorder(1000);
    r.expect(new Set([A, B]));
    r.push(ev('a1', A, 10), 5n);
    r.push(ev('a1-again', A, 10), 5n);
    r.push(ev('a0', A, 1), 3n);
    expect(r.size).toBe(1);
    r.mark([mark(B, 100, true)], 4n); // before a1's offset: already taken before
    r.mark([mark(B, 100, true)], 5n);
    expect(r.release()).toEqual({ inputs: [], forced: 0 });
    r.mark([mark(B, 100, true)], 6n);
    expect(r.release().inputs.map((i) => i.id)).toEqual(['a1']);
    // Offset 6 was the marker: an event there is a replay.
    r.push(ev('a2', A, 20), 6n);
    expect(r.size).toBe(0);
    r.push(ev('a2', A, 20), 7n);
    expect(r.release().inputs.map((i) => i.id)).toEqual(['a2']);
  });
});

describe('begin / rollback / settle', () => {
  /** a1, b1 released before the batch; a2 waiting (offset 2). */
  function settled(): Reorder {
    const r = createReorder(1000);
    r.expect(new Set([A, B]));
    r.push(ev('a1', A, 10), 0n);
    r.push(ev('b1', B, 20), 1n);
    r.push(ev('a2', A, 30), 2n);
    expect(r.release().inputs.map((i) => i.id)).toEqual(['a1', 'b1']);
    r.settle();
    return r;
  }

  it('rollback returns to begin: pushed events gone, released ones back, marks and new sources undone; the same offsets are then taken again', () => {
    const r = settled();
    r.begin();
    r.push(ev('b2', B, 40), 3n);
    expect(r.release().inputs.map((i) => i.id)).toEqual(['a2']);
    r.mark([mark(A, 30, true)], 4n);
    r.push(ev('x1', X, 35), 5n);
    expect(r.release().inputs.map((i) => i.id)).toEqual(['x1', 'b2']);
    expect(r.size).toBe(0);
    expect(r.oldest()).toBeUndefined();

    r.rollback();
    expect(r.size).toBe(1);
    expect(r.oldest()).toBe(2n);
    // A's idle mark is undone, B has nothing queued: a2 waits again.
    expect(r.release()).toEqual({ inputs: [], forced: 0 });

    // kafkajs fetches the batch again.
    r.begin();
    r.push(ev('b2', B, 40), 3n);
    r.mark([mark(A, 30, true)], 4n);
    r.push(ev('x1', X, 35), 5n);
    expect(r.size).toBe(3);
    expect(r.release().inputs.map((i) => i.id)).toEqual(['a2', 'x1', 'b2']);
    r.settle();
    expect(r.size).toBe(0);
  });

  it('rollback of a batch that added a source forgets it: a source not heard from again', () => {
    const r = createReorder(1000);
    r.expect(new Set([A, B]));
    r.push(ev('a1', A, 10), 0n);
    r.settle();
    r.begin();
    r.mark([mark(B, 50)], 1n);
    expect(r.release().inputs.map((i) => i.id)).toEqual(['a1']);
    r.rollback();
    expect(r.release().inputs).toEqual([]);
    expect(r.oldest()).toBe(0n);
  });

  it('settle keeps the state; a rollback after it changes nothing', () => {
    const r = settled();
    r.begin();
    r.push(ev('b2', B, 40), 3n);
    expect(r.release().inputs.map((i) => i.id)).toEqual(['a2']);
    r.settle();
    expect(r.size).toBe(1);
    expect(r.oldest()).toBe(3n);
    r.rollback();
    expect(r.size).toBe(1);
    expect(r.oldest()).toBe(3n);
    // Offsets up to 3 stay taken.
    r.push(ev('b2-again', B, 40), 3n);
    expect(r.size).toBe(1);
    r.mark([mark(A, 40, true)], 4n);
    expect(r.release().inputs.map((i) => i.id)).toEqual(['b2']);
  });
});

describe('oldest()', () => {
  it('is the smallest keyed offset still waiting, across sources', () => {
    const r = createReorder(1000);
    r.expect(new Set([A, B]));
    expect(r.oldest()).toBeUndefined();
    r.push(ev('b1', B, 10), 10n);
    r.push(ev('a1', A, 50), 11n);
    r.push(ev('b2', B, 20), 12n);
    expect(r.oldest()).toBe(10n);
    // b1 and b2 go (A has one waiting); a1 waits for B: the oldest waiting record is now 11, not B's 12.
    expect(r.release().inputs.map((i) => i.id)).toEqual(['b1', 'b2']);
    expect(r.oldest()).toBe(11n);
    r.mark([mark(B, 20, true)], 13n);
    expect(r.release().inputs.map((i) => i.id)).toEqual(['a1']);
    expect(r.oldest()).toBeUndefined();
  });
});

describe('a threshold rule over two sources delivered out of event-time order', () => {
  const rule = compile(
    ruleText(
      'k.pair',
      ['okta.system'],
      `detection:
  failed:
    event.outcome: failure
  condition: failed
threshold: {count: 2, group_by: [user.name], window: 10m}
output:
  fields: [source.ip]
`,
    ),
  );
  /** An Okta failed sign-in of alice at `when`, from `ip`. */
  const failure = (uuid: string, when: string, ip: string): string =>
    JSON.stringify({
      uuid,
      published: when,
      eventType: 'user.session.start',
      version: '0',
      displayMessage: 'User login to Okta',
      actor: { id: '00ualice', type: 'User', alternateId: 'alice@example.com', displayName: 'Alice' },
      client: { ipAddress: ip },
      outcome: { result: 'FAILURE', reason: 'INVALID_CREDENTIALS' },
    });
  // Source A has alice's first failure (09:00); source B her next two (09:01, 09:02).
  const batchA = sourceBatch('okta', A, [{ offset: 0, value: failure('f1', at(0), '198.51.100.1') }]);
  const batchB = sourceBatch('okta', B, [
    { offset: 0, value: failure('f2', at(1), '198.51.100.2') },
    { offset: 1, value: failure('f3', at(2), '198.51.100.3') },
  ]);
  const ids = vendorIds([batchA, batchB]);
  const ingest = createEngine([rule]);
  // B's fetch reaches the keyed partition before A's.
  const [f2, f3] = ingest.route(B, batchB.inputs).keyed;
  const [f1] = ingest.route(A, batchA.inputs).keyed;
  if (f1 === undefined || f2 === undefined || f3 === undefined) throw new Error('not routed');

  const shown = (ds: readonly Detection[]) => ds.map((d) => ({ group: d.groupKey, windowStartMs: d.windowStartMs, lastEventMs: d.lastEventMs, count: d.count, events: d.eventIds.map((id) => ids.get(id)), fields: d.fields }));
  const inOrder = [
    {
      group: '["alice@example.com"]',
      windowStartMs: Date.parse('2026-03-02T09:00:00.000Z'),
      lastEventMs: Date.parse('2026-03-02T09:01:00.000Z'),
      count: 2,
      events: ['f1', 'f2'],
      fields: { 'user.name': 'alice@example.com', 'source.ip': '198.51.100.2' },
    },
  ];

  it('in event-time order: one alert for f1 and f2, from 09:00', () => {
    expect(shown(createEngine([rule]).partition('k/0').evaluateKeyed([f1, f2, f3]))).toEqual(inOrder);
  });

  it('through the reorder, the arrival order gives the same alert', () => {
    const r = createReorder(1000);
    r.expect(new Set([A, B]));
    const p = createEngine([rule]).partition('k/0');
    const detections: Detection[] = [];
    const batch = (items: ({ input: KeyedInput } | { marks: SourceMark[] })[], from: bigint): string[] => {
      r.begin();
      let o = from;
      for (const item of items) {
        if ('marks' in item) r.mark(item.marks, o++);
        else r.push(item.input, o++);
      }
      const released = r.release();
      expect(released.forced).toBe(0);
      detections.push(...p.evaluateKeyed(released.inputs));
      r.settle();
      return released.inputs.map((i) => ids.get(i.id) ?? i.id);
    };
    // Keyed offsets 0–2: B's events and its after-batch marker; A not heard from.
    expect(batch([{ input: f2 }, { input: f3 }, { marks: [mark(B, Date.parse(at(2)))] }], 0n)).toEqual([]);
    // 3–4: A's event and marker (watermark 09:00): f1 goes, f2 (09:01) waits for A.
    expect(batch([{ input: f1 }, { marks: [mark(A, Date.parse(at(0)))] }], 3n)).toEqual(['f1']);
    // 5: A idle.
    expect(batch([{ marks: [mark(A, Date.parse(at(0)), true)] }], 5n)).toEqual(['f2', 'f3']);
    expect(shown(detections)).toEqual(inOrder);
  });

  it('without the reorder, the arrival order pairs f2 with f3 from 09:01: another alert (another alert id)', () => {
    expect(shown(createEngine([rule]).partition('k/0').evaluateKeyed([f2, f3, f1]))).toEqual([
      {
        group: '["alice@example.com"]',
        windowStartMs: Date.parse('2026-03-02T09:01:00.000Z'),
        lastEventMs: Date.parse('2026-03-02T09:02:00.000Z'),
        count: 2,
        events: ['f2', 'f3'],
        fields: { 'user.name': 'alice@example.com', 'source.ip': '198.51.100.3' },
      },
    ]);
  });
});
