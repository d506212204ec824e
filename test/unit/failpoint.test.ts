/**
 * SIFT_FAILPOINTS' syntax (src/shared/failpoint.ts): `name` kills,
 * `name=[count*]kill|sleep(ms)`. Expectations written by hand.
 */
import { describe, expect, it, vi } from 'vitest';
import { failpoint, parseFailpoints } from '../../src/shared/failpoint.js';

describe('SIFT_FAILPOINTS', () => {
  it('reads names, actions and counts', () => {
    const points = parseFailpoints(' detect.after-checkpoint , ingest.after-index=1*sleep(8000),a=kill,b=3*kill,c=sleep(5)');
    expect([...points].map(([name, p]) => [name, p.action, p.remaining])).toEqual([
      ['detect.after-checkpoint', { kind: 'kill' }, Infinity],
      ['ingest.after-index', { kind: 'sleep', ms: 8000 }, 1],
      ['a', { kind: 'kill' }, Infinity],
      ['b', { kind: 'kill' }, 3],
      ['c', { kind: 'sleep', ms: 5 }, Infinity],
    ]);
    expect(parseFailpoints('').size).toBe(0);
  });

  it.each(['x=sleep', 'x=sleep(1.5)', 'x=pause', 'x=*kill', '=kill'])('refuses %s, naming it', (spec) => {
    expect(() => parseFailpoints(spec)).toThrow(spec);
  });

  it('sleep blocks the whole thread for its time (Atomics.wait), and runs only `count` times', () => {
    const points = parseFailpoints('p=1*sleep(30)');
    const wait = vi.spyOn(Atomics, 'wait').mockReturnValue('timed-out');
    try {
      failpoint('p', points);
      // A synchronous wait, not a timer: the event loop (heartbeats, sockets) stalls too.
      expect(wait).toHaveBeenCalledTimes(1);
      expect(wait.mock.calls[0]?.[3]).toBe(30);
      expect(points.get('p')?.remaining).toBe(0);
      failpoint('p', points);
      failpoint('not-armed', points);
      expect(wait).toHaveBeenCalledTimes(1);
    } finally {
      wait.mockRestore();
    }
  });
});
