"""Stored checklist templates, and the session risk flag that risk items raise."""

from __future__ import annotations

from pathlib import Path

import pytest

from peerdesk.store import KdfParams, NotFound, Vault, VaultError
from peerdesk.store.db import Database
from peerdesk.store.models import StoredTemplate, TemplateOrigin
from peerdesk.store.people import PeopleRepository
from peerdesk.store.sessions import SessionsRepository
from peerdesk.store.templates import TemplateAlreadyStored, TemplatesRepository

SOURCE = b'id = "tiny"\nversion = 1\n'
BUILTIN = TemplateOrigin.BUILTIN
IMPORTED = TemplateOrigin.IMPORTED


@pytest.fixture
def templates(db: Database) -> TemplatesRepository:
    return TemplatesRepository(db)


def test_a_stored_template_comes_back_byte_for_byte(templates: TemplatesRepository) -> None:
    odd = b"\xef\xbb\xbf# \x00 any bytes at all\r\n" + bytes(range(256))
    templates.add("tiny", 1, odd, IMPORTED)
    templates.add("tiny", 2, SOURCE, IMPORTED)
    templates.add("another", 7, SOURCE, BUILTIN)
    assert templates.get("tiny", 1) == odd
    assert templates.get("tiny", 3) is None
    assert templates.list() == [
        StoredTemplate("another", 7, BUILTIN),
        ("tiny", 1, IMPORTED),
        ("tiny", 2, IMPORTED),
    ]


def test_a_stored_version_is_never_replaced(templates: TemplatesRepository) -> None:
    templates.add("tiny", 1, SOURCE, IMPORTED)
    with pytest.raises(TemplateAlreadyStored):
        templates.add("tiny", 1, b"other text", IMPORTED)
    assert templates.snapshot_builtin("tiny", 1, b"other text") is False
    assert templates.get("tiny", 1) == SOURCE
    assert templates.list() == [("tiny", 1, IMPORTED)]


def test_a_built_in_version_is_kept_the_first_time_only(templates: TemplatesRepository) -> None:
    assert templates.snapshot_builtin("safety-check", 1, SOURCE) is True
    assert templates.snapshot_builtin("safety-check", 1, b"edited later") is False
    assert templates.get("safety-check", 1) == SOURCE
    assert templates.list() == [("safety-check", 1, BUILTIN)]


@pytest.mark.parametrize(
    ("template_id", "version", "source"),
    [
        pytest.param("", 1, SOURCE, id="no id"),
        pytest.param("tiny", 0, SOURCE, id="version 0"),
        pytest.param("tiny", True, SOURCE, id="version bool"),
        pytest.param("tiny", 1, b"", id="empty source"),
        pytest.param("tiny", 1, "text, not bytes", id="str source"),
        pytest.param("tiny", 1, b"#" * (256 * 1024 + 1), id="too big"),
    ],
)
def test_nonsense_is_refused_before_it_reaches_the_vault(
    templates: TemplatesRepository, template_id: str, version: int, source: bytes
) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - each has its own message
        templates.add(template_id, version, source, IMPORTED)
    with pytest.raises(ValueError):  # noqa: PT011
        templates.snapshot_builtin(template_id, version, source)
    assert templates.list() == []


def test_the_schema_itself_refuses_what_the_repository_would(
    db: Database, people: PeopleRepository, sessions: SessionsRepository
) -> None:
    insert = """INSERT INTO checklist_templates(template_id, version, source, origin, stored_at)
        VALUES (?, ?, ?, ?, '2024-01-01T00:00:00+00:00')"""
    for row in (
        ("tiny", 1, SOURCE, "downloaded"),
        ("Tiny Template", 1, SOURCE, "imported"),
        ("tiny", 0, SOURCE, "imported"),
        ("tiny", 1, "text", "imported"),
        ("tiny", 1, b"#" * (256 * 1024 + 1), "imported"),
    ):
        with pytest.raises(VaultError):
            db.execute(insert, row)
    session = sessions.add(people.add(alias="Robin").id)
    for value in (2, -1, None):
        with pytest.raises(VaultError):
            db.execute("UPDATE sessions SET risk_flag = ?", (value,))
    assert db.scalar("SELECT count(*) FROM checklist_templates") == 0
    assert sessions.get(session.id).risk_flag is False


# -- the risk flag -----------------------------------------------------------------------------


def test_flagging_a_session_shows_on_the_session_and_the_person(
    people: PeopleRepository, sessions: SessionsRepository
) -> None:
    robin = people.add(alias="Robin")
    sam = people.add(alias="Sam")
    first = sessions.add(robin.id, notes="rota")
    second = sessions.add(robin.id, notes="meeting")
    sessions.add(sam.id)
    assert first.risk_flag is False
    assert [p.risk_flagged for p in people.list()] == [False, False]

    flagged = sessions.set_risk_flag(first.id, True)
    assert flagged.risk_flag is True
    assert flagged.updated_at == first.updated_at  # not an edit of the notes
    assert sessions.get(first.id).risk_flag is True
    assert sessions.get(second.id).risk_flag is False
    assert [(p.alias, p.risk_flagged) for p in people.list()] == [("Robin", True), ("Sam", False)]
    assert people.get(robin.id).risk_flagged is True
    assert [s.risk_flag for s in sessions.list_for_person(robin.id)] == [False, True]

    sessions.set_risk_flag(first.id, False)
    assert people.get(robin.id).risk_flagged is False


def test_deleting_the_flagged_session_clears_the_person_flag(
    people: PeopleRepository, sessions: SessionsRepository
) -> None:
    robin = people.add(alias="Robin")
    session = sessions.add(robin.id)
    sessions.set_risk_flag(session.id, True)
    sessions.delete(session.id)
    assert people.get(robin.id).risk_flagged is False


def test_flagging_a_missing_session_or_with_a_non_bool_is_refused(
    people: PeopleRepository, sessions: SessionsRepository
) -> None:
    session = sessions.add(people.add(alias="Robin").id)
    with pytest.raises(NotFound):
        sessions.set_risk_flag(session.id + 1, True)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        sessions.set_risk_flag(session.id, 1)  # type: ignore[arg-type]
    assert sessions.get(session.id).risk_flag is False


def test_templates_and_flags_are_kept_across_lock_and_unlock(
    tmp_path: Path, fast_kdf: KdfParams
) -> None:
    vault, _code = Vault.create(tmp_path / "v", "a long pass phrase", kdf=fast_kdf)
    person = vault.people.add(alias="Robin")
    session = vault.sessions.add(person.id)
    vault.sessions.set_risk_flag(session.id, True)
    vault.templates.add("tiny", 1, SOURCE, IMPORTED)
    vault.templates.snapshot_builtin("safety-check", 2, SOURCE)
    vault.close()

    with Vault.open(tmp_path / "v", "a long pass phrase", kdf=fast_kdf) as reopened:
        assert reopened.templates.list() == [("safety-check", 2, BUILTIN), ("tiny", 1, IMPORTED)]
        assert reopened.templates.get("tiny", 1) == SOURCE
        assert reopened.sessions.get(session.id).risk_flag is True
        assert reopened.people.get(person.id).risk_flagged is True
