"""Vault fixtures: a real SQLCipher vault with cheap Argon2id, and an in-memory keychain."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from keyring.backend import KeyringBackend

from peerdesk.store import KdfParams, Vault
from peerdesk.store.audit import AuditLog
from peerdesk.store.db import Database
from peerdesk.store.incidents import IncidentsRepository
from peerdesk.store.models import Person
from peerdesk.store.people import PeopleRepository
from peerdesk.store.referrals import ReferralsRepository
from peerdesk.store.schema import migrate
from peerdesk.store.sessions import SessionsRepository

PASSPHRASE = "correct horse battery staple"


class InMemoryKeyring(KeyringBackend):
    """A keychain that lives in this process only: the tests' stand-in for the OS one."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        from keyring.errors import PasswordDeleteError

        if self.entries.pop((service, username), None) is None:
            raise PasswordDeleteError("not found")


@pytest.fixture
def vault_dir(tmp_path: Path) -> Path:
    return tmp_path / "data" / "vault"


@pytest.fixture
def created(vault_dir: Path, fast_kdf: KdfParams) -> Iterator[tuple[Vault, str]]:
    vault, code = Vault.create(vault_dir, PASSPHRASE, kdf=fast_kdf)
    yield vault, code
    vault.close()


@pytest.fixture
def vault(created: tuple[Vault, str]) -> Vault:
    return created[0]


@pytest.fixture
def closed_vault(vault_dir: Path, fast_kdf: KdfParams) -> tuple[Path, str]:
    """A vault with a person and a session in it, created and closed again."""
    vault, code = Vault.create(vault_dir, PASSPHRASE, kdf=fast_kdf)
    person = vault.people.add(alias="Robin")
    vault.sessions.add(person.id, notes="First talk about the team meeting.")
    vault.close()
    return vault_dir, code


def snapshot(directory: Path) -> dict[str, bytes]:
    """Every file in the vault folder, by name, as bytes."""
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir()) if p.is_file()}


def plaintext_copy(db: Database, target: Path) -> bytes:
    """Everything the vault holds, decrypted into a plain SQLite file, as bytes."""
    db.one("PRAGMA wal_checkpoint(TRUNCATE)")
    db.execute("ATTACH DATABASE ? AS plain KEY ''", (str(target),))
    db.all("SELECT sqlcipher_export('plain')")
    db.execute("DETACH DATABASE plain")
    data = b"".join(p.read_bytes() for p in sorted(target.parent.glob(target.name + "*")))
    for path in target.parent.glob(target.name + "*"):
        path.unlink()
    return data


# -- repositories over a bare keyed database, without key slots ---------------------------


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database.open(tmp_path / "vault.db", os.urandom(32), create=True)
    migrate(database)
    yield database
    database.close()


@pytest.fixture
def people(db: Database) -> PeopleRepository:
    return PeopleRepository(db)


@pytest.fixture
def sessions(db: Database) -> SessionsRepository:
    return SessionsRepository(db)


@pytest.fixture
def incidents(db: Database) -> IncidentsRepository:
    return IncidentsRepository(db)


@pytest.fixture
def referrals(db: Database) -> ReferralsRepository:
    return ReferralsRepository(db)


@pytest.fixture
def audit(db: Database) -> AuditLog:
    return AuditLog(db)


@pytest.fixture
def robin(people: PeopleRepository) -> Person:
    return people.add(alias="Robin")
