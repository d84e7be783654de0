// Start-up marks (drivly:*) let the benchmark split time to ready into phases (scripts/bench).
performance.mark('drivly:main');
import { mount } from 'svelte';
import App from './App.svelte';
import { tauriBackend } from './ipc/tauri-backend';
import './app.css';
import { applyTheme } from './lib/theme';

// Follow the system until the saved setting loads, so the first paint is already in theme.
applyTheme('system');

const target = document.getElementById('app');
if (target) mount(App, { target, props: { backend: tauriBackend } });
performance.mark('drivly:mounted');
