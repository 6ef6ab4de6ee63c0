"""A person's consents: which are in force at a glance, what each covers, and withdrawing one.

The list shows every consent the person gave, newest first, each with its
status in words: "Active" (framed, "expires in 3 days" when that is near),
"Expired", or "Withdrawn on …" (quieter, kept as history). The pane beside it
reads the selected consent in full, including what it does *not* cover, so a
supporter never has to infer that from a missing tick.

Selecting a row never happens by itself (as in the other lists): tabbing into
the list does not put someone's record on screen until a row is chosen.
Withdrawing is one action, after a question whose default is Cancel; the
consent stays in the list, marked Withdrawn, with its date.
"""

from __future__ import annotations

from datetime import date

import shiboken6
from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ..i18n import _
from ..store import Vault, VaultError
from ..store.models import Consent, ConsentId, ConsentMethod, ConsentStatus, PersonId
from ..timeline import SEPARATOR, DateStyle, Row, days_text, isolate, one_line
from ..vocabulary import category_names, service_names
from . import dialogs
from .consent_dialog import record_consent
from .consent_fields import long_day
from .row_list import KEY_ROLE, RowListView, date_style
from .widgets import button, error_text, plain_label

# Within two weeks of its last day, an active consent says how many days are left.
EXPIRY_WARNING_DAYS = 14
# The detail pane shows this much of a purpose; the form allows 2,000 characters,
# but a consent written by an older version or an import could hold more.
PURPOSE_SHOWN_CHARS = 4000


def status_text(consent: Consent, today: date, dates: DateStyle) -> str:
    """The status in words: "Active", "Active · expires in 3 days", "Expired", "Withdrawn on …"."""
    status = consent.status(today)
    if status is ConsentStatus.WITHDRAWN and consent.withdrawn_on is not None:
        return _("Withdrawn on {day}").format(day=dates.day(consent.withdrawn_on))
    if status is ConsentStatus.EXPIRED:
        return _("Expired")
    left = (consent.expires_on - today).days
    if left == 0:
        return _("Active") + SEPARATOR + _("expires today")
    if left <= EXPIRY_WARNING_DAYS:
        return _("Active") + SEPARATOR + _("expires in {days}").format(days=days_text(left))
    return _("Active")


def recipient_line(consent: Consent) -> str:
    """The service type and, when there is one, its name (isolated: it was typed)."""
    kind = service_names()[consent.recipient_type]
    name = one_line(consent.recipient_name)
    return kind + SEPARATOR + isolate(name) if name else kind


def consent_list_row(consent: Consent, today: date, dates: DateStyle) -> Row:
    """A consents-list row: active ones framed, expired and withdrawn ones quiet."""
    how = _("verbal") if consent.given_how is ConsentMethod.VERBAL else _("written")
    detail = _("Given {day} ({how}), valid until {until}").format(
        day=dates.day(consent.given_on), how=how, until=dates.day(consent.expires_on)
    )
    active = consent.status(today) is ConsentStatus.ACTIVE
    return Row(
        consent.id,
        recipient_line(consent),
        ((detail, False),),
        status_text(consent, today, dates),
        alert=active,
        muted=not active,
    )


