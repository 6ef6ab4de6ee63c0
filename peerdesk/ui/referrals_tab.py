"""A person's referrals: the list, the selected one's history, and what to do with it next.

Left, the referrals newest first (:func:`peerdesk.timeline.referral_row`).
Right, the one selected: where it goes, how urgent, each step with its date,
the follow-up date (editable at any time), and only the buttons that make
sense now: a draft is continued or discarded; a PDF made is marked sent or
exported again; a sent referral is marked acknowledged, and then connected or
not connected. Steps are dated on the "Happened on" day, today unless changed.

The wizard (:mod:`peerdesk.ui.referral_wizard`) opens from here, one at a
time; :meth:`ReferralsTab.flush` saves it when the app locks.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ..i18n import _
from ..store import Vault, VaultError
from ..store.models import PersonId, Referral, ReferralId, ReferralStatus
from ..timeline import SEPARATOR, isolate, one_line, referral_row, referral_status_text
from . import dialogs
from .autosave import date_edit, to_date, to_qdate
from .referral_pages import recipient_labels, urgency_labels
from .referral_wizard import ReferralWizard
from .row_list import RowListView, date_style
from .widgets import button, error_text, message_label, note_label, plain_label

_OUTCOMES = (ReferralStatus.CONNECTED, ReferralStatus.NOT_CONNECTED)


class ReferralsTab(QWidget):
    """The Referrals tab of one person."""

    changed = Signal()
    """A referral was added, saved, exported, moved on or discarded. Emits nothing."""

    def __init__(
        self,
        vault: Vault,
        person_id: PersonId,
        parent: QWidget | None = None,
        *,
        today: date | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("referralsTab")
        self._vault = vault
        self._person_id = person_id
        self._today = today
        self._referrals: dict[int, Referral] = {}
        self.wizard: ReferralWizard | None = None
        self._loading = False

        self.new_button = button(_("New referral…"), primary=True)
        self.new_button.clicked.connect(lambda: self.open_wizard(None))
        intro = plain_label(
            _(
                "Hand the colleague on to a service, with their consent. Only what you "
                "choose goes into the PDF."
            ),
            "hint",
        )
        top = QHBoxLayout()
        top.addWidget(intro, 1)
        top.addWidget(self.new_button, 0, Qt.AlignmentFlag.AlignTop)
        self.note = note_label(_("Note"))
        self.problem = message_label(_("Problem"))

        self.view = RowListView(_("Referrals"))
        self.view.row_chosen.connect(self._chosen)
        self.view.activated.connect(lambda _index: self._activate())
        self.empty = plain_label(_("No referrals yet. Start one with “New referral…”."), "muted")
        left = QWidget()
        left.setMinimumWidth(240)
        left_column = QVBoxLayout(left)
        left_column.setContentsMargins(0, 0, 0, 0)
        left_column.addWidget(self.view, 1)
        left_column.addWidget(self.empty)

        self.detail = self._build_detail()
        self.placeholder = plain_label(_("Choose a referral on the left to see it."), "muted")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        right = QWidget()
        right_column = QVBoxLayout(right)
        right_column.setContentsMargins(16, 0, 0, 0)
        right_column.addWidget(self.detail)
        right_column.addWidget(self.placeholder, 1)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 5)
        splitter.setStretchFactor(1, 7)
        splitter.setSizes([5000, 7000])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 12, 0, 0)
        layout.setSpacing(10)
        layout.addLayout(top)
        layout.addWidget(self.note)
        layout.addWidget(self.problem)
        layout.addWidget(splitter, 1)
        self.refresh()

    # -- building ------------------------------------------------------------------------

    def _build_detail(self) -> QWidget:
        box = QFrame()
        box.setObjectName("referralDetail")
        self.title = plain_label("", "paneHeading")
        self.title.setAccessibleName(_("Referral to"))
        self.urgency = plain_label("", "hint")
        self.urgency.setAccessibleName(_("Urgency"))
        self.history = QGridLayout()
        self.history.setHorizontalSpacing(16)
        self.history.setVerticalSpacing(4)
        self.history_labels: list[QLabel] = []

        self.follow_up = QCheckBox(_("Follow up on"))
        self.follow_up.setAccessibleName(_("Follow up on"))
        self.follow_up_on = date_edit(_("Follow-up date"))
        self.follow_up.toggled.connect(self._follow_up_edited)
        self.follow_up_on.dateChanged.connect(self._follow_up_edited)
        follow = QHBoxLayout()
        follow.addWidget(self.follow_up)
        follow.addWidget(self.follow_up_on)
        follow.addStretch(1)

        self.step_day = date_edit(_("Happened on"))
        step_label = QLabel(_("Happened on"))
        step_label.setBuddy(self.step_day)
        self.continue_button = button(_("Continue…"), primary=True)
        self.discard_button = button(_("Discard draft"))
        self.sent_button = button(_("Mark as sent"), primary=True)
        self.export_again_button = button(_("Export again…"))
        self.acknowledged_button = button(_("Mark as acknowledged"))
        self.connected_button = button(_("Connected"))
        self.not_connected_button = button(_("Not connected…"))
        self.continue_button.clicked.connect(self._continue)
        self.discard_button.clicked.connect(self.discard_draft)
        self.export_again_button.clicked.connect(self._continue)
        self.sent_button.clicked.connect(lambda: self.move_on(ReferralStatus.SENT))
        self.acknowledged_button.clicked.connect(lambda: self.move_on(ReferralStatus.ACKNOWLEDGED))
        self.connected_button.clicked.connect(lambda: self.move_on(ReferralStatus.CONNECTED))
        self.not_connected_button.clicked.connect(
            lambda: self.move_on(ReferralStatus.NOT_CONNECTED)
        )
        self.action_buttons = (
            self.continue_button,
            self.discard_button,
            self.sent_button,
            self.export_again_button,
            self.acknowledged_button,
            self.connected_button,
            self.not_connected_button,
        )
        # The day a step happened, asked beside the buttons that record it.
        self.step_row = QWidget()
        day_row = QHBoxLayout(self.step_row)
        day_row.setContentsMargins(0, 0, 0, 0)
        day_row.addWidget(step_label)
        day_row.addWidget(self.step_day)
        day_row.addStretch(1)
        actions = QHBoxLayout()
        for widget in self.action_buttons:
            actions.addWidget(widget)
        actions.addStretch(1)

        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(10)
        column.addWidget(self.title)
        column.addWidget(self.urgency)
        column.addWidget(plain_label(_("What happened so far"), "fieldLabel"))
        column.addLayout(self.history)
        column.addLayout(follow)
        column.addSpacing(6)
        column.addWidget(plain_label(_("Next step"), "fieldLabel"))
        column.addWidget(self.step_row)
        column.addLayout(actions)
        column.addStretch(1)
        return box

    # -- public ----------------------------------------------------------------------------

    def today(self) -> date:
        return self._today or date.today()

    def refresh(self) -> None:
        """Read the person's referrals again and show the selected one's state."""
        try:
            referrals = self._vault.referrals.list_for_person(self._person_id)
        except VaultError as error:
            self._say(error_text(error))
            return
        self._referrals = {int(r.id): r for r in referrals}
        dates = date_style(self.today())
        before = self.view.current_key()
        self.view.row_model().set_rows([referral_row(r, dates) for r in referrals])
        self.empty.setVisible(not referrals)
        self.view.setVisible(bool(referrals))
        if before is not None and before in self._referrals:
            self.view.select_key(before)
        self._show(self.selected())

    def selected(self) -> Referral | None:
        key = self.view.current_key()
        return self._referrals.get(key) if isinstance(key, int) else None

    def select(self, referral_id: ReferralId) -> bool:
        found = self.view.select_key(int(referral_id))
        self._show(self.selected())
        return found

    def open_wizard(self, referral_id: ReferralId | None) -> ReferralWizard:
        """Open the wizard on a new referral or an existing one (one wizard at a time)."""
        if self.wizard is not None and shiboken6.isValid(self.wizard):
            if self.wizard.referral is None or referral_id in (None, self.wizard.referral.id):
                self.wizard.raise_()
                self.wizard.activateWindow()
                return self.wizard
            self.wizard.close()
        wizard = ReferralWizard(
            self._vault, self._person_id, referral_id, today=self.today(), parent=self
        )
        wizard.saved.connect(self._wizard_saved)
        wizard.exported.connect(self._exported)
        wizard.finished.connect(lambda _result: self._wizard_closed(wizard))
        self.wizard = wizard
        wizard.show()
        return wizard

    def flush(self) -> None:
        """Save an open wizard's page (the app is locking or quitting)."""
        if self.wizard is not None and shiboken6.isValid(self.wizard):
            self.wizard.flush()

    def consents_changed(self) -> None:
        """A consent was recorded or withdrawn: an open wizard checks again."""
        if self.wizard is not None and shiboken6.isValid(self.wizard):
            self.wizard.recheck_consent()

    def discard_draft(self) -> bool:
        referral = self.selected()
        if referral is None or referral.status is not ReferralStatus.DRAFT:
            return False
        if not dialogs.confirm_destructive(
            self,
            _("Discard this draft referral?"),
            _("What is written in it is deleted. Nothing has been sent."),
            _("Discard draft"),
        ):
            return False
        wizard = self.wizard
        if (
            wizard is not None
            and shiboken6.isValid(wizard)
            and wizard.referral is not None
            and wizard.referral.id == referral.id
        ):
            # Not closed (closing saves): the draft is about to go.
            wizard.hide()
            wizard.deleteLater()
            self.wizard = None
        return self._act(lambda: self._vault.referrals.delete_draft(referral.id))

    def move_on(self, status: ReferralStatus) -> bool:
        """Mark the selected referral ``status`` on the "Happened on" day (asks why if not
        connected)."""
        referral = self.selected()
        if referral is None:
            return False
        note: str | None = None
        if status is ReferralStatus.NOT_CONNECTED:
            note = dialogs.ask_text(
                self,
                _("Why did they not get connected? (Kept here only, for your records.)"),
                referral.outcome_note,
            )
            if note is None:
                return False
        day = to_date(self.step_day.date())
        return self._act(
            lambda: self._vault.referrals.update_status(referral.id, status, on=day, note=note)
        )

    # -- internals ---------------------------------------------------------------------------

    def _act(self, action: Callable[[], object]) -> bool:
        self.problem.hide()
        self.note.hide()
        try:
            action()
        except (VaultError, ValueError) as error:
            self._say(error_text(error) if isinstance(error, VaultError) else str(error))
            return False
        self.refresh()
        self.changed.emit()
        return True

    def _say(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.show()

    def _chosen(self, key: object) -> None:
        self._show(self._referrals.get(key) if isinstance(key, int) else None)

    def _activate(self) -> None:
        referral = self.selected()
        if referral is not None and referral.status is ReferralStatus.DRAFT:
            self._continue()

    def _continue(self) -> None:
        referral = self.selected()
        if referral is not None:
            self.open_wizard(referral.id)

    def _show(self, referral: Referral | None) -> None:
        self.detail.setVisible(referral is not None)
        self.placeholder.setVisible(referral is None and bool(self._referrals))
        if referral is None:
            return
        kind = recipient_labels()[referral.recipient_type]
        self.title.setText(kind + SEPARATOR + isolate(one_line(referral.recipient_name)))
        self.urgency.setText(
            _("Urgency: {urgency} · Status: {status}").format(
                urgency=urgency_labels()[referral.urgency],
                status=referral_status_text(referral.status),
            )
        )
        self._show_history(referral)
        self._loading = True
        try:
            self.follow_up.setChecked(referral.follow_up_on is not None)
            day = referral.follow_up_on or self.today()
            self.follow_up_on.setDate(to_qdate(day))
            self.follow_up_on.setEnabled(referral.follow_up_on is not None)
            today = to_qdate(self.today())
            self.step_day.setMaximumDate(today)
            self.step_day.setDate(today)
        finally:
            self._loading = False
        status = referral.status
        shown = {
            self.continue_button: status is ReferralStatus.DRAFT,
            self.discard_button: status is ReferralStatus.DRAFT,
            self.sent_button: status is ReferralStatus.CREATED,
            self.export_again_button: status is ReferralStatus.CREATED,
            self.acknowledged_button: status is ReferralStatus.SENT,
            self.connected_button: status
            in (ReferralStatus.SENT, ReferralStatus.ACKNOWLEDGED, ReferralStatus.NOT_CONNECTED),
            self.not_connected_button: status
            in (ReferralStatus.SENT, ReferralStatus.ACKNOWLEDGED, ReferralStatus.CONNECTED),
        }
        for widget, visible in shown.items():
            widget.setVisible(visible)
        self.step_row.setVisible(status not in (ReferralStatus.DRAFT, ReferralStatus.CREATED))

    def _show_history(self, referral: Referral) -> None:
        for label in self.history_labels:
            self.history.removeWidget(label)
            label.hide()  # at once: deleteLater waits for the event loop
            label.deleteLater()
        self.history_labels = []
        dates = date_style(self.today())
        steps: list[tuple[str, str]] = [
            (_("Started"), dates.day(referral.created_at.astimezone().date()))
        ]
        if referral.exported_at is not None:
            steps.append((_("PDF made"), dates.day(referral.exported_at.astimezone().date())))
        if referral.sent_on is not None:
            steps.append((_("Sent"), dates.day(referral.sent_on)))
        if referral.acknowledged_on is not None:
            steps.append((_("Acknowledged"), dates.day(referral.acknowledged_on)))
        if referral.status in _OUTCOMES and referral.outcome_on is not None:
            what = referral_status_text(referral.status)
            when = dates.day(referral.outcome_on)
            if referral.outcome_note.strip():
                when += SEPARATOR + isolate(one_line(referral.outcome_note))
            steps.append((what, when))
        for row, (what, when) in enumerate(steps):
            name = plain_label(what, "fieldLabel")
            day = plain_label(when)
            day.setAccessibleName(what)
            self.history.addWidget(name, row, 0, Qt.AlignmentFlag.AlignTop)
            self.history.addWidget(day, row, 1)
            self.history_labels += [name, day]
            # Shown now, not on the next turn of the event loop (a layout's default).
            name.show()
            day.show()
        self.history.setColumnStretch(1, 1)

    def _follow_up_edited(self) -> None:
        self.follow_up_on.setEnabled(self.follow_up.isChecked())
        referral = self.selected()
        if self._loading or referral is None:
            return
        due = to_date(self.follow_up_on.date()) if self.follow_up.isChecked() else None
        if due == referral.follow_up_on:
            return
        self._act(lambda: self._vault.referrals.update(referral.id, follow_up_on=due))

    def _wizard_saved(self) -> None:
        self.refresh()
        wizard = self.wizard
        if wizard is not None and wizard.referral is not None and self.selected() is None:
            self.select(wizard.referral.id)
        self.changed.emit()

    def _exported(self, referral_id: int, _path: str) -> None:
        self.refresh()
        self.select(ReferralId(referral_id))
        self.note.setText(
            _(
                "The PDF is saved and the referral is marked “PDF made”. Hand it to the "
                "service, then mark it sent here."
            )
        )
        self.note.show()
        self.changed.emit()

    def _wizard_closed(self, wizard: ReferralWizard) -> None:
        if self.wizard is wizard:
            self.wizard = None
        wizard.deleteLater()
        self.refresh()
