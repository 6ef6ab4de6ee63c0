"""Saving without a Save button: what the session and incident editors share.

A supporter in a conversation must never have to remember to save, and must
never lose a word. So an editor writes the fields that changed about a second
after typing stops, at once when a field loses focus, when it is hidden, and
when it is about to be deleted, and whenever :meth:`AutosaveEditor.flush` is
called (lock and quit call it). A failed save leaves the text where it is,
says plainly what went wrong, and is tried again.
"""

from __future__ import annotations

from datetime import date, datetime, time

from PySide6.QtCore import (
    QDate,
    QDateTime,
    QEvent,
    QLocale,
    QObject,
    Qt,
    QTime,
    QTimer,
    QTimeZone,
    Signal,
    SignalInstance,
)
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import QDateEdit, QDateTimeEdit, QLabel, QWidget

from ..i18n import _
from ..store import DiskFull, InvalidText, VaultError, VaultWriteError
from .note_edit import NoteEdit

# Long enough not to write between two words, short enough that a crash or a
# yanked power cord costs at most the last second of typing.
SAVE_DELAY_MS = 900
# After a failed write (a full disk), try again this often while the editor shows.
RETRY_DELAY_MS = 15_000


def problem_text(error: VaultError) -> str:
    """What the save status says when a save failed; the text is always still in the editor."""
    if isinstance(error, InvalidText):
        return str(error)  # it names the field and says what to change
    if isinstance(error, VaultWriteError):
        if isinstance(error, DiskFull):  # SQLITE_FULL, ENOSPC and EDQUOT alike
            return _(
                "Not saved: the disk is full. Your text is still here; free some space "
                "and it will be saved."
            )
        return _(
            "Not saved: peerdesk could not write to the vault (the folder may be "
            "read-only or on a disconnected drive). Your text is still here and will be "
            "saved when writing works again."
        )
    return _("Not saved. {reason} Your text is still here.").format(reason=str(error))


# -- fields both editors use ------------------------------------------------------


def field_label(text: str, buddy: QWidget) -> QLabel:
    """A field's visible label; the field's accessible name must be the same words."""
    label = QLabel(text)
    label.setObjectName("fieldLabel")
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setBuddy(buddy)
    return label


def _day_pattern() -> str:
    # The same pattern as the lists ("Tue 4 Mar 2025"): a short numeric date such as
    # "3/4/25" reads differently from one country to the next.
    return _("ddd d MMM yyyy")


def to_date(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())


def to_qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def date_edit(name: str) -> QDateEdit:
    """A date with a calendar to pick it from."""
    edit = QDateEdit()
    edit.setAccessibleName(name)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(_day_pattern())
    return edit


