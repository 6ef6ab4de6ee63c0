"""What sits beside a session's notes: its checklists, or the crisis contacts after a risk item.

The session editor decides where this goes (beside the notes, or in their
place when the editor is too narrow for both) and whether it shows; this
widget decides what it shows. Marking a risk item turns it to the escalation
panel and asks to be brought forward (:attr:`SessionSide.attention_needed`),
wherever it is.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QStackedWidget, QVBoxLayout, QWidget

from ..i18n import _
from ..store import Vault
from ..store.models import Session
from .checklist_panel import ChecklistPanel
from .escalation_panel import EscalationPanel
from .widgets import button


class SessionSide(QWidget):
    """The checklist panel and the escalation panel, one at a time."""

    attention_needed = Signal()
    """The crisis contacts are showing and must be in view (a risk item). Emits nothing."""
    notes_requested = Signal()
    """"Back to the notes" was pressed (offered when this side replaces them). Emits nothing."""
    record_changed = Signal()
    """The session was flagged or a referral started: lists must read again. Emits nothing."""

    def __init__(self, vault: Vault, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sessionSide")
        # A dynamic property picks the dividing line in peerdesk.qss: beside or in place.
        self.setProperty("instead", False)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._vault = vault
        self._session_id = session.id
        self.checklists = ChecklistPanel(vault, session.id)
        self.escalation = EscalationPanel(vault, session.person_id)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.checklists)
        self.stack.addWidget(self.escalation)
        self.notes_button = button(_("Back to the notes"), link=True)
        self.notes_button.clicked.connect(self.notes_requested)
        self.notes_button.hide()

        self.checklists.risk_marked.connect(self._risk_marked)
        self.checklists.contacts_requested.connect(lambda: self.show_escalation(""))
        self.escalation.back_requested.connect(self.show_checklists)
        self.escalation.referral_started.connect(lambda _id: self.record_changed.emit())

        top = QHBoxLayout()
        top.setContentsMargins(8, 0, 8, 0)
        top.addWidget(self.notes_button)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 12, 0, 8)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.stack, 1)

    def set_instead_of_notes(self, instead: bool) -> None:
        """Whether this side shows in place of the notes (then it offers the way back)."""
        self.notes_button.setVisible(instead)
        self.setProperty("instead", instead)
        self.style().unpolish(self)
        self.style().polish(self)

    def showing_escalation(self) -> bool:
        return self.stack.currentWidget() is self.escalation

    def show_checklists(self) -> None:
        self.stack.setCurrentWidget(self.checklists)
        self.checklists.focus_first_item()

    def show_escalation(self, marked_item: str) -> None:
        """Turn to the crisis contacts (after ``marked_item``, a risk item; or when asked)."""
        session = self._vault.sessions.get(self._session_id)
        self.escalation.reload_contacts()
        self.escalation.show_risk(marked_item, flagged=session.risk_flag)
        self.stack.setCurrentWidget(self.escalation)
        self.attention_needed.emit()
        self.escalation.focus_heading()

    def flush(self) -> None:
        self.checklists.flush()

    def _risk_marked(self, item_label: str) -> None:
        # tick() has flagged the session in the vault already: show the contacts,
        # and let the timeline and the people list read the flag again.
        self.show_escalation(item_label)
        self.record_changed.emit()
