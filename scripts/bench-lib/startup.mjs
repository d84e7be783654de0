// Cold start to the first interactive frame, and memory after 10 s idle, for the app and the
// reference hello window, interleaved in one run through the same tauri-driver.
//
// Start time: from the WebDriver "new session" request (which launches the binary) until the
// page reports document.body.dataset.ready === "true" (polled every 5 ms). The app sets it
// after its first render with data loaded; the reference after its first painted frame.
// Memory: PSS from /proc/*/smaps_rollup summed over the binary and its descendants (the WebKit
// web and network processes), 10 s after ready, on the first MEMORY_RUNS runs of each.
// Usage: node startup.mjs APP_BIN REF_BIN RUNS OUT.json   (env: the app's environment)
import { writeFileSync } from 'node:fs';
import { startDriver } from './webdriver.mjs';
import { findByExe, treePss, tree } from './proc.mjs';
import { summary, sleep } from './stats.mjs';

const [appBin, refBin, runsText, outFile] = process.argv.slice(2);
const runs = Number(runsText);
const MEMORY_RUNS = 3;
const IDLE_MS = 10000;
const port = Number(process.env.DRIVLY_KEYS_BENCH_DRIVER_PORT ?? 4470);
const marker = `DRIVLY_KEYS_BENCH_RUN=${process.env.DRIVLY_KEYS_BENCH_RUN}`;

const driver = await startDriver(port, process.env);

async function once(bin, withMemory) {
  const startEpoch = Date.now();
  const start = performance.now();
  const session = await driver.open(bin);
  const opened = performance.now();
  const ready = await driver.waitReady(session);
  // Each phase as milliseconds after the launch request (epoch clocks on one machine).
  const phases = Object.fromEntries(
    Object.entries(await driver.phases(session).catch(() => ({}))).map(([k, v]) => [k, Math.round(v - startEpoch)]),
  );
  let memory = null;
  if (withMemory) {
    await sleep(IDLE_MS);
    const pid = findByExe(bin, marker);
    memory = pid ? treePss(pid) : null;
  }
  const pid = findByExe(bin, marker);
  await driver.close(session);
  // The next launch must not find this one still running (the app is single-instance).
  for (let i = 0; i < 100 && pid && tree(pid).length > 0; i++) await sleep(50);
  if (pid && tree(pid).length > 0) {
    for (const p of tree(pid).reverse()) {
      try {
        process.kill(p, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    await sleep(200);
  }
  return { startMs: ready - start, sessionMs: opened - start, phases, memory };
}

try {
  // One discarded warm-up each, so neither pays alone for loading shared WebKit libraries.
  await once(refBin, false);
  await once(appBin, false);
  const app = [];
  const ref = [];
  for (let i = 0; i < runs; i++) {
    const withMemory = i < MEMORY_RUNS;
    const order = i % 2 === 0 ? [[appBin, app], [refBin, ref]] : [[refBin, ref], [appBin, app]];
    for (const [bin, list] of order) {
      const result = await once(bin, withMemory);
      list.push(result);
      process.stderr.write(`  ${bin === appBin ? 'app' : 'ref'} run ${i + 1}: ${result.startMs.toFixed(0)} ms${result.memory ? `, ${result.memory.mib.toFixed(1)} MiB` : ''} ${JSON.stringify(result.phases)}\n`);
    }
  }
  const pick = (list, f) => summary(list.map(f).filter((v) => v !== null && v !== undefined));
  // Median of each phase over the runs that reported it, in launch order.
  const phases = (list) => {
    const keys = [...new Set(list.flatMap((r) => Object.keys(r.phases ?? {})))];
    const out = Object.fromEntries(keys.map((k) => [k, summary(list.map((r) => r.phases?.[k]).filter((v) => v !== undefined)).median]));
    return Object.fromEntries(Object.entries(out).sort((a, b) => a[1] - b[1]));
  };
  const result = {
    app: {
      phases: phases(app),
      start: pick(app, (r) => r.startMs),
      session: pick(app, (r) => r.sessionMs),
      pss: pick(app, (r) => r.memory?.mib),
      processes: app.find((r) => r.memory)?.memory.processes ?? [],
    },
    ref: {
      phases: phases(ref),
      start: pick(ref, (r) => r.startMs),
      session: pick(ref, (r) => r.sessionMs),
      pss: pick(ref, (r) => r.memory?.mib),
      processes: ref.find((r) => r.memory)?.memory.processes ?? [],
    },
  };
  writeFileSync(outFile, JSON.stringify(result, null, 2));
} finally {
  driver.stop();
}
