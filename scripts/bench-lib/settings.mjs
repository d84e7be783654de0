// Sets the app's "launch minimised" setting in its config file (creating the file when the
// CLI has not written one), so the idle run starts with the window closed to the tray.
// Usage: node settings.mjs CONFIG_JSON true|false
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const [file, value] = process.argv.slice(2);
const doc = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : { schemaVersion: 1 };
doc.settings = { ...(doc.settings ?? {}), launchMinimised: value === 'true' };
writeFileSync(file, JSON.stringify(doc, null, 2));
