// Idle cost: the app with its sessions, window closed to the tray (the "launch minimised"
// setting: the window is not made until it is opened), against the reference started hidden.
// After a settle period, CPU time and voluntary context switches (wake-ups) are sampled over
// the process tree at the start, middle and end of the window; "growth" compares the CPU of
// the second half with the first.
// Usage: node idle.mjs APP_BIN REF_BIN SECONDS OUT.json   (env: the app's environment)
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tree, treeCpuMs, treePss, treeWakeups, wakeupsBetween, wakeupsByThread } from './proc.mjs';
import { sleep } from './stats.mjs';

const [appBin, refBin, secondsText, outFile] = process.argv.slice(2);
const seconds = Number(secondsText);
const SETTLE_MS = 15000;

async function measure(bin, args) {
  const child = spawn(bin, args, { env: process.env, stdio: ['ignore', 'ignore', 'ignore'] });
  try {
    await sleep(SETTLE_MS);
    const sample = () => {
      const pids = tree(child.pid);
      return { cpu: treeCpuMs(pids), wakeups: treeWakeups(pids), processes: pids.length };
    };
    const a = sample();
    await sleep((seconds * 1000) / 2);
    const b = sample();
    await sleep((seconds * 1000) / 2);
    const c = sample();
    // Memory in the tray: the app started minimised has made no window (no WebKit process).
    const memory = treePss(child.pid);
    return {
      pssMiB: memory.mib,
      pssByProcess: memory.processes,
      cpuS: (c.cpu - a.cpu) / 1000,
      cpuFirstHalfMs: b.cpu - a.cpu,
      cpuSecondHalfMs: c.cpu - b.cpu,
      wakeupsPerS: wakeupsBetween(a.wakeups, c.wakeups) / seconds,
      wakeupsByThread: wakeupsByThread(a.wakeups, c.wakeups),
      processes: c.processes,
    };
  } finally {
    for (const p of tree(child.pid).reverse()) {
      try {
        process.kill(p, 'SIGTERM');
      } catch {
        // Already gone.
      }
    }
    await sleep(1000);
  }
}

const app = await measure(appBin, []);
process.stderr.write(`  app idle: ${JSON.stringify(app)}\n`);
const ref = await measure(refBin, ['--hidden']);
process.stderr.write(`  ref idle: ${JSON.stringify(ref)}\n`);
writeFileSync(outFile, JSON.stringify({ app, ref, seconds }, null, 2));
