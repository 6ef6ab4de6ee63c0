"""The one peerdesk window: the lock screen while locked, the workspace while unlocked.

Which workspace depends on the vault's mode, fixed when it was created: the
records workspace (people, notes, diaries) or, for programmes that keep no
identifying records, the contact log, with every menu action that needs a
person hidden.

It is the only holder of the open ``Vault``. Locking is one method, :meth:`lock`:
save what is being typed, remember where the supporter was (ids only), destroy
every widget that showed content, clear our clipboard copy and file-dialog
traces, close the vault, and show the lock screen. Nothing is merely hidden.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QMainWindow,
    QSizePolicy,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from .. import __version__
from ..i18n import _
from ..paths import APP_NAME
from ..preferences import Preferences
from ..store.vault_mode import VaultMode
from . import collector, shortcuts
from .clipboard import ClipboardGuard
from .lock_guard import LockGuard
from .lock_screen import LockScreen
from .notices import NoticeBar
from .vault_thread import VaultThread

if TYPE_CHECKING:  # imported when first needed: the lock screen shows sooner without them
    from ..store import KdfParams, Vault
    from .contact_log_view import ContactLogView
    from .vault_tools import VaultTools
    from .workspace import Workspace, WorkspaceState

SEARCH_DELAY_MS = 250


class AppWindow(QMainWindow):
    """peerdesk's main window, from the first lock screen to quit."""

    unlocked = Signal()
    """The vault is open and the workspace is showing. Emits nothing."""

    locked = Signal()
    """The vault is closed and every content widget destroyed. Emits nothing."""

    def __init__(
        self,
        vault_directory: Path,
        *,
        kdf: KdfParams | None = None,
        idle_ms: int | None = None,
        practice: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        """``kdf`` and ``idle_ms`` are for tests only: cheap Argon2id, a tiny idle limit.
        ``practice`` puts a "practice mode" banner above every screen."""
        super().__init__(parent)
        self.setObjectName("appWindow")
        self.setWindowTitle(APP_NAME)  # and never anything else: no alias, no path
        self.resize(1180, 760)
        self._vault: Vault | None = None
        self._workspace: Workspace | None = None
        self._contact_log: ContactLogView | None = None
        # The mode of the vault last unlocked: not a secret, and it keeps the menus
        # from changing shape at every lock.
        self._mode = VaultMode.RECORDS
        self._toolbar: QToolBar | None = None
        self._search_field: QLineEdit | None = None
        self._where: WorkspaceState | None = None  # ids only, kept across a lock

        self.vault_thread = VaultThread(self)
        self._pages = QStackedWidget()
        self.practice = practice
        self.notices = NoticeBar()
        self.setCentralWidget(_framed(self._pages, self.notices, practice=practice))
        self.lock_screen = LockScreen(vault_directory, kdf, self.vault_thread)
        self.lock_screen.unlocked.connect(self._open_workspace)
        self._pages.addWidget(self.lock_screen)

        self.lock_guard = LockGuard(self, self._preferences, idle_ms=idle_ms)
        self.lock_guard.lock_requested.connect(self.lock)
        self.clipboard_guard = ClipboardGuard(self._preferences, self)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._run_search)
        self._tools: VaultTools | None = None
        self._build_menus()
        self._set_unlocked_actions(False)

    # -- what tests and the composition root look at ------------------------------------

    @property
    def vault(self) -> Vault | None:
        """The open vault, or None while locked."""
        return self._vault

    @property
    def workspace(self) -> Workspace | None:
        """The workspace while unlocked; None (and destroyed) while locked."""
        ws = self._workspace
        return ws if ws is not None and shiboken6.isValid(ws) else None

    @property
    def contact_log(self) -> ContactLogView | None:
        """The contact log while a contact-log-only vault is unlocked; None otherwise."""
        view = self._contact_log
        return view if view is not None and shiboken6.isValid(view) else None

    @property
    def tools(self) -> VaultTools:
        """The Tools menu's slots, made (and their dialogs imported) on first use."""
        if self._tools is None:
            from .vault_tools import VaultTools

            self._tools = VaultTools(
                self, lambda: self._vault, self._review_retention, self.locked, self.notices
            )
        return self._tools

    @property
    def mode(self) -> VaultMode:
        """The mode of the vault open now, or of the one last unlocked."""
        return self._mode

    @property
    def search_field(self) -> QLineEdit | None:
        field = self._search_field
        return field if field is not None and shiboken6.isValid(field) else None

    def _preferences(self) -> Preferences | None:
        return Preferences(self._vault.settings) if self._vault is not None else None

    # -- menus and toolbar ----------------------------------------------------------------

    def _action(
        self,
        text: str,
        keys: str | None,
        slot: Callable[[], object],
        *,
        unlocked: bool = True,
        records: bool = False,
    ) -> QAction:
        """``records``: the action needs people and notes, so a contact log hides it."""
        action = QAction(text, self)
        if keys:
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(lambda _checked=False: slot())
        action.setProperty("needsVault", unlocked)
        action.setProperty("needsRecords", records)
        self.addAction(action)  # shortcuts work even with the menu bar hidden
        return action

    def _build_menus(self) -> None:
        self.lock_action = self._action(_("Lock"), shortcuts.LOCK, self.lock)
        self.quick_hide_action = self._action(
            _("Lock and minimise"), shortcuts.QUICK_HIDE, self.quick_hide
        )
        self.settings_action = self._action(_("Settings…"), shortcuts.SETTINGS, self.open_settings)
        quit_action = self._action(_("Quit"), shortcuts.QUIT, self.close, unlocked=False)
        find = self._action(_("Search"), shortcuts.FIND, self.focus_search, records=True)
        people = self._action(
            _("People"), shortcuts.PEOPLE, lambda: self._ws("show_people"), records=True
        )
        follow_ups = self._action(
            _("Follow-ups due"),
            shortcuts.FOLLOW_UPS,
            lambda: self._ws("show_follow_ups"),
            records=True,
        )
        add_person = self._action(
            _("Add person…"), shortcuts.NEW_PERSON, lambda: self._ws("add_person"), records=True
        )
        rename = self._action(
            _("Rename person…"),
            shortcuts.RENAME_PERSON,
            lambda: self._ws("rename_person"),
            records=True,
        )
        new_session = self._action(
            _("New session"), shortcuts.NEW_SESSION, lambda: self._ws("new_session"), records=True
        )
        subject_access = self._action(
            _("Export everything held about them…"),
            None,
            lambda: self._ws("export_subject_access"),
            records=True,
        )
        new_incident = self._action(
            _("New incident diary entry"),
            shortcuts.NEW_INCIDENT,
            lambda: self._ws("new_incident"),
            records=True,
        )
        tool_actions = (
            self._action(
                _("Import checklist template…"), None, lambda: self.tools.import_template()
            ),
            self._action(
                _("Export checklist template…"), None, lambda: self.tools.export_template()
            ),
            None,
            self._action(_("Back up…"), None, lambda: self.tools.back_up()),
            self._action(_("Check the vault…"), None, lambda: self.tools.check_vault()),
            self._action(
                _("Review closed cases…"),
                None,
                lambda: self.tools.review_retention(),
                records=True,
            ),
            None,
            self._action(_("Programme statistics…"), None, lambda: self.tools.statistics()),
        )
        help_keys = self._action(
            _("Keyboard shortcuts"), shortcuts.SHORTCUT_HELP, self.show_shortcuts, unlocked=False
        )
        self.about_action = self._action(
            _("About peerdesk…"), None, self.show_about, unlocked=False
        )

        bar = self.menuBar()
        app_menu = bar.addMenu(_("&peerdesk"))
        for action in (self.lock_action, self.quick_hide_action, self.settings_action):
            app_menu.addAction(action)
        app_menu.addSeparator()
        app_menu.addAction(quit_action)
        people_menu = bar.addMenu(_("&People"))
        for action in (add_person, rename, new_session, new_incident):
            people_menu.addAction(action)
        people_menu.addSeparator()
        people_menu.addAction(subject_access)
        view_menu = bar.addMenu(_("&View"))
        for action in (people, follow_ups, find):
            view_menu.addAction(action)
        tools_menu = bar.addMenu(_("&Tools"))
        for tool in tool_actions:
            if tool is None:
                tools_menu.addSeparator()
            else:
                tools_menu.addAction(tool)
        help_menu = bar.addMenu(_("&Help"))
        help_menu.addAction(help_keys)
        help_menu.addAction(self.about_action)
        # Menus whose every action needs people: a contact log hides them whole.
        self._records_menus = (people_menu, view_menu)
        # The person view has its own New session / New diary entry buttons.
        self._toolbar_actions = (follow_ups, self.settings_action)

    def _set_unlocked_actions(self, unlocked: bool) -> None:
        """Enable what needs an open vault; show only what fits the vault's mode.

        A hidden action's shortcut does nothing too (and it is disabled as well,
        so no key press can reach a people action in a contact log).
        """
        records = self._mode is VaultMode.RECORDS
        for action in self.actions():
            fits = records or not action.property("needsRecords")
            action.setVisible(fits)
            if action.property("needsVault"):
                action.setEnabled(unlocked and fits)
        for menu in self._records_menus:
            menu.menuAction().setVisible(records)

    def _build_toolbar(self) -> None:
        toolbar = QToolBar(_("Main toolbar"), self)
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        toolbar.addAction(self.lock_action)
        toolbar.addAction(self.quick_hide_action)
        toolbar.addSeparator()
        for action in self._toolbar_actions:
            if action.isVisible():
                toolbar.addAction(action)
        if self._mode is VaultMode.RECORDS:  # a contact log holds no text to search
            self._search_field = self._add_search_field(toolbar)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)
        self._toolbar = toolbar

    def _add_search_field(self, toolbar: QToolBar) -> QLineEdit:
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        toolbar.addWidget(spacer)
        field = QLineEdit()
        field.setAccessibleName(_("Search"))
        native = QKeySequence(shortcuts.FIND).toString(QKeySequence.SequenceFormat.NativeText)
        field.setPlaceholderText(_("Search notes, incidents, people ({keys})").format(keys=native))
        field.setClearButtonEnabled(True)
        field.setMinimumWidth(300)
        field.textChanged.connect(lambda _text: self._search_timer.start())
        field.returnPressed.connect(self._enter_results)
        toolbar.addWidget(field)
        return field

    # -- unlocking ----------------------------------------------------------------------

    @Slot(object)
    def _open_workspace(self, vault: Vault) -> None:
        self._vault = vault
        self._mode = vault.mode
        page: QWidget
        from .contact_log_view import ContactLogView
        from .workspace import Workspace

        if vault.mode is VaultMode.CONTACT_LOG:
            page = self._contact_log = ContactLogView(vault)
        else:
            page = self._workspace = Workspace(vault)
        self._pages.addWidget(page)
        self._pages.setCurrentWidget(page)
        self._set_unlocked_actions(True)  # first: the toolbar shows what fits the mode
        self._build_toolbar()
        if self._workspace is not None and self._where is not None:
            self._workspace.restore(self._where)
        elif self._contact_log is not None:
            self._contact_log.form.focus()
        self.lock_guard.start()
        self.tools.start_quick_check()  # reads every page, in the background
        self.tools.refresh_notices()
        collector.settle_after_unlock()  # no collector pauses while typing
        self.unlocked.emit()

    def _review_retention(self) -> int:
        workspace = self.workspace
        return workspace.review_retention() if workspace is not None else 0

    def _ws(self, method: str) -> None:
        workspace = self.workspace
        if workspace is not None:
            getattr(workspace, method)()

    @Slot()
    def focus_search(self) -> None:
        field = self.search_field
        if field is not None:
            field.setFocus(Qt.FocusReason.ShortcutFocusReason)
            field.selectAll()

    @Slot()
    def _run_search(self) -> None:
        self._search_timer.stop()
        field, workspace = self.search_field, self.workspace
        if field is None or workspace is None:
            return
        workspace.search(field.text())  # blank text returns to the person, focus stays

    @Slot()
    def _enter_results(self) -> None:
        """Enter in the search field: search now and move into the results to pick one."""
        self._run_search()
        field, workspace = self.search_field, self.workspace
        if field is not None and workspace is not None and field.text().strip():
            workspace.focus_results()

    @Slot()
    def open_settings(self) -> None:
        from .settings_dialog import open_settings

        if self._vault is not None and open_settings(
            self, self._vault, self.vault_thread, closed_by=self.locked
        ):
            self.lock_guard.reload_settings()

    @Slot()
    def show_shortcuts(self) -> None:
        from .help_dialog import show_shortcuts

        show_shortcuts(self)

    @Slot()
    def show_about(self) -> None:
        from . import dialogs

        dialogs.inform(self, self.about_text())

    def about_text(self) -> str:
        """Help → About: the version and, while a contact log is open, what it keeps."""
        text = _(
            "{app} {version}: an offline, encrypted notebook for workplace peer supporters."
        ).format(app=APP_NAME, version=__version__)
        if self._vault is not None and self._mode is VaultMode.CONTACT_LOG:
            from .contact_log_view import contact_log_notice

            text += "\n\n" + contact_log_notice()
        return text

    # -- locking ------------------------------------------------------------------------

    @Slot()
    def lock(self, reason: str = "") -> bool:
        """Save, forget every content widget, close the vault, show the lock screen.

        ``reason`` is empty when the supporter asked (menu, Ctrl+L, quit); then, and
        only then, text whose save failed (a full disk) is worth a question before
        it is thrown away. An automatic lock (idle, sleep, quick-hide) never waits.
        Returns False if the supporter chose to stay unlocked.
        """
        from . import dialogs

        workspace = self.workspace
        contact_log = self.contact_log
        if contact_log is not None:
            contact_log.flush()  # nothing is pending there; kept for symmetry
        if workspace is not None:
            workspace.flush()
            if (
                not reason
                and workspace.has_unsaved_changes()
                and not dialogs.confirm_destructive(
                    self,
                    _("Some text could not be saved."),
                    _(
                        "The vault reported a problem when saving (for example a full disk). "
                        "If you lock now, the unsaved text is lost. Cancel, free some space "
                        "or copy the text somewhere safe, then lock again."
                    ),
                    _("Lock and lose it"),
                )
            ):
                return False
        vault, self._vault = self._vault, None
        if vault is None:
            # Locked already, or still setting up: make sure no recovery code stays up.
            self.lock_screen.reset()
            self.locked.emit()
            return True
        self.lock_guard.stop()
        self._search_timer.stop()
        if workspace is not None:
            self._where = workspace.state()
        self._set_unlocked_actions(False)
        # Lock screen first, so no frame shows a half-destroyed workspace.
        self.lock_screen.reset()
        self._pages.setCurrentWidget(self.lock_screen)
        for widget in (self._toolbar, workspace, contact_log):
            if widget is not None and shiboken6.isValid(widget):
                widget.setParent(None)
                shiboken6.delete(widget)  # destroyed now, with its undo stacks
        self._toolbar = self._search_field = self._workspace = self._contact_log = None
        collector.release_at_lock()  # the workspace's objects are garbage now: collect them
        if self._tools is not None:
            self._tools.cancel_quick_check()
        self.notices.clear()
        self.clipboard_guard.clear_if_ours()
        from .file_dialogs import scrub_traces

        scrub_traces()
        # Closed on the vault thread, behind any passphrase or keychain work still
        # running there: closing wipes the data key that work may be sealing.
        self.vault_thread.submit(vault.close, on_result=lambda _none: self.locked.emit())
        return True

    @Slot()
    def quick_hide(self) -> None:
        """Someone walked in: lock and get out of sight in one key press."""
        self.lock("quick hide")
        self.showMinimized()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.lock():
            event.ignore()  # the supporter kept unsaved text on screen
            return
        self.shutdown()
        super().closeEvent(event)

    @Slot()
    def shutdown(self) -> None:
        """At quit: save and lock, then close any vault the lock screen still holds."""
        self.lock("quit")
        pending = self.lock_screen.release_vault()
        self.vault_thread.stop(final=pending.close if pending is not None else None)


def _framed(pages: QWidget, notices: NoticeBar, *, practice: bool) -> QWidget:
    """The pages under the notices and, in practice mode, a banner saying so."""
    frame = QWidget()
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    if practice:
        layout.addWidget(_practice_banner())
    layout.addWidget(notices)
    layout.addWidget(pages, 1)
    return frame


def _practice_banner() -> QLabel:
    """Practice mode: say on every screen that this is fictional, and the passphrase."""
    from ..practice import PRACTICE_PASSPHRASE

    banner = QLabel(
        _(
            "Practice mode: every person and note here is fictional, and all of it is "
            "deleted when peerdesk closes. The passphrase is \u201c{passphrase}\u201d."
        ).format(passphrase=PRACTICE_PASSPHRASE)
    )
    banner.setObjectName("practiceBanner")
    banner.setTextFormat(Qt.TextFormat.PlainText)
    banner.setWordWrap(True)
    banner.setAccessibleName(_("Practice mode"))
    return banner
