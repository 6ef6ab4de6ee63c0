"""Settings kept inside the vault (encrypted), as JSON values by key.

Only what is private to this vault belongs here; which setting exists, its type
and default are declared once by the settings service, not here.
"""

from __future__ import annotations

import json
from typing import TypeAlias

from .db import Database

JsonValue: TypeAlias = "None | bool | int | float | str | list[JsonValue] | dict[str, JsonValue]"


class SettingsStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    def get(self, key: str, default: JsonValue = None) -> JsonValue:
        raw = self._db.scalar("SELECT value FROM settings WHERE key = ?", (key,))
        if raw is None:
            return default
        value: JsonValue = json.loads(raw)
        return value

    def set(self, key: str, value: object) -> None:
        """Store ``value`` (anything :func:`json.dumps` takes, without NaN or infinity)."""
        if not key or not isinstance(key, str):
            raise ValueError("a setting needs a non-empty text key")
        # allow_nan=False: NaN is not JSON, and SQLite's json_valid() would refuse it.
        encoded = json.dumps(value, allow_nan=False, ensure_ascii=True)
        with self._db.transaction():
            self._db.execute(
                """INSERT INTO settings(key, value) VALUES (?, ?)
                    ON CONFLICT(key) DO UPDATE SET value = excluded.value""",
                (key, encoded),
            )

    def delete(self, key: str) -> None:
        """Forget ``key``, so :meth:`get` returns the default again."""
        with self._db.transaction():
            self._db.execute("DELETE FROM settings WHERE key = ?", (key,))
