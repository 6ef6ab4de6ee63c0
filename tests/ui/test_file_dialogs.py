"""Save and open questions leave no path behind: not in QtProject.conf, not in recent files."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QUrl
from PySide6.QtWidgets import QFileDialog

from peerdesk.ui import file_dialogs
from peerdesk.ui.file_dialogs import (
    get_open_path,
    get_save_path,
    recent_files_path,
    remember_file,
    scrub_recent_files,
    scrub_traces,
)

UNRELATED = "file:///home/someone/Documents/holiday%20photos.odt"
STAMPS = 'added="{t}" modified="{t}" visited="{t}"'.format(t="2026-11-20T09:00:00.000000Z")
OUR_STAMPS = 'added="{t}" modified="{t}" visited="{t}"'.format(t="2026-11-24T10:00:00.000000Z")
LIBREOFFICE = (
    'name="LibreOffice" exec="&apos;soffice %u&apos;" modified="2026-11-20T09:00:00Z" count="1"'
)
PEERDESK_APP = (
    'name="peerdesk" exec="&apos;peerdesk&apos;" modified="2026-11-24T10:00:00Z" count="1"'
)

XBEL = """<?xml version="1.0" encoding="UTF-8"?>
<xbel version="1.0"
      xmlns:bookmark="http://www.freedesktop.org/standards/desktop-bookmarks"
      xmlns:mime="http://www.freedesktop.org/standards/shared-mime-info"
>
  <bookmark href="{unrelated}" STAMPS>
    <info>
      <metadata owner="http://freedesktop.org">
        <mime:mime-type type="application/vnd.oasis.opendocument.text"/>
        <bookmark:applications>
          <bookmark:application LIBREOFFICE/>
        </bookmark:applications>
      </metadata>
    </info>
  </bookmark>
{ours}</xbel>
""".replace("STAMPS", STAMPS).replace("LIBREOFFICE", LIBREOFFICE)

OUR_ENTRY = """  <bookmark href="{href}" OUR_STAMPS>
    <info>
      <metadata owner="http://freedesktop.org">
        <mime:mime-type type="application/pdf"/>
        <bookmark:applications>
          <bookmark:application PEERDESK_APP/>
        </bookmark:applications>
      </metadata>
    </info>
  </bookmark>
""".replace("OUR_STAMPS", OUR_STAMPS).replace("PEERDESK_APP", PEERDESK_APP)


@pytest.fixture(autouse=True)
def isolated_qt_settings(isolated_environment: Path) -> Iterator[Path]:
    """Point Qt's user settings at this test's config folder.

    QSettings reads XDG_CONFIG_HOME once per process, so the isolated
    environment alone does not move it; Qt's file dialog uses the same path.
    """
    config = isolated_environment / "config"
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(config))
    file_dialogs.forget_remembered_files()
    yield config / "QtProject.conf"
    file_dialogs.forget_remembered_files()


def qt_dialog_remembers(folder: Path) -> None:
    """What Qt's own file dialog writes when it closes (qfiledialog.cpp, saveSettings)."""
    settings = QSettings(QSettings.Scope.UserScope, "QtProject")
    settings.beginGroup("FileDialog")
    settings.setValue("history", [str(folder)])
    settings.setValue("lastVisited", QUrl.fromLocalFile(str(folder)))
    settings.setValue("viewMode", "Detail")
    settings.endGroup()
    settings.sync()  # the dialog's QSettings is destroyed (and written) as it returns


def desktop_records_recent(path: Path) -> None:
    """What a GTK file chooser does: add the chosen file to recently-used.xbel."""
    xbel = recent_files_path()
    xbel.parent.mkdir(parents=True, exist_ok=True)
    text = xbel.read_text("utf-8") if xbel.exists() else XBEL.format(unrelated=UNRELATED, ours="")
    entry = OUR_ENTRY.format(href=path.as_uri())
    xbel.write_text(text.replace("</xbel>", entry + "</xbel>"), "utf-8")


def answer_save(monkeypatch: pytest.MonkeyPatch, chosen: Path | None) -> list[str]:
    """Answer the next save question with ``chosen`` (None: Cancel), as the dialog would."""
    starts: list[str] = []

    def fake(parent: object, caption: str, start: str, file_filter: str) -> tuple[str, str]:
        starts.append(start)
        if chosen is None:
            qt_dialog_remembers(Path.home())
            return "", ""
        qt_dialog_remembers(chosen.parent)
        desktop_records_recent(chosen)
        return str(chosen), file_filter

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(fake))
    return starts


def recent_hrefs() -> list[str]:
    import xml.etree.ElementTree as ET

    root = ET.parse(recent_files_path()).getroot()  # noqa: S314 - the test's own file
    return [b.get("href", "") for b in root.iter("bookmark")]


@pytest.fixture
def export_path(isolated_environment: Path) -> Path:
    folder = isolated_environment / "Documents" / "Referrals (EAP)"
    folder.mkdir(parents=True)
    return folder / "referral for Amélie & co #2.pdf"


def test_a_save_question_leaves_no_history_in_qtproject_conf(
    monkeypatch: pytest.MonkeyPatch, isolated_qt_settings: Path, export_path: Path
) -> None:
    starts = answer_save(monkeypatch, export_path)
    assert get_save_path(None, "Save referral", "referral.pdf", "PDF (*.pdf)") == export_path
    assert starts == [str(Path.home() / "referral.pdf")]  # never a remembered folder
    text = isolated_qt_settings.read_text("utf-8") if isolated_qt_settings.exists() else ""
    assert "FileDialog" not in text
    assert "history" not in text
    assert "lastVisited" not in text
    assert "Referrals" not in text


