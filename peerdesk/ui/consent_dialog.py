"""Recording a consent: with whom, why, what may be shared, how it was given, until when.

Consent has to be deliberate, so the form makes the supporter say each part:
nothing is ticked, no service type and no way of giving consent is chosen in
advance. "How consent was given" in particular has no default: it is a fact
about what happened, and a pre-selected "Verbal" would be saved unread as often
as not; one click costs less than a consent record that says the wrong thing.
The dates do have defaults (given today, valid for 90 days), shown in full.

Save stays disabled until the record can be kept, and the line beside it says
why in plain words. Nothing is written until Save; Cancel and Escape leave the
vault exactly as it was.

Tests drive the dialog without ``exec()``: :func:`fill_next` queues a function
that gets the dialog, fills it and presses Save or Cancel, the way
:func:`peerdesk.ui.dialogs.answer_next` queues answers.
"""

from __future__ import annotations

import collections
from collections.abc import Callable
from datetime import date, timedelta

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ..i18n import _
from ..paths import APP_NAME
from ..store import InvalidText, Vault, VaultError
from ..store.models import Consent, ConsentCategory, ConsentMethod, PersonId, RecipientType
from ..store.values import check_line
from ..vocabulary import category_names, service_names
from .autosave import date_edit, field_label, to_date, to_qdate
from .consent_fields import NAME_FIELD, PurposeEdit, long_day, method_names, purpose_problem
from .widgets import button, checkbox, error_text, message_label, note_label, plain_label

DEFAULT_VALID_DAYS = 90


