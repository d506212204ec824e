import { describe, expect, it, vi } from 'vitest';
import type { EcsEvent } from '../../../src/ecs/index.js';
import { createEngine } from '../../../src/rules/runtime/index.js';
import { MIN, T0, event, get, input, inputs, isFailure, rule, threshold } from './runtime-helpers.js';

const fail = (at: number, user = 'alice') => event({ at, outcome: 'failure', user, ip: '198.51.100.7' });

describe('single-event rules', () => {
  it('emits one detection per match, keyed by the event id', () => {
    const r = rule({ id: 'test.single', match: isFailure, output: ['source.ip', 'host.name'] });
    const d = createEngine([r]).partition('t/0').evaluate([input(fail(MIN), 'doc-1'), input(event({ at: 0, outcome: 'success' }), 'doc-2')]);
    expect(d).toEqual([
      {
        rule: r,
        groupKey: 'doc-1',
        group: {},
        windowStartMs: T0 + MIN,
        firstEventMs: T0 + MIN,
        lastEventMs: T0 + MIN,
        count: 1,
        eventIds: ['doc-1'],
        fields: { 'source.ip': '198.51.100.7' },
        sample: [fail(MIN)],
      },
    ]);
  });

  it('keeps arrival order, and rule order within one event', () => {
    const a = rule({ id: 'test.a' });
    const b = rule({ id: 'test.b', match: isFailure });
    const d = createEngine([a, b]).partition('t/0').evaluate(inputs([fail(0), event({ at: 1 })]));
    expect(d.map((x) => `${x.rule.spec.id}:${x.groupKey}`)).toEqual(['test.a:e0', 'test.b:e0', 'test.a:e1']);
  });
});

describe('the rule index', () => {
  it('tests an event only against rules of its dataset and (lowercased) action', () => {
    const pinned = vi.fn(() => true);
    const anyAction = vi.fn(() => true);
    const other = vi.fn(() => true);
    const engine = createEngine([
      rule({ id: 'test.pinned', actions: ['user.session.start'], match: pinned }),
      rule({ id: 'test.any', match: anyAction }),
      rule({ id: 'test.other', datasets: ['github.audit'], match: other }),
    ]);
    const d = engine.partition('t/0').evaluate(inputs([event({ at: 0, action: 'USER.Session.Start' }), event({ at: 1, action: 'user.mfa.factor.reset' }), event({ at: 2, dataset: 'slack.audit' })]));
    expect(pinned).toHaveBeenCalledTimes(1);
    expect(anyAction).toHaveBeenCalledTimes(2);
    expect(other).not.toHaveBeenCalled();
    expect(d.map((x) => x.rule.spec.id)).toEqual(['test.pinned', 'test.any', 'test.any']);
  });

  it('skips disabled rules and keeps the rules it was given', () => {
    const off = rule({ id: 'test.off', enabled: false });
    const engine = createEngine([off]);
    expect(engine.partition('t/0').evaluate(inputs([fail(0)]))).toEqual([]);
    expect(engine.rules).toEqual([off]);
  });

  it('allocates no window state for events no stateful rule matches', () => {
    const p = createEngine([rule({ id: 'test.brute', match: isFailure, aggregation: threshold(3, MIN) })]).partition('t/0');
    p.evaluate(inputs(Array.from({ length: 100 }, (_, i) => event({ at: i, outcome: 'success', user: `u${i}` }))));
    expect(p.keys).toBe(0);
    // Only the partition's watermark.
    expect(p.checkpoint().map((e) => e.key)).toEqual(['@engine']);
  });
});

