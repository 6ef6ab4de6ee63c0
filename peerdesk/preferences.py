"""The supporter's settings, each declared once: key, type, default, label and limits.

Values live inside the encrypted vault (``vault.settings``), never in QSettings
or any other file: a supporter's name or role is as private as a note. This
module is Qt-free; the settings dialog builds its form from :data:`ALL_SETTINGS`
(type -> widget), so what is stored and what is shown cannot drift apart.

Reading never fails: a stored value of the wrong type or out of range (an older
version, a hand-edited vault) reads as the default. Writing is strict and says
what is wrong in a :class:`ValueError` the dialog can show as it is.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, Protocol, TypeAlias, TypeVar

from .i18n import _
from .store.errors import VaultError

if TYPE_CHECKING:  # the store's settings module opens SQLCipher: not needed to start
    from .store.settings import JsonValue

T = TypeVar("T", int, bool, str)

# Characters that end a line, in any of the ways Unicode knows.
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


class SettingsBackend(Protocol):
    """Where values are kept: ``vault.settings`` (a ``SettingsStore``) in the app."""

    def get(self, key: str, default: JsonValue = None) -> JsonValue: ...

    def set(self, key: str, value: object) -> None: ...


@dataclass(frozen=True, slots=True)
class Setting(Generic[T]):
    """One setting. ``label``, ``section``, ``unit`` and ``hint`` are translated when read."""

    key: str
    kind: type[T]
    default: T
    label_text: str
    section_text: str
    minimum: int | None = None
    maximum: int | None = None
    max_length: int | None = None
    unit_text: str = ""
    hint_text: str = ""

    @property
    def label(self) -> str:
        return _(self.label_text)

    @property
    def section(self) -> str:
        return _(self.section_text)

    @property
    def unit(self) -> str:
        return _(self.unit_text) if self.unit_text else ""

    @property
    def hint(self) -> str:
        return _(self.hint_text) if self.hint_text else ""

    def problem(self, value: object) -> str | None:
        """Why ``value`` cannot be stored for this setting, or None if it can."""
        if self.kind is bool:
            if isinstance(value, bool):
                return None
            return _("{label}: choose on or off.").format(label=self.label)
        if self.kind is int:
            # bool is an int in Python; True is not "1 minute".
            if not isinstance(value, int) or isinstance(value, bool):
                return _("{label}: type a whole number.").format(label=self.label)
            low, high = self.minimum, self.maximum
            if (low is not None and value < low) or (high is not None and value > high):
                return _("{label}: choose a number from {low} to {high}.").format(
                    label=self.label, low=low, high=high
                )
            return None
        if not isinstance(value, str):
            return _("{label}: type some text.").format(label=self.label)
        return _text_problem(self.label, value, self.max_length)

    def validated(self, value: object) -> T:
        """``value`` if it fits this setting, else the default (reading never fails)."""
        if self.problem(value) is None:
            return value  # type: ignore[return-value]  # problem() checked the type
        return self.default


def _text_problem(label: str, value: str, max_length: int | None) -> str | None:
    if max_length is not None and len(value) > max_length:
        return _("{label}: use at most {count} characters.").format(label=label, count=max_length)
    for char in value:
        if char in _LINE_BREAKS:
            return _("{label}: keep it to one line.").format(label=label)
        category = unicodedata.category(char)
        if category == "Cc" and char != "\t":
            return _("{label}: remove the control characters.").format(label=label)
        if category == "Cs":
            return _(
                "{label}: contains a broken character (from a damaged copy and paste). Retype it."
            ).format(label=label)
    return None


# -- the settings ----------------------------------------------------------------------
# Label text is the source string: it is translated when shown (Setting.label).

_LOCKING = "Locking"
_CLIPBOARD = "Clipboard"
_SUPPORTER = "You, on referral documents"
_CHECKLISTS = "Checklists"

AUTO_LOCK_MINUTES: Setting[int] = Setting(
    key="lock.idle_minutes",
    kind=int,
    default=5,
    label_text="Lock after this many minutes without use",
    section_text=_LOCKING,
    minimum=1,
    maximum=240,
    unit_text="min",
)
LOCK_ON_MINIMISE: Setting[bool] = Setting(
    key="lock.on_minimise",
    kind=bool,
    default=False,
    label_text="Lock when the window is minimised",
    section_text=_LOCKING,
)
CLIPBOARD_CLEAR_SECONDS: Setting[int] = Setting(
    key="clipboard.clear_seconds",
    kind=int,
    default=30,
    label_text="Clear copied text after this many seconds",
    section_text=_CLIPBOARD,
    minimum=5,
    maximum=600,
    unit_text="s",
    hint_text="Only text copied from peerdesk is cleared, and only if it is still there.",
)
SUPPORTER_NAME: Setting[str] = Setting(
    key="supporter.name",
    kind=str,
    default="",
    label_text="Your name",
    section_text=_SUPPORTER,
    max_length=200,
)
SUPPORTER_ROLE: Setting[str] = Setting(
    key="supporter.role",
    kind=str,
    default="",
    label_text="Your role",
    section_text=_SUPPORTER,
    max_length=200,
)
SUPPORTER_CONTACT: Setting[str] = Setting(
    key="supporter.contact",
    kind=str,
    default="",
    label_text="How to contact you",
    section_text=_SUPPORTER,
    max_length=200,
    hint_text="Shown on referral PDFs so the service can reach you. Leave empty to leave it out.",
)

CHECKLIST_PANEL: Setting[bool] = Setting(
    key="checklists.panel_shown",
    kind=bool,
    default=True,
    label_text="Show checklists beside the session notes",
    section_text=_CHECKLISTS,
    hint_text="The button above the notes shows or hides them during a conversation too.",
)
CHECKLIST_DETAILS: Setting[bool] = Setting(
    key="checklists.details_shown",
    kind=bool,
    default=False,
    label_text="Show guidance and example phrases under checklist items",
    section_text=_CHECKLISTS,
)

# A year after support ends covers the usual follow-up questions (a grievance,
# a tribunal date) without keeping notes about someone for good; 30 days is
# the least that still lets a supporter answer "what did we agree?", and ten
# years the most any programme we know of asks for. Kept longer case by case.
RETENTION_DAYS: Setting[int] = Setting(
    key="retention.closed_days",
    kind=int,
    default=365,
    label_text="Delete closed people after this many days",
    section_text="Keeping records",
    minimum=30,
    maximum=3650,
    unit_text="days",
    hint_text=(
        "peerdesk offers to delete everything about a person this long after you close "
        "their support. You see who first, and can keep anyone longer with a reason."
    ),
)

# Two weeks: a laptop lost or broken loses at most a fortnight of notes, and a
# reminder that often is a nudge, not a nag. 0 turns the reminder off.
BACKUP_REMINDER_DAYS: Setting[int] = Setting(
    key="backup.reminder_days",
    kind=int,
    default=14,
    label_text="Remind me to back up after this many days",
    section_text="Backups",
    minimum=0,
    maximum=365,
    unit_text="days",
    hint_text="A quiet note above your work, never a pop-up. 0 turns the reminder off.",
)

AnySetting: TypeAlias = "Setting[int] | Setting[bool] | Setting[str]"

ALL_SETTINGS: tuple[AnySetting, ...] = (
    AUTO_LOCK_MINUTES,
    LOCK_ON_MINIMISE,
    CLIPBOARD_CLEAR_SECONDS,
    SUPPORTER_NAME,
    SUPPORTER_ROLE,
    SUPPORTER_CONTACT,
    CHECKLIST_PANEL,
    CHECKLIST_DETAILS,
    RETENTION_DAYS,
    BACKUP_REMINDER_DAYS,
)


def by_key(key: str) -> AnySetting:
    for setting in ALL_SETTINGS:
        if setting.key == key:
            return setting
    raise KeyError(key)


class Preferences:
    """Typed, validated access to the settings kept in a vault (or any backend)."""

    def __init__(self, store: SettingsBackend) -> None:
        self._store = store

    def get(self, setting: Setting[T]) -> T:
        """The stored value, or the default if none is stored or it does not fit."""
        return setting.validated(self._raw(setting.key, setting.default))

    def set(self, setting: Setting[T], value: T) -> None:
        """Store ``value``, or raise ValueError with a message the supporter can act on."""
        problem = setting.problem(value)
        if problem is not None:
            raise ValueError(problem)
        self._store.set(setting.key, value)

    def values(self) -> dict[str, int | bool | str]:
        """Every declared setting's value, by key (what a settings form shows)."""
        return {s.key: s.validated(self._raw(s.key, s.default)) for s in ALL_SETTINGS}

    def update(self, values: Mapping[str, object]) -> None:
        """Store several values by key: all of them, or (ValueError) none of them."""
        checked: list[tuple[str, object]] = []
        for key, value in values.items():
            try:
                setting = by_key(key)
            except KeyError:
                raise ValueError(f"no such setting: {key}") from None
            problem = setting.problem(value)
            if problem is not None:
                raise ValueError(problem)
            checked.append((key, value))
        for key, value in checked:
            self._store.set(key, value)

    def _raw(self, key: str, default: JsonValue) -> JsonValue:
        try:
            return self._store.get(key, default)
        # Undecodable JSON, or a vault locked meanwhile: as if never set.
        except (ValueError, TypeError, VaultError):
            return default


PreferencesSource: TypeAlias = "Preferences | Callable[[], Preferences | None]"
"""Preferences, or a way to reach them that gives None while the vault is locked."""


def read(source: PreferencesSource, setting: Setting[T]) -> T:
    """``setting`` from ``source``; its default while locked (the source gives None)."""
    preferences = source if isinstance(source, Preferences) else source()
    if preferences is None:
        return setting.default
    return preferences.get(setting)


class MemorySettings:
    """A :class:`SettingsBackend` in a dict: for tests and screenshots, never for real data."""

    def __init__(self, values: dict[str, JsonValue] | None = None) -> None:
        self.values: dict[str, JsonValue] = dict(values or {})

    def get(self, key: str, default: JsonValue = None) -> JsonValue:
        return self.values.get(key, default)

    def set(self, key: str, value: object) -> None:
        # What a vault would keep: a JSON round trip, so tests see the same types.
        self.values[key] = json.loads(json.dumps(value, allow_nan=False))
