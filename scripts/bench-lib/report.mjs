// Turns the results of one benchmark run into one table: printed, and written with the
// machine's description, the date, the method and the notes (notes.md) to BENCHMARKS.md.
// Usage: node report.mjs RESULTS_DIR OUTPUT.md   (env: BIN, the release folder)
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, release } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { refreshRateSvg, startupPhasesSvg } from './plot.mjs';

const [dir, output] = process.argv.slice(2);
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const bin = process.env.BIN;
const load = (name) => (existsSync(join(dir, name)) ? JSON.parse(readFileSync(join(dir, name), 'utf8')) : null);
const cli = load('cli.json');
const startup = load('startup.json');
const idle = load('idle.json');
const scale = load('scale.json');
const reopen = load('reopen.json');

const f = (v, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : '—');
const range = (s, digits = 1) => (s && s.runs ? `${f(s.min, digits)}–${f(s.max, digits)}` : '—');
const verdict = (ok) => (ok === null ? '' : ok ? ' ✅' : ' ❌');
const rows = [];
const row = (what, median, minMax, reference, ratio, goal, ok = null) =>
  rows.push([what, median, minMax, reference, ratio, `${goal}${verdict(ok)}`]);

if (startup) {
  const { app, ref } = startup;
  const r = app.start.median / ref.start.median;
  row(`Cold start to first interactive frame (ms, ${app.start.runs} runs)`, f(app.start.median, 0), range(app.start, 0), `${f(ref.start.median, 0)} (${range(ref.start, 0)})`, f(r, 2), '≤ 1.15×', r <= 1.15);
  const m = app.pss.median / ref.pss.median;
  row(`Memory, PSS after 10 s idle (MiB, ${app.pss.runs} runs)`, f(app.pss.median), range(app.pss), `${f(ref.pss.median)} (${range(ref.pss)})`, f(m, 2), '≤ 1.15×', m <= 1.15);
}
if (idle) {
  const { app, ref, seconds } = idle;
  const growth = app.cpuSecondHalfMs <= app.cpuFirstHalfMs * 1.5 + 20;
  row(`Idle CPU over ${seconds} s, tray, 5 sessions (CPU s; 1st/2nd half ms)`, f(app.cpuS, 2), `${app.cpuFirstHalfMs} / ${app.cpuSecondHalfMs}`, f(ref.cpuS, 2), f(app.cpuS / ref.cpuS, 2), 'no growth', growth);
  if (app.pssMiB !== undefined && startup) {
    const tray = app.pssMiB / startup.ref.pss.median;
    row(`PSS in the tray, started minimised, 5 sessions refreshing (MiB; ${app.pssByProcess.join(', ')})`, f(app.pssMiB), '—', `bare window, open: ${f(startup.ref.pss.median)}`, f(tray, 2), '≤ 0.5×', tray <= 0.5);
  }
  const extra = app.wakeupsPerS - ref.wakeupsPerS;
  row(`Idle wake-ups per second (voluntary switches)`, f(app.wakeupsPerS, 1), '—', f(ref.wakeupsPerS, 1), `${extra < 0 ? '−' : '+'}${f(Math.abs(extra), 1)}/s`, '≤ ref + 0.2/s', extra <= 0.2);
}
if (reopen && startup) {
  const closed = reopen.closedPss.median / startup.ref.pss.median;
  row(`PSS closed to the tray after use, 5 sessions refreshing (MiB, ${reopen.closedPss.runs} runs; ${reopen.closedProcesses.join(', ')})`, f(reopen.closedPss.median), range(reopen.closedPss), `bare window, open: ${f(startup.ref.pss.median)}`, f(closed, 2), '≤ 0.5×', closed <= 0.5);
  const r = reopen.reopen.median / startup.ref.start.median;
  row(`Reopen from the tray to interactive (ms, ${reopen.reopen.runs} runs)`, f(reopen.reopen.median, 0), range(reopen.reopen, 0), `bare window cold start ${f(startup.ref.start.median, 0)}`, f(r, 2), '≤ 1.3×', r <= 1.3);
}
if (bin) {
  const mib = (p) => (existsSync(p) ? statSync(p).size / 1048576 : NaN);
  const app = mib(join(bin, 'drivly-keys-app'));
  const ref = mib(join(bin, 'hello_window'));
  row('Release binary size (MiB)', f(app), '—', f(ref), f(app / ref, 2), '≤ 1.5×', app / ref <= 1.5);
  const conf = JSON.parse(readFileSync(join(root, 'tauri.conf.json'), 'utf8'));
  // What the package installs beside the binary (packaging/, issue #17); a file missing here
  // would make the figure "—" rather than quietly smaller.
  const extras = [...conf.bundle.icon, 'packaging/drivly-keys.desktop', 'packaging/ly.driv.keys.metainfo.xml'].map((p) => mib(join(root, p)));
  const installed = app + extras.reduce((a, b) => a + b, 0);
  row('Installed size (MiB; app binary + icons + .desktop + metainfo; `scripts/package` builds the .deb)', f(installed), '—', '—', '—', 'report');
  row('`drivly-keys` CLI binary size (MiB)', f(mib(join(bin, 'drivly-keys'))), '—', '—', '—', 'report');
}
if (cli) {
  const r = cli.token.median / cli.gh.median;
  row(`\`drivly-keys token\`, fresh JWT (ms, ${cli.token.runs} runs)`, f(cli.token.median), range(cli.token), `gh auth token ${f(cli.gh.median)} (${range(cli.gh)})`, f(r, 2), 'report', true);
  if (cli.secretTool) {
    const floor = cli.tokenVsFloor.median / cli.secretTool.median;
    row(`\`drivly-keys token\` vs one Secret Service read (ms, ${cli.tokenVsFloor.runs} runs)`, f(cli.tokenVsFloor.median), range(cli.tokenVsFloor), `secret-tool lookup ${f(cli.secretTool.median)} (${range(cli.secretTool)})`, f(floor, 2), '≤ 0.7×', floor <= 0.7);
  }
  row(`\`drivly-keys decode\` 1 KB token, whole process (ms)`, f(cli.decode.median), range(cli.decode), `\`true\` ${f(cli.floor.median)}`, f(cli.decode.median / cli.floor.median, 1), 'report');
}
const crit = existsSync(join(dir, 'criterion.txt')) ? readFileSync(join(dir, 'criterion.txt'), 'utf8') : '';
const m = crit.match(/inspect typical 1 KB token\s+time:\s+\[([\d.]+) (\S+) ([\d.]+) (\S+) ([\d.]+) (\S+)\]/);
if (m) {
  const us = (v, unit) => Number(v) * ({ ns: 0.001, µs: 1, us: 1, ms: 1000 }[unit] ?? NaN);
  const mid = us(m[3], m[4]);
  row('JWT inspect in-process, 1 KB token (µs, criterion)', f(mid, 2), `${f(us(m[1], m[2]), 2)}–${f(us(m[5], m[6]), 2)} (95 % CI)`, '—', '—', '≤ 5 µs', mid <= 5);
}
if (scale) {
  const s = scale;
  const head = `Refresh at scale (${s.sessions} sessions, ${s.lifetime_s} s JWTs, ${f(s.run_s / 60, 1)} min)`;
  row(`${head}: tokens with less than the promised ${s.promised_min_ttl_ms / 1000} s left`, `${s.tokens_short} of ${s.token_calls}`, `least left ${f(s.min_left_ms / 1000, 1)} s`, '—', '—', '0', s.tokens_short === 0 && s.token_errors === 0);
  // The policy refreshes at 70-80 % of the lifetime, scaled down so the refresh comes before
  // the token has less than the promised time left (session/policy.rs): the mean fraction is
  // 0.75 × min(1, servable / 0.8), where servable = (lifetime - promise) / lifetime.
  const servable = (s.lifetime_s * 1000 - s.promised_min_ttl_ms) / (s.lifetime_s * 1000);
  const fraction = 0.75 * Math.min(1, servable / 0.8);
  row(`${head}: refresh requests per session per lifetime`, f(s.per_session_per_lifetime, 2), `${s.refresh_requests} requests (${s.on_demand_refreshes} on demand, ${s.refresh_requests_failed} failed)`, `1 / ${f(fraction, 2)} = ${f(1 / fraction, 2)} (policy, ${s.promised_min_ttl_ms / 1000} s promised)`, f(s.per_session_per_lifetime * fraction, 2), '≈ 1 per refresh the policy plans');
  const queued = s.max_queued === undefined ? '' : `, ${s.max_queued} queued at the gate (cap ${s.max_in_flight_cap || 'none'})`;
  row(`${head}: largest burst`, `${s.max_in_flight} in flight`, `${s.max_started_in_1s} started in 1 s (mean ${f(s.mean_per_s, 1)}/s)${queued}`, '—', '—', 'spread by jitter, capped per server');
  row(`${head}: lateness vs planned refresh, p99 (ms)`, f(s.lateness_p99_ms, 0), `p50 ${s.lateness_p50_ms}, max ${s.lateness_max_ms}`, '—', '—', 'report');
  row(`${head}: CPU per refresh (ms)`, f(s.cpu_ms_per_refresh, 2), `${s.cpu_ms_bench} ms total; emulator ${s.cpu_ms_emulator} ms`, '—', '—', 'report');
  if (s.resident_bytes_per_idle_session !== undefined) {
    row(`${head}: memory per idle session (KiB, resident, its refresher)`, f(s.resident_bytes_per_idle_session / 1024, 1), '—', '—', '—', 'report');
  }
}

