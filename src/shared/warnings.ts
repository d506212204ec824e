/**
 * kafkajs 2.2.4 schedules its request-queue check with a negative delay when
 * it is not throttled (throttledUntil - now, src/network/requestQueue); Node
 * ≥ 23 warns about it and clamps the delay to 1 ms, which is what kafkajs
 * meant. Drop exactly that warning so real ones stay visible.
 */
export function silenceKafkajsTimeoutWarning(): void {
  const defaults = process.listeners('warning');
  process.removeAllListeners('warning');
  process.on('warning', (w) => {
    if (w.name === 'TimeoutNegativeWarning') return;
    for (const l of defaults) l.call(process, w);
  });
}