class ConsentDialog(QDialog):
    """The consent form. Save writes the consent and closes; see :func:`record_consent`."""

    recorded = Signal(object)
    """The consent was saved in the vault. Emits the new :class:`Consent`."""

    def __init__(
        self,
        vault: Vault,
        person_id: PersonId,
        parent: QWidget | None = None,
        *,
        today: date | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("consentDialog")
        self.setWindowTitle(APP_NAME)  # never an alias: the title shows in task bars
        self.setModal(True)
        self._vault = vault
        self._person_id = person_id
        self._today = today or date.today()
        self._consent: Consent | None = None
        self._expiry_follows = True  # until the supporter picks "Valid until" themselves
        self._setting_expiry = False

        self.service_type = QComboBox()
        self.service_type.setAccessibleName(_("Type of service"))
        self.service_type.setPlaceholderText(_("Choose…"))
        for kind, name in service_names().items():
            self.service_type.addItem(name, kind.value)
        self.service_type.setCurrentIndex(-1)
        self.recipient_name = QLineEdit()
        self.recipient_name.setAccessibleName(_("Name of the service"))
        self.purpose = PurposeEdit(_("Purpose"), "purpose")
        self.categories: dict[ConsentCategory, QCheckBox] = {
            category: checkbox(name) for category, name in category_names().items()
        }
        self.methods: dict[ConsentMethod, QRadioButton] = {}
        self._method_group = QButtonGroup(self)
        for method, name in method_names().items():
            radio = QRadioButton(name)
            radio.setAccessibleName(name)
            self.methods[method] = radio
            self._method_group.addButton(radio)
        self.given_on = date_edit(_("Date given"))
        self.given_on.setMaximumDate(to_qdate(self._today))  # consent given in the future is not
        self.given_on.setDate(to_qdate(self._today))
        self.expires_on = date_edit(_("Valid until"))
        self.expires_on.setDate(to_qdate(self._today + timedelta(days=DEFAULT_VALID_DAYS)))
        self.expires_on.setAccessibleDescription(_("The last day the consent holds."))
        self.validity = plain_label("", "fieldHint")
        self.validity.setWordWrap(False)
        self.validity.setAccessibleName(_("How long it is valid"))
        self.default_validity = button(_("Use 90 days"), link=True)
        self.default_validity.setAutoDefault(False)

        self.expired_note = note_label(_("Note"))
        self.needed = plain_label("", "consentNeeded")
        self.needed.setAccessibleName(_("Still needed"))
        self.problem = message_label(_("Problem"))
        self.cancel_button = button(_("Cancel"))
        self.cancel_button.setAutoDefault(False)
        self.save_button = button(_("Save consent"), primary=True)
        # Enter anywhere in the form saves, but only once Save is enabled (QDialog
        # presses only an enabled default button).
        self.save_button.setDefault(True)

        self._lay_out()
        self._connect()
        self._update()
        self.service_type.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- what tests and the tab read -------------------------------------------------

    @property
    def consent(self) -> Consent | None:
        """The consent saved by this dialog, or None while nothing was saved."""
        return self._consent

    def chosen_categories(self) -> set[ConsentCategory]:
        return {category for category, box in self.categories.items() if box.isChecked()}

    def chosen_method(self) -> ConsentMethod | None:
        for method, radio in self.methods.items():
            if radio.isChecked():
                return method
        return None

    def chosen_service(self) -> RecipientType | None:
        value = self.service_type.currentData()
        return None if value is None else RecipientType(str(value))

    def set_service(self, kind: RecipientType) -> None:
        self.service_type.setCurrentIndex(self.service_type.findData(kind.value))

    # -- checking ------------------------------------------------------------------

    def missing(self) -> list[str]:
        """What still has to be filled in, in the form's order (plain words)."""
        needed = []
        if self.chosen_service() is None:
            needed.append(_("the type of service"))
        if not self.recipient_name.text().strip():
            needed.append(_("the name of the service"))
        if not self.purpose.text().strip():
            needed.append(_("the purpose"))
        if not self.chosen_categories():
            needed.append(_("what may be shared (tick at least one)"))
        if self.chosen_method() is None:
            needed.append(_("how consent was given"))
        return needed

    def input_problem(self) -> str | None:
        """Why something filled in cannot be kept, or None."""
        name = self.recipient_name.text()
        if name.strip():
            try:
                check_line(name, NAME_FIELD)  # the vault's own rule and message
            except InvalidText as refused:
                return str(refused)
        purpose = purpose_problem(self.purpose.text())
        if purpose is not None:
            return purpose
        given, until = self._given(), self._until()
        if until < given:
            return _(
                "“Valid until” cannot be before the day consent was given ({day}). "
                "Choose a later date."
            ).format(day=long_day(given))
        return None

    def _update(self) -> bool:
        """Show what is missing or wrong, enable Save only if it can be saved; True if so."""
        problem = self.input_problem()
        missing = self.missing()
        if problem is None:
            self.problem.hide()
        else:
            self.problem.setText(problem)
            self.problem.show()
        if missing:
            self.needed.setText(_("Still needed: {parts}.").format(parts=", ".join(missing)))
        self.needed.setVisible(bool(missing))
        self.save_button.setEnabled(problem is None and not missing)
        self._show_validity()
        return problem is None and not missing

    def _show_validity(self) -> None:
        given, until = self._given(), self._until()
        days = (until - given).days
        if days < 0:
            self.validity.setText("")
        elif days == 0:
            self.validity.setText(_("Only on the day it was given."))
        elif days == 1:
            self.validity.setText(_("The day after it was given (its last day)."))
        else:
            self.validity.setText(_("{n} days after it was given (its last day).").format(n=days))
        self.default_validity.setVisible(days != DEFAULT_VALID_DAYS)
        if days >= 0 and until < self._today:
            self.expired_note.setText(
                _(
                    "This consent ended on {day}. It will be kept as history, marked Expired."
                ).format(day=long_day(until))
            )
            self.expired_note.show()
        else:
            self.expired_note.hide()

    # -- saving --------------------------------------------------------------------

    def save(self) -> bool:
        """Write the consent to the vault and close; False (and the reason shown) if not."""
        if not self._update():
            return False
        service, method = self.chosen_service(), self.chosen_method()
        if service is None or method is None:  # _update said they are there
            return False
        try:
            consent = self._vault.consents.add(
                self._person_id,
                recipient_type=service,
                recipient_name=self.recipient_name.text(),
                purpose=self.purpose.text(),
                categories=self.chosen_categories(),
                given_how=method,
                given_on=self._given(),
                expires_on=self._until(),
            )
        except VaultError as failure:
            self._say(error_text(failure))
            return False
        except ValueError as refused:  # the consent rules' own words
            self._say(str(refused))
            return False
        self._consent = consent
        self.recorded.emit(consent)
        self.accept()
        return True

    def _say(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.show()

    # -- dates ---------------------------------------------------------------------

    def _given(self) -> date:
        return to_date(self.given_on.date())

    def _until(self) -> date:
        return to_date(self.expires_on.date())

    def _given_changed(self) -> None:
        if self._expiry_follows:
            self._set_default_expiry()
        self._update()

    def _expiry_changed(self) -> None:
        if not self._setting_expiry:
            self._expiry_follows = False
        self._update()

    def _set_default_expiry(self) -> None:
        self._setting_expiry = True
        try:
            self.expires_on.setDate(to_qdate(self._given() + timedelta(days=DEFAULT_VALID_DAYS)))
        finally:
            self._setting_expiry = False

    def _use_default_validity(self) -> None:
        self._expiry_follows = True
        self._set_default_expiry()
        self._update()
        self.expires_on.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- building --------------------------------------------------------------------

    def _connect(self) -> None:
        self.service_type.currentIndexChanged.connect(self._update)
        self.recipient_name.textChanged.connect(self._update)
        self.purpose.textChanged.connect(self._update)
        self.purpose.refused.connect(self._say)
        for box in self.categories.values():
            box.toggled.connect(self._update)
        self._method_group.buttonToggled.connect(self._update)
        self.given_on.dateChanged.connect(self._given_changed)
        self.expires_on.dateChanged.connect(self._expiry_changed)
        self.default_validity.clicked.connect(self._use_default_validity)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)

    def _lay_out(self) -> None:
        body = QWidget()
        body.setObjectName("consentBody")
        form = QVBoxLayout(body)
        form.setContentsMargins(24, 20, 24, 8)
        form.setSpacing(14)
        form.addWidget(plain_label(_("Record a consent"), "consentHeading"))
        form.addWidget(
            plain_label(
                _(
                    "What the colleague agreed you may share, with whom, and why. Read it "
                    "back to them before you save."
                ),
                "hint",
            )
        )

        who = QHBoxLayout()
        who.setSpacing(16)
        self.service_type.setMinimumWidth(260)
        who.addLayout(_column(_("Type of service"), self.service_type))
        who.addLayout(
            _column(
                _("Name of the service"),
                self.recipient_name,
            ),
            1,
        )
        form.addLayout(who)

        self.purpose.setFixedHeight(self.purpose.fontMetrics().lineSpacing() * 3 + 16)
        form.addLayout(
            _column(
                _("Purpose"),
                self.purpose,
                _("Why it may be shared, for example “to arrange counselling”."),
            )
        )

        ticks = QGridLayout()
        ticks.setHorizontalSpacing(32)
        ticks.setVerticalSpacing(6)
        boxes = list(self.categories.values())
        half = (len(boxes) + 1) // 2
        for number, box in enumerate(boxes):
            ticks.addWidget(box, number % half, number // half)
        ticks.setColumnStretch(2, 1)
        form.addLayout(
            _column(
                _("What may be shared"),
                ticks,
                _("Tick only what they agreed to. Nothing is ticked until you tick it."),
                buddy=boxes[0],
            )
        )

        radios = QHBoxLayout()
        radios.setSpacing(32)
        for radio in self.methods.values():
            radios.addWidget(radio)
        radios.addStretch(1)
        form.addLayout(
            _column(
                _("How consent was given"),
                radios,
                _("Not chosen for you: record what actually happened."),
                buddy=self.methods[ConsentMethod.VERBAL],
            )
        )

        validity = QHBoxLayout()
        validity.setSpacing(10)
        validity.addWidget(self.expires_on)
        validity.addWidget(self.validity)
        validity.addWidget(self.default_validity)
        validity.addStretch(1)
        dates = QHBoxLayout()
        dates.setSpacing(24)
        dates.addLayout(_column(_("Date given"), self.given_on))
        dates.addLayout(
            _column(_("Valid until"), validity, buddy=self.expires_on),
            1,
        )
        form.addLayout(dates)
        form.addWidget(self.expired_note)
        form.addStretch(1)

        # Scrolls on a short screen (150% on a small laptop); the buttons, and the
        # reason Save is disabled, stay in view below it.
        scroller = QScrollArea()
        scroller.setObjectName("consentScroller")
        scroller.setWidgetResizable(True)
        scroller.setFrameShape(QFrame.Shape.NoFrame)
        scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroller.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        scroller.setWidget(body)

        buttons = QHBoxLayout()
        buttons.setSpacing(8)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        bottom = QVBoxLayout()
        bottom.setContentsMargins(24, 0, 24, 0)
        bottom.setSpacing(10)
        bottom.addWidget(self.problem)
        bottom.addWidget(self.needed)
        bottom.addLayout(buttons)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 18)
        layout.setSpacing(8)
        layout.addWidget(scroller, 1)
        layout.addLayout(bottom)
        self.setMinimumWidth(600)
        wanted = body.sizeHint().height() + 120
        screen = self.screen()
        if screen is not None:  # a small screen at 150%: the form scrolls instead
            wanted = min(wanted, screen.availableGeometry().height() * 9 // 10)
        self.resize(660, wanted)

        order: list[QWidget] = [
            self.service_type,
            self.recipient_name,
            self.purpose,
            *boxes,
            self.methods[ConsentMethod.VERBAL],
            self.given_on,
            self.expires_on,
            self.default_validity,
            self.cancel_button,
            self.save_button,
        ]
        for first, second in zip(order, order[1:], strict=False):
            QWidget.setTabOrder(first, second)


def _column(
    label: str,
    field: QWidget | QGridLayout | QHBoxLayout,
    hint: str = "",
    *,
    buddy: QWidget | None = None,
) -> QVBoxLayout:
    """A field under its label (the label is the field's accessible name), hint below."""
    column = QVBoxLayout()
    column.setSpacing(4)
    target = buddy if buddy is not None else field
    assert isinstance(target, QWidget)  # noqa: S101 - a layout always comes with a buddy
    column.addWidget(field_label(label, target))
    if hint:
        hint_label = plain_label(hint, "fieldHint")
        column.addWidget(hint_label)
        target.setAccessibleDescription(hint)
    if isinstance(field, QWidget):
        column.addWidget(field)
    else:
        column.addLayout(field)
    column.addStretch(1)  # columns side by side keep their labels on one line
    return column


# -- asking for a consent, and scripting it in tests ---------------------------------

Fill = Callable[[ConsentDialog], None]
_scripted: collections.deque[Fill] = collections.deque()


def fill_next(*fills: Fill) -> None:
    """Tests: the next :func:`record_consent` calls pass their dialog to these, not ``exec()``.

    Each function fills the form and presses Save or Cancel, as a person would.
    """
    _scripted.extend(fills)


def pending_fills() -> int:
    """Tests: how many queued fills are still unused (should be 0 after a test)."""
    return len(_scripted)


def clear_fills() -> None:
    _scripted.clear()


def record_consent(parent: QWidget | None, vault: Vault, person_id: PersonId) -> Consent | None:
    """Ask for a consent and save it; the new :class:`Consent`, or None if cancelled.

    A lock while the form is open destroys it with the window's content, and
    this returns None: nothing half-typed outlives the lock.
    """
    dialog = ConsentDialog(vault, person_id, parent)
    try:
        if _scripted:
            _scripted.popleft()(dialog)
        else:
            dialog.exec()
        return dialog.consent if shiboken6.isValid(dialog) else None
    finally:
        if shiboken6.isValid(dialog):
            dialog.deleteLater()