def test_a_cancelled_question_also_leaves_no_history(
    monkeypatch: pytest.MonkeyPatch, isolated_qt_settings: Path
) -> None:
    answer_save(monkeypatch, None)
    assert get_save_path(None, "Save referral", "referral.pdf", "PDF (*.pdf)") is None
    text = isolated_qt_settings.read_text("utf-8") if isolated_qt_settings.exists() else ""
    assert "FileDialog" not in text


def test_recent_files_keep_only_what_is_not_ours(
    monkeypatch: pytest.MonkeyPatch, export_path: Path
) -> None:
    answer_save(monkeypatch, export_path)
    get_save_path(None, "Save referral", "referral.pdf", "PDF (*.pdf)")
    assert recent_hrefs() == [UNRELATED]
    text = recent_files_path().read_text("utf-8")
    assert "Amélie" not in text
    assert "Am%C3%A9lie" not in text
    # The rest of the file is as it was: prefixes and all (GLib's parser needs them).
    assert '<bookmark:application name="LibreOffice"' in text
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<xbel version="1.0"')
    if os.name == "posix":
        assert stat.S_IMODE(recent_files_path().stat().st_mode) == 0o600


def test_an_entry_added_after_the_question_is_removed_on_lock(
    monkeypatch: pytest.MonkeyPatch, export_path: Path
) -> None:
    answer_save(monkeypatch, export_path)
    get_save_path(None, "Save referral", "referral.pdf", "PDF (*.pdf)")
    # The desktop's recent-files service writes a moment later; the lock scrubs again.
    desktop_records_recent(export_path)
    assert len(recent_hrefs()) == 2
    scrub_traces()
    assert recent_hrefs() == [UNRELATED]


def test_an_opened_file_is_removed_too(
    monkeypatch: pytest.MonkeyPatch, isolated_environment: Path
) -> None:
    template = isolated_environment / "checklist.toml"

    def fake(parent: object, caption: str, start: str, file_filter: str) -> tuple[str, str]:
        qt_dialog_remembers(template.parent)
        desktop_records_recent(template)
        return str(template), file_filter

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(fake))
    assert get_open_path(None, "Import checklist", "TOML (*.toml)") == template
    assert recent_hrefs() == [UNRELATED]


def test_files_peerdesk_did_not_touch_stay(export_path: Path) -> None:
    other = export_path.with_name("someone else's.pdf")
    desktop_records_recent(other)
    remember_file(export_path)
    assert scrub_recent_files() == 0
    assert recent_hrefs() == [UNRELATED, other.as_uri()]


def test_a_file_written_without_a_dialog_can_be_remembered(export_path: Path) -> None:
    desktop_records_recent(export_path)
    remember_file(export_path)
    assert scrub_recent_files() == 1
    assert recent_hrefs() == [UNRELATED]


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"<xbel><bookmark href='file:///x'>",  # cut off mid-write
        b"\xff\xfe not utf-8",
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><xbel>&a;</xbel>',
    ],
    ids=["empty", "truncated", "not utf-8", "entities"],
)
def test_a_malformed_recent_files_list_is_left_alone(export_path: Path, content: bytes) -> None:
    xbel = recent_files_path()
    xbel.parent.mkdir(parents=True, exist_ok=True)
    xbel.write_bytes(content + export_path.as_uri().encode())
    remember_file(export_path)
    assert scrub_recent_files() == 0
    scrub_traces()  # never raises
    assert xbel.read_bytes() == content + export_path.as_uri().encode()


def test_no_recent_files_list_is_fine(export_path: Path) -> None:
    remember_file(export_path)
    assert not recent_files_path().exists()
    assert scrub_recent_files() == 0
    assert not recent_files_path().exists()


def test_xdg_data_home_is_followed(
    monkeypatch: pytest.MonkeyPatch, isolated_environment: Path
) -> None:
    assert recent_files_path() == isolated_environment / "data" / "recently-used.xbel"
    monkeypatch.delenv("XDG_DATA_HOME")
    assert recent_files_path() == Path.home() / ".local" / "share" / "recently-used.xbel"
    monkeypatch.setenv("XDG_DATA_HOME", "relative/ignored")
    assert recent_files_path() == Path.home() / ".local" / "share" / "recently-used.xbel"


def test_plasma5_recent_documents_are_removed(
    isolated_environment: Path, export_path: Path
) -> None:
    folder = isolated_environment / "data" / "RecentDocuments"
    folder.mkdir(parents=True)

    def entry(name: str, url: str) -> Path:
        path = folder / f"{name}.desktop"
        path.write_text(f"[Desktop Entry]\nName={name}\nType=Link\nURL[$e]={url}\n", "utf-8")
        return path

    ours_uri = entry("ours-uri", export_path.as_uri())
    ours_home = entry("ours-home", "$HOME/" + str(export_path.relative_to(Path.home())))
    theirs = entry("theirs", UNRELATED)
    remember_file(export_path)
    assert scrub_recent_files() == 2
    assert not ours_uri.exists()
    assert not ours_home.exists()
    assert theirs.exists()


def test_forgetting_history_leaves_other_qt_settings(isolated_qt_settings: Path) -> None:
    settings = QSettings(QSettings.Scope.UserScope, "QtProject")
    settings.setValue("Other/kept", "yes")
    settings.sync()
    qt_dialog_remembers(Path.home() / "Secret folder")
    scrub_traces()
    text = isolated_qt_settings.read_text("utf-8")
    assert "kept=yes" in text
    assert "Secret folder" not in text
