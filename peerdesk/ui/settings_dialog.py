"""Settings: built from the declarations in ``peerdesk.preferences``, plus this computer's keychain
and the passphrase.

The form is generated: each declared setting gets the widget for its type
(whole number -> spin box with its limits and unit, on/off -> checkbox, text ->
one-line field with its length limit), labelled with the declared label, which
is also its accessible name. Nothing is saved until Save; then every value is
checked by the same rules :class:`~peerdesk.preferences.Preferences` applies.

"Remember on this computer" and "Change passphrase…" act at once, off the GUI
thread, on the vault thread (the OS keychain can block on an unlock prompt;
Argon2id takes about half a second). Running them on the vault's own thread
also means a lock that closes the vault there waits for them to finish.
"""

from __future__ import annotations

from collections.abc import Callable

import shiboken6
from PySide6.QtCore import Qt, SignalInstance, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from .. import crisis_contacts
from ..i18n import _
from ..paths import APP_NAME
from ..preferences import ALL_SETTINGS, AnySetting, Preferences
from ..store import Keychain, KeychainUnavailable, Vault, VaultError
from .change_passphrase import ChangePassphraseDialog
from .contacts_editor import CrisisContactsEditor
from .vault_thread import VaultThread
from .widgets import (
    busy_bar,
    button,
    error_text,
    message_label,
    note_label,
    plain_label,
    report_bug,
)

Editor = QSpinBox | QCheckBox | QLineEdit


def editor_for(setting: AnySetting) -> Editor:
    """The widget for a setting's type; its accessible name is the setting's label."""
    editor: Editor
    if setting.kind is bool:
        editor = QCheckBox(setting.label)
    elif setting.kind is int:
        editor = QSpinBox()
        editor.setRange(
            setting.minimum if setting.minimum is not None else 0,
            setting.maximum if setting.maximum is not None else 2**31 - 1,
        )
        if setting.unit:
            editor.setSuffix(" " + setting.unit)
        # A number needs a few digits of room, not the dialog's width.
        editor.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        editor.setMinimumWidth(120)
    else:
        editor = QLineEdit()
        if setting.max_length is not None:
            editor.setMaxLength(setting.max_length)
    editor.setAccessibleName(setting.label)
    if setting.hint:
        editor.setAccessibleDescription(setting.hint)
    return editor


def editor_value(editor: Editor) -> int | bool | str:
    if isinstance(editor, QCheckBox):
        return editor.isChecked()
    if isinstance(editor, QSpinBox):
        return editor.value()
    return editor.text()


def set_editor_value(editor: Editor, value: object) -> None:
    if isinstance(editor, QCheckBox):
        editor.setChecked(bool(value))
    elif isinstance(editor, QSpinBox):
        editor.setValue(value if isinstance(value, int) else 0)
    else:
        editor.setText(str(value))


