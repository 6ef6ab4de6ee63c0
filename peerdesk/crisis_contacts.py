"""The programme's crisis and escalation contacts, shown when a risk item is marked. No Qt.

The list is structured (who, how to reach them, when to use them), so it is kept
as one JSON value under its own key in the vault's settings, not as a scalar
preference. Until the supporter fills it in, it holds clearly marked
placeholders: a contact with nothing under "how to reach them" shows as
"[Your EAP phone number — set this in Settings]", never as a blank or an
invented number.

The general emergency guidance is not a setting: it is always shown first, and
it names no single country's number as *the* number.

Reading never fails: a stored value that does not fit (an older version, a
hand-edited vault) reads as the placeholders. Saving is strict and says what to
change in a :class:`ValueError`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .i18n import _
from .preferences import SettingsBackend
from .store.errors import InvalidText, VaultError
from .store.settings import JsonValue
from .store.values import check_optional_line

SETTINGS_KEY = "escalation.contacts"
MAX_CONTACTS = 30

# Field names, in English; translated when a message is built.
NAME = "contact's name or service"
HOW = "how to reach them"
WHEN = "when to use this contact"


@dataclass(frozen=True, slots=True)
class CrisisContact:
    """One service or person to turn to when someone may be at risk.

    ``how`` is a phone number, an address or whatever reaches them; empty means
    "not filled in yet", and then ``hint`` (an English source string, translated
    when shown) says what belongs there.
    """

    name: str
    how: str = ""
    when: str = ""
    hint: str = ""

    @property
    def is_placeholder(self) -> bool:
        """Not filled in yet: shown as a marked placeholder, never as a real contact."""
        return not self.how.strip()

    @property
    def shown_how(self) -> str:
        """How to reach them, or the clearly marked placeholder that asks for it."""
        if not self.is_placeholder:
            return self.how
        wanted = _(self.hint) if self.hint else _("How to reach them")
        return _("[{wanted} — set this in Settings]").format(wanted=wanted)

    @property
    def shown_name(self) -> str:
        # Placeholder names are English source strings from PLACEHOLDERS: translate them.
        return _(self.name) if self.is_placeholder else self.name


# The source strings are marked for translation where they are shown (shown_name, shown_how).
PLACEHOLDERS: tuple[CrisisContact, ...] = (
    CrisisContact(
        "Employee assistance programme (EAP)",
        hint="Your EAP phone number",
    ),
    CrisisContact(
        "Your peer support coordinator",
        hint="Your coordinator's name and phone number",
    ),
    CrisisContact(
        "Crisis or listening line",
        hint="A crisis or listening line in your country, open day and night",
    ),
    CrisisContact(
        "Duty-of-care contact",
        hint="Who your programme says to tell when someone may be at risk (HR, safeguarding lead)",
    ),
    CrisisContact(
        "Occupational health",
        hint="Occupational health, if your workplace has it",
    ),
)


def emergency_guidance() -> str:
    """What to do when life is in danger, shown above the programme's contacts."""
    return _(
        "If someone's life is in danger, call your local emergency number now "
        "(for example 999 in the UK, 112 in the EU, 911 in North America). "
        "Stay with them if it is safe to do so."
    )


def support_guidance() -> str:
    """What to do when there is risk but no immediate danger."""
    return _(
        "If they are not in immediate danger: stay calm, keep listening, and help them "
        "contact one of the services below today. You do not have to carry this alone; "
        "tell your coordinator or duty-of-care contact."
    )


# -- reading and writing -----------------------------------------------------------------


def load(store: SettingsBackend) -> list[CrisisContact]:
    """The stored contacts, or the placeholders if none (or nothing usable) are stored."""
    try:
        raw = store.get(SETTINGS_KEY, None)
    # Undecodable JSON, or a vault locked meanwhile: as if never set.
    except (ValueError, TypeError, VaultError):
        return list(PLACEHOLDERS)
    contacts = _decode(raw)
    return list(PLACEHOLDERS) if contacts is None else contacts


def save(store: SettingsBackend, contacts: Iterable[CrisisContact]) -> list[CrisisContact]:
    """Check and store ``contacts`` (all, or with ValueError none); returns what was stored."""
    checked = checked_contacts(contacts)
    store.set(SETTINGS_KEY, [_encode(contact) for contact in checked])
    return checked


def reset(store: SettingsBackend) -> None:
    """Go back to the placeholders (the settings editor's "start again")."""
    store.set(SETTINGS_KEY, None)


def checked_contacts(contacts: Iterable[CrisisContact]) -> list[CrisisContact]:
    """``contacts`` trimmed, with wholly empty rows dropped; ValueError says what to change."""
    result: list[CrisisContact] = []
    for number, contact in enumerate(contacts, start=1):
        try:
            name = check_optional_line(contact.name, NAME)
            how = check_optional_line(contact.how, HOW)
            when = check_optional_line(contact.when, WHEN)
        except InvalidText as problem:
            raise ValueError(
                _("Contact {number}: {problem}").format(number=number, problem=str(problem))
            ) from None
        if name is None and how is None and when is None:
            continue  # an empty row left in the editor, not a contact
        if name is None:
            raise ValueError(
                _("Contact {number}: give a name or service, so you know who it reaches.").format(
                    number=number
                )
            )
        result.append(CrisisContact(name, how or "", when or "", "" if how else contact.hint))
    if len(result) > MAX_CONTACTS:
        raise ValueError(
            _("Keep the list to {count} contacts or fewer: in a crisis, short is quicker.").format(
                count=MAX_CONTACTS
            )
        )
    return result


def _encode(contact: CrisisContact) -> dict[str, JsonValue]:
    value: dict[str, JsonValue] = {"name": contact.name, "how": contact.how, "when": contact.when}
    if contact.is_placeholder and contact.hint:
        value["hint"] = contact.hint
    return value


def _decode(raw: JsonValue) -> list[CrisisContact] | None:
    """The contacts in ``raw``, or None if it is missing or does not fit."""
    if not isinstance(raw, list) or len(raw) > MAX_CONTACTS:
        return None
    contacts: list[CrisisContact] = []
    for entry in raw:
        if not isinstance(entry, dict):
            return None
        fields = {key: entry.get(key, "") for key in ("name", "how", "when", "hint")}
        if not all(isinstance(value, str) for value in fields.values()):
            return None
        contacts.append(
            CrisisContact(
                str(fields["name"]), str(fields["how"]), str(fields["when"]), str(fields["hint"])
            )
        )
    try:
        return checked_contacts(contacts)
    except ValueError:
        return None
