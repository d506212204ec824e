/**
 * Every `tests:` case of the shipped rules, in keyed mode: each event is its
 * own record on one source partition (as `sift rules test` feeds them),
 * routed, written to a 3-partition keyed topic and applied by a separate
 * detect engine. The expected count and alerts are the case's own, read from
 * the YAML by test/helpers/rule-cases.ts (what the detection engineer wrote),
 * not from any engine's output.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngine, detectInputs, loadRules, type CompiledRule, type DetectInput, type Detection } from '../../src/rules/index.js';
import { prepareEcs, prepareOffline, suppress } from '../../src/rules/testing/index.js';
import { readRuleFiles, unmatchedAlerts, type RuleCase } from '../helpers/rule-cases.js';
import { drain, KeyedTopic } from '../helpers/keyed-sim.js';

const RULES = join(import.meta.dirname, '../../rules');
const compiled = new Map(loadRules([RULES]).rules.map((r) => [r.spec.id, r]));
const cases = readRuleFiles(RULES).flatMap((f) => f.cases);

/** The case's events, one record each at offsets 0, 1, … of partition 0. */
function inputsOf(tc: RuleCase): DetectInput[] {
  const received = Date.now();
  return tc.events.flatMap((e, offset): DetectInput[] => {
    if (e.ecs !== undefined) {
      const p = prepareEcs(e.ecs, `case:${offset}`);
      if (!p.ok) throw new Error(`${tc.name}: event ${offset} does not normalize`);
      return [{ event: p.event, id: p.id, offset: String(offset), index: 0 }];
    }
    // sift run's prepare step with its defaults, GeoIP enrichment included (rules may match *.geo.* / *.as.*).
    const prepared = prepareOffline(e.source ?? '', offset, Buffer.from(JSON.stringify(e.raw)), received);
    if (prepared === undefined) throw new Error(`${tc.name}: unknown source ${e.source}`);
    return detectInputs(prepared);
  });
}

function keyedDetections(rule: CompiledRule, inputs: readonly DetectInput[]): Detection[] {
  const on = rule.spec.enabled ? rule : { ...rule, spec: { ...rule.spec, enabled: true } };
  const ingest = createEngine([on]);
  const detect = createEngine([on]);
  const topic = new KeyedTopic(3);
  const out: Detection[] = [];
  for (const input of inputs) {
    const routed = ingest.route('test/0', [input]);
    out.push(...routed.detections);
    topic.write(routed.keyed);
    out.push(...drain(detect, topic));
  }
  return out;
}

describe('shipped rule cases in keyed mode', () => {
  it('there are cases to run', () => {
    expect(cases.length).toBeGreaterThan(80);
  });

  it.each(cases.map((c) => [`${c.ruleId}: ${c.name}`, c] as const))('%s', (_name, tc) => {
    const rule = compiled.get(tc.ruleId);
    if (rule === undefined) throw new Error(`rule ${tc.ruleId} did not load`);
    const alerts = suppress(keyedDetections(rule, inputsOf(tc))).map((s) => s.detection.fields);
    expect(alerts).toHaveLength(tc.count);
    expect(unmatchedAlerts(tc.alerts, alerts)).toEqual([]);
  });
});