class SettingsDialog(QDialog):
    """The settings form. Build it, show it, press Save: tests drive it without exec()."""

    def __init__(
        self,
        vault: Vault,
        worker: VaultThread,
        parent: QWidget | None = None,
        *,
        keychain: Callable[[], Keychain] = Keychain.from_system,
    ) -> None:
        """``worker`` runs keychain and passphrase work (the app's vault thread).
        ``keychain`` finds the OS keychain; tests pass a stand-in."""
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle(_("Settings — {app}").format(app=APP_NAME))
        self.setModal(True)
        self._vault = vault
        self._preferences = Preferences(vault.settings)
        self._worker = worker
        self._keychain = keychain
        self._busy = False
        self.editors: dict[str, Editor] = {}

        # The form scrolls, the problem and the buttons stay in view: at 150% scaling
        # on a small laptop screen the whole form is taller than the screen.
        body = QWidget()
        body.setObjectName("settingsBody")
        form_layout = QVBoxLayout(body)
        form_layout.setContentsMargins(24, 16, 24, 8)
        form_layout.setSpacing(8)
        self._build_settings(form_layout)
        self._build_contacts(form_layout)
        self._build_computer(form_layout)
        form_layout.addStretch(1)
        scroller = QScrollArea()
        scroller.setObjectName("settingsScroller")
        scroller.setWidgetResizable(True)
        scroller.setFrameShape(QFrame.Shape.NoFrame)
        scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroller.setWidget(body)
        self.problem = message_label(_("Problem"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 16)
        layout.setSpacing(10)
        layout.addWidget(scroller, 1)
        bottom = QVBoxLayout()
        bottom.setContentsMargins(24, 0, 24, 0)
        bottom.setSpacing(10)
        layout.addLayout(bottom)
        bottom.addWidget(self.problem)
        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton(_("Save"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setAccessibleName(_("Save"))
        self.save_button.setProperty("primary", True)
        self.save_button.setDefault(True)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setAccessibleName(self.cancel_button.text().replace("&", ""))
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        bottom.addWidget(self.buttons)
        self._fit_to_screen()
        self.load()

    def _fit_to_screen(self) -> None:
        """Tall enough to show everything on a usual screen, never taller than the screen."""
        screen = (self.parentWidget() or self).screen()
        available = screen.availableGeometry().height() if screen is not None else 800
        self.resize(620, max(360, min(780, int(available * 0.9))))

    # -- the declared settings ---------------------------------------------------------

    def _build_settings(self, layout: QVBoxLayout) -> None:
        sections: dict[str, list[AnySetting]] = {}
        for setting in ALL_SETTINGS:
            sections.setdefault(setting.section, []).append(setting)
        for section, settings in sections.items():
            layout.addWidget(plain_label(section, "settingsSection"))
            form = QFormLayout()
            # Labels above their fields, as on every peerdesk screen: long labels
            # and translations never squeeze the field.
            form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            form.setVerticalSpacing(6)
            layout.addLayout(form)
            for setting in settings:
                editor = editor_for(setting)
                self.editors[setting.key] = editor
                if isinstance(editor, QCheckBox):
                    form.addRow(editor)  # a checkbox carries its own label
                else:
                    label = QLabel(setting.label)
                    label.setBuddy(editor)
                    form.addRow(label, editor)
                if setting.hint:
                    form.addRow(plain_label(setting.hint, "settingsHint"))

    def _build_contacts(self, layout: QVBoxLayout) -> None:
        layout.addWidget(plain_label(_("Crisis and escalation contacts"), "settingsSection"))
        layout.addWidget(
            plain_label(
                _(
                    "Shown when you mark a risk item in a checklist, under the advice to call "
                    "your local emergency number when a life is in danger. Fill in the "
                    "placeholders with your programme's own contacts."
                ),
                "settingsHint",
            )
        )
        self.contacts_editor = CrisisContactsEditor([])
        layout.addWidget(self.contacts_editor)

    def load(self) -> None:
        """Show the stored values (defaults where none are stored)."""
        for key, value in self._preferences.values().items():
            set_editor_value(self.editors[key], value)
        self.contacts_editor.set_contacts(crisis_contacts.load(self._vault.settings))
        self.remember.blockSignals(True)
        self.remember.setChecked(self._vault.remembered)
        self.remember.blockSignals(False)

    def values(self) -> dict[str, int | bool | str]:
        """What the form holds now, by setting key."""
        return {key: editor_value(editor) for key, editor in self.editors.items()}

    @Slot()
    def save(self) -> bool:
        """Check every value, store them all, and close; or say what is wrong and stay."""
        values = self.values()
        for setting in ALL_SETTINGS:
            problem = setting.problem(values[setting.key])
            if problem is not None:
                self._say_problem(problem)
                self.editors[setting.key].setFocus()
                return False
        try:
            contacts = crisis_contacts.checked_contacts(self.contacts_editor.contacts())
        except ValueError as problem:
            self._say_problem(str(problem))
            return False
        try:
            self._preferences.update(values)
            crisis_contacts.save(self._vault.settings, contacts)
        except VaultError as error:  # a full disk, a vault folder gone: nothing half-saved
            self._say_problem(error_text(error))
            return False
        self.problem.hide()
        self.accept()
        return True

    # -- this computer and the passphrase ------------------------------------------------

    def _build_computer(self, layout: QVBoxLayout) -> None:
        layout.addWidget(plain_label(_("This computer"), "settingsSection"))
        self.remember = QCheckBox(_("Remember on this computer"))
        self.remember.setAccessibleName(self.remember.text())
        self.remember.toggled.connect(self._remember_toggled)
        layout.addWidget(self.remember)
        layout.addWidget(
            plain_label(
                _(
                    "The system keychain then unlocks peerdesk without your passphrase, "
                    "for anyone signed in to this computer account. Leave it off on a "
                    "shared computer or one that IT manages. It takes effect at once."
                ),
                "settingsHint",
            )
        )
        self.keychain_busy = busy_bar(_("Asking the system keychain"))
        self.keychain_note = note_label(_("Note"))
        layout.addWidget(self.keychain_busy)
        layout.addWidget(self.keychain_note)

        layout.addWidget(plain_label(_("Passphrase"), "settingsSection"))
        self.change_passphrase_button = button(_("Change passphrase…"))
        row = QVBoxLayout()
        row.addWidget(self.change_passphrase_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addLayout(row)
        self.change_passphrase_button.clicked.connect(self.open_change_passphrase)

    @property
    def busy(self) -> bool:
        """Whether keychain work is under way (Save, Cancel and Escape wait for it)."""
        return self._busy

    @Slot(bool)
    def _remember_toggled(self, checked: bool) -> None:
        self._set_busy(True)
        self.keychain_note.hide()
        self.problem.hide()
        vault, find_keychain = self._vault, self._keychain

        def remember() -> None:
            vault.remember_on_this_computer(find_keychain())

        def forget() -> None:
            try:
                keychain: Keychain | None = find_keychain()
            except KeychainUnavailable:
                keychain = None  # the slot still goes; the keychain secret opens nothing
            vault.forget_on_this_computer(keychain)

        self._worker.submit(
            remember if checked else forget,
            on_result=lambda _none: self._keychain_done(),
            on_error=self._keychain_failed,
        )

    def _keychain_done(self) -> None:
        if not shiboken6.isValid(self):
            return
        self._set_busy(False)
        self._show_remembered()
        self.keychain_note.setText(
            _("peerdesk will open on this computer without asking for your passphrase.")
            if self._vault.remembered
            else _("peerdesk will ask for your passphrase on this computer.")
        )
        self.keychain_note.show()

    def _keychain_failed(self, error: Exception) -> None:
        if not shiboken6.isValid(self):
            return
        self._set_busy(False)
        self._show_remembered()
        # KeychainUnavailable explains itself, as every VaultError does.
        self._say_problem(error_text(error))
        report_bug(error)

    def _show_remembered(self) -> None:
        self.remember.blockSignals(True)
        self.remember.setChecked(self._vault.remembered)
        self.remember.blockSignals(False)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.remember.setEnabled(not busy)
        self.keychain_busy.setVisible(busy)
        self.save_button.setEnabled(not busy)
        self.cancel_button.setEnabled(not busy)
        self.change_passphrase_button.setEnabled(not busy)

    @Slot()
    def open_change_passphrase(self) -> ChangePassphraseDialog:
        """Open the change-passphrase dialog (window-modal) and return it."""
        dialog = ChangePassphraseDialog(self._vault, self._worker, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.changed.connect(self._passphrase_changed)
        dialog.open()
        return dialog

    @Slot()
    def _passphrase_changed(self) -> None:
        self.keychain_note.setText(_("Your passphrase has been changed."))
        self.keychain_note.show()

    # -- closing ----------------------------------------------------------------------------

    def reject(self) -> None:
        if self._busy:
            return  # the keychain answers within its timeout; then Cancel works
        super().reject()

    @Slot()
    def abandon(self) -> None:
        """Close now, busy or not, keeping nothing unsaved (on lock)."""
        for child in self.findChildren(ChangePassphraseDialog):
            child.abandon()
        for editor in self.editors.values():
            if isinstance(editor, QLineEdit):
                editor.clear()
        self.contacts_editor.clear()
        super().reject()

    def _say_problem(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.show()


def open_settings(
    parent: QWidget | None,
    vault: Vault,
    worker: VaultThread | None = None,
    *,
    closed_by: SignalInstance | None = None,
) -> bool:
    """Show the settings modally; True if the supporter saved.

    Pass the app's vault thread as ``worker`` (see the module docstring), and
    the window's ``locked`` signal as ``closed_by`` so a lock closes the dialog
    and nothing it shows outlives the unlock. After True, re-read what the
    guards use (``LockGuard.reload_settings()``).
    """
    own_worker = worker is None
    runner = VaultThread() if worker is None else worker
    dialog = SettingsDialog(vault, runner, parent)
    if closed_by is not None:
        closed_by.connect(dialog.abandon)
    try:
        saved = dialog.exec() == QDialog.DialogCode.Accepted
    finally:
        if closed_by is not None:
            closed_by.disconnect(dialog.abandon)
        dialog.deleteLater()
        if own_worker:
            runner.stop()
    return saved
