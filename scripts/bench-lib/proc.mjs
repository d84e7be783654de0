// Reads process trees, memory (PSS) and CPU figures from /proc. Linux only.
import { readFileSync, readdirSync, realpathSync } from 'node:fs';

const read = (path) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
};

/** Fields of /proc/PID/stat after the command name (index 0 is the state). */
function statFields(pid) {
  const text = read(`/proc/${pid}/stat`);
  if (!text) return null;
  return text.slice(text.lastIndexOf(')') + 2).split(' ');
}

/** Every live process id with its parent id. */
function parents() {
  const map = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(entry);
    if (fields) map.set(Number(entry), Number(fields[1]));
  }
  return map;
}

/** `pid` and all its descendants. */
export function tree(pid) {
  const map = parents();
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    for (const [child, parent] of map) if (parent === out[i]) out.push(child);
  }
  return out.filter((p) => map.has(p));
}

/**
 * The process running `exe` whose environment holds `marker` (a variable set for this run
 * only). Searched system-wide because WebKitWebDriver double-forks the browser, so the app is
 * reparented and is not a descendant of the driver.
 */
export function findByExe(exe, marker) {
  const wanted = realpathSync(exe);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (realpathSync(`/proc/${entry}/exe`) !== wanted) continue;
      if (readFileSync(`/proc/${entry}/environ`, 'latin1').split('\0').includes(marker)) return Number(entry);
    } catch {
      // The process exited or is not ours to read.
    }
  }
  return null;
}

/** PSS of one process in KiB (0 when it is gone). */
export function pssKiB(pid) {
  const match = read(`/proc/${pid}/smaps_rollup`)?.match(/^Pss:\s+(\d+) kB/m);
  return match ? Number(match[1]) : 0;
}

/** Command names of a tree, for the report. */
export function names(pids) {
  return pids.map((p) => (read(`/proc/${p}/comm`) ?? '?').trim());
}

/** PSS summed over `pid` and its descendants, in MiB, with each process's share (name, MiB). */
export function treePss(pid) {
  const pids = tree(pid);
  const each = pids.map((p) => pssKiB(p));
  const kib = each.reduce((sum, k) => sum + k, 0);
  const labels = names(pids);
  return { mib: kib / 1024, processes: labels.map((name, i) => `${name} ${(each[i] / 1024).toFixed(1)} MiB`) };
}

const TICK_MS = 10; // CLK_TCK is 100 on Linux.

/** CPU milliseconds (user + system, all threads, live or exited) summed over a tree. */
export function treeCpuMs(pids) {
  return pids.reduce((sum, p) => {
    const f = statFields(p);
    return f ? sum + (Number(f[11]) + Number(f[12])) * TICK_MS : sum;
  }, 0);
}

/** Voluntary context switches (sleeps that ended in a wake-up) of every live thread of a tree, by thread id. */
export function treeWakeups(pids) {
  const counts = new Map();
  const names = new Map();
  counts.names = names;
  for (const p of pids) {
    let tasks = [];
    try {
      tasks = readdirSync(`/proc/${p}/task`);
    } catch {
      continue;
    }
    for (const t of tasks) {
      const match = read(`/proc/${p}/task/${t}/status`)?.match(/^voluntary_ctxt_switches:\s+(\d+)/m);
      if (match) counts.set(t, Number(match[1]));
      names.set(t, `${(read(`/proc/${p}/comm`) ?? '?').trim()}/${(read(`/proc/${p}/task/${t}/comm`) ?? '?').trim()}`);
    }
  }
  return counts;
}

/**
 * Wake-ups between two samples of {@link treeWakeups}: each thread's growth, a new thread's
 * whole count. Threads that exited in between are missed (an undercount, stated in the report).
 */
export function wakeupsBetween(before, after) {
  let total = 0;
  for (const [tid, count] of after) total += count - (before.get(tid) ?? 0);
  return total;
}

/**
 * Wake-ups between two samples grouped by `process/thread` name, busiest first: where the
 * wake-ups come from, for the report's notes.
 */
export function wakeupsByThread(before, after) {
  const byName = new Map();
  for (const [tid, count] of after) {
    const name = after.names?.get(tid) ?? tid;
    byName.set(name, (byName.get(name) ?? 0) + count - (before.get(tid) ?? 0));
  }
  return [...byName].filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
}
