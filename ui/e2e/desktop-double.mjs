// The desktop's D-Bus services that Xvfb lacks, played by `desktop-double` (crates/desktop-double):
// a tray host (org.kde.StatusNotifierWatcher) and a notification server that reports each
// notification and clicks its buttons when told. Start it before the app: the app asks for a
// tray host once, at start.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { required } from './sign-in-support.mjs';

/** Starts the double with `args` (`--tray-host`, `--notifications`, `--no-actions`); resolves
 *  once it owns its names. */
export async function startDesktopDouble(args) {
  const bin = process.env.DRIVLY_KEYS_DESKTOP_DOUBLE_BIN ?? join(dirname(required('DRIVLY_KEYS_APP_BIN')), 'desktop-double');
  const child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const events = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    try {
      events.push(JSON.parse(line));
    } catch {
      // not ours
    }
  });
  const deadline = Date.now() + 10000;
  while (!events.some((e) => e.event === 'ready')) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`desktop-double did not start (${bin})`);
    await sleep(50);
  }
  return {
    /** Every notification shown so far, oldest first. */
    notifications: () => events.filter((e) => e.event === 'notify'),
    /** Waits for a notification whose summary matches `summary` shown after the first `after`. */
    async notification(summary, { after = 0, timeout = 30000 } = {}) {
      const end = Date.now() + timeout;
      for (;;) {
        const found = events.filter((e) => e.event === 'notify').slice(after).find((n) => summary.test(n.summary));
        if (found) return found;
        if (Date.now() > end) {
          const seen = events.filter((e) => e.event === 'notify').map((n) => `${n.summary}: ${n.body}`);
          throw new Error(`no notification like ${summary}; shown: ${JSON.stringify(seen)}`);
        }
        await sleep(100);
      }
    },
    /** The user clicks the button `key` of notification `id`. */
    invoke: (id, key) => child.stdin.write(`invoke ${id} ${key}\n`),
    stop: () => child.kill(),
  };
}
