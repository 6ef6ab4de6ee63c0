"""Checklist templates kept in the vault: imported ones, and built-in ones a run has used.

Only the exact source bytes are stored; parsing and validation belong to
:mod:`peerdesk.checklists`. A stored version is never changed or removed, so
a past session always shows the checklist exactly as it was followed.
"""

from __future__ import annotations

import builtins

from .db import Database, Row
from .models import StoredTemplate, TemplateOrigin
from .values import utc_now, utc_text

# The same limit as the schema's CHECK and the template loader's.
MAX_SOURCE_BYTES = 256 * 1024


class TemplateAlreadyStored(ValueError):
    """That id and version is already in the vault (a version is never replaced)."""


class TemplatesRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def add(self, template_id: str, version: int, source: bytes, origin: TemplateOrigin) -> None:
        """Store a template's source; refuse an id and version that is already stored."""
        params = _params(template_id, version, source, TemplateOrigin(origin))
        with self._db.transaction():
            if self._exists(template_id, version):
                raise TemplateAlreadyStored(
                    f"checklist template {template_id!r} version {version} is already stored"
                )
            self._db.execute(
                """INSERT INTO checklist_templates(template_id, version, source, origin, stored_at)
                    VALUES (?, ?, ?, ?, ?)""",
                params,
            )

    def snapshot_builtin(self, template_id: str, version: int, source: bytes) -> bool:
        """Keep a built-in template's exact source the first time a run uses that version.

        Does nothing if the id and version is already stored (whatever its text:
        the first copy is the one past runs followed). Returns whether it stored.
        """
        params = _params(template_id, version, source, TemplateOrigin.BUILTIN)
        with self._db.transaction():
            # ON CONFLICT DO NOTHING, not INSERT OR IGNORE: that would also
            # silently swallow a CHECK failure.
            cursor = self._db.execute(
                """INSERT INTO checklist_templates(template_id, version, source, origin, stored_at)
                    VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (template_id, version) DO NOTHING""",
                params,
            )
            return bool(cursor.rowcount == 1)

    def get(self, template_id: str, version: int) -> bytes | None:
        value = self._db.scalar(
            "SELECT source FROM checklist_templates WHERE template_id = ? AND version = ?",
            (template_id, version),
        )
        return None if value is None else bytes(value)

    def list(self) -> builtins.list[StoredTemplate]:
        """Every stored template, by id then version."""
        rows = self._db.all(
            "SELECT template_id, version, origin FROM checklist_templates "
            "ORDER BY template_id, version"
        )
        return [_stored(row) for row in rows]

    def _exists(self, template_id: str, version: int) -> bool:
        return (
            self._db.scalar(
                "SELECT 1 FROM checklist_templates WHERE template_id = ? AND version = ?",
                (template_id, version),
            )
            is not None
        )


def _params(
    template_id: str, version: int, source: bytes, origin: TemplateOrigin
) -> tuple[str, int, bytes, str, str]:
    if not isinstance(template_id, str) or not template_id:
        raise ValueError("a checklist template needs an id")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ValueError("a checklist template version is a whole number, 1 or more")
    if not isinstance(source, bytes | bytearray) or not 0 < len(source) <= MAX_SOURCE_BYTES:
        raise ValueError("a checklist template's source is 1 byte to 256 KiB")
    return (template_id, version, bytes(source), origin.value, utc_text(utc_now()))


def _stored(row: Row) -> StoredTemplate:
    return StoredTemplate(
        template_id=row["template_id"],
        version=row["version"],
        origin=TemplateOrigin(row["origin"]),
    )