class ConsentDetail(QWidget):
    """The selected consent, read-only, each value named as its label reads."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("consentDetail")
        self.status = plain_label("", "consentStatus")
        self.status.setAccessibleName(_("Consent status"))
        self.recipient = self._value(_("Who may receive it"))
        self.purpose = self._value(_("Purpose"))
        self.covered = self._value(_("May be shared"))
        self.not_covered = self._value(_("Not covered"))
        self.given = self._value(_("How and when given"))
        self.valid_until = self._value(_("Valid until"))
        self.withdrawn = self._value(_("Withdrawn on"))

        # A grid, not a QFormLayout: that centres a label beside a value of several
        # lines, and the label must sit level with the value's first line.
        form = QGridLayout()
        form.setHorizontalSpacing(16)
        form.setVerticalSpacing(10)
        top = Qt.AlignmentFlag.AlignTop
        values = (
            self.recipient,
            self.purpose,
            self.covered,
            self.not_covered,
            self.given,
            self.valid_until,
            self.withdrawn,
        )
        for number, value in enumerate(values):
            label = plain_label(value.accessibleName(), "detailLabel")
            label.setWordWrap(False)
            label.setBuddy(value)
            form.addWidget(label, number, 0, top | Qt.AlignmentFlag.AlignLeft)
            form.addWidget(value, number, 1, top)
        form.setColumnStretch(1, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(14)
        layout.addWidget(self.status)
        layout.addLayout(form)
        layout.addStretch(1)

    @staticmethod
    def _value(name: str) -> QLabel:
        label = plain_label("")
        label.setAccessibleName(name)
        # Readable and copyable with the mouse, but not a stop in the Tab chain.
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def show_consent(self, consent: Consent, today: date, dates: DateStyle) -> None:
        status = consent.status(today)
        if status is ConsentStatus.WITHDRAWN and consent.withdrawn_on is not None:
            headline = _("Withdrawn on {day}. Nothing may be shared under it.").format(
                day=long_day(consent.withdrawn_on)
            )
        elif status is ConsentStatus.EXPIRED:
            headline = _("Expired: its last day was {day}. Nothing may be shared under it.").format(
                day=long_day(consent.expires_on)
            )
        else:
            left = (consent.expires_on - today).days
            if left == 0:
                headline = _("Active: today is its last day.")
            else:
                headline = _("Active: valid for {days} more, until {day}.").format(
                    days=days_text(left), day=long_day(consent.expires_on)
                )
        self.status.setText(headline)
        self.status.setProperty("state", status.value)
        self.status.style().unpolish(self.status)
        self.status.style().polish(self.status)

        name = consent.recipient_name.strip()
        kind = service_names()[consent.recipient_type]
        self.recipient.setText(kind + "\n" + name if name else kind)
        purpose = consent.purpose.strip() or _("Not recorded")
        if len(purpose) > PURPOSE_SHOWN_CHARS:
            purpose = purpose[:PURPOSE_SHOWN_CHARS].rstrip() + "…"
        self.purpose.setText(purpose)
        names = category_names()
        covered = [text for category, text in names.items() if category in consent.categories]
        left_out = [text for category, text in names.items() if category not in consent.categories]
        self.covered.setText("\n".join("• " + text for text in covered))
        self.not_covered.setText(
            "\n".join("• " + text for text in left_out)
            if left_out
            else _("Nothing: every kind of information is covered.")
        )
        how = (
            _("Verbally, on {day}")
            if consent.given_how is ConsentMethod.VERBAL
            else _("In writing, on {day}")
        )
        self.given.setText(how.format(day=long_day(consent.given_on)))
        span = (consent.expires_on - consent.given_on).days
        self.valid_until.setText(
            _("{day} ({days} after it was given)").format(
                day=long_day(consent.expires_on), days=days_text(span)
            )
        )
        self.withdrawn.setText(
            long_day(consent.withdrawn_on)
            if consent.withdrawn_on is not None
            else _("Not withdrawn")
        )


class ConsentsTab(QWidget):
    """One person's consents: the list, the selected one in full, record and withdraw."""

    changed = Signal()
    """A consent was recorded or withdrawn (a referral may need it checked again). Emits nothing."""

    def __init__(
        self,
        vault: Vault,
        person_id: PersonId,
        parent: QWidget | None = None,
        *,
        today: date | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("consentsTab")
        self._vault = vault
        self._person_id = person_id
        self._fixed_today = today
        self._consents: dict[int, Consent] = {}

        self.record_button = button(_("Record consent…"), primary=True)
        self.record_button.clicked.connect(self.record)
        self.intro = plain_label("", "hint")
        self.intro.setAccessibleName(_("About consents"))
        top = QHBoxLayout()
        top.setSpacing(16)
        top.addWidget(self.intro, 1)
        top.addWidget(self.record_button, 0, Qt.AlignmentFlag.AlignTop)

        self.empty_hint = plain_label(_("No consents recorded yet."), "consentsEmpty")
        self.empty_hint.setAccessibleName(_("No consents"))
        self.empty_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.view = RowListView(_("Consents"))
        self.view.row_chosen.connect(self._chosen)
        self.view.activated.connect(self._activated)
        self.detail = ConsentDetail()
        self.withdraw_button = button(_("Withdraw consent"))
        self.withdraw_button.clicked.connect(self.withdraw)
        self.withdraw_hint = plain_label(
            _("The record stays here as history, marked Withdrawn."), "muted"
        )
        withdraw_row = QHBoxLayout()
        withdraw_row.setContentsMargins(20, 0, 20, 16)
        withdraw_row.setSpacing(12)
        withdraw_row.addWidget(self.withdraw_button, 0, Qt.AlignmentFlag.AlignTop)
        withdraw_row.addWidget(self.withdraw_hint, 1)

        detail_page = QFrame()
        detail_page.setObjectName("consentDetailCard")
        column = QVBoxLayout(detail_page)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        scroller = QScrollArea()
        scroller.setObjectName("consentDetailScroller")
        scroller.setWidgetResizable(True)
        scroller.setFrameShape(QFrame.Shape.NoFrame)
        scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroller.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        scroller.setWidget(self.detail)
        column.addWidget(scroller, 1)
        column.addLayout(withdraw_row)

        self._pane = QStackedWidget()
        self._pane.setObjectName("consentPane")
        self._placeholder = plain_label(
            _("Choose a consent on the left to see what it covers."), "muted"
        )
        self._placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._pane.addWidget(self._placeholder)
        self._pane.addWidget(detail_page)
        self._detail_page = detail_page

        self._splitter = splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        self.view.setMinimumWidth(260)
        splitter.addWidget(self.view)
        splitter.addWidget(self._pane)
        splitter.setStretchFactor(0, 5)
        splitter.setStretchFactor(1, 7)
        splitter.setSizes([5000, 7000])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 12, 0, 0)
        layout.setSpacing(10)
        layout.addLayout(top)
        layout.addWidget(self.empty_hint, 1)
        layout.addWidget(splitter, 1)

        QWidget.setTabOrder(self.record_button, self.view)
        QWidget.setTabOrder(self.view, self.withdraw_button)
        self.refresh()

    # -- public ----------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the person's consents again; the selected one stays selected."""
        today, dates = self._today(), date_style(self._fixed_today)
        consents = self._vault.consents.list_for_person(self._person_id)
        self._consents = {int(c.id): c for c in consents}
        before = self.view.current_key()
        self.view.row_model().set_rows([consent_list_row(c, today, dates) for c in consents])
        if before is not None and self.view.current_key() != before:
            self.view.select_key(before)
        empty = not consents
        self.intro.setText(
            _(
                "A consent notes what this person agreed you may share, with which service, "
                "why and until when. A referral relies on one."
            )
            if empty
            else _(
                "What this person agreed may be shared, with whom and until when. Expired "
                "and withdrawn consents stay here as history."
            )
        )
        self.empty_hint.setVisible(empty)
        self._splitter.setVisible(not empty)
        self._show_selected()

    def select(self, consent_id: ConsentId) -> bool:
        """Select the consent and show it; False if this person has no such consent."""
        found = self.view.select_key(int(consent_id))
        self._show_selected()
        return found

    def selected(self) -> Consent | None:
        key = self.view.current_key()
        selected = bool(self.view.selectionModel().selectedIndexes())
        return self._consents.get(key) if selected and isinstance(key, int) else None

    def record(self) -> None:
        """Ask for a new consent; once saved, list it, select it and emit ``changed``."""
        consent = record_consent(self, self._vault, self._person_id)
        if consent is None or not shiboken6.isValid(self):
            return
        self.refresh()
        self.select(consent.id)
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)
        self.changed.emit()

    def withdraw(self) -> None:
        """Withdraw the selected active consent, today, after asking; it stays as history."""
        consent = self.selected()
        if consent is None or consent.status(self._today()) is not ConsentStatus.ACTIVE:
            return
        if not dialogs.confirm_destructive(
            self,
            _("Withdraw this consent to share with {service}?").format(
                service=service_names()[consent.recipient_type]
            ),
            _(
                "From today nothing may be shared under it. The record stays in the list, "
                "marked Withdrawn, with today's date. This cannot be undone; if they agree "
                "again later, record a new consent."
            ),
            _("Withdraw consent"),
        ):
            return
        try:
            self._vault.consents.withdraw(consent.id, self._fixed_today)
        except VaultError as failure:
            dialogs.inform(self, error_text(failure), problem=True)
        except ValueError as refused:  # the consent rules' own words
            dialogs.inform(self, str(refused), problem=True)
        else:
            self.changed.emit()
        self.refresh()
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- private ---------------------------------------------------------------------

    def _today(self) -> date:
        # Asked each time: the app can stay open past midnight, or past an expiry.
        return self._fixed_today or date.today()

    def _chosen(self, key: object) -> None:
        self._show_selected()

    def _activated(self, index: QModelIndex) -> None:
        """Enter on a row: show it, and go to "Withdraw consent" when that is possible."""
        if isinstance(index.data(KEY_ROLE), int):
            # Tabbing in makes the first row current but not selected; Enter selects it.
            self.view.setCurrentIndex(index)
            self._show_selected()
            if self.withdraw_button.isEnabled():
                self.withdraw_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _show_selected(self) -> None:
        consent = self.selected()
        if consent is None:
            self._pane.setCurrentWidget(self._placeholder)
            self.withdraw_button.setEnabled(False)
            return
        today = self._today()
        self.detail.show_consent(consent, today, date_style(self._fixed_today))
        self._pane.setCurrentWidget(self._detail_page)
        active = consent.status(today) is ConsentStatus.ACTIVE
        self.withdraw_button.setEnabled(active)
        self.withdraw_hint.setText(
            _("The record stays here as history, marked Withdrawn.")
            if active
            else _("Only an active consent can be withdrawn.")
        )
