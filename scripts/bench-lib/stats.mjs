// Small statistics and timing helpers shared by the benchmark steps.
import { spawnSync } from 'node:child_process';

/** Median, min and max of a list of numbers (the median of an even count is the mean of the two middle values). */
export function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return { median: NaN, min: NaN, max: NaN, runs: 0 };
  const median = n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  return { median, min: sorted[0], max: sorted[n - 1], runs: n, samples: values };
}

/** Runs a command to completion and returns its wall time in milliseconds; throws on failure. */
export function timeCommand(cmd, args, options = {}) {
  const start = process.hrtime.bigint();
  const out = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 30000, ...options });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (out.status !== 0) {
    throw new Error(`${cmd} ${args[0] ?? ''} failed (${out.status}): ${String(out.stderr).slice(0, 300)}`);
  }
  return ms;
}

/** Interleaves two commands `runs` times (alternating which goes first) after one discarded warm-up each. */
export function interleave(runs, a, b) {
  a();
  b();
  const as = [];
  const bs = [];
  for (let i = 0; i < runs; i++) {
    if (i % 2 === 0) {
      as.push(a());
      bs.push(b());
    } else {
      bs.push(b());
      as.push(a());
    }
  }
  return [summary(as), summary(bs)];
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
