// End-to-end harness: starts tauri-driver (which starts WebKitWebDriver, which starts the built
// app) and opens a WebDriver session on the real window. One session at a time: always call
// `close()` in a `finally`.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { remote } from 'webdriverio';

const required = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the end-to-end tests through scripts/test`);
  return value;
};

/** Starts the emulator binary on an ephemeral port; resolves with its base URL. */
export async function startEmulator(args = []) {
  const child = spawn(required('DRIVLY_KEYS_EMULATOR_BIN'), ['--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const baseUrl = await new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error('the emulator did not print its base URL')), 15000);
    child.stdout.on('data', (chunk) => {
      seen += chunk.toString();
      const match = seen.match(/http:\/\/127\.0\.0\.1:\d+\/api/);
      if (match) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    });
    child.on('exit', (code) => reject(new Error(`the emulator exited with ${code}`)));
  });
  return { baseUrl, stop: () => child.kill() };
}

/** Launches the app under WebDriver with `env` added to its environment. */
export async function openApp({ env = {}, port = Number(process.env.DRIVLY_KEYS_DRIVER_PORT ?? 4444) } = {}) {
  const driver = spawn('tauri-driver', ['--port', String(port), '--native-driver', '/usr/bin/WebKitWebDriver'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  let browser;
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        browser = await remote({
          hostname: '127.0.0.1',
          port,
          logLevel: 'error',
          connectionRetryCount: 0,
          capabilities: { 'tauri:options': { application: required('DRIVLY_KEYS_APP_BIN') } },
        });
        break;
      } catch (error) {
        if (attempt > 40) throw error;
        await sleep(250);
      }
    }
    await browser.waitUntil(() => browser.execute(() => document.body.dataset.ready === 'true'), {
      timeout: 20000,
      timeoutMsg: 'the UI never signalled ready',
    });
  } catch (error) {
    driver.kill();
    throw error;
  }
  return {
    browser,
    async screenshot(name) {
      const dir = required('DRIVLY_KEYS_SCREENSHOTS');
      mkdirSync(dir, { recursive: true });
      await browser.saveScreenshot(join(dir, `${name}.png`));
    },
    async close() {
      try {
        await browser.deleteSession();
      } finally {
        driver.kill();
        await sleep(300);
      }
    },
  };
}
