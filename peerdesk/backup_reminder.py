"""The gentle backup reminder: one line of text for a banner, or nothing. No Qt.

It never interrupts: the workspace shows the text, if any, as a quiet banner,
and the supporter backs up when it suits them (Tools → Back up…).
"""

from __future__ import annotations

from datetime import date

from .i18n import _
from .preferences import BACKUP_REMINDER_DAYS, Preferences
from .store import Vault
from .store.backup import last_backup_at, vault_created_at


def backup_reminder_text(vault: Vault, today: date) -> str | None:
    """What to say about backups on ``today`` (local date), or None when all is well.

    Due once the setting's number of days has passed since the latest backup
    or, before the first one, since the vault was made. Off when set to 0.
    """
    days = Preferences(vault.settings).get(BACKUP_REMINDER_DAYS)
    if days <= 0:
        return None
    last = last_backup_at(vault)
    if last is None:
        created = vault_created_at(vault)
        if created is not None and (today - created.astimezone().date()).days < days:
            return None
        return _(
            "You have not backed up this vault yet. A backup is one encrypted file you "
            "can keep somewhere safe, away from this laptop: Tools → Back up…"
        )
    since = (today - last.astimezone().date()).days
    if since < days:
        return None
    return _(
        "Your last backup was {days} days ago. Make a new one when it suits you: "
        "Tools → Back up…"
    ).format(days=since)
