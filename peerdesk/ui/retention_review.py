"""Reviewing the closed cases past the retention period: keep some longer, delete the rest.

Offered, never forced. :func:`purge_due_text` gives the words for a gentle
banner when cases are due; :func:`review_retention` (Tools menu) lists who
would go, by alias and the day support ended, and deletes only when the
supporter presses Delete and then confirms. Any case can be kept longer first,
until a chosen day and for a written reason.

"Not now" is the default button: Enter or Escape on the review deletes nothing.

Tests drive the dialog without ``exec()``: :func:`review_next` queues a
function that gets the dialog and presses its buttons, as a person would.
"""

from __future__ import annotations

import collections
from collections.abc import Callable
from datetime import date, timedelta

import shiboken6
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..i18n import _
from ..paths import APP_NAME
from ..preferences import RETENTION_DAYS, Preferences
from ..store import InvalidText, Vault, VaultError
from ..store.db import Database
from ..store.models import Person, PersonId
from ..store.people import PeopleRepository
from ..store.retention import MAX_REASON_CHARS, Retention, closed_on, due_on
from ..timeline import days_text
from . import dialogs
from .autosave import date_edit, field_label, to_date, to_qdate
from .erasure import ErasureDialog, erase
from .widgets import button, error_text, message_label, plain_label

DEFAULT_KEEP_DAYS = 90

Review = Callable[["RetentionReview"], None]
_scripted: collections.deque[Review] = collections.deque()


def review_action_text() -> str:
    """The Tools menu entry; the banner names it with the same words."""
    return _("Review closed cases…")


def retention_days(vault: Vault) -> int:
    return Preferences(vault.settings).get(RETENTION_DAYS)


def purge_due_text(vault: Vault, today: date | None = None) -> str | None:
    """A calm line for a banner when closed cases are past the retention period, else None."""
    days = retention_days(vault)
    due = vault.retention.due(today or date.today(), days)
    if not due:
        return None
    count = len(due)
    text = (
        _("1 closed case is past your retention period of {days}.")
        if count == 1
        else _("{n} closed cases are past your retention period of {days}.")
    )
    return (
        text.format(n=count, days=days_text(days))
        + " "
        + _("When you are ready, see them under Tools \u2192 {action}.").format(
            action=review_action_text().rstrip("…")
        )
    )


def review_next(*reviews: Review) -> None:
    """Tests: the next :func:`review_retention` calls pass their dialog to these, not ``exec()``."""
    _scripted.extend(reviews)


def pending_reviews() -> int:
    return len(_scripted)


def review_retention(
    parent: QWidget | None,
    vault: Vault,
    *,
    today: date | None = None,
    before_purge: Callable[[list[PersonId]], None] | None = None,
) -> int:
    """Show the closed cases due for deletion; how many were deleted (0 for none).

    ``before_purge`` gets the ids about to be deleted, so the caller can close
    anything showing them (an editor must not save into a deleted record).
    """
    today = today or date.today()
    days = retention_days(vault)
    if not vault.retention.due(today, days):
        dialogs.inform(
            parent,
            _("No closed cases are past your retention period of {days}. Nothing to do.").format(
                days=days_text(days)
            ),
        )
        return 0
    dialog = RetentionReview(vault, today, days, parent, before_purge=before_purge)
    try:
        if _scripted:
            _scripted.popleft()(dialog)
        else:
            dialog.exec()
        return dialog.purged if shiboken6.isValid(dialog) else 0
    finally:
        if shiboken6.isValid(dialog):
            dialog.deleteLater()


