"""After closing, no alias, note or incident text is readable in any file peerdesk touched."""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path

from peerdesk.store import KdfParams, Vault

from .conftest import PASSPHRASE


def _encodings(marker: str) -> list[bytes]:
    return [marker.encode(enc) for enc in ("utf-8", "utf-16-le", "utf-16-be")]


def _files_under(*roots: Path) -> list[Path]:
    found: list[Path] = []
    for root in roots:
        if root.exists():
            found.extend(p for p in root.rglob("*") if p.is_file())
    return found


def test_markers_never_reach_disk_in_plain_text(
    tmp_path: Path, isolated_environment: Path, fast_kdf: KdfParams
) -> None:
    data_dir = tmp_path / "data"
    markers = {
        "alias": f"AliasMarker{uuid.uuid4().hex}",
        "note": f"NoteMarker{uuid.uuid4().hex}",
        "incident": f"IncidentMarker{uuid.uuid4().hex}",
    }
    vault, _ = Vault.create(data_dir / "vault", PASSPHRASE, kdf=fast_kdf)
    person = vault.people.add(alias=markers["alias"])
    session = vault.sessions.add(person.id, notes=f"Said {markers['note']} in the meeting")
    vault.incidents.add(person.id, what_happened=f"Shouted {markers['incident']} at them")
    vault.sessions.update(session.id, notes=f"Edited: {markers['note']} again")
    assert vault.search(markers["note"])  # the index holds it, inside the encrypted file
    vault.close()

    files = _files_under(data_dir, isolated_environment, Path(tempfile.gettempdir()))
    assert any(p.name == "vault.db" for p in files)
    hits = [
        (path.name, kind)
        for path in files
        for kind, marker in markers.items()
        for needle in _encodings(marker)
        if needle in path.read_bytes()
    ]
    assert hits == []
    # The scan reads real content: the key file names its KDF in plain JSON.
    assert any(b"argon2id" in p.read_bytes() for p in files if p.name == "keyslots.json")
