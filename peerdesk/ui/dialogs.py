"""Every modal question peerdesk asks, behind small functions that return a plain value.

Tests never block on ``exec()``: they queue the answer first with
:func:`answer_next`, and the next question returns it without showing a dialog
(the same idea as KeePassXC's ``MessageBox::setNextAnswer``). Each question is
built so that the safe choice is the default button.
"""

from __future__ import annotations

import collections

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox, QWidget

from ..paths import APP_NAME

_scripted: collections.deque[object] = collections.deque()


def answer_next(*answers: object) -> None:
    """Tests: the next questions return these answers, in order, without showing."""
    _scripted.extend(answers)


def _take() -> tuple[bool, object]:
    if _scripted:
        return True, _scripted.popleft()
    return False, None


def confirm_destructive(parent: QWidget | None, question: str, detail: str, action: str) -> bool:
    """Ask before something that cannot be undone. Cancel is the default button."""
    scripted, answer = _take()
    if scripted:
        return bool(answer)
    box = QMessageBox(parent)
    box.setWindowTitle(APP_NAME)  # never an alias or any content
    box.setIcon(QMessageBox.Icon.Warning)
    box.setTextFormat(Qt.TextFormat.PlainText)  # an alias is never read as markup
    box.setText(question)
    box.setInformativeText(detail)
    do_it = box.addButton(action, QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    box.exec()
    return box.clickedButton() is do_it


def ask_text(parent: QWidget | None, label: str, text: str = "") -> str | None:
    """One line of text, or None if cancelled."""
    scripted, answer = _take()
    if scripted:
        return None if answer is None else str(answer)
    value, ok = QInputDialog.getText(parent, APP_NAME, label, QLineEdit.EchoMode.Normal, text)
    return value if ok else None


def inform(parent: QWidget | None, text: str, *, problem: bool = False) -> None:
    """Tell the supporter something (a failure they can act on, usually)."""
    scripted, _answer = _take()
    if scripted:
        return
    box = QMessageBox(parent)
    box.setWindowTitle(APP_NAME)
    box.setIcon(QMessageBox.Icon.Warning if problem else QMessageBox.Icon.Information)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(text)
    box.exec()


def pending_answers() -> int:
    """Tests: how many scripted answers are still unused (should be 0 after a test)."""
    return len(_scripted)


def clear_answers() -> None:
    _scripted.clear()