class RetentionReview(QDialog):
    """Who is due for deletion, a way to keep any of them longer, and one Delete button."""

    def __init__(
        self,
        vault: Vault,
        today: date,
        after_days: int,
        parent: QWidget | None = None,
        *,
        before_purge: Callable[[list[PersonId]], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(APP_NAME)  # never an alias
        self.setObjectName("retentionReview")
        self.setModal(True)
        self.resize(640, 560)
        self._vault = vault
        self._today = today
        self._days = after_days
        self._before_purge = before_purge
        self._due: list[Person] = []
        self._items: list[QTreeWidgetItem] = []
        self.purged = 0
        self.erasing: ErasureDialog | None = None

        heading = plain_label(_("Closed cases past the retention period"), "paneHeading")
        intro = plain_label(
            _(
                "Support for these people ended more than {days} ago. Deleting a case "
                "erases everything about them: their sessions, diary, consents and "
                "referrals. Keep a case longer if you still need it, and say why."
            ).format(days=days_text(after_days)),
            "hint",
        )

        self.cases = QTreeWidget()
        self.cases.setAccessibleName(_("Cases due for deletion"))
        self.cases.setRootIsDecorated(False)
        self.cases.setUniformRowHeights(True)
        self.cases.setHeaderLabels([_("Alias"), _("Support ended"), _("Due since")])
        header = self.cases.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.cases.currentItemChanged.connect(lambda *_args: self._update_buttons())

        keep_heading = plain_label(_("Keep the selected case longer"), "settingsSection")
        self.keep_until = date_edit(_("Keep until"))
        self.keep_until.setMinimumDate(to_qdate(today + timedelta(days=1)))
        self.keep_until.setMaximumDate(to_qdate(today + timedelta(days=3650)))
        self.keep_until.setDate(to_qdate(today + timedelta(days=DEFAULT_KEEP_DAYS)))
        self.reason = QPlainTextEdit()
        self.reason.setAccessibleName(_("Why keep it longer"))
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 16)
        self.reason.setPlaceholderText(_("For example: a grievance hearing is still open."))
        self.reason.textChanged.connect(self._update_buttons)
        self.keep_button = button(_("Keep longer"))
        self.keep_button.clicked.connect(self.keep_selected)
        self.keep_problem = message_label(_("Why the case could not be kept"))

        keep = QGridLayout()
        keep.setHorizontalSpacing(12)
        keep.setVerticalSpacing(6)
        keep.addWidget(field_label(_("Keep until"), self.keep_until), 0, 0)
        keep.addWidget(self.keep_until, 0, 1, Qt.AlignmentFlag.AlignLeft)
        keep.addWidget(
            field_label(_("Why keep it longer"), self.reason), 1, 0, Qt.AlignmentFlag.AlignTop
        )
        keep.addWidget(self.reason, 1, 1)
        keep.addWidget(self.keep_button, 2, 1, Qt.AlignmentFlag.AlignRight)
        keep.setColumnStretch(1, 1)

        self.problem = message_label(_("Why nothing was deleted"))
        self.not_now = button(_("Not now"))
        self.not_now.clicked.connect(self.reject)
        self.delete_button = button("")
        self.delete_button.clicked.connect(self.delete_all)
        # Enter on the list, or anywhere, must never delete: the safe choice is the default.
        for widget in (self.keep_button, self.delete_button):
            widget.setAutoDefault(False)
        self.not_now.setDefault(True)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.not_now)
        buttons.addWidget(self.delete_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 20, 20, 16)
        layout.setSpacing(10)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addWidget(self.cases, 1)
        layout.addSpacing(6)
        layout.addWidget(keep_heading)
        layout.addLayout(keep)
        layout.addWidget(self.keep_problem)
        layout.addSpacing(6)
        layout.addWidget(self.problem)
        layout.addLayout(buttons)
        self.refresh()
        self.cases.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- what a person can do --------------------------------------------------------------

    def aliases(self) -> list[str]:
        """The aliases listed, in order (what would be deleted)."""
        return [person.alias for person in self._due]

    def select(self, alias: str) -> None:
        for person, item in zip(self._due, self._items, strict=True):
            if person.alias == alias:
                self.cases.setCurrentItem(item)
                return
        raise KeyError(alias)

    def keep_selected(self) -> bool:
        """Keep the selected case until the chosen day, for the reason typed; True if kept."""
        person = self._selected()
        if person is None:
            return False
        try:
            self._vault.retention.keep_longer(
                person.id,
                to_date(self.keep_until.date()),
                self.reason.toPlainText(),
                today=self._today,
            )
        except (ValueError, VaultError) as problem:
            # ValueError and InvalidText carry a message written for the supporter.
            self._say(
                self.keep_problem,
                str(problem)
                if isinstance(problem, ValueError | InvalidText)
                else error_text(problem),
            )
            return False
        self.keep_problem.hide()
        self.reason.clear()
        self.refresh()
        return True

    def delete_all(self) -> None:
        """Ask once more, naming how many and what goes, then delete everyone still listed."""
        if not self._due:
            return
        count = len(self._due)
        if not dialogs.confirm_destructive(
            self,
            _("Delete everything about {n} people?").format(n=count)
            if count != 1
            else _("Delete everything about 1 person?"),
            _(
                "Their sessions, diary, consents and referrals will be erased from this "
                "vault, and the space they used is overwritten. This cannot be undone."
            ),
            _("Delete"),
        ):
            return
        ids = [person.id for person in self._due]
        if self._before_purge is not None:
            self._before_purge(ids)
        today, days = self._today, self._days

        def purge(db: Database) -> int:
            return Retention(db, PeopleRepository(db)).purge(ids, today=today, after_days=days)

        # Overwriting the file takes as long as the vault is big: off this thread.
        self.erasing = erase(self, self._vault, purge, self._purged)

    def _purged(self, purged: int | None, problem: str | None) -> None:
        self.erasing = None
        if problem is not None:
            self._say(self.problem, problem)
            self.refresh()
            return
        self.purged = purged or 0
        self.accept()

    # -- showing -------------------------------------------------------------------------------

    def refresh(self) -> None:
        self._due = self._vault.retention.due(self._today, self._days)
        self.cases.clear()
        self._items = [
            QTreeWidgetItem(
                [
                    person.alias,  # item text is never rich text
                    _day_text(closed_on(person)),
                    _day_text(due_on(person, self._days)),
                ]
            )
            for person in self._due
        ]
        self.cases.addTopLevelItems(self._items)
        if self._items:
            self.cases.setCurrentItem(self._items[0])
        count = len(self._due)
        self.delete_button.setText(
            _("Delete 1 case…") if count == 1 else _("Delete {n} cases…").format(n=count)
        )
        self.delete_button.setAccessibleName(self.delete_button.text())
        self.delete_button.setVisible(count > 0)
        self.not_now.setText(_("Not now") if count else _("Close"))
        self.not_now.setAccessibleName(self.not_now.text())
        self._update_buttons()

    def _selected(self) -> Person | None:
        item = self.cases.currentItem()
        if item is None:
            return None
        row = self.cases.indexOfTopLevelItem(item)
        return self._due[row] if 0 <= row < len(self._due) else None

    def _update_buttons(self) -> None:
        has_case = self._selected() is not None
        reason = self.reason.toPlainText().strip()
        self.keep_button.setEnabled(has_case and 0 < len(reason) <= MAX_REASON_CHARS)
        self.keep_until.setEnabled(has_case)
        self.reason.setEnabled(has_case)

    def _say(self, label: QLabel, text: str) -> None:
        label.setText(text)
        label.show()


def _day_text(day: date | None) -> str:
    """``3 Mar 2025``: the month in words, as in the lists."""
    return "" if day is None else QLocale().toString(to_qdate(day), _("d MMM yyyy"))
