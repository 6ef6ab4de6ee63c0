"""Search results: ranked, with the matched words in bold; Enter opens the hit.

The vault does the searching (and turns whatever was typed into plain words,
so no query can fail). This panel only shows what came back, kindly when
nothing did, and never echoes the query: it is already in the search field.

The search runs on the vault's reader thread (:attr:`Vault.reader`), with the
aliases and dates the rows show, so typing never waits for it: tens of
milliseconds on a big vault. The previous results stay until the new ones come.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from ..i18n import _
from ..store import NotFound, Vault, VaultError
from ..store.db import Database
from ..store.incidents import IncidentsRepository
from ..store.models import PersonId, SearchHit, SearchHitKind
from ..store.people import PeopleRepository
from ..store.reader import Reader
from ..store.search import fts_query
from ..store.search import search as search_index
from ..store.sessions import SessionsRepository
from ..timeline import search_row
from .row_list import KEY_ROLE, RowListView, date_style
from .widgets import plain_label

LIMIT = 50
# How often to look for the answer while a search runs: well under a frame.
POLL_MS = 5


@dataclass(frozen=True, slots=True)
class Found:
    """A hit with what its row shows besides the snippet."""

    hit: SearchHit
    alias: str
    when: datetime | None


def find(db: Database, text: str, limit: int = LIMIT) -> list[Found]:
    """Search and look up each hit's alias and date (on the reader's connection)."""
    people, sessions = PeopleRepository(db), SessionsRepository(db)
    incidents = IncidentsRepository(db)
    aliases: dict[PersonId, str] = {}
    found = []
    for hit in search_index(db, text, limit=limit):
        try:
            if hit.person_id not in aliases:
                aliases[hit.person_id] = people.get(hit.person_id).alias
            when = None
            if hit.kind is SearchHitKind.SESSION and hit.session_id is not None:
                when = sessions.get(hit.session_id).started_at
            elif hit.kind is SearchHitKind.INCIDENT and hit.incident_id is not None:
                when = incidents.get(hit.incident_id).occurred_at
        except NotFound:
            continue  # deleted while the search ran
        found.append(Found(hit, aliases[hit.person_id], when))
    return found


class SearchPanel(QWidget):
    """The results of the last search, best first."""

    hit_opened = Signal(object)
    """Enter or double-click on a result. Emits the SearchHit."""
    results_shown = Signal()
    """The answer to the newest search is on screen. Emits nothing."""

    def __init__(self, vault: Vault, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("searchPanel")
        self._vault = vault
        self._hits: list[SearchHit] = []
        self._reader: Reader | None = None
        self._waiting_for: int | None = None  # the reader's ticket for the newest search
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._collect)

        self.summary = plain_label(_("Search"), "paneHeading")
        self.summary.setAccessibleName(_("Search summary"))
        self.view = RowListView(_("Search results"))
        self.view.activated.connect(self._activated)
        self.message = plain_label("", "hint")
        self.message.setAccessibleName(_("Search message"))
        self.message.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 16, 12)
        layout.setSpacing(10)
        layout.addWidget(self.summary)
        # Whichever of the two shows takes the height, so the heading stays at the top.
        layout.addWidget(self.message, 1)
        layout.addWidget(self.view, 1)
        self.search("")

    @property
    def hits(self) -> list[SearchHit]:
        return list(self._hits)

    @property
    def searching(self) -> bool:
        """Whether the answer to the newest search is still to come."""
        return self._waiting_for is not None

    def search(self, text: str) -> None:
        """Look for ``text`` and show the best matches when found (see :attr:`results_shown`).

        The focus stays where it is, and typing goes on while the search runs.
        """
        self._waiting_for = None
        self._poll.stop()
        if fts_query(text) is None:
            self._show(
                [],
                _("Type a word to search aliases, session notes and incident diaries."),
                searched=False,
            )
            self.results_shown.emit()
            return
        try:
            self._reader = self._vault.reader
            self._waiting_for = self._reader.submit(lambda db: find(db, text))
        except VaultError as problem:
            self._show([], str(problem))
            self.results_shown.emit()
            return
        self._poll.start()

    def _collect(self) -> None:
        if self._reader is None or self._reader.stopped:
            self._poll.stop()  # locked: the answer will never come
            return
        for ticket, found, problem in self._reader.take():
            if ticket != self._waiting_for:
                continue  # an older search's answer
            self._waiting_for = None
            self._poll.stop()
            if problem is not None:
                self._show([], str(problem))
            else:
                self._show(
                    found,
                    _(
                        "Nothing matches. Search looks for whole words in aliases, session "
                        "notes and incident diaries (the last word may be the start of a "
                        "word). Try fewer words, or another spelling."
                    ),
                )
            self.results_shown.emit()

    def focus_results(self) -> None:
        """Move into the results, on the best one."""
        if self._hits and not self.view.currentIndex().isValid():
            self.view.select_key(0)
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def open_current(self) -> None:
        index = self.view.currentIndex()
        if index.isValid():
            self._activated(index)

    def _show(self, found: list[Found], nothing: str, *, searched: bool = True) -> None:
        self._hits = hits = [entry.hit for entry in found]
        dates = date_style()
        rows = [
            search_row(number, entry.hit.kind, entry.alias, entry.when, entry.hit.snippet, dates)
            for number, entry in enumerate(found)
        ]
        self.view.row_model().set_rows(rows)
        if hits:
            self.view.select_key(0)
        count = len(hits)
        if count == 0:
            self.summary.setText(_("No results") if searched else _("Search"))
        elif count == 1:
            self.summary.setText(_("1 result"))
        elif count >= LIMIT:
            self.summary.setText(_("The {n} best results").format(n=count))
        else:
            self.summary.setText(_("{n} results, best first").format(n=count))
        self.message.setText(nothing)
        self.message.setVisible(not hits)
        self.view.setVisible(bool(hits))

    def _activated(self, index: QModelIndex) -> None:
        number = index.data(KEY_ROLE)
        if isinstance(number, int) and 0 <= number < len(self._hits):
            self.hit_opened.emit(self._hits[number])
