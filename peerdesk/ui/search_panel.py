"""Search results: ranked, with the matched words in bold; Enter opens the hit.

The vault does the searching (and turns whatever was typed into plain words,
so no query can fail). This panel only shows what came back, kindly when
nothing did, and never echoes the query: it is already in the search field.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from ..i18n import _
from ..store import NotFound, Vault, VaultError
from ..store.models import PersonId, SearchHit, SearchHitKind
from ..store.search import fts_query
from ..timeline import search_row
from .row_list import KEY_ROLE, RowListView, date_style
from .widgets import plain_label

LIMIT = 50


class SearchPanel(QWidget):
    """The results of the last search, best first."""

    hit_opened = Signal(object)
    """Enter or double-click on a result. Emits the SearchHit."""

    def __init__(self, vault: Vault, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("searchPanel")
        self._vault = vault
        self._hits: list[SearchHit] = []

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

    def search(self, text: str) -> None:
        """Show the best matches for ``text``; the focus stays where it is (typing goes on)."""
        if fts_query(text) is None:
            self._show(
                [],
                _("Type a word to search aliases, session notes and incident diaries."),
                searched=False,
            )
            return
        try:
            hits = self._vault.search(text, limit=LIMIT)
        except VaultError as problem:
            self._show([], str(problem))
            return
        self._show(
            hits,
            _(
                "Nothing matches. Search looks for whole words in aliases, session notes and "
                "incident diaries (the last word may be the start of a word). Try fewer "
                "words, or another spelling."
            ),
        )

    def focus_results(self) -> None:
        """Move into the results, on the best one."""
        if self._hits and not self.view.currentIndex().isValid():
            self.view.select_key(0)
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def open_current(self) -> None:
        index = self.view.currentIndex()
        if index.isValid():
            self._activated(index)

    def _show(self, hits: list[SearchHit], nothing: str, *, searched: bool = True) -> None:
        self._hits = hits
        dates = date_style()
        aliases: dict[PersonId, str] = {}
        rows = []
        for number, hit in enumerate(hits):
            if hit.person_id not in aliases:
                aliases[hit.person_id] = self._vault.people.get(hit.person_id).alias
            rows.append(
                search_row(
                    number, hit.kind, aliases[hit.person_id], self._when(hit), hit.snippet, dates
                )
            )
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

    def _when(self, hit: SearchHit) -> datetime | None:
        try:
            if hit.kind is SearchHitKind.SESSION and hit.session_id is not None:
                return self._vault.sessions.get(hit.session_id).started_at
            if hit.kind is SearchHitKind.INCIDENT and hit.incident_id is not None:
                return self._vault.incidents.get(hit.incident_id).occurred_at
        except NotFound:
            return None
        return None

    def _activated(self, index: QModelIndex) -> None:
        number = index.data(KEY_ROLE)
        if isinstance(number, int) and 0 <= number < len(self._hits):
            self.hit_opened.emit(self._hits[number])
