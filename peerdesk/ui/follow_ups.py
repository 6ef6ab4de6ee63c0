"""Follow-ups due: who to get back to, the most overdue first; Enter opens the record.

Two kinds of follow-up meet here: the one planned at a session, and the one set
on a referral (to check the colleague reached the service). Both are sorted by
the day they fell due.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from ..i18n import _
from ..store import Vault
from ..store.models import PersonId, Referral, ReferralId, Session, SessionId
from ..timeline import SEPARATOR, DateStyle, Row, due_text, follow_up_row, recipient_text
from .row_list import KEY_ROLE, RowListView, date_style
from .widgets import plain_label

# Row keys say which kind of record a follow-up belongs to. Strings, because a
# tuple would come back from the model's QVariant as a list.
_SESSION = "session"
_REFERRAL = "referral"


def _key(kind: str, record_id: int) -> str:
    return f"{kind}:{record_id}"


def referral_follow_up_row(referral: Referral, alias: str, dates: DateStyle) -> Row:
    """A referral to check on: whose, which service, and how late."""
    due = referral.follow_up_on or dates.today
    detail = _("Check on the referral to {service}").format(
        service=recipient_text(referral.recipient_type)
    )
    if referral.sent_on is not None:
        detail += SEPARATOR + _("sent {day}").format(day=dates.day(referral.sent_on))
    return Row(
        _key(_REFERRAL, referral.id), alias, ((detail, False),), due_text(due, dates), alert=True
    )


class FollowUpsView(QWidget):
    """Sessions and referrals whose follow-up day has come."""

    session_opened = Signal(int, int)
    """Enter or double-click on a session's follow-up. Emits the PersonId and the SessionId."""
    referral_opened = Signal(int, int)
    """Enter or double-click on a referral's follow-up. Emits the PersonId and the ReferralId."""

    def __init__(self, vault: Vault, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("followUps")
        self._vault = vault
        self._owners: dict[str, PersonId] = {}

        heading = plain_label(_("Follow-ups due"), "paneHeading")
        explanation = plain_label(
            _(
                "People you planned to get back to, most overdue first. A session's "
                "follow-up leaves this list once you record a newer session with them; a "
                "referral's, once you record how it ended or change its follow-up date. "
                "Closing someone's support clears both."
            ),
            "hint",
        )
        self.view = RowListView(_("Follow-ups due"))
        self.view.activated.connect(self._activated)
        self.empty_hint = plain_label(
            _(
                "No follow-ups are due. When you plan one in a session or a referral, "
                "it appears here on its day."
            ),
            "muted",
        )
        self.empty_hint.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 16, 12)
        layout.setSpacing(10)
        layout.addWidget(heading)
        layout.addWidget(explanation)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.empty_hint, 1)
        self.refresh()

    def refresh(self, today: date | None = None) -> None:
        dates = date_style(today)
        sessions = self._vault.sessions.follow_ups_due(dates.today)
        referrals = self._vault.referrals.follow_ups_due(dates.today)
        aliases: dict[PersonId, str] = {}

        def alias(person_id: PersonId) -> str:
            if person_id not in aliases:
                aliases[person_id] = self._vault.people.get(person_id).alias
            return aliases[person_id]

        due: list[tuple[date, int, Row, PersonId]] = []
        for session in sessions:
            row = follow_up_row(session, alias(session.person_id), dates)
            row = replace(row, key=_key(_SESSION, session.id))
            due.append((_due(session), 0, row, session.person_id))
        for referral in referrals:
            row = referral_follow_up_row(referral, alias(referral.person_id), dates)
            due.append((_due(referral), 1, row, referral.person_id))
        due.sort(key=lambda entry: (entry[0], entry[1]))  # stable: each kind keeps its order
        self._owners = {str(entry[2].key): entry[3] for entry in due}
        rows = [entry[2] for entry in due]
        current = self.view.current_key()
        self.view.row_model().set_rows(rows)
        if not self.view.select_key(current) and rows:
            self.view.select_key(rows[0].key)
        self.view.setVisible(bool(rows))
        self.empty_hint.setVisible(not rows)

    def focus_list(self) -> None:
        target = self.view if self.view.isVisibleTo(self) else self.empty_hint
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    def _activated(self, index: QModelIndex) -> None:
        key = index.data(KEY_ROLE)
        if not isinstance(key, str) or key not in self._owners:
            return
        kind, record_id = key.split(":")
        person_id = self._owners[key]
        if kind == _SESSION:
            self.session_opened.emit(person_id, SessionId(int(record_id)))
        else:
            self.referral_opened.emit(person_id, ReferralId(int(record_id)))


def _due(record: Session | Referral) -> date:
    # follow_ups_due returns only planned ones; date.max would sort last if not.
    return record.follow_up_on or date.max