// The plots, written beside the report and embedded in it.
const plots = [];
const plotDir = join(dirname(output), 'docs', 'benchmarks');
const writePlot = (name, svg, alt) => {
  mkdirSync(plotDir, { recursive: true });
  writeFileSync(join(plotDir, name), svg);
  plots.push(`![${alt}](docs/benchmarks/${name})`);
};
if (startup?.app.phases && startup?.ref.phases) {
  writePlot('startup-phases.svg', startupPhasesSvg(startup.app.phases, startup.ref.phases), 'Start-up phases of the app and the reference');
}
if (scale?.refreshes_per_second) {
  writePlot('refresh-rate.svg', refreshRateSvg(scale.refreshes_per_second, `${scale.sessions} sessions, ${scale.lifetime_s} s JWTs`), 'Refresh requests per second during the refresh-at-scale run');
}
const plotsText = plots.length ? `\n## Plots\n\n${plots.join('\n\n')}\n` : '';

// Where the figures come from, measured in the same run: start-up phases (ms after the launch
// request: navigation timing and the UI's drivly:* marks), memory by process, wake-ups by
// thread. These are what the notes below reason from.
const breakdown = [];
if (startup?.app.phases) {
  const line = (p) => Object.entries(p ?? {}).map(([k, v]) => `${k} ${v}`).join(', ');
  breakdown.push(`- **Start-up phases** (median ms after the launch request): app: ${line(startup.app.phases)}; reference: ${line(startup.ref.phases)}.`);
}
if (startup?.app.processes?.length) {
  breakdown.push(`- **PSS by process** (first memory run): app: ${startup.app.processes.join(', ')}; reference: ${startup.ref.processes.join(', ')}.`);
}
if (reopen?.closedAppMappings?.length) {
  breakdown.push(`- **Closed to the tray after use, the app process's largest PSS shares by mapping**: ${reopen.closedAppMappings.join(', ')}.`);
}
if (idle?.app.wakeupsByThread) {
  const line = (list, seconds) => list.map(([name, n]) => `${name} ${f(n / seconds, 2)}/s`).join(', ');
  breakdown.push(`- **Idle wake-ups by process/thread**: app: ${line(idle.app.wakeupsByThread, idle.seconds)}; reference: ${line(idle.ref.wakeupsByThread, idle.seconds)}.`);
}
const breakdownText = breakdown.length ? `\n## Breakdown of this run\n\n${breakdown.join('\n')}\n` : '';

const header = ['What', 'Median', 'Min–max', 'Reference', 'Ratio', 'Goal'];
const table = [header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
const os = readFileSync('/etc/os-release', 'utf8').match(/^PRETTY_NAME="?([^"\n]*)/m)?.[1] ?? 'Linux';
const commit = (() => {
  try {
    return execSync('git rev-parse --short HEAD', { cwd: root }).toString().trim();
  } catch {
    return 'unknown';
  }
})();
const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ${f(totalmem() / 1073741824, 1)} GiB memory, ${os}, kernel ${release()}`;
const date = new Date().toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
console.log(`\n${machine}\n${date}, commit ${commit}\n\n${table}\n${breakdownText}`);
const method = readFileSync(join(here, 'method.md'), 'utf8');
const notesFile = join(here, 'notes.md');
const notes = existsSync(notesFile) ? readFileSync(notesFile, 'utf8') : '';
writeFileSync(
  output,
  `# Benchmarks\n\nWritten by \`scripts/bench\` (issues #8 and #18). One run: ${date}, commit \`${commit}\`.\n\n**Machine:** ${machine}.\n\n${table}\n${breakdownText}${plotsText}\n${method}\n${notes}`,
);
