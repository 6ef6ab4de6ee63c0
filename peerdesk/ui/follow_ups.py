"""Follow-ups due: who to get back to, the most overdue first; Enter opens the session."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from ..i18n import _
from ..store import Vault
from ..store.models import PersonId, Session, SessionId
from ..timeline import follow_up_row
from .row_list import KEY_ROLE, RowListView, date_style
from .widgets import plain_label


class FollowUpsView(QWidget):
    """Sessions whose planned follow-up has come, from ``vault.sessions.follow_ups_due``."""

    session_opened = Signal(int, int)
    """Enter or double-click on a follow-up. Emits the PersonId and the SessionId."""

    def __init__(self, vault: Vault, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("followUps")
        self._vault = vault
        self._sessions: dict[SessionId, Session] = {}

        heading = plain_label(_("Follow-ups due"), "paneHeading")
        explanation = plain_label(
            _(
                "People you planned to get back to, most overdue first. A follow-up leaves "
                "this list once you record a newer session with them, or close their support."
            ),
            "hint",
        )
        self.view = RowListView(_("Follow-ups due"))
        self.view.activated.connect(self._activated)
        self.empty_hint = plain_label(
            _("No follow-ups are due. When you plan one in a session, it appears here on its day."),
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
        due = self._vault.sessions.follow_ups_due(dates.today)
        self._sessions = {session.id: session for session in due}
        aliases: dict[PersonId, str] = {}
        rows = []
        for session in due:
            if session.person_id not in aliases:
                aliases[session.person_id] = self._vault.people.get(session.person_id).alias
            rows.append(follow_up_row(session, aliases[session.person_id], dates))
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
        session = self._sessions.get(SessionId(key)) if isinstance(key, int) else None
        if session is not None:
            self.session_opened.emit(session.person_id, session.id)
