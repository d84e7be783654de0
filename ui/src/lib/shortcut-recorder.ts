// Turning a key press into the spelling the global shortcut setting takes ("Ctrl+Alt+J"), the
// way Rust's drivly_core::global_shortcut spells it. Pure, so tests need no window.

type KeyPress = Pick<KeyboardEvent, 'code' | 'ctrlKey' | 'altKey' | 'shiftKey' | 'metaKey'>;

/** The key part of a press: a letter, a digit or F1–F12 (by position, so layouts agree with
 *  what the desktop grabs); null for a modifier alone or a key a global shortcut cannot use. */
function keyOf(code: string): string | null {
  const letter = /^Key([A-Z])$/.exec(code);
  if (letter) return letter[1] ?? null;
  const digit = /^Digit([0-9])$/.exec(code);
  if (digit) return digit[1] ?? null;
  const fn = /^F([1-9]|1[0-2])$/.exec(code);
  return fn ? `F${fn[1]}` : null;
}

/** What the recorder shows for a press: the whole shortcut, or the modifiers so far while
 *  the user is still pressing them (`complete: false`). */
export function recordShortcut(event: KeyPress): { text: string; complete: boolean } {
  const parts = [
    event.ctrlKey ? 'Ctrl' : null,
    event.altKey ? 'Alt' : null,
    event.shiftKey ? 'Shift' : null,
    event.metaKey ? 'Super' : null,
  ].filter((p): p is string => p !== null);
  const key = keyOf(event.code);
  if (!key) return { text: parts.length ? `${parts.join('+')}+…` : '', complete: false };
  return { text: [...parts, key].join('+'), complete: true };
}

/** Why a recorded shortcut cannot be used (as Rust would refuse it), or null. */
export function shortcutProblem(text: string): string | null {
  if (!text || text.endsWith('…')) return 'Press the whole combination, for example Ctrl+Alt+J.';
  const words = text.split('+');
  if (!words.some((w) => w === 'Ctrl' || w === 'Alt' || w === 'Super'))
    return 'Use Ctrl, Alt or Super with the key, or it would take that key from every other program.';
  return null;
}
