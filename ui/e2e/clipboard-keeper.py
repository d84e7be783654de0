#!/usr/bin/python3
"""A clipboard manager of the kind that keeps the clipboard's text after the program that
copied it exits (as parcellite, clipit or xfce4-clipman do), and that ignores the
password-manager hint: the worst case the app's clear-on-quit exists for. Without it, X drops a
clipboard when its owner exits, so "cleared on quit" would pass with the clearing broken.

Remembers the text of every new owner; an owner that clears the clipboard (gives it up while
running) leaves nothing to remember; an owner that exits while still owning it has its last
text taken over. Prints "ready" once it watches. Run with the system python3 (GTK 3 bindings).
"""
import signal
import sys

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("Gdk", "3.0")
from gi.repository import Gdk, GLib, Gtk  # noqa: E402

clipboard = Gtk.Clipboard.get(Gdk.SELECTION_CLIPBOARD)
last = {"text": None, "own": False}


def remember(_clipboard, text):
    last["text"] = text


def on_owner_change(_clipboard, event):
    if event.reason == Gdk.OwnerChange.NEW_OWNER:
        # A copy (a new owner) or a clear (no owner): read what it holds now.
        if event.owner is None:
            last["text"] = None
        else:
            clipboard.request_text(remember)
    elif last["text"] is not None:
        # DESTROY or CLOSE: the owner exited still owning it. Keep its text.
        clipboard.set_text(last["text"], -1)
        print("kept", flush=True)


clipboard.connect("owner-change", on_owner_change)
signal.signal(signal.SIGTERM, lambda *_: Gtk.main_quit())
GLib.idle_add(lambda: print("ready", flush=True) and False)
Gtk.main()
sys.exit(0)
