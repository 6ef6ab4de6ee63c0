"""The Tools menu's work, and what goes into the notices above the workspace.

:class:`VaultTools` holds the slots behind Tools: checklist templates, back up,
check the vault, review closed cases, programme statistics. Each does nothing
while locked. The notices (a backup is due, closed cases are due for deletion)
name no one: they come from :func:`peerdesk.backup_reminder.backup_reminder_text`
and :func:`peerdesk.ui.retention_review.purge_due_text`, which only count.

It also runs the page check that follows every unlock (:meth:`VaultTools.start_quick_check`):
opening checks only what takes the same time on any size of vault, so reading
every page happens here, on a thread and connection of its own, and damage
shows as a notice rather than a refused unlock (benchmark issue 7).

The main window imports this module on first use, not at start: it pulls in
every dialog behind the menu.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QObject, SignalInstance, Slot
from PySide6.QtWidgets import QWidget

from ..backup_reminder import backup_reminder_text
from ..i18n import _
from ..store import Vault
from ..store.integrity import QuickCheck
from ..store.models import VaultMode
from .background_job import BackgroundJob
from .backup_actions import back_up, check_integrity
from .notices import NoticeBar
from .retention_review import purge_due_text
from .stats_dialog import show_statistics
from .template_actions import export_template_file, import_template_file
from .widgets import report_bug


class VaultTools(QObject):
    """Tools → …, for whichever vault is open; each slot does nothing while locked."""

    def __init__(
        self,
        window: QWidget,
        vault: Callable[[], Vault | None],
        review: Callable[[], int],
        locked: SignalInstance,
        notices: NoticeBar,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._vault = vault
        self._review = review  # the workspace's review: it closes a person about to go
        self._locked = locked
        self.notices = notices
        self._quick_check: BackgroundJob | None = None
        self._damage: QuickCheck | None = None  # found by the page check since the last unlock

    @Slot()
    def import_template(self) -> None:
        if (vault := self._vault()) is not None:
            import_template_file(self._window, vault)

    @Slot()
    def export_template(self) -> None:
        if (vault := self._vault()) is not None:
            export_template_file(self._window, vault)

    @Slot()
    def back_up(self) -> None:
        if (vault := self._vault()) is not None:
            dialog = back_up(self._window, vault, closed_by=self._locked)
            dialog.finished.connect(lambda _result: self.refresh_notices())

    @Slot()
    def check_vault(self) -> None:
        if (vault := self._vault()) is not None:
            dialog = check_integrity(self._window, vault, closed_by=self._locked)
            dialog.search_index_rebuilt.connect(self._search_index_rebuilt)

    def _search_index_rebuilt(self) -> None:
        if self._damage is QuickCheck.SEARCH_INDEX_DAMAGED:
            self._damage = None
            self.refresh_notices()

    @Slot()
    def review_retention(self) -> None:
        if self._vault() is not None:
            self._review()
            self.refresh_notices()

    @Slot()
    def statistics(self) -> None:
        if (vault := self._vault()) is not None:
            show_statistics(self._window, vault, closed_by=self._locked)

    def start_quick_check(self) -> None:
        """After unlock: read every page in the background; a notice if one is damaged.

        Off the GUI thread and off the vault thread, on a connection and key copy
        of its own, so it never delays a lock; a lock cancels it and its answer
        is then ignored.
        """
        self.cancel_quick_check()
        self._damage = None
        vault = self._vault()
        if vault is None:
            return
        access = vault.read_access()

        def job(_progress: Callable[[float], None], cancel: threading.Event) -> QuickCheck:
            try:
                return access.quick_check(cancel)
            finally:
                access.wipe()

        def done(result: QuickCheck) -> None:
            check.deleteLater()
            # A lock (and maybe a new unlock) since it started: the answer is stale.
            if self._quick_check is not check or self._vault() is not vault:
                return
            self._quick_check = None
            if result in (QuickCheck.DAMAGED, QuickCheck.SEARCH_INDEX_DAMAGED):
                self._damage = result
                self.refresh_notices()

        def failed(error: Exception) -> None:
            check.deleteLater()
            if self._quick_check is check:
                self._quick_check = None
            # A vault error here is not damage (the drive went away, the file is
            # busy): the vault's own connection meets it on its next read and says
            # so. Anything else is a bug, and must be seen.
            report_bug(error)

        check = BackgroundJob(job, on_result=done, on_error=failed, parent=self)
        self._quick_check = check
        check.start()

    def cancel_quick_check(self) -> None:
        """On lock: stop the page check; whatever it finds is not shown."""
        check, self._quick_check = self._quick_check, None
        self._damage = None
        if check is not None:
            check.cancel()

    @property
    def quick_check_running(self) -> bool:
        return self._quick_check is not None and self._quick_check.running

    def refresh_notices(self, today: date | None = None) -> None:
        """Read again what is due (after unlock, a backup, a review); nothing while locked."""
        vault = self._vault()
        if vault is None:
            self.notices.clear()
            return
        notices: list[tuple[str, str, Callable[[], object]]] = []
        if self._damage is not None:
            notices.append((damage_text(self._damage), _("Check the vault…"), self.check_vault))
        backup = backup_reminder_text(vault, today or date.today())
        if backup is not None:
            notices.append((backup, _("Back up now…"), self.back_up))
        if vault.mode is VaultMode.RECORDS:
            purge = purge_due_text(vault, today)
            if purge is not None:
                notices.append((purge, _("Review closed cases…"), self.review_retention))
        self.notices.set_notices(notices)


def damage_text(found: QuickCheck = QuickCheck.DAMAGED) -> str:
    """The notice when the page check after unlock finds damage (plain words, no names)."""
    if found is QuickCheck.SEARCH_INDEX_DAMAGED:
        return _(
            "The search index is damaged, so search may fail. Your notes are not "
            "affected: Tools \u2192 Check the vault can rebuild the index from them."
        )
    return _(
        "Part of this vault's database is damaged. Restore the vault from your "
        "latest backup; Tools \u2192 Check the vault gives the details."
    )
