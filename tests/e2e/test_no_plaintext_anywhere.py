"""After a whole day's work through the real window, no content is readable in any file.

One flow through the app as a supporter would drive it (first run, a person, a
session with notes and a ticked checklist, an incident, a consent, a referral
exported to PDF, a backup), then lock and quit. Every file peerdesk wrote or
touched (the vault folder with its WAL, shared memory, key slots and lock; the
isolated home with QSettings, QtProject.conf and recently-used.xbel; the temp
folder; any Qt message on stderr) is read byte by byte for unique markers in
UTF-8 and UTF-16. Only the exported PDF may hold them, and it is checked to.

:func:`drive_every_main_flow` is shared with test_no_network.py.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
)
from pytestqt.qtbot import QtBot

from peerdesk.app import build_main_window
from peerdesk.store import KdfParams
from peerdesk.ui import consent_dialog, dialogs
from peerdesk.ui.app_window import AppWindow
from peerdesk.ui.backup_dialog import BackupDialog
from peerdesk.ui.consent_dialog import ConsentDialog
from peerdesk.ui.incident_editor import IncidentEditor
from peerdesk.ui.person_view import PersonTab
from peerdesk.ui.referral_consent import ConsentPage
from peerdesk.ui.referral_preview import PreviewPage
from peerdesk.ui.session_editor import SessionEditor

from ..ui.driving import confirm_code, create_through_first_run, find

PASSPHRASE = "harbour lantern ninety quietly"
FIRST_ITEM = "Find somewhere private and say how much time you have"


@dataclass
class Markers:
    alias: str
    notes: str
    incident: str
    consent: str
    situation: str

    @classmethod
    def fresh(cls) -> Markers:
        return cls(*(f"{kind}{uuid.uuid4().hex[:16]}" for kind in (
            "AliasMark", "NotesMark", "IncidentMark", "ConsentMark", "SituationMark"
        )))

    def all(self) -> dict[str, str]:
        return dict(vars(self))


@dataclass
class Outputs:
    pdf: Path
    backup: Path
    recovery_code: str


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, fast_kdf: KdfParams) -> Iterator[AppWindow]:
    built = build_main_window(tmp_path / "data", kdf=fast_kdf)
    assert isinstance(built, AppWindow)
    qtbot.addWidget(built)
    built.show()
    qtbot.waitExposed(built)
    yield built
    dialogs.clear_answers()
    consent_dialog.clear_fills()
    built.shutdown()


def _visible(window: AppWindow, kind: type) -> object:
    found = [w for w in window.findChildren(kind) if w.isVisibleTo(window)]
    assert len(found) == 1, found
    return found[0]


def _press(qtbot: QtBot, widget: QPushButton | QCheckBox | QRadioButton) -> None:
    if isinstance(widget, QPushButton):
        qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)
    else:  # on the box itself, not the middle of a wide row
        widget.click()


def _type(qtbot: QtBot, field: QLineEdit | QPlainTextEdit, text: str) -> None:
    field.setFocus()
    qtbot.keyClicks(field, text)


def drive_every_main_flow(
    qtbot: QtBot, window: AppWindow, markers: Markers, out: Path, monkeypatch: pytest.MonkeyPatch
) -> Outputs:
    """Drive the real window through every main flow; returns what was exported."""
    out.mkdir(mode=0o700, exist_ok=True)
    # First run: passphrase, recovery code, confirmation.
    code = create_through_first_run(qtbot, window, find, PASSPHRASE)
    with qtbot.waitSignal(window.unlocked):
        confirm_code(qtbot, window.lock_screen, find, code)

    # A person, and a session with typed notes, autosaved.
    dialogs.answer_next(markers.alias)
    control_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window, Qt.Key.Key_N, control_shift)
    assert dialogs.pending_answers() == 0
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    notes = find(window, QPlainTextEdit, "Notes")
    qtbot.waitUntil(notes.hasFocus)
    qtbot.keyClicks(notes, f"Said {markers.notes} at the stand-up")
    editor = _visible(window, SessionEditor)
    assert isinstance(editor, SessionEditor)
    status = find(editor, QLabel, "Save status")
    qtbot.waitUntil(lambda: status.text().startswith("Saved"), timeout=5000)

    # A checklist followed in that session, one item ticked.
    panel = editor.checklists
    panel.add_menu.aboutToShow.emit()
    actions = panel.add_menu.actions()
    (first_conversation,) = [a for a in actions if a.text() == "First conversation"]
    first_conversation.trigger()
    (box,) = [b for b in editor.findChildren(QCheckBox) if b.accessibleName() == FIRST_ITEM]
    if not box.isVisibleTo(window):  # a narrow window shows checklists in the notes' place
        _press(qtbot, find(editor, QPushButton, "Checklists"))
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Space)
    assert box.isChecked()
    assert window.vault is not None
    assert any(run.ticks for s in [editor.record_id] for run in
               window.vault.checklist_runs.list_for_session(s))

    # An incident diary entry.
    workspace = window.workspace
    assert workspace is not None
    workspace.new_incident()
    incident = _visible(window, IncidentEditor)
    assert isinstance(incident, IncidentEditor)
    _type(qtbot, find(incident, QPlainTextEdit, "What was said or done"), markers.incident)
    saved = find(incident, QLabel, "Save status")
    qtbot.waitUntil(lambda: saved.text().startswith("Saved"), timeout=5000)

    # A consent, through the form.
    person = workspace.person_view
    assert person is not None
    person.set_tab(PersonTab.CONSENTS)

    def fill(dialog: ConsentDialog) -> None:
        dialog.show()
        combo = find(dialog, QComboBox, "Type of service")
        combo.setCurrentIndex(combo.findText("Employee assistance programme (EAP)"))
        _type(qtbot, find(dialog, QLineEdit, "Name of the service"), "Harbour EAP")
        _type(qtbot, find(dialog, QPlainTextEdit, "Purpose"), f"Counselling {markers.consent}")
        for tick in dialog.findChildren(QCheckBox):
            if tick.isVisibleTo(dialog) and tick.isEnabled():
                tick.setChecked(True)
        find(dialog, QRadioButton, "Verbal").setChecked(True)
        _press(qtbot, find(dialog, QPushButton, "Save consent"))

    consent_dialog.fill_next(fill)
    _press(qtbot, find(person, QPushButton, "Record consent…"))
    assert consent_dialog.pending_fills() == 0
    vault = window.vault
    assert vault is not None
    (person_record,) = vault.people.list()
    assert len(vault.consents.list_for_person(person_record.id)) == 1

    # A referral, exported to PDF; only the OS dialog is stood in for.
    pdf = out / "referral.pdf"
    backup = out / "saved.peerdesk-backup"
    answers = iter([pdf, backup])
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *_a, **_k: (str(next(answers)), ""))
    )
    person.set_tab(PersonTab.REFERRALS)
    _press(qtbot, find(person, QPushButton, "New referral…"))
    wizard = person.referrals.wizard
    assert wizard is not None
    qtbot.waitExposed(wizard)
    _type(qtbot, find(wizard, QLineEdit, "Service name"), "Harbour EAP")
    _press(qtbot, find(wizard, QPushButton, "Next"))
    _type(qtbot, find(wizard, QPlainTextEdit, "Situation"), f"Belittled {markers.situation}")
    _press(qtbot, find(wizard, QPushButton, "Next"))
    _press(qtbot, find(wizard, QPushButton, "Next"))  # no background chosen
    _type(qtbot, find(wizard, QPlainTextEdit, "Assessment"), "Tired and anxious")
    _press(qtbot, find(wizard, QRadioButton, "A safety check was done with them"))
    _press(qtbot, find(wizard, QPushButton, "Next"))
    _type(qtbot, find(wizard, QPlainTextEdit, "Recommendation"), "Offer counselling")
    _press(qtbot, find(wizard, QPushButton, "Next"))
    _press(qtbot, find(wizard, QRadioButton, "Soon"))
    _press(qtbot, find(wizard, QPushButton, "Next"))
    _press(qtbot, find(wizard, QPushButton, "Next"))  # no safe way to reach them given
    assert isinstance(wizard.current_page, ConsentPage), wizard.current_page
    assert "Harbour EAP" in find(wizard, QLabel, "Consent found").text()
    _press(qtbot, find(wizard, QPushButton, "Next"))
    assert isinstance(wizard.current_page, PreviewPage), wizard.current_page
    _press(qtbot, find(wizard, QCheckBox, "I have read this back to the colleague"))
    export = find(wizard, QPushButton, "Export PDF…")
    assert export.isEnabled(), find(wizard, QLabel, "Why the PDF cannot be made yet").text()
    _press(qtbot, export)
    qtbot.waitUntil(pdf.exists, timeout=10_000)

    # A backup, from the Tools menu.
    window.tools.back_up()
    (dialog,) = [
        w for w in QApplication.topLevelWidgets() if isinstance(w, BackupDialog) and w.isVisible()
    ]
    _press(qtbot, find(dialog, QPushButton, "Choose where to save…"))
    qtbot.waitUntil(lambda: dialog.saved_to is not None, timeout=20_000)
    dialog.close()
    assert backup.is_file()
    return Outputs(pdf=pdf, backup=backup, recovery_code=code)


def needles(texts: dict[str, str]) -> list[tuple[str, bytes]]:
    return [
        (name, text.encode(encoding))
        for name, text in texts.items()
        for encoding in ("utf-8", "utf-16-le", "utf-16-be")
    ]


def files_under(*roots: Path, since: float | None = None) -> list[Path]:
    found: list[Path] = []
    for root in roots:
        for folder, _dirs, names in os.walk(root):
            for name in names:
                path = Path(folder, name)
                try:
                    info = path.lstat()
                except OSError:
                    continue
                if not path.is_file() or path.is_symlink() or info.st_size > 64 * 1024 * 1024:
                    continue
                if since is not None and max(info.st_mtime, info.st_ctime) < since:
                    continue
                found.append(path)
    return found


def hits_in(paths: list[Path], texts: dict[str, str]) -> list[tuple[str, str]]:
    wanted = needles(texts)
    hits: list[tuple[str, str]] = []
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError:
            continue
        hits += [(str(path), name) for name, needle in wanted if needle in data]
    return hits


def test_no_marker_reaches_any_file_but_the_exported_pdf(
    qtbot: QtBot,
    window: AppWindow,
    tmp_path: Path,
    isolated_environment: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    started = time.time() - 1
    markers = Markers.fresh()
    secrets = {**markers.all(), "passphrase": PASSPHRASE}
    outputs = drive_every_main_flow(qtbot, window, markers, tmp_path / "exports", monkeypatch)
    secrets["recovery code"] = outputs.recovery_code.replace("\n", "-")

    # While unlocked: the database, its WAL and shared memory hold only ciphertext.
    data = tmp_path / "data"
    live = files_under(data)
    assert {p.name for p in live} >= {"vault.db", "keyslots.json", "vault.lock"}
    assert hits_in(live, secrets) == []

    window.close()  # lock and quit, as the window's close button does
    assert window.vault is None

    everywhere = [p for p in files_under(tmp_path) if p != outputs.pdf]
    names = {p.name for p in everywhere}
    assert "vault.db" in names
    assert outputs.backup.name in names
    assert hits_in(everywhere, secrets) == []
    # Outside the test's folders: the system temp folders, files changed during the test.
    shared = [Path(d) for d in ("/tmp", "/var/tmp", "/dev/shm") if Path(d).is_dir()]  # noqa: S108
    outside = [p for p in files_under(*shared, since=started) if tmp_path not in p.parents]
    assert hits_in(outside, secrets) == []
    out, err = capfd.readouterr()
    said = out + err
    assert [name for name, needle in needles(secrets) if needle.decode("latin-1") in said] == []

    # The markers did go out where they were meant to: inside the PDF (compressed,
    # so read with pypdf), and the backup holds them only encrypted.
    text = " ".join(page.extract_text() or "" for page in PdfReader(outputs.pdf).pages)
    assert markers.situation in text
    assert markers.alias not in text
    assert markers.notes not in text
    assert hits_in([outputs.backup], secrets) == []
    # The scan reads real bytes: the key file names its KDF in plain JSON.
    assert hits_in([data / "vault" / "keyslots.json"], {"kdf": "argon2id"}) != []
