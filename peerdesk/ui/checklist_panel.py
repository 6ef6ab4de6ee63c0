"""The checklists beside a session's notes: a quiet prompt, not a form.

The supporter picks one or more checklists for the conversation ("Add a
checklist"); each shows its sections and items with "7 of 12" beside its
title. Every tick and note is written to the vault the moment it is made (one
small update), so a lock, a crash or a closed lid loses nothing.

A run always shows the exact template version it was started with
(``library.get(id, version)``): a coordinator importing a newer version changes
new sessions only, never what a past session shows.

Marking a risk item emits :attr:`ChecklistPanel.risk_marked`; the session
editor then flags the session and shows the escalation panel.
"""

from __future__ import annotations

import contextlib
import html

from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QMenu,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ..checklists import ChecklistTemplate, TemplateLibrary, progress, start_run, tick
from ..i18n import _
from ..preferences import CHECKLIST_DETAILS, Preferences
from ..store import Vault, VaultError
from ..store.models import ChecklistRun, SessionId
from . import shortcuts
from .checklist_items import ItemCheck, ItemRow, MissingRunView, RunView
from .widgets import button, error_text, message_label, plain_label


def ui_language() -> str:
    """The language checklists are shown in: this computer's (templates fall back to English)."""
    return QLocale().name()


def problem_words(problem: Exception) -> str:
    """What to say when a tick or a new checklist could not be stored."""
    if isinstance(problem, VaultError):
        return error_text(problem)
    return _("This could not be saved: {reason}").format(reason=str(problem))


def menu_text(text: str) -> str:
    """``text`` for a menu entry: a single "&" would turn into a keyboard mnemonic."""
    return text.replace("&", "&&")


