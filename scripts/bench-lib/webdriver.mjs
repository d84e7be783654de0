// A minimal WebDriver client over fetch for tauri-driver, so timings carry no client library
// overhead: start the driver, open a session (which launches the app), poll a script, close.
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { sleep } from './stats.mjs';

function portOpen(port) {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Starts tauri-driver on `port` (WebKitWebDriver on `port + 1`) with `env`. */
export async function startDriver(port, env) {
  const child = spawn(
    'tauri-driver',
    ['--port', String(port), '--native-port', String(port + 1), '--native-driver', '/usr/bin/WebKitWebDriver'],
    { env, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  for (let i = 0; i < 100 && !(await portOpen(port)); i++) await sleep(100);
  const base = `http://127.0.0.1:${port}`;
  const call = async (method, path, body) => {
    const response = await fetch(base + path, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(60000),
    });
    const json = await response.json();
    if (!response.ok) throw new Error(`WebDriver ${method} ${path}: ${JSON.stringify(json).slice(0, 300)}`);
    return json.value;
  };
  return {
    pid: child.pid,
    /** Launches `application` with `args`; resolves with the session id. */
    async open(application, args = []) {
      const value = await call('POST', '/session', {
        capabilities: { alwaysMatch: { 'tauri:options': { application, args } } },
      });
      return value.sessionId;
    },
    /** Polls until the page says ready; resolves with the time it did (performance.now()). */
    async waitReady(session, timeoutMs = 30000) {
      const deadline = performance.now() + timeoutMs;
      while (performance.now() < deadline) {
        const ready = await call('POST', `/session/${session}/execute/sync`, {
          script: "return document.body !== null && document.body.dataset.ready === 'true';",
          args: [],
        });
        if (ready === true) return performance.now();
        await sleep(5);
      }
      throw new Error('the window never signalled ready');
    },
    /**
     * Where the page's time went: navigation timing and the UI's `drivly:*` marks, as epoch
     * milliseconds (performance.timeOrigin + offset), so the caller can line them up with the
     * moment it asked for the window.
     */
    async phases(session) {
      return call('POST', `/session/${session}/execute/sync`, {
        script: `const t0 = performance.timeOrigin;
          const nav = performance.getEntriesByType('navigation')[0];
          const out = { navigationStart: t0 };
          if (nav) {
            out.responseEnd = t0 + nav.responseEnd;
            out.domContentLoaded = t0 + nav.domContentLoadedEventEnd;
          }
          for (const m of performance.getEntriesByType('mark')) out[m.name] = t0 + m.startTime;
          return out;`,
        args: [],
      });
    },
    /**
     * Follows the app's window after it was made again (WebKitWebDriver lists the new page as
     * another window handle) and polls until its page says ready; resolves with the time it
     * did (performance.now()).
     */
    async followNewWindow(session, timeoutMs = 30000) {
      const deadline = performance.now() + timeoutMs;
      while (performance.now() < deadline) {
        const [handle] = await call('GET', `/session/${session}/window/handles`);
        if (handle) {
          await call('POST', `/session/${session}/window`, { handle });
          return this.waitReady(session, deadline - performance.now());
        }
        await sleep(5);
      }
      throw new Error('the window was not made again');
    },
    async close(session) {
      await call('DELETE', `/session/${session}`).catch(() => {});
    },
    stop() {
      child.kill();
    },
  };
}
