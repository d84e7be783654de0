// The tray menu, used the way a desktop's tray host uses it: the app's status icon
// (libayatana-appindicator) publishes its menu over D-Bus (com.canonical.dbusmenu) on the
// session bus, and a click on an item is the host calling `Event(id, "clicked", …)` on it.
// Xvfb has no tray host to show the icon, so the test plays that host with gdbus.
import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

const gdbus = (...args) =>
  execFileSync('gdbus', ['call', '--session', ...args], { timeout: 10000, stdio: ['ignore', 'pipe', 'pipe'] }).toString();

/** The unique bus names of the process `pid` (an app holds several connections: the tray's
 *  is one of them). */
function busNamesOf(pid) {
  const names = gdbus('--dest', 'org.freedesktop.DBus', '--object-path', '/org/freedesktop/DBus', '--method', 'org.freedesktop.DBus.ListNames')
    .match(/':\d+\.\d+'/g)
    ?.map((n) => n.slice(1, -1)) ?? [];
  return names.filter((name) => {
    try {
      const owner = gdbus('--dest', 'org.freedesktop.DBus', '--object-path', '/org/freedesktop/DBus', '--method', 'org.freedesktop.DBus.GetConnectionUnixProcessID', name);
      return Number(owner.match(/uint32 (\d+)/)?.[1]) === pid;
    } catch {
      return false; // gone meanwhile
    }
  });
}

/** The object paths of the dbusmenu menus `name` exports (under /org/ayatana/NotificationItem;
 *  none when this connection is not the tray's). */
function menuPaths(name) {
  const root = '/org/ayatana/NotificationItem';
  const xml = execFileSync('gdbus', ['introspect', '--session', '--dest', name, '--object-path', root, '--xml'], {
    timeout: 10000,
    stdio: ['ignore', 'pipe', 'ignore'],
  }).toString();
  return [...xml.matchAll(/<node name="([^"]+)"/g)].map((m) => `${root}/${m[1]}/Menu`);
}

/** The items of a dbusmenu layout as gdbus prints it: `[{ id, label }]`. */
function items(layout) {
  return [...layout.matchAll(/\((\d+), \{([^}]*)\}/g)].flatMap(([, id, props]) => {
    const label = props.match(/'label': <'((?:[^'\\]|\\.)*)'>/)?.[1];
    return label === undefined ? [] : [{ id, label }];
  });
}

/** Finds the tray menu item labelled `label` (a string, or a RegExp for labels with times in
 *  them) of the app process `pid`: resolves with its label and a `click()` that only sends the
 *  click (the benchmark times that alone). Waits up to 20 s for the tray to be published (it
 *  is created once secure storage has opened) and to show the item. */
export async function findTrayItem(pid, label) {
  const deadline = Date.now() + 20000;
  let last = `process ${pid} has no bus connection`;
  while (Date.now() < deadline) {
    for (const name of busNamesOf(pid)) {
      try {
        for (const path of menuPaths(name)) {
          const layout = gdbus('--dest', name, '--object-path', path, '--method', 'com.canonical.dbusmenu.GetLayout', '--', '0', '-1', '[]');
          const found = items(layout).find((item) => (label instanceof RegExp ? label.test(item.label) : item.label === label));
          if (found) {
            const click = () => gdbus('--dest', name, '--object-path', path, '--method', 'com.canonical.dbusmenu.Event', '--', found.id, 'clicked', '<int32 0>', '0');
            return { label: found.label, click };
          }
          last = `no “${label}” among the menu's items at ${path}: ${JSON.stringify(items(layout).map((i) => i.label))}`;
        }
      } catch {
        last = `no tray menu published by process ${pid}`; // not the tray's connection, or not yet
      }
    }
    await sleep(250);
  }
  throw new Error(`could not find “${label}” in the tray: ${last}`);
}

/** Clicks the tray menu item labelled `label` of the app process `pid` (as `findTrayItem`);
 *  resolves with the label clicked. */
export async function clickTrayItem(pid, label) {
  const item = await findTrayItem(pid, label);
  item.click();
  return item.label;
}
