// Signs the CLI in N times (N sessions in the shared store), completing the emulator's login
// and consent pages as a browser would, then requesting the loopback redirect.
// Usage: node login.mjs CLI_BIN COUNT   (env: DRIVLY_KEYS_HOME, DRIVLY_KEYS_EMULATOR_URL, ...)
import { spawn } from 'node:child_process';

const [cli, countText] = process.argv.slice(2);
const EMAIL = 'demo@drivly.test';
const PASSWORD = 'drivly-demo';

const attr = (tag, name) => tag.match(new RegExp(` ${name}="([^"]*)"`))?.[1]?.replaceAll('&amp;', '&');

/** The first form of a page: its action and hidden fields. */
function form(html, pageUrl) {
  const start = html.indexOf('<form');
  if (start < 0) throw new Error('the emulator page has no form');
  const body = html.slice(start, html.indexOf('</form>', start));
  const action = new URL(attr(body.slice(0, body.indexOf('>')), 'action') ?? '', pageUrl);
  const hidden = [...body.matchAll(/<input([^>]*)>/g)]
    .map((m) => m[1])
    .filter((tag) => attr(tag, 'type') === 'hidden')
    .map((tag) => [attr(tag, 'name'), attr(tag, 'value') ?? '']);
  return { action, hidden };
}

async function step(url, fields) {
  const response = await fetch(url, {
    method: fields ? 'POST' : 'GET',
    redirect: 'manual',
    headers: fields ? { 'content-type': 'application/x-www-form-urlencoded' } : {},
    body: fields ? new URLSearchParams(fields).toString() : undefined,
    signal: AbortSignal.timeout(15000),
  });
  const location = response.headers.get('location');
  if (location) return { redirect: new URL(location, url) };
  return { page: await response.text(), url };
}

async function browse(authorize) {
  let r = await step(authorize);
  if (r.redirect) return r.redirect;
  const login = form(r.page, authorize);
  r = await step(login.action, [...login.hidden, ['email', EMAIL], ['password', PASSWORD]]);
  if (r.redirect) return r.redirect;
  const consent = form(r.page, login.action);
  r = await step(consent.action, [...consent.hidden, ['decision', 'approve']]);
  if (!r.redirect) throw new Error('the consent page did not redirect');
  return r.redirect;
}

async function loginOnce() {
  const child = spawn(cli, ['login', '--no-browser'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const url = await new Promise((resolve, reject) => {
    let seen = '';
    child.stderr.on('data', (chunk) => {
      seen += chunk;
      const line = seen.split('\n').find((l) => l.startsWith('http'));
      if (line) resolve(line.trim());
    });
    exited.then((code) => reject(new Error(`login exited (${code}) before printing a URL`)));
  });
  const redirect = await browse(new URL(url));
  await fetch(redirect, { signal: AbortSignal.timeout(15000) });
  const code = await exited;
  if (code !== 0) throw new Error(`login exited with ${code}`);
}

for (let i = 0; i < Number(countText); i++) await loginOnce();
