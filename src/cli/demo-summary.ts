import type { PipelineStats } from '../pipeline/index.js';

const fmt = (n: number): string => n.toLocaleString('en-US');
const PAD = '                  ';

/**
 * The demo summary's alert lines. Every figure is this run's, from the
 * pipeline's own counts: the alerts index outlives runs, so its totals would
 * disagree with the run's from the second run on; the index's total appears
 * only when given, labelled as such. "K of M rules" is how many rules fired
 * out of those loaded.
 */
export function alertSummary(stats: Pick<PipelineStats, 'alerts' | 'alertsByRule'>, rulesLoaded: number, index: string, indexTotal?: number): string[] {
  const fired = Object.entries(stats.alertsByRule).sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0));
  const lines = [`  alerts          ${fmt(stats.alerts)} raised in this run by ${fmt(fired.length)} of ${fmt(rulesLoaded)} ${rulesLoaded === 1 ? 'rule' : 'rules'} into ${index}`];
  if (fired.length > 0) lines.push(PAD + fired.map(([rule, n]) => `${rule} ×${fmt(n)}`).join(', '));
  if (indexTotal !== undefined) lines.push(`${PAD}(${index} holds ${fmt(indexTotal)} alerts from every run so far)`);
  return lines;
}
