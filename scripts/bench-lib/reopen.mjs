// The window closed to the tray and opened again (issue #18), with a tray host on the bus
// (desktop-double), as a person uses the app: open it, close it (a window manager's close),
// and after 10 s measure PSS over the app and what is left of WebKit (the network process
// outlives the window on Linux); then click the tray's "Open Drivly Keys" and time until the
// new window's page is ready. Repeated RUNS times in one app process.
// Usage: node reopen.mjs APP_BIN RUNS OUT.json   (env: the app's environment, a tray host)
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startDriver } from './webdriver.mjs';
import { findByExe, names, tree, treePss } from './proc.mjs';
import { summary, sleep } from './stats.mjs';
import { findTrayItem } from '../../ui/e2e/tray.mjs';

const [appBin, runsText, outFile] = process.argv.slice(2);
const runs = Number(runsText);
const SETTLE_MS = 10000;
const CLOSE_WINDOW = fileURLToPath(new URL('../../ui/e2e/close-window.py', import.meta.url));
const port = Number(process.env.DRIVLY_KEYS_BENCH_DRIVER_PORT ?? 4470) + 10;
const marker = `DRIVLY_KEYS_BENCH_RUN=${process.env.DRIVLY_KEYS_BENCH_RUN}`;

const visibleWindows = (pid) => {
  try {
    return execFileSync('xdotool', ['search', '--onlyvisible', '--pid', String(pid), '--name', '^Drivly Keys$']).toString().split(/\s+/).filter(Boolean);
  } catch {
    return [];
  }
};
const renderers = (pid) => names(tree(pid)).filter((name) => /WebKitWebProces/.test(name)).length;

/** The largest PSS shares of one process by mapping (heap, stacks, each library), in MiB. */
function topMappings(pid, n = 8) {
  const totals = new Map();
  let name = '';
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const head = line.match(/^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/);
    if (head) name = head[1] ? head[1].split('/').pop() : '[anonymous]';
    const pss = line.match(/^Pss:\s+(\d+) kB/);
    if (pss) totals.set(name, (totals.get(name) ?? 0) + Number(pss[1]));
  }
  return [...totals].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `${k} ${(v / 1024).toFixed(1)} MiB`);
}
let mappings = [];

const driver = await startDriver(port, process.env);
try {
  const session = await driver.open(appBin);
  await driver.waitReady(session);
  const pid = findByExe(appBin, marker);
  if (!pid) throw new Error('the app is not running');
  const open = [];
  const closed = [];
  const reopen = [];
  for (let i = 0; i < runs; i++) {
    await sleep(SETTLE_MS);
    open.push(treePss(pid).mib);
    execFileSync('/usr/bin/python3', [CLOSE_WINDOW, ...visibleWindows(pid)], { timeout: 10000 });
    for (let t = 0; t < 200 && renderers(pid) > 0; t++) await sleep(50);
    if (renderers(pid) > 0) throw new Error('the renderer outlived the window');
    await sleep(SETTLE_MS);
    const memory = treePss(pid);
    closed.push(memory);
    if (i === 0) mappings = topMappings(pid);
    // Found first (a search over the app's bus connections), so the time is the click's alone.
    const openItem = await findTrayItem(pid, 'Open Drivly Keys');
    const start = performance.now();
    openItem.click();
    const clicked = performance.now();
    const ready = await driver.followNewWindow(session);
    reopen.push(ready - start);
    process.stderr.write(`  reopen run ${i + 1}: closed ${memory.mib.toFixed(1)} MiB, reopened in ${(ready - start).toFixed(0)} ms (the click's D-Bus call ${(clicked - start).toFixed(0)} ms)\n`);
  }
  await driver.close(session);
  writeFileSync(
    outFile,
    JSON.stringify(
      {
        openPss: summary(open),
        closedPss: summary(closed.map((m) => m.mib)),
        closedProcesses: closed[0]?.processes ?? [],
        closedAppMappings: mappings,
        reopen: summary(reopen),
      },
      null,
      2,
    ),
  );
} finally {
  driver.stop();
}