describe('quarantine', () => {
  it('disables a rule whose predicate throws, once, and the batch goes on', () => {
    const onQuarantine = vi.fn();
    const boom = new Error('boom');
    const engine = createEngine([rule({ id: 'test.bad', match: () => { throw boom; } }), rule({ id: 'test.good' })], { hooks: { onQuarantine } });
    const p = engine.partition('t/0');
    expect(p.evaluate(inputs([fail(0), fail(1)])).map((x) => x.rule.spec.id)).toEqual(['test.good', 'test.good']);
    expect(engine.partition('t/1').evaluate(inputs([fail(2)])).map((x) => x.rule.spec.id)).toEqual(['test.good']);
    expect(onQuarantine).toHaveBeenCalledExactlyOnceWith('test.bad', boom);
    expect([...engine.quarantined]).toEqual(['test.bad']);
  });

  it('quarantines a rule whose group getter throws and tombstones its state', () => {
    const onQuarantine = vi.fn();
    let armed = false;
    const userOrThrow = (e: EcsEvent) => {
      if (armed) throw new Error('getter');
      return get('user.name')(e);
    };
    const r = rule({ id: 'test.getter', match: isFailure, aggregation: threshold(5, MIN), groupGetters: [userOrThrow] });
    const engine = createEngine([r], { hooks: { onQuarantine } });
    const p = engine.partition('t/0');
    p.evaluate(inputs([fail(0)]));
    expect(p.checkpoint().filter((e) => e.key.startsWith('test.getter/'))).toHaveLength(1);
    armed = true;
    p.evaluate(inputs([fail(1)], 1));
    expect(onQuarantine).toHaveBeenCalledTimes(1);
    expect(p.keys).toBe(0);
    expect(p.checkpoint().filter((e) => e.key.startsWith('test.getter/')).map((e) => e.value)).toEqual([null]);
  });

  it('stays quarantined across a reload of the same rule, and lifts when it changes', () => {
    const bad = rule({ id: 'test.bad', match: () => { throw new Error('x'); } });
    const engine = createEngine([bad]);
    engine.partition('t/0').evaluate(inputs([fail(0)]));
    engine.update([{ ...bad }]);
    expect(engine.quarantined.has('test.bad')).toBe(true);
    engine.update([rule({ id: 'test.bad', version: 2 })]);
    expect(engine.quarantined.size).toBe(0);
    expect(engine.partition('t/0').evaluate(inputs([fail(1)], 1))).toHaveLength(1);
  });

  it('quarantines at load a rule whose compiled getters do not match its spec', () => {
    const onQuarantine = vi.fn();
    const broken = { ...rule({ id: 'test.broken', aggregation: threshold(2, MIN) }), groupBy: [] };
    const engine = createEngine([broken], { hooks: { onQuarantine } });
    expect(engine.quarantined.has('test.broken')).toBe(true);
    expect(onQuarantine).toHaveBeenCalledTimes(1);
  });
});

describe('hot reload', () => {
  const v1 = rule({ id: 'test.brute', match: isFailure, aggregation: threshold(3, 10 * MIN) });

  it('keeps the windows of a rule whose id, version and source are unchanged', () => {
    const engine = createEngine([v1]);
    const p = engine.partition('t/0');
    p.evaluate(inputs([fail(0), fail(MIN)]));
    engine.update([rule({ id: 'test.brute', match: isFailure, aggregation: threshold(3, 10 * MIN) }), rule({ id: 'test.new' })]);
    const d = p.evaluate(inputs([fail(2 * MIN)], 2));
    expect(d.map((x) => `${x.rule.spec.id}:${x.count}`)).toEqual(['test.brute:3', 'test.new:1']);
    // Detections carry the reloaded rule object.
    expect(d[0]?.rule).toBe(engine.rules[0]);
  });

  it('drops (and tombstones) the windows of a changed or removed rule', () => {
    const engine = createEngine([v1, rule({ id: 'test.gone', match: isFailure, aggregation: threshold(3, MIN) })]);
    const p = engine.partition('t/0');
    p.evaluate(inputs([fail(0), fail(MIN)]));
    const keys = p.checkpoint().filter((e) => e.key !== '@engine').map((e) => e.key).sort();
    engine.update([rule({ id: 'test.brute', version: 2, match: isFailure, aggregation: threshold(3, 10 * MIN) })]);
    expect(p.keys).toBe(0);
    expect(p.evaluate(inputs([fail(2 * MIN)], 2))).toHaveLength(0);
    const cp = p.checkpoint();
    // test.brute's key is rewritten by the new version; test.gone's is deleted.
    expect(cp.filter((e) => e.value === null).map((e) => e.key)).toEqual(keys.filter((k) => k.startsWith('test.gone/')));
    expect(cp.find((e) => e.key.startsWith('test.brute/'))?.value).toContain('"s":[[');
  });

  it('drop(scope) forgets a partition; the same scope is the same object until then', () => {
    const engine = createEngine([v1]);
    const p = engine.partition('t/0');
    expect(engine.partition('t/0')).toBe(p);
    p.evaluate(inputs([fail(0), fail(1)]));
    engine.drop('t/0');
    const fresh = engine.partition('t/0');
    expect(fresh).not.toBe(p);
    expect(fresh.keys).toBe(0);
    expect(fresh.evaluate(inputs([fail(2)], 2))).toHaveLength(0);
  });
});
