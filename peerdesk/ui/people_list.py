"""The people list on the left of the workspace, and the questions behind its actions."""

from __future__ import annotations

from PySide6.QtCore import (
    QModelIndex,
    QPoint,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QKeySequence,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QMenu,
    QVBoxLayout,
    QWidget,
)

from ..i18n import _
from ..store import InvalidText, Vault
from ..store.models import Person, PersonId
from ..timeline import LazyRows, person_row, person_shape
from . import dialogs, shortcuts
from .row_list import KEY_ROLE, RowListView, date_style
from .widgets import button, plain_label

# -- the people list ------------------------------------------------------------------


class PeopleList(QWidget):
    """Everyone supported, by alias, with last contact and a worded follow-up marker."""

    person_selected = Signal(int)
    """The current person changed (arrows or a click): show them. Emits the PersonId."""
    person_opened = Signal(int)
    """Enter or double-click on a person: show them and move into their view. Emits the PersonId."""
    add_requested = Signal()
    """The "Add person" button was pressed. Emits nothing."""
    rename_requested = Signal(int)
    """Rename was asked for from the list's menu. Emits the PersonId."""
    closing_requested = Signal(int, bool)
    """Close (True) or reopen (False) was asked for. Emits the PersonId and the wish."""
    delete_requested = Signal(int)
    """Delete was asked for (Delete key or the menu). Emits the PersonId."""
    subject_access_requested = Signal(int)
    """Exporting everything held about a person was asked for. Emits the PersonId."""

    def __init__(self, vault: Vault, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("peoplePane")
        self._vault = vault
        self._people: dict[PersonId, Person] = {}

        self.add_button = add = button(_("Add person…"))
        keys = QKeySequence(shortcuts.NEW_PERSON).toString(QKeySequence.SequenceFormat.NativeText)
        add.setToolTip(_("Add a person ({keys})").format(keys=keys))
        add.clicked.connect(self.add_requested)
        header = QHBoxLayout()
        header.addWidget(plain_label(_("People"), "paneHeading"), 1)
        header.addWidget(add)

        self.view = RowListView(_("People"))
        self.view.row_chosen.connect(self._chosen)
        self.view.activated.connect(self._activated)
        self.view.delete_pressed.connect(self._delete_current)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)

        self.empty_hint = plain_label("", "muted")
        self.show_closed = QCheckBox(_("Show closed"))
        self.show_closed.setAccessibleName(_("Show closed"))
        self.show_closed.toggled.connect(lambda _on: self.refresh())

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 12, 4, 12)
        layout.setSpacing(8)
        layout.addLayout(header)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.empty_hint)
        layout.addWidget(self.show_closed)
        self.refresh()

    def person(self, person_id: PersonId) -> Person | None:
        """The person as last listed (None if hidden or gone)."""
        return self._people.get(person_id)

    def current_person(self) -> PersonId | None:
        key = self.view.current_key()
        return PersonId(key) if isinstance(key, int) else None

    def select(self, person_id: PersonId | None) -> bool:
        return self.view.select_key(person_id)

    def refresh(self) -> None:
        """Read the list again (after an edit, a new session, a close or a delete)."""
        people = self._vault.people.list(include_closed=self.show_closed.isChecked())
        self._people = {person.id: person for person in people}
        current = self.current_person()
        dates = date_style()
        self.view.row_model().set_rows(
            LazyRows(people, lambda person: person_row(person, dates), _person_key, person_shape)
        )
        if current is not None and self.current_person() != current:
            # After a reset; re-selecting the person already shown changes nothing else.
            self.select(current)
        self._update_hint(len(people))

    def _update_hint(self, shown: int) -> None:
        if shown:
            self.empty_hint.hide()
            return
        if self.show_closed.isChecked() or not self._vault.people.list(include_closed=True):
            self.empty_hint.setText(_("No one here yet. Add the first person you support."))
        else:
            self.empty_hint.setText(_("Everyone here is closed. Tick “Show closed” to see them."))
        self.empty_hint.show()

    def _chosen(self, key: object) -> None:
        if isinstance(key, int):
            self.person_selected.emit(key)

    def _activated(self, index: QModelIndex) -> None:
        key = index.data(KEY_ROLE)
        if isinstance(key, int):
            self.person_opened.emit(key)

    def _delete_current(self) -> None:
        person_id = self.current_person()
        if person_id is not None:
            self.delete_requested.emit(person_id)

    def _context_menu(self, at: QPoint) -> None:
        # The current row, not the one under ``at``: a right-click makes the row it hits
        # current, and the keyboard's menu key reports a position that may be on no row.
        index = self.view.currentIndex()
        key = index.data(KEY_ROLE) if index.isValid() else None
        if not isinstance(key, int):
            return
        person = self._people.get(PersonId(key))
        if person is None:
            return
        menu = person_menu(self, person.closed, subject_access=True)
        chosen = menu.exec(self.view.viewport().mapToGlobal(at))
        if chosen is None:
            return
        what = chosen.data()
        if what == "rename":
            self.rename_requested.emit(key)
        elif what in ("close", "reopen"):
            self.closing_requested.emit(key, what == "close")
        elif what == "delete":
            self.delete_requested.emit(key)
        elif what == "subject_access":
            self.subject_access_requested.emit(key)


def _person_key(person: Person) -> PersonId:
    return person.id


def person_menu(parent: QWidget, closed: bool, *, subject_access: bool = False) -> QMenu:
    """Rename, close or reopen, export, delete: the same words in the list and the person view.

    Each action's data names what it does ("rename", "close", "reopen",
    "subject_access", "delete"). ``subject_access`` adds the export, for a menu
    whose owner handles it.
    """
    menu = QMenu(parent)
    closing = (_("Reopen support"), "reopen") if closed else (_("Close (support ended)"), "close")
    entries = [(_("Rename…"), "rename"), closing]
    if subject_access:
        entries.append((_("Export everything held about them (subject access)…"), "subject_access"))
    entries.append((_("Delete person…"), "delete"))
    for text, what in entries:
        if what in ("subject_access", "delete"):
            menu.addSeparator()
        action = menu.addAction(text)
        action.setData(what)
    return menu


# -- person actions, each one question and one repository call ------------------------


def ask_new_person(parent: QWidget, vault: Vault) -> Person | None:
    """Ask for an alias until it is valid or the supporter cancels."""
    alias = ""
    while True:
        typed = dialogs.ask_text(
            parent,
            _("Alias for the person you support (a nickname or initials; avoid their real name):"),
            alias,
        )
        if typed is None:
            return None
        try:
            return vault.people.add(typed)
        except InvalidText as problem:
            dialogs.inform(parent, str(problem), problem=True)
            alias = typed


def ask_rename(parent: QWidget, vault: Vault, person: Person) -> Person | None:
    alias = person.alias
    while True:
        typed = dialogs.ask_text(parent, _("New alias for this person:"), alias)
        if typed is None or typed == person.alias:
            return None
        try:
            return vault.people.rename(person.id, typed)
        except InvalidText as problem:
            dialogs.inform(parent, str(problem), problem=True)
            alias = typed


def confirm_delete(parent: QWidget) -> bool:
    """Warn that deleting erases everything about the person; Cancel is the default button.

    The alias stays out of the question: QMessageBox guesses whether text is rich
    text, and an alias must never be interpreted. The person is on screen behind
    the question, selected.
    """
    return dialogs.confirm_destructive(
        parent,
        _("Delete this person and everything about them?"),
        _(
            "All of their sessions, diary, consents and referrals will be erased from "
            "this vault, and the space they used is overwritten. This cannot be undone."
        ),
        _("Delete everything"),
    )
