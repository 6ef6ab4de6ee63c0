"""The workspace after unlock: people on the left; a person, search results or follow-ups beside.

The main window owns the menus, shortcuts and the search field and calls the
public methods here. Every widget that shows content lives under this one, so
destroying the workspace on lock destroys all of it; what survives a lock is
only :class:`WorkspaceState`, which holds ids and never text.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QGridLayout,
    QHBoxLayout,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ..i18n import _
from ..store import NotFound, Vault, VaultError
from ..store.models import (
    IncidentId,
    PersonId,
    ReferralId,
    SearchHit,
    SearchHitKind,
    SessionId,
)
from ..store.people import PeopleRepository
from ..store.search import fts_query
from . import dialogs, shortcuts
from .autosave import AutosaveEditor
from .erasure import ErasureDialog, erase
from .follow_ups import FollowUpsView
from .people_list import PeopleList, ask_new_person, ask_rename, confirm_delete
from .person_view import PersonTab, PersonView
from .retention_review import review_retention
from .search_panel import SearchPanel
from .subject_access_export import export_subject_access
from .widgets import plain_label


class View(StrEnum):
    """What the right-hand side shows."""

    PERSON = "person"
    SEARCH = "search"
    FOLLOW_UPS = "follow_ups"


@dataclass(frozen=True, slots=True)
class WorkspaceState:
    """Where the supporter was, by id only: safe to keep while the vault is locked.

    A search is restored as the person view underneath it: the words searched
    for are content, and are not kept.
    """

    view: View = View.PERSON
    person_id: PersonId | None = None
    tab: PersonTab = PersonTab.SESSIONS
    session_id: SessionId | None = None
    incident_id: IncidentId | None = None
    show_closed: bool = False


def _keys(sequence: str) -> str:
    return QKeySequence(sequence).toString(QKeySequence.SequenceFormat.NativeText)


class Workspace(QWidget):
    """People, the person chosen, search results and follow-ups due, over one open vault."""

    def __init__(self, vault: Vault, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("workspace")
        self._vault = vault
        self._person_view: PersonView | None = None
        self._shown_once = False
        self._erasing: ErasureDialog | None = None

        self.people = PeopleList(vault)
        # Wide enough for "Follow-up overdue (12 days)" without cutting it short.
        self.people.setMinimumWidth(260)
        self.people.person_selected.connect(lambda pid: self._show_person(PersonId(pid)))
        self.people.person_opened.connect(lambda pid: self._show_person(PersonId(pid), focus=True))
        self.people.add_requested.connect(self.add_person)
        self.people.rename_requested.connect(lambda pid: self._rename(PersonId(pid)))
        self.people.closing_requested.connect(
            lambda pid, close: self._set_closed(PersonId(pid), close)
        )
        self.people.delete_requested.connect(lambda pid: self._delete(PersonId(pid)))
        self.people.subject_access_requested.connect(
            lambda pid: self._export_subject_access(PersonId(pid))
        )

        self.welcome = self._welcome_page()
        self.search_panel = SearchPanel(vault)
        self.search_panel.hit_opened.connect(self._open_hit)
        self.follow_ups = FollowUpsView(vault)
        self.follow_ups.session_opened.connect(
            lambda pid, sid: self._open_session(PersonId(pid), SessionId(sid))
        )
        self.follow_ups.referral_opened.connect(
            lambda pid, rid: self._open_referral(PersonId(pid), ReferralId(rid))
        )
        self._pages = QStackedWidget()
        self._pages.setObjectName("workspacePages")
        for page in (self.welcome, self.search_panel, self.follow_ups):
            self._pages.addWidget(page)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.people)
        splitter.addWidget(self._pages)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([280, 1000])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

    # -- what the main window calls -----------------------------------------------------

    @property
    def person_view(self) -> PersonView | None:
        return self._person_view

    def view(self) -> View:
        page = self._pages.currentWidget()
        if page is self.search_panel:
            return View.SEARCH
        if page is self.follow_ups:
            return View.FOLLOW_UPS
        return View.PERSON

    def search(self, text: str) -> None:
        """Show ranked results for ``text`` (no words: back to the person). Keeps the focus."""
        if fts_query(text) is None:
            self._pages.setCurrentWidget(self._person_page())
            return
        self.search_panel.search(text)
        self._pages.setCurrentWidget(self.search_panel)

    def focus_results(self) -> None:
        """Move from the search field into the results (for Down or Enter in the field)."""
        self._pages.setCurrentWidget(self.search_panel)
        self.search_panel.focus_results()

    def show_people(self) -> None:
        self._pages.setCurrentWidget(self._person_page())
        self.people.view.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def show_follow_ups(self) -> None:
        self.follow_ups.refresh()
        self._pages.setCurrentWidget(self.follow_ups)
        self.follow_ups.focus_list()

    def add_person(self) -> None:
        person = ask_new_person(self, self._vault)
        if person is None:
            return
        self.people.refresh()
        self.people.select(person.id)  # shows them, through person_selected
        self._show_person(person.id)
        self.people.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def rename_person(self) -> None:
        person_id = self._target_person()
        if person_id is not None:
            self._rename(person_id)

    def new_session(self) -> None:
        view = self._target_view()
        if view is not None:
            view.new_session()

    def new_incident(self) -> None:
        view = self._target_view()
        if view is not None:
            view.new_incident()

    def flush(self) -> None:
        """Make every open editor save now (before lock or quit)."""
        if self._person_view is not None:
            self._person_view.flush()

    def has_unsaved_changes(self) -> bool:
        """Whether an editor still holds text the vault does not (its save failed)."""
        return any(editor.has_unsaved_changes for editor in self.findChildren(AutosaveEditor))

    def state(self) -> WorkspaceState:
        view = self._person_view
        show_closed = self.people.show_closed.isChecked()
        if view is None:
            return WorkspaceState(
                self.view(), self.people.current_person(), show_closed=show_closed
            )
        session_id, incident_id = view.sessions.open_id, view.incidents.open_id
        return WorkspaceState(
            view=self.view(),
            person_id=view.person_id,
            tab=view.tab(),
            session_id=None if session_id is None else SessionId(session_id),
            incident_id=None if incident_id is None else IncidentId(incident_id),
            show_closed=show_closed,
        )

    def restore(self, state: WorkspaceState) -> None:
        """Go back to where ``state`` was taken; records deleted since are skipped quietly."""
        self.people.show_closed.setChecked(state.show_closed)
        view = None
        if state.person_id is not None:
            self.people.select(state.person_id)
            view = self._show_person(state.person_id)
        if view is not None:
            if state.incident_id is not None:
                view.incidents.open(state.incident_id)
            if state.session_id is not None:
                view.sessions.open(state.session_id)
            view.set_tab(state.tab)
        if state.view is View.FOLLOW_UPS:
            self.show_follow_ups()
        elif view is not None:
            view.focus_current_tab()
        else:
            self.show_people()

    # -- people -------------------------------------------------------------------------

    def _target_person(self) -> PersonId | None:
        """The person shown on the right, else the one selected; asks to choose if neither."""
        if self._person_view is not None:
            return self._person_view.person_id
        person_id = self.people.current_person()
        if person_id is None:
            dialogs.inform(self, _("Choose a person in the list first, or add one."))
        return person_id

    def _target_view(self) -> PersonView | None:
        person_id = self._target_person()
        return None if person_id is None else self._show_person(person_id)

    def _person_page(self) -> QWidget:
        return self._person_view if self._person_view is not None else self.welcome

    def _show_person(self, person_id: PersonId, *, focus: bool = False) -> PersonView | None:
        view = self._person_view
        if view is None or view.person_id != person_id:
            try:
                new_view = PersonView(self._vault, person_id)
            except NotFound:
                self.people.refresh()
                return None
            self._drop_person_view()
            new_view.changed.connect(self.people.refresh)
            new_view.rename_requested.connect(lambda: self._rename(person_id))
            new_view.closing_requested.connect(lambda close: self._set_closed(person_id, close))
            new_view.delete_requested.connect(lambda: self._delete(person_id))
            new_view.subject_access_requested.connect(
                lambda: self._export_subject_access(person_id)
            )
            self._pages.addWidget(new_view)
            self._person_view = view = new_view
        self._pages.setCurrentWidget(view)
        if self.people.current_person() != person_id:
            self.people.select(person_id)
        if focus:
            view.focus_current_tab()
        return view

    def _drop_person_view(self) -> None:
        view, self._person_view = self._person_view, None
        if view is None:
            return
        view.flush()
        self._pages.removeWidget(view)
        view.hide()
        view.deleteLater()

    def _rename(self, person_id: PersonId) -> None:
        try:
            person = self._vault.people.get(person_id)
        except NotFound:
            self.people.refresh()
            return
        if ask_rename(self, self._vault, person) is None:
            return
        self.people.refresh()
        if self._person_view is not None and self._person_view.person_id == person_id:
            self._person_view.reload_person()

    def _set_closed(self, person_id: PersonId, close: bool) -> None:
        try:
            if close:
                self._vault.people.close(person_id)
            else:
                self._vault.people.reopen(person_id)
        except VaultError as problem:
            dialogs.inform(self, str(problem), problem=True)
        self.people.refresh()
        # A closed person stays on the right (saying so) even when the list hides them.
        if self._person_view is not None and self._person_view.person_id == person_id:
            self._person_view.reload_person()

    def _delete(self, person_id: PersonId) -> None:
        if not confirm_delete(self):
            return
        self._let_go_of([person_id])
        # Rewriting the file (VACUUM) takes as long as the vault is big: off this thread.
        self._erasing = erase(
            self,
            self._vault,
            lambda db: PeopleRepository(db).delete(person_id),
            self._erased,
        )

    @property
    def erasing(self) -> bool:
        """Whether a deletion is still overwriting the vault file."""
        return self._erasing is not None and shiboken6.isValid(self._erasing)

    def _erased(self, _result: object, problem: str | None) -> None:
        self._erasing = None
        if problem is not None:
            dialogs.inform(self, problem, problem=True)
        self._after_erasure()

    def review_retention(self) -> int:
        """Tools → Review closed cases: keep some longer, delete the rest; how many went."""
        self.flush()
        purged = review_retention(self, self._vault, before_purge=self._let_go_of)
        if purged:
            self._after_erasure()
        return purged

    def export_subject_access(self) -> None:
        """Export everything held about the person shown (or selected) as a PDF."""
        person_id = self._target_person()
        if person_id is not None:
            self._export_subject_access(person_id)

    def _export_subject_access(self, person_id: PersonId) -> None:
        self.flush()  # what is typed but not yet saved belongs in the export too
        export_subject_access(self, self._vault, person_id)

    def _let_go_of(self, person_ids: list[PersonId]) -> None:
        """Close the person view if it shows someone about to be deleted."""
        if self._person_view is not None and self._person_view.person_id in person_ids:
            # Editors save before the record goes, or their last save would fail after it.
            self._drop_person_view()
            self._pages.setCurrentWidget(self.welcome)

    def _after_erasure(self) -> None:
        self.people.refresh()
        self.follow_ups.refresh()
        if self.view() is View.SEARCH:
            # Results may name the deleted; the search is not run again.
            self._pages.setCurrentWidget(self._person_page())
        self.people.view.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- opening what was found ---------------------------------------------------------

    def _open_hit(self, hit: SearchHit) -> None:
        if hit.kind is SearchHitKind.SESSION and hit.session_id is not None:
            self._open_session(hit.person_id, hit.session_id)
        elif hit.kind is SearchHitKind.INCIDENT and hit.incident_id is not None:
            view = self._show_person(hit.person_id)
            if view is not None and not view.open_incident(hit.incident_id, focus=True):
                self._gone()
        else:
            self._show_person(hit.person_id, focus=True)

    def _open_session(self, person_id: PersonId, session_id: SessionId) -> None:
        view = self._show_person(person_id)
        if view is None or not view.open_session(session_id, focus=True):
            self._gone()

    def _open_referral(self, person_id: PersonId, referral_id: ReferralId) -> None:
        view = self._show_person(person_id)
        if view is None or not view.open_referral(referral_id):
            self._gone()

    def _gone(self) -> None:
        dialogs.inform(self, _("That record no longer exists; it may have been deleted."))

    def _welcome_page(self) -> QWidget:
        page = QWidget()
        page.setObjectName("welcomePage")
        heading = plain_label(_("Choose a person on the left"), "paneHeading")
        heading.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        text = plain_label(
            _("Their sessions, incident diary, consents and referrals open here."), "hint"
        )
        text.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        keys = QGridLayout()
        keys.setHorizontalSpacing(16)
        keys.setVerticalSpacing(6)
        for row, (sequence, what) in enumerate(
            (
                (shortcuts.NEW_PERSON, _("Add a person")),
                (shortcuts.FIND, _("Search notes, diaries and aliases")),
                (shortcuts.FOLLOW_UPS, _("Follow-ups due")),
                (shortcuts.LOCK, _("Lock peerdesk when you step away")),
            )
        ):
            key = plain_label(_keys(sequence), "muted")
            key.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            description = plain_label(what, "hint")
            description.setWordWrap(False)  # short lines; wrapping squeezed them into two
            keys.addWidget(key, row, 0)
            keys.addWidget(description, row, 1)
        centred = QHBoxLayout()
        centred.addStretch(1)
        centred.addLayout(keys)
        centred.addStretch(1)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(40, 40, 40, 40)
        layout.setSpacing(16)
        layout.addStretch(1)
        layout.addWidget(heading)
        layout.addWidget(text)
        layout.addSpacing(8)
        layout.addLayout(centred)
        layout.addStretch(2)
        return page

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            # Start in the list, not on the first button, unless restore() chose a place.
            focused = QApplication.focusWidget()
            elsewhere = focused is None or not self.isAncestorOf(focused)
            if elsewhere or focused is self.people.add_button:
                self.people.view.setFocus(Qt.FocusReason.OtherFocusReason)
