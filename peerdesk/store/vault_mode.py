"""What a vault keeps, chosen at creation: its own module so the window can know it
without loading every record type (start-up, benchmark issue 7)."""

from enum import StrEnum


class VaultMode(StrEnum):
    """Chosen when the vault is created, and kept for its life."""

    RECORDS = "records"  # people under aliases, notes, diaries, consents, referrals
    CONTACT_LOG = "contact_log"  # only anonymous contacts: date, duration, mode, concerns
