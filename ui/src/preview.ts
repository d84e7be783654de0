// Visual preview: the real App on the fake backend, for screenshots during development.
// Query: ?screen=keys|sessions|mint|inspect|settings&theme=light|dark&empty=1&notice=text
import { mount } from 'svelte';
import App from './App.svelte';
import { fakeBackend } from './test/fake-backend';
import './app.css';

const params = new URLSearchParams(location.search);
const notice = params.get('notice');
const backend = fakeBackend({
  seeded: params.get('empty') !== '1',
  ...(notice ? { notices: [notice] } : {}),
});
const theme = params.get('theme');
if (theme === 'light' || theme === 'dark') backend.state.settings.theme = theme;

const target = document.getElementById('app');
if (target) mount(App, { target, props: { backend } });
