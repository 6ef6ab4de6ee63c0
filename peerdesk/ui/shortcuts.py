"""Every keyboard shortcut, declared once, so they can be read and documented in one place.

Portable text forms: Qt shows "Ctrl" as the Command key on macOS. The Help menu's
shortcut list is built from ``ALL``; nothing else defines a shortcut.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..i18n import _


@dataclass(frozen=True, slots=True)
class Shortcut:
    keys: str
    description: str


LOCK = "Ctrl+L"
QUICK_HIDE = "Ctrl+Shift+H"
FIND = "Ctrl+F"
NEW_PERSON = "Ctrl+Shift+N"
NEW_SESSION = "Ctrl+N"
NEW_INCIDENT = "Ctrl+Shift+I"
RENAME_PERSON = "F2"
FOLLOW_UPS = "Ctrl+Shift+U"
PEOPLE = "Ctrl+1"
SETTINGS = "Ctrl+,"
SHORTCUT_HELP = "F1"
QUIT = "Ctrl+Q"
DELETE_PERSON = "Del"  # in the people list only; always asks first
TOGGLE_CHECKLISTS = "Ctrl+Shift+K"  # in a session
TICK_ITEM = "Space"  # on a checklist item (a checkbox's own key)
NOTE_ITEM = "N"  # on a checklist item
NEXT_ITEM = "Down"  # between checklist items ("Up" goes back)


def all_shortcuts() -> list[Shortcut]:
    """What the Help menu lists, in the order a supporter meets them."""
    return [
        Shortcut(LOCK, _("Lock peerdesk")),
        Shortcut(QUICK_HIDE, _("Lock and minimise at once (someone walked in)")),
        Shortcut(FIND, _("Search notes, incidents and aliases")),
        Shortcut(PEOPLE, _("Go to the people list")),
        Shortcut(NEW_PERSON, _("Add a person")),
        Shortcut(RENAME_PERSON, _("Rename the selected person")),
        Shortcut(DELETE_PERSON, _("Delete the selected person (in the people list; asks first)")),
        Shortcut(NEW_SESSION, _("New session for the selected person")),
        Shortcut(NEW_INCIDENT, _("New incident diary entry for the selected person")),
        Shortcut(TOGGLE_CHECKLISTS, _("Show or hide the checklists beside the session notes")),
        Shortcut(TICK_ITEM, _("Tick or untick the checklist item in focus")),
        Shortcut(NOTE_ITEM, _("Add a short note to the checklist item in focus")),
        Shortcut(NEXT_ITEM, _("Next checklist item (Up: the one before)")),
        Shortcut(FOLLOW_UPS, _("Show follow-ups due")),
        Shortcut(SETTINGS, _("Settings")),
        Shortcut(SHORTCUT_HELP, _("Show these keyboard shortcuts")),
        Shortcut(QUIT, _("Quit peerdesk (saves and locks first)")),
    ]