class ChecklistPanel(QWidget):
    """The session's checklists: pick, tick, note; progress per checklist."""

    risk_marked = Signal(str)
    """A risk item was just ticked. Emits the item's label (as shown)."""
    contacts_requested = Signal()
    """The supporter asked to see the crisis and escalation contacts. Emits nothing."""
    changed = Signal()
    """A checklist was added or an item ticked, unticked or noted. Emits nothing."""

    def __init__(
        self,
        vault: Vault,
        session_id: SessionId,
        library: TemplateLibrary | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("checklistPanel")
        self.setAccessibleName(_("Checklists"))
        self._vault = vault
        self._session_id = session_id
        self._library = library
        self._preferences = Preferences(vault.settings)
        self.views: list[RunView | MissingRunView] = []

        heading = plain_label(_("Checklists"), "paneHeading")
        self.add_button = QPushButton(_("Add a checklist"))
        self.add_button.setAccessibleName(_("Add a checklist"))
        self.add_menu = QMenu(self.add_button)
        self.add_menu.aboutToShow.connect(self.fill_add_menu)
        self.add_button.setMenu(self.add_menu)
        # The heading has its own line: beside it, the button would be cut short.
        top = QHBoxLayout()
        top.setSpacing(8)
        top.addWidget(self.add_button)
        top.addStretch(1)

        self.details_toggle = QCheckBox(_("Show guidance and examples"))
        self.details_toggle.setAccessibleName(_("Show guidance and examples"))
        self.details_toggle.setChecked(self._preferences.get(CHECKLIST_DETAILS))
        self.details_toggle.toggled.connect(self._details_toggled)
        self.keys_hint = plain_label(
            _("Space ticks the item in focus; N adds a short note."), "muted"
        )
        self.empty_hint = plain_label(
            _(
                "Pick a checklist to keep at your side during the conversation. "
                "Tick items as you go; nothing here has to be filled in."
            ),
            "hint",
        )
        self.problem = message_label(_("Problem"))

        self._runs_box = QVBoxLayout()
        self._runs_box.setSpacing(14)
        body = QWidget()
        body.setObjectName("checklistBody")
        column = QVBoxLayout(body)
        column.setContentsMargins(2, 2, 10, 8)
        column.setSpacing(10)
        column.addWidget(self.empty_hint)
        column.addLayout(self._runs_box)
        column.addStretch(1)
        self.scroller = QScrollArea()
        self.scroller.setObjectName("sideScroller")
        self.scroller.setWidgetResizable(True)
        self.scroller.setFrameShape(QFrame.Shape.NoFrame)
        self.scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroller.setWidget(body)

        self.contacts_button = button(_("Crisis and escalation contacts"), link=True)
        self.contacts_button.clicked.connect(self.contacts_requested)
        bottom = QHBoxLayout()
        bottom.addWidget(self.contacts_button)
        bottom.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 0, 4, 0)
        layout.setSpacing(6)
        layout.addWidget(heading)
        layout.addLayout(top)
        layout.addWidget(self.details_toggle)
        layout.addWidget(self.keys_hint)
        layout.addWidget(self.problem)
        layout.addWidget(self.scroller, 1)
        layout.addLayout(bottom)
        self.reload()

    # -- reading --------------------------------------------------------------------------

    @property
    def library(self) -> TemplateLibrary:
        """The templates, read once per panel (again after :meth:`reload_library`)."""
        if self._library is None:
            self._library = TemplateLibrary.from_vault(self._vault)
        return self._library

    def reload_library(self) -> None:
        """Forget the templates read so far (after an import)."""
        self._library = None

    def reload(self) -> None:
        """Show this session's runs as stored."""
        for view in self.views:
            view.hide()
            view.deleteLater()
        self.views = []
        for run in self._vault.checklist_runs.list_for_session(self._session_id):
            self._add_view(run)
        self._update_hints()

    def run_view(self, template_id: str) -> RunView | None:
        for view in self.views:
            if isinstance(view, RunView) and view.run.template_id == template_id:
                return view
        return None

    def _add_view(self, run: ChecklistRun) -> RunView | MissingRunView:
        template = self.library.get(run.template_id, run.template_version)
        view: RunView | MissingRunView
        if template is None:
            view = MissingRunView(run)
        else:
            current = self._current_by_id().get(run.template_id)
            newer = (
                current.version
                if current is not None and current.version != run.template_version
                else None
            )
            view = RunView(run, template.localised(ui_language()), newer_version=newer)
            done, total = progress(run, template)
            view.show_run(run, done, total)
            view.set_details_shown(self.details_toggle.isChecked())
            for row in view.rows.values():
                self._connect_row(view, row)
        self._runs_box.addWidget(view)
        view.show()  # now, not when Qt gets round to it: focus may go to it straight away
        self.views.append(view)
        return view

    def _current_by_id(self) -> dict[str, ChecklistTemplate]:
        return {template.id: template for template in self.library.current()}

    def _update_hints(self) -> None:
        has_runs = bool(self.views)
        self.empty_hint.setVisible(not has_runs)
        self.keys_hint.setVisible(has_runs)
        self.details_toggle.setVisible(has_runs)

    # -- adding a checklist ----------------------------------------------------------------

    def fill_add_menu(self) -> None:
        """The newest version of every template, by title; those already here are greyed."""
        self.add_menu.clear()
        self.reload_library()  # a template imported since shows up here at once
        used = {view.run.template_id for view in self.views}
        templates = sorted(
            (t.localised(ui_language()) for t in self.library.current()),
            key=lambda t: t.title.casefold(),
        )
        for template in templates:
            action = self.add_menu.addAction(menu_text(template.title))
            action.setData(template.id)
            # Escaped: Qt would read a tooltip that looks like HTML as rich text.
            action.setToolTip(html.escape(template.purpose))
            action.setEnabled(template.id not in used)
            action.triggered.connect(
                lambda _checked=False, tid=template.id: self.add_checklist(tid)
            )
        if not templates:
            self.add_menu.addAction(_("No checklists are available")).setEnabled(False)

    def add_checklist(self, template_id: str) -> RunView | None:
        """Start following the newest version of ``template_id`` in this session."""
        existing = self.run_view(template_id)
        if existing is not None:
            self._focus_first(existing)
            return existing
        template = self._current_by_id().get(template_id)
        if template is None:
            return None
        self.problem.hide()
        try:
            run = start_run(self._vault, self._session_id, template)
        except (VaultError, ValueError) as problem:
            self._say(problem_words(problem))
            return None
        view = self._add_view(run)
        self._update_hints()
        self.changed.emit()
        if isinstance(view, RunView):
            self.scroller.ensureWidgetVisible(view)
            self._focus_first(view)
            return view
        return None

    # -- ticking ---------------------------------------------------------------------------

    def _connect_row(self, view: RunView, row: ItemRow) -> None:
        row.toggled_by_user.connect(
            lambda ticked: self.set_ticked(view, row, ticked, row.stored_note if ticked else "")
        )
        row.note_entered.connect(lambda note: self.set_ticked(view, row, True, note))
        row.check.move_requested.connect(lambda step: self._move(row.check, step))

    def set_ticked(self, view: RunView, row: ItemRow, ticked: bool, note: str = "") -> bool:
        """Store the item's state now; on failure put the box back and say why."""
        self.problem.hide()
        try:
            result = tick(self._vault, view.run.id, row.item.id, ticked, note)
        except (VaultError, ValueError) as problem:
            view.show_run(view.run)  # back to what is stored
            self._say(problem_words(problem))
            return False
        template = self.library.get(view.run.template_id, view.run.template_version)
        if template is not None:
            done, total = progress(result.run, template)
            view.show_run(result.run, done, total)
        else:
            view.show_run(result.run)
        self.changed.emit()
        # tick() has flagged the session already; only a *new* tick brings up the contacts
        # (changing the note of a risk item ticked before does not).
        if result.risk and result.newly_ticked:
            self.risk_marked.emit(row.item.label)
        return True

    def flush(self) -> None:
        """Store a note still being typed (before lock, or when the editor goes)."""
        for view in self.views:
            if not isinstance(view, RunView):
                continue
            for row in view.rows.values():
                typed = row.pending_note()
                if typed is not None:
                    self.set_ticked(view, row, True, typed)

    # -- moving around ---------------------------------------------------------------------

    def item_checks(self) -> list[ItemCheck]:
        return [
            row.check
            for view in self.views
            if isinstance(view, RunView)
            for row in view.rows.values()
        ]

    def focus_first_item(self) -> bool:
        checks = self.item_checks()
        if checks:
            checks[0].setFocus(Qt.FocusReason.OtherFocusReason)
            return True
        self.add_button.setFocus(Qt.FocusReason.OtherFocusReason)
        return False

    def _focus_first(self, view: RunView) -> None:
        rows = list(view.rows.values())
        if rows:
            rows[0].check.setFocus(Qt.FocusReason.OtherFocusReason)

    def _move(self, check: ItemCheck, step: int) -> None:
        checks = self.item_checks()
        if check not in checks:
            return
        target = checks[max(0, min(len(checks) - 1, checks.index(check) + step))]
        target.setFocus(Qt.FocusReason.OtherFocusReason)
        self.scroller.ensureWidgetVisible(target.parentWidget() or target, 0, 24)

    # -- guidance and examples -------------------------------------------------------------

    def _details_toggled(self, shown: bool) -> None:
        for view in self.views:
            if isinstance(view, RunView):
                view.set_details_shown(shown)
        # Only a display choice: if it cannot be stored, it still applies to this panel.
        with contextlib.suppress(VaultError, ValueError):
            self._preferences.set(CHECKLIST_DETAILS, shown)

    def _say(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.show()


def toggle_tooltip() -> str:
    keys = QKeySequence(shortcuts.TOGGLE_CHECKLISTS).toString(
        QKeySequence.SequenceFormat.NativeText
    )
    return _("Show or hide the checklists ({keys})").format(keys=keys)
