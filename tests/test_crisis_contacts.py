"""The crisis and escalation contacts: placeholders until filled in, strict saving, safe reading."""

from __future__ import annotations

import pytest

from peerdesk import crisis_contacts
from peerdesk.crisis_contacts import (
    MAX_CONTACTS,
    PLACEHOLDERS,
    SETTINGS_KEY,
    CrisisContact,
    emergency_guidance,
    load,
    save,
)
from peerdesk.preferences import MemorySettings
from tests.conftest import HOSTILE_TEXTS, LONE_SURROGATE


def test_a_new_vault_shows_clearly_marked_placeholders() -> None:
    contacts = load(MemorySettings())
    assert contacts == list(PLACEHOLDERS)
    assert all(contact.is_placeholder for contact in contacts)
    eap = contacts[0]
    assert eap.shown_how == "[Your EAP phone number — set this in Settings]"
    # Every placeholder is bracketed and says where to fill it in: none looks dialable.
    for contact in contacts:
        assert contact.shown_how.startswith("[")
        assert contact.shown_how.endswith("— set this in Settings]")
        assert not any(ch.isdigit() for ch in contact.shown_how)


def test_the_emergency_guidance_names_the_local_number_not_one_country() -> None:
    text = emergency_guidance()
    assert "your local emergency number" in text
    for number in ("999", "112", "911"):
        assert number in text


def test_saved_contacts_come_back_exactly_and_stop_being_placeholders() -> None:
    store = MemorySettings()
    wanted = [
        CrisisContact("EAP (Health Assured)", "0800 030 5182", "24 hours, free"),
        CrisisContact("Coordinator: Dana", "ext 4417"),
    ]
    assert save(store, wanted) == wanted
    assert load(store) == wanted
    assert not any(contact.is_placeholder for contact in load(store))
    assert isinstance(store.values[SETTINGS_KEY], list)  # structured, under its own key


def test_an_unfilled_placeholder_keeps_its_hint_once_saved() -> None:
    store = MemorySettings()
    save(store, [PLACEHOLDERS[0], CrisisContact("Coordinator", "ext 4417")])
    eap, coordinator = load(store)
    assert eap.is_placeholder
    assert eap.shown_how == "[Your EAP phone number — set this in Settings]"
    assert coordinator.hint == ""


def test_saving_trims_and_drops_empty_rows() -> None:
    store = MemorySettings()
    saved = save(store, [CrisisContact("  EAP  ", " 0800 1 "), CrisisContact("", "", "")])
    assert saved == [CrisisContact("EAP", "0800 1")]


def test_an_empty_list_is_the_supporters_choice_and_stays_empty() -> None:
    store = MemorySettings()
    save(store, [])
    assert load(store) == []
    crisis_contacts.reset(store)
    assert load(store) == list(PLACEHOLDERS)


@pytest.mark.parametrize(
    ("contact", "words"),
    [
        (CrisisContact("", "0800 1"), "give a name"),
        (CrisisContact("EAP", "line one\nline two"), "single line"),
        (CrisisContact("EAP", LONE_SURROGATE), "cannot be stored"),
        (CrisisContact("E" * 201, "0800"), "too long"),
    ],
)
def test_a_bad_contact_is_refused_with_words_and_nothing_is_stored(
    contact: CrisisContact, words: str
) -> None:
    store = MemorySettings()
    with pytest.raises(ValueError, match="Contact 2") as refused:
        save(store, [CrisisContact("Fine", "1"), contact])
    assert words in str(refused.value)
    assert SETTINGS_KEY not in store.values


def test_too_many_contacts_are_refused() -> None:
    with pytest.raises(ValueError, match="or fewer"):
        save(MemorySettings(), [CrisisContact(f"C{n}", "1") for n in range(MAX_CONTACTS + 1)])


@pytest.mark.parametrize(
    "stored",
    [
        "not a list",
        42,
        [{"name": 3}],
        ["a string"],
        [{"name": "EAP", "how": ["0800"]}],
        [{"name": "", "how": "0800"}],
        [{"name": "x"}] * (MAX_CONTACTS + 1),
    ],
)
def test_a_stored_value_that_does_not_fit_reads_as_the_placeholders(stored: object) -> None:
    store = MemorySettings()
    store.set(SETTINGS_KEY, stored)
    assert load(store) == list(PLACEHOLDERS)


def test_reading_never_fails_on_a_broken_store() -> None:
    class Broken(MemorySettings):
        def get(self, key: str, default: object = None) -> object:  # type: ignore[override]
            raise ValueError("undecodable JSON")

    assert load(Broken()) == list(PLACEHOLDERS)


def test_hostile_but_one_line_text_round_trips(hostile_text: str) -> None:
    line = " ".join(hostile_text.split())
    store = MemorySettings()
    if any(ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 for ch in line):
        # Control characters have no place in a phone number or address: refused.
        with pytest.raises(ValueError, match=r"(?i)control|one line|character"):
            save(store, [CrisisContact("EAP", line)])
        assert load(store) == list(PLACEHOLDERS)
        return
    save(store, [CrisisContact("EAP", line)])
    assert load(store)[0].how == line.strip()


def test_every_hostile_sample_is_either_stored_exactly_or_refused_with_words() -> None:
    for sample in HOSTILE_TEXTS.values():
        store = MemorySettings()
        problem = ""
        try:
            save(store, [CrisisContact(sample, "1")])
        except ValueError as refused:
            problem = str(refused)
        if problem:
            assert "Contact 1" in problem
            assert SETTINGS_KEY not in store.values
        else:
            assert load(store)[0].name == sample.strip()
