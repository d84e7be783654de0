// Visual preview: the real App on the fake backend, for screenshots during development.
// Query: ?screen=keys|sessions|mint|inspect|settings&theme=light|dark&empty=1&notice=text
// &clipboard=jwt (a session JWT on the fake clipboard, for the Inspect screen's offer)
import { mount } from 'svelte';
import App from './App.svelte';
import { fakeBackend } from './test/fake-backend';
import { encodeJwt } from './test/jwt';
import './app.css';

const params = new URLSearchParams(location.search);
const notice = params.get('notice');
const backend = fakeBackend({
  seeded: params.get('empty') !== '1',
  ...(notice ? { notices: [notice] } : {}),
});
const theme = params.get('theme');
if (theme === 'light' || theme === 'dark') backend.state.settings.theme = theme;
if (params.get('clipboard') === 'jwt') {
  const now = Math.floor(Date.now() / 1000);
  backend.state.clipboard = encodeJwt({ alg: 'RS256', typ: 'JWT' }, { sub: 'usr_1', kind: 'session', exp: now + 540, permissions: ['invoices.read'] });
}

const target = document.getElementById('app');
if (target) mount(App, { target, props: { backend } });
