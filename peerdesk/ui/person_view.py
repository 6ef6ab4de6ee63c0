"""One person: their sessions as a timeline, their incident diary, consents and referrals.

The Sessions and Incident diary tabs are master and detail, each a
:class:`~peerdesk.ui.record_pane.RecordPane`: the list on the left, the selected
record's editor on the right.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QTabWidget, QVBoxLayout, QWidget

from ..i18n import _
from ..store import Vault, VaultError
from ..store.models import Incident, IncidentId, Person, PersonId, ReferralId, Session, SessionId
from ..timeline import INCIDENT_SHAPE, LazyRows, Row, incident_row, session_row, session_shape
from . import dialogs
from .consents_tab import ConsentsTab
from .incident_editor import IncidentEditor
from .people_list import person_menu
from .record_pane import RecordPane
from .referrals_tab import ReferralsTab
from .row_list import KEY_ROLE, date_style
from .session_editor import SessionEditor
from .widgets import button, plain_label


class PersonTab(StrEnum):
    SESSIONS = "sessions"
    INCIDENTS = "incidents"
    CONSENTS = "consents"
    REFERRALS = "referrals"


_TAB_ORDER = list(PersonTab)


class PersonView(QWidget):
    """Everything kept about one person, under their alias."""

    changed = Signal()
    """A session or diary entry was added or saved (last contact may differ). Emits nothing."""
    rename_requested = Signal()
    """The supporter asked to rename this person. Emits nothing."""
    closing_requested = Signal(bool)
    """Close (True) or reopen (False) this person. Emits the wish."""
    delete_requested = Signal()
    """The supporter asked to delete this person. Emits nothing."""
    subject_access_requested = Signal()
    """The supporter asked to export everything held about this person. Emits nothing."""

    def __init__(self, vault: Vault, person_id: PersonId, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("personView")
        self._vault = vault
        self._person: Person = vault.people.get(person_id)

        self.alias_label = plain_label("", "personAlias")
        self.alias_label.setAccessibleName(_("Alias"))
        self.alias_label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.status_label = plain_label("", "muted")
        self.status_label.setAccessibleName(_("Support status"))
        new_session = button(_("New session"), primary=True)
        new_session.clicked.connect(self.new_session)
        new_incident = button(_("New diary entry"))
        new_incident.clicked.connect(self.new_incident)
        self._actions_button = QPushButton(_("Person actions"))
        self._actions_button.setAccessibleName(_("Person actions"))
        self._actions_button.setObjectName("personActions")

        # The alias has the whole width to itself: a long one wraps instead of
        # being squeezed into a column beside the buttons.
        actions = QHBoxLayout()
        actions.addWidget(self.status_label, 1)
        for widget in (new_session, new_incident, self._actions_button):
            actions.addWidget(widget)
        header = QVBoxLayout()
        header.setSpacing(4)
        header.addWidget(self.alias_label)
        header.addLayout(actions)

        self.sessions = RecordPane(
            _("Sessions"),
            _("No sessions yet. Start one with “New session”."),
            _("Choose a session on the left to read or edit it."),
            self._session_rows,
            self._session_row,
            lambda record: SessionEditor(vault, SessionId(record)),
        )
        self.incidents = RecordPane(
            _("Incident diary"),
            _("The diary is empty. Add what happened with “New diary entry”."),
            _("Choose an entry on the left to read or edit it."),
            self._incident_rows,
            lambda record: incident_row(vault.incidents.get(IncidentId(record)), date_style()),
            lambda record: IncidentEditor(vault, IncidentId(record)),
        )
        for pane in (self.sessions, self.incidents):
            pane.saved.connect(self._record_saved)
        # A session can start an urgent referral (from its escalation panel).
        self.sessions.saved.connect(self._refresh_referrals)
        # Consents and referrals are built when their tab is first shown (or they are
        # asked for): building both was half of a person's first paint (benchmark
        # issue 7). Until then their pages are empty.
        self._consents: ConsentsTab | None = None
        self._referrals: ReferralsTab | None = None
        self._consents_page, self._consents_layout = _page()
        self._referrals_page, self._referrals_layout = _page()
        self.tabs = QTabWidget()
        self.tabs.setObjectName("personTabs")
        self.tabs.setAccessibleName(_("Record of this person"))
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.sessions, _("Sessions"))
        self.tabs.addTab(self.incidents, _("Incident diary"))
        self.tabs.addTab(self._consents_page, _("Consents"))
        self.tabs.addTab(self._referrals_page, _("Referrals"))
        self.tabs.currentChanged.connect(self._tab_shown)
        self.sessions.refresh()
        self.incidents.refresh()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 12, 8)
        layout.setSpacing(10)
        layout.addLayout(header)
        layout.addWidget(self.tabs, 1)
        self._show_person()

    @property
    def person_id(self) -> PersonId:
        return self._person.id

    @property
    def person(self) -> Person:
        return self._person

    @property
    def consents(self) -> ConsentsTab:
        """The Consents tab, built now if it has not been shown yet."""
        if self._consents is None:
            self._consents = consents = ConsentsTab(self._vault, self.person_id)
            consents.changed.connect(self._consents_changed)
            self._consents_layout.addWidget(consents)
            consents.show()  # a child added to a page already shown stays hidden otherwise
        return self._consents

    @property
    def referrals(self) -> ReferralsTab:
        """The Referrals tab, built now if it has not been shown yet."""
        if self._referrals is None:
            self._referrals = referrals = ReferralsTab(self._vault, self.person_id)
            referrals.changed.connect(self.changed)
            self._referrals_layout.addWidget(referrals)
            referrals.show()  # a child added to a page already shown stays hidden otherwise
        return self._referrals

    def tab(self) -> PersonTab:
        return _TAB_ORDER[max(0, self.tabs.currentIndex())]

    def set_tab(self, tab: PersonTab) -> None:
        self.tabs.setCurrentIndex(_TAB_ORDER.index(tab))

    def open_session(self, session_id: SessionId, *, focus: bool = False) -> bool:
        self.set_tab(PersonTab.SESSIONS)
        return self.sessions.open(session_id, focus=focus)

    def open_incident(self, incident_id: IncidentId, *, focus: bool = False) -> bool:
        self.set_tab(PersonTab.INCIDENTS)
        return self.incidents.open(incident_id, focus=focus)

    def open_referral(self, referral_id: ReferralId) -> bool:
        self.set_tab(PersonTab.REFERRALS)
        return self.referrals.select(referral_id)

    def focus_current_tab(self) -> None:
        """Enter on a person: the focus goes to the list in the tab showing."""
        tab = self.tab()
        if tab is PersonTab.SESSIONS:
            target: QWidget = self.sessions.view
        elif tab is PersonTab.INCIDENTS:
            target = self.incidents.view
        elif tab is PersonTab.CONSENTS:
            target = self.consents.view
        else:
            target = self.referrals.view
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    def new_session(self) -> None:
        """Start a session now (0 minutes, in person) and put the cursor in its notes."""
        try:
            session = self._vault.sessions.add(self.person_id)
        except VaultError as problem:
            dialogs.inform(self, str(problem), problem=True)
            return
        self.sessions.refresh()
        self.open_session(session.id, focus=True)
        self.changed.emit()

    def new_incident(self) -> None:
        """Start a diary entry dated now and put the cursor in it."""
        try:
            incident = self._vault.incidents.add(self.person_id)
        except VaultError as problem:
            dialogs.inform(self, str(problem), problem=True)
            return
        self.incidents.refresh()
        self.open_incident(incident.id, focus=True)
        self.changed.emit()

    def flush(self) -> None:
        """Make every open editor save now (an open referral draft too)."""
        self.sessions.flush()
        self.incidents.flush()
        if self._referrals is not None:
            self._referrals.flush()

    def reload_person(self) -> None:
        """After a rename, close or reopen: read the header again."""
        self._person = self._vault.people.get(self.person_id)
        self._show_person()
        self.sessions.refresh()

    def _session_rows(self) -> Sequence[Row]:
        dates = date_style()
        sessions = self._vault.sessions.list_for_person(self.person_id)
        # Only the newest session's follow-up can still be due, and only while support is open.
        latest = sessions[0] if sessions and not self._person.closed else None
        return LazyRows(
            sessions,
            lambda s: session_row(s, dates, latest=s is latest),
            _session_key,
            session_shape,
        )

    def _session_row(self, record: int) -> Row:
        session = self._vault.sessions.get(SessionId(record))
        model = self.sessions.view.row_model()
        newest = model.rowCount() > 0 and model.index(0).data(KEY_ROLE) == session.id
        return session_row(session, date_style(), latest=newest and not self._person.closed)

    def _record_saved(self, row_only: bool) -> None:
        # The people list shows last contact, follow-ups and risk: not the notes.
        if not row_only:
            self.changed.emit()

    def _refresh_referrals(self, *_saved: object) -> None:
        if self._referrals is not None:  # otherwise it reads them when first shown
            self._referrals.refresh()

    def _consents_changed(self) -> None:
        if self._referrals is not None:
            self._referrals.consents_changed()

    def _tab_shown(self, index: int) -> None:
        if index == _TAB_ORDER.index(PersonTab.CONSENTS):
            self.consents  # noqa: B018 - built on first access
        elif index == _TAB_ORDER.index(PersonTab.REFERRALS):
            self.referrals  # noqa: B018 - built on first access

    def _incident_rows(self) -> Sequence[Row]:
        dates = date_style()
        incidents = self._vault.incidents.list_for_person(self.person_id)
        return LazyRows(
            incidents, lambda i: incident_row(i, dates), _incident_key, lambda _i: INCIDENT_SHAPE
        )

    def _show_person(self) -> None:
        person, dates = self._person, date_style()
        self.alias_label.setText(person.alias)
        since = person.created_at.astimezone().date()
        if person.closed_at is not None:
            self.status_label.setText(
                _("Support closed on {day}. The records stay until you delete them.").format(
                    day=dates.day(person.closed_at.astimezone().date())
                )
            )
        else:
            self.status_label.setText(_("Supported since {day}").format(day=dates.day(since)))
        menu = person_menu(self, person.closed, subject_access=True)
        menu.triggered.connect(lambda action: self._menu_chosen(str(action.data())))
        old = self._actions_button.menu()
        self._actions_button.setMenu(menu)
        if old is not None:
            old.deleteLater()

    def _menu_chosen(self, what: str) -> None:
        if what == "rename":
            self.rename_requested.emit()
        elif what in ("close", "reopen"):
            self.closing_requested.emit(what == "close")
        elif what == "delete":
            self.delete_requested.emit()
        elif what == "subject_access":
            self.subject_access_requested.emit()


def _session_key(session: Session) -> SessionId:
    return session.id


def _incident_key(incident: Incident) -> IncidentId:
    return incident.id


def _page() -> tuple[QWidget, QVBoxLayout]:
    """An empty tab page, and the layout in which a tab built later fills it edge to edge."""
    page = QWidget()
    layout = QVBoxLayout(page)
    layout.setContentsMargins(0, 0, 0, 0)
    return page, layout
