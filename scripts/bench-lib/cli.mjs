// Whole-process CLI timings, interleaved: `drivly-keys token` (a fresh shared JWT is in the
// keyring) against `gh auth token`, and `drivly-keys decode` of a 1 KB token against `true`
// (the cost of starting any process from here).
// Usage: node cli.mjs CLI_BIN RUNS OUT.json   (env: the signed-in store's environment)
import { createHmac } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { interleave, timeCommand } from './stats.mjs';

const [cli, runsText, outFile] = process.argv.slice(2);
const runs = Number(runsText);

// gh 2.23 (Debian 12) keeps its token in hosts.yml; it has no keyring storage.
const ghDir = mkdtempSync(join(tmpdir(), 'bench-gh-'));
writeFileSync(
  join(ghDir, 'hosts.yml'),
  'github.com:\n    oauth_token: gho_benchmark_not_a_real_token\n    user: octocat\n    git_protocol: https\n',
);
const ghEnv = { ...process.env, GH_CONFIG_DIR: ghDir };

// The same "typical 1 KB token" as crates/drivly-core/benches/jwt_inspect.rs (HS256, fake secret).
function typicalToken() {
  const b64 = (v) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const resources = ['invoices', 'services', 'vehicles', 'listings', 'deals', 'customers', 'orders', 'payments', 'webhooks', 'documents', 'transports', 'inspections'];
  const claims = {
    iss: 'https://commerce.driv.ly/api',
    sub: 'user_01HZY3K4M5N6P7Q8R9S0T1V2W3',
    aud: ['https://commerce.driv.ly/api'],
    kind: 'session',
    jti: '8f14e45f-ceea-467f-a8f4-2b1c9a7d3e6b',
    iat: 1748779200,
    nbf: 1748779200,
    exp: 1748779800,
    permissions: resources.flatMap((r) => [`${r}.read`, `${r}.write`]),
    name: 'Ada Example',
    email: 'ada@example.com',
    org: { id: 'org_01HZY3K4M5', name: 'Example Motors', plan: 'enterprise' },
  };
  const input = `${b64({ alg: 'HS256', typ: 'JWT', kid: 'emulator-2025' })}.${b64(claims)}`;
  return `${input}.${createHmac('sha256', 'bench-only-secret').update(input).digest('base64url')}`;
}
const token = typicalToken();

const [ours, gh] = interleave(
  runs,
  () => timeCommand(cli, ['token']),
  () => timeCommand('gh', ['auth', 'token'], { env: ghEnv }),
);
// The floor to beat: libsecret's own client reading one item from the same Secret Service
// (one connection, one session, one lookup). The item is stored once, before the runs.
const probe = ['service', 'ly.driv.keys.bench-floor', 'username', 'probe'];
timeCommand('sh', ['-c', `printf 'header.payload.signature' | secret-tool store --label='bench floor' ${probe.join(' ')}`]);
const [oursAgain, secretTool] = interleave(
  runs,
  () => timeCommand(cli, ['token']),
  () => timeCommand('secret-tool', ['lookup', ...probe]),
);
timeCommand('secret-tool', ['clear', ...probe]);
const [decode, floor] = interleave(
  runs,
  () => timeCommand(cli, ['decode', token]),
  () => timeCommand('true', []),
);
writeFileSync(
  outFile,
  JSON.stringify({ token: ours, gh, tokenVsFloor: oursAgain, secretTool, decode, floor, tokenBytes: token.length }, null, 2),
);