class WallTimeEdit(QDateTimeEdit):
    """A date and time as the supporter's wall clock showed it, with a calendar to pick from.

    Event times are stored without a time zone (see :mod:`peerdesk.store.values`).
    The edit works in UTC only so that Qt never "corrects" a time that falls in a
    daylight-saving gap; the digits shown are the digits stored.
    """

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(name)
        self.setTimeZone(QTimeZone(QTimeZone.Initialization.UTC))
        self.setCalendarPopup(True)
        clock = QLocale().timeFormat(QLocale.FormatType.ShortFormat)
        self.setDisplayFormat(f"{_day_pattern()}  {clock}")

    def wall_time(self) -> datetime:
        shown = self.dateTime()
        clock = shown.time()
        moment = time(clock.hour(), clock.minute(), clock.second(), clock.msec() * 1000)
        return datetime.combine(to_date(shown.date()), moment)

    def set_wall_time(self, moment: datetime) -> None:
        clock = QTime(moment.hour, moment.minute, moment.second, moment.microsecond // 1000)
        self.setDateTime(
            QDateTime(to_qdate(moment.date()), clock, QTimeZone(QTimeZone.Initialization.UTC))
        )


# -- saving ----------------------------------------------------------------------


class SaveStatus(QLabel):
    """The line that says whether what is on screen is safely in the vault."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("saveStatus")
        self.setAccessibleName(_("Save status"))
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        self._set("", "")

    @property
    def state(self) -> str:
        """Empty (nothing to say yet), "saving", "saved" or "problem"."""
        return str(self.property("state"))

    def show_saving(self) -> None:
        self._set("saving", _("Saving…"))

    def show_saved(self, at: QTime) -> None:
        when = QLocale().toString(at, QLocale.FormatType.ShortFormat)
        self._set("saved", _("Saved at {time}").format(time=when))

    def show_problem(self, text: str) -> None:
        self._set("problem", text)

    def _set(self, state: str, text: str) -> None:
        # "Saved at 14:32" sits quietly at the right; a problem reads from the left.
        side = Qt.AlignmentFlag.AlignLeft if state == "problem" else Qt.AlignmentFlag.AlignRight
        self.setAlignment(side | Qt.AlignmentFlag.AlignVCenter)
        self.setText(text)
        # The name says what the label is; the description is what a screen reader reads out.
        self.setAccessibleDescription(text)
        self.setProperty("state", state)
        # A dynamic property picks the colours in peerdesk.qss; re-polish to apply them.
        # (Only colours and font change with it: Qt does not update a label's frame
        # when a re-polish changes its border or padding.)
        self.style().unpolish(self)
        self.style().polish(self)


class AutosaveEditor(QWidget):
    """Base of the record editors: tracks changed fields and writes them without being asked.

    A subclass builds its fields, registers each with :meth:`_watch`, and
    implements :meth:`_write`, which stores the named fields' current values.
    """

    saved = Signal(object)
    """The changed fields were written to the vault (after every successful save).

    Emits the frozenset of field names written (see :attr:`ROW_ONLY_FIELDS`).
    """

    ROW_ONLY_FIELDS: frozenset[str] = frozenset()
    """Fields that change nothing but this record's own row in its list: saving only
    these redraws that row instead of reloading the list and the people list
    (a list of 1,000 sessions and the people list took 110 ms a save)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recordEditor")
        self.save_status = SaveStatus()
        self._changed_fields: set[str] = set()
        # Changes typed since the last attempt to save them (a failed save clears it).
        self._untried = False
        self._loading = False
        self._note_edits: list[NoteEdit] = []
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SAVE_DELAY_MS)
        self._debounce.timeout.connect(self.flush)
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.setInterval(RETRY_DELAY_MS)
        self._retry.timeout.connect(self._retry_failed_save)

    # -- what subclasses provide --------------------------------------------------

    def _write(self, fields: set[str]) -> None:
        """Store the current values of ``fields`` in one update; raise VaultError on failure."""
        raise NotImplementedError

    def _watch(self, name: str, widget: QWidget, changed: SignalInstance) -> None:
        """Save ``widget``'s value as field ``name`` after ``changed`` fires, and on focus loss."""
        changed.connect(lambda *_args: self._field_changed(name))
        # A spin box or date edit is several widgets; focus can leave from any of them.
        for part in (widget, *widget.findChildren(QWidget)):
            part.installEventFilter(self)
        if isinstance(widget, NoteEdit):
            self._note_edits.append(widget)

    # -- state -------------------------------------------------------------------

    @property
    def has_unsaved_changes(self) -> bool:
        """Whether something on screen is not yet in the vault (pending, or its save failed)."""
        return bool(self._changed_fields)

    def clear_history(self) -> None:
        """Forget every text field's undo and redo (at lock)."""
        for edit in self._note_edits:
            edit.clear_history()

    def _field_changed(self, name: str) -> None:
        if self._loading:
            return
        self._changed_fields.add(name)
        self._untried = True
        self.save_status.show_saving()
        self._debounce.start()

    # -- saving --------------------------------------------------------------------

    def flush(self) -> None:
        """Save now if anything changed; does nothing otherwise, so it is safe to call often."""
        self._debounce.stop()
        if not self._changed_fields:
            return
        self._untried = False
        written = frozenset(self._changed_fields)
        try:
            self._write(set(written))
        except VaultError as exc:
            # Nothing is cleared: the text stays in the fields and is tried again.
            self.save_status.show_problem(problem_text(exc))
            if isinstance(exc, VaultWriteError):
                self._retry.start()
            return
        self._changed_fields.clear()
        self._retry.stop()
        self.save_status.show_saved(QTime.currentTime())
        self.saved.emit(written)

    def _flush_untried(self) -> None:
        # On the way to deletion, only changes never yet tried are written: at lock the
        # vault may already be closing on its own thread after a failed save.
        if self._untried:
            self.flush()

    def _retry_failed_save(self) -> None:
        if self.isVisible():
            self.flush()

    # -- when to save without being asked -------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.FocusOut:
            self.flush()
        elif (
            kind == QEvent.Type.DeferredDelete
            and isinstance(watched, QWidget)
            and watched.isAncestorOf(self)
        ):
            self._flush_untried()
        return super().eventFilter(watched, event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.DeferredDelete:
            self._flush_untried()
        return super().event(event)

    def showEvent(self, event: QShowEvent) -> None:
        # Deleting a visible parent with deleteLater() deletes this editor without
        # hiding it first; watching the ancestors catches that and saves in time.
        # (Installing a filter twice keeps one: Qt moves it to the front.)
        ancestor = self.parentWidget()
        while ancestor is not None:
            ancestor.installEventFilter(self)
            ancestor = ancestor.parentWidget()
        super().showEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:
        # Closing the window, locking, switching to another record: all hide us first.
        self.flush()
        super().hideEvent(event)
