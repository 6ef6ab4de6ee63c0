"""The referral wizard: writing a referral step by step, checking consent, then the PDF.

Steps (SBAR order): who it goes to, situation, background, assessment,
recommendation, urgency, how to reach the colleague, consent, then the
preview and export (:mod:`referral_pages`, :mod:`referral_background`,
:mod:`referral_consent`, :mod:`referral_preview`, :mod:`referral_export`).

The draft is saved as the supporter goes: every Next and Back writes what
the page holds, and so does closing the window (Escape, the Close button,
the window's own close, a lock through :meth:`ReferralWizard.flush`), so
closing never loses work. A brand-new referral is only stored once something
has been written in it. The window title is the app's name only: never an
alias, a name or any content.

On the last page the default button is Back, the safe one; Export is never
pressed by Enter, and is disabled, with the reasons shown, until the
referral can leave and has been read back to the colleague.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ..i18n import _
from ..paths import APP_NAME
from ..store import Vault, VaultError
from ..store.models import PersonId, Referral, ReferralId, ReferralStatus
from . import dialogs
from .referral_assessment import AssessmentPage
from .referral_background import BackgroundPage
from .referral_consent import ConsentPage
from .referral_export import export_referral
from .referral_pages import (
    ContactPage,
    RecipientPage,
    RecommendationPage,
    ReferralPage,
    SituationPage,
    UrgencyPage,
    WizardContext,
)
from .referral_preview import PreviewPage
from .widgets import button, error_text, message_label, plain_label

PAGE_TYPES: tuple[type[ReferralPage], ...] = (
    RecipientPage,
    SituationPage,
    BackgroundPage,
    AssessmentPage,
    RecommendationPage,
    UrgencyPage,
    ContactPage,
    ConsentPage,
    PreviewPage,
)


class ReferralWizard(QDialog):
    """Writes one referral for one person, from a new or continued draft to its PDF."""

    saved = Signal()
    """The draft was written to the vault. Emits nothing."""
    exported = Signal(int, str)
    """The PDF was written and the referral marked created. Emits its id and the file path."""

    def __init__(
        self,
        vault: Vault,
        person_id: PersonId,
        referral_id: ReferralId | None = None,
        *,
        today: date | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("referralWizard")
        self.setWindowTitle(APP_NAME)  # never an alias, a name or any content
        self.setModal(False)
        self._vault = vault
        self._context = WizardContext(vault, person_id, today or date.today())
        self._referral: Referral | None = (
            None if referral_id is None else vault.referrals.get(referral_id)
        )
        self.pages: list[ReferralPage] = [kind(self._context) for kind in PAGE_TYPES]
        self._baseline: list[dict[str, object]] = []
        for page in self.pages:
            page.load(self._referral)
            self._baseline.append(page.values())
        self.preview_page.ready_changed.connect(self._update_buttons)

        self.steps: list[QLabel] = []
        rail = QFrame()
        rail.setObjectName("referralSteps")
        rail_column = QVBoxLayout(rail)
        rail_column.setContentsMargins(16, 20, 16, 16)
        rail_column.setSpacing(6)
        for number, page in enumerate(self.pages, start=1):
            step = plain_label(f"{number}. {page.title}", "referralStep")
            step.setWordWrap(False)
            self.steps.append(step)
            rail_column.addWidget(step)
        rail_column.addStretch(1)

        self.heading = plain_label("", "heading")
        self.intro = plain_label("", "hint")
        self.stack = QStackedWidget()
        for page in self.pages:
            scroller = QScrollArea()
            scroller.setObjectName("referralScroller")
            scroller.setWidgetResizable(True)
            scroller.setFrameShape(QFrame.Shape.NoFrame)
            scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            scroller.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            scroller.setWidget(page)
            self.stack.addWidget(scroller)
        self.problem = message_label(_("Problem"))
        self.status = plain_label("", "muted")
        self.status.setAccessibleName(_("Save status"))

        self.close_button = button(_("Close"))
        self.close_button.setToolTip(_("Your draft is kept; continue it from the Referrals tab."))
        self.back_button = button(_("Back"))
        self.next_button = button(_("Next"), primary=True)
        self.export_button = button(_("Export PDF…"), primary=True)
        self.close_button.clicked.connect(self.close)
        self.back_button.clicked.connect(self.back)
        self.next_button.clicked.connect(self.next)
        self.export_button.clicked.connect(self.export)
        for widget in (self.close_button, self.back_button, self.next_button, self.export_button):
            widget.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.next_button)
        buttons.addWidget(self.export_button)

        main = QVBoxLayout()
        main.setContentsMargins(20, 16, 20, 14)
        main.setSpacing(8)
        main.addWidget(self.heading)
        main.addWidget(self.intro)
        main.addWidget(self.stack, 1)
        # Why Export is disabled stays in view, below the scrolling preview page.
        main.addWidget(self.preview_page.blockers)
        main.addWidget(self.problem)
        main.addLayout(buttons)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(rail)
        layout.addLayout(main, 1)
        self.resize(980, 700)

        self._index = -1
        exported = self._referral is not None and self._referral.status is not ReferralStatus.DRAFT
        self._show(len(self.pages) - 1 if exported else 0)

    # -- what the tab and the tests use -------------------------------------------------

    @property
    def referral(self) -> Referral | None:
        """The referral as last saved (None until something was written)."""
        return self._referral

    @property
    def current_page(self) -> ReferralPage:
        return self.pages[self._index]

    def page(self, kind: type[ReferralPage]) -> ReferralPage:
        return next(page for page in self.pages if isinstance(page, kind))

    @property
    def preview_page(self) -> PreviewPage:
        page = self.pages[-1]
        assert isinstance(page, PreviewPage)  # noqa: S101 - PAGE_TYPES ends with it
        return page

    @property
    def consent_page(self) -> ConsentPage:
        page = self.page(ConsentPage)
        assert isinstance(page, ConsentPage)  # noqa: S101 - found by its type
        return page

    def show_page(self, kind: type[ReferralPage]) -> bool:
        """Save the page showing and go straight to another (False if saving failed)."""
        if not self.save():
            return False
        self._show(PAGE_TYPES.index(kind))
        return True

    def next(self) -> bool:
        """Save this page and go on; stays (and says why) if it cannot."""
        if self._index >= len(self.pages) - 1:
            return False
        why = self.current_page.problem()
        if why is not None:
            self._say(why)
            return False
        if not self.save():
            return False
        self._show(self._index + 1)
        return True

    def back(self) -> bool:
        if self._index == 0 or self._locked_content():
            return False
        if not self.save():
            return False
        self._show(self._index - 1)
        return True

    def save(self) -> bool:
        """Write what the page showing holds; False (with the reason shown) if the vault refused."""
        page = self.current_page
        values = page.values()
        try:
            if self._referral is None:
                if values == self._baseline[self._index]:
                    return True  # nothing written yet: nothing to keep
                self._referral = self._create()
            else:
                changes = {
                    name: value
                    for name, value in values.items()
                    if _differs(name, getattr(self._referral, name), value)
                }
                if self._locked_content():
                    changes = {k: v for k, v in changes.items() if k == "follow_up_on"}
                if not changes:
                    return True
                self._referral = self._vault.referrals.update(
                    self._referral.id,
                    **changes,  # type: ignore[arg-type]  # each page names update's own fields
                )
        except (VaultError, ValueError) as error:
            self._say(error_text(error) if isinstance(error, VaultError) else str(error))
            return False
        self.problem.hide()
        self.status.setText(_("Draft saved"))
        self.saved.emit()
        return True

    def flush(self) -> None:
        """Save now, asking nothing (the app is locking or quitting)."""
        self.save()

    def recheck_consent(self) -> None:
        """A consent was recorded or withdrawn meanwhile: check the consent step again."""
        self.consent_page.recheck()
        if self.current_page is self.preview_page:
            self.preview_page.entered(self._referral)

    def export(self) -> bool:
        """Make the PDF of what the preview shows. True once it is written and recorded."""
        preview = self.preview_page
        if preview.export_blockers() or self._referral is None:
            preview.show_blockers()
            return False
        if not self.save():
            return False
        # What was read back must be what leaves: if the vault changed since, show it again.
        if preview.rebuild():
            preview.read_back.setChecked(False)
            preview.changed_note.show()
            preview.show_blockers()
            return False
        document = preview.document
        if document is None:
            return False
        result = export_referral(
            self,
            self._vault,
            self._referral.id,
            document,
            preview.take_password(),
            today=self._context.today,
        )
        if result is None:
            return False
        self._referral, path = result
        self.exported.emit(int(self._referral.id), str(path))
        self.accept()
        return True

    # -- closing ---------------------------------------------------------------------------

    def reject(self) -> None:
        """Escape and Close: keep what was written, then go."""
        if self._save_before_closing():
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._save_before_closing():
            event.ignore()
            return
        super().closeEvent(event)  # reject(): saves again (nothing left to write), finishes

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Enter never exports and never leaves a multi-line field: only Next moves on.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.current_page is not self.preview_page:
                self.next()
            event.accept()
            return
        super().keyPressEvent(event)

    def _save_before_closing(self) -> bool:
        if self.save():
            return True
        return dialogs.confirm_destructive(
            self,
            _("Some of what you wrote could not be saved."),
            self.problem.text(),
            _("Close and lose it"),
        )

    # -- internals -----------------------------------------------------------------------

    def _create(self) -> Referral:
        values: dict[str, object] = {}
        for page in self.pages:
            values.update(page.values())
        values.pop("consent_id", None)  # the consent step decides it, with its own check
        if self.current_page is not self.preview_page:
            values.pop("follow_up_on", None)  # only once the supporter has seen it offered
        return self._vault.referrals.add(
            self._context.person_id,
            **values,  # type: ignore[arg-type]  # each page names add's own fields
        )

    def _locked_content(self) -> bool:
        """An exported referral's content can no longer change: only its follow-up."""
        return self._referral is not None and self._referral.status is not ReferralStatus.DRAFT

    def _show(self, index: int) -> None:
        self._index = index
        page = self.pages[index]
        page.entered(self._referral)
        self.stack.setCurrentIndex(index)
        self.heading.setText(page.title)
        self.intro.setText(page.intro)
        for number, step in enumerate(self.steps):
            step.setProperty("current", number == index)
            step.setProperty("done", number < index)
            step.style().unpolish(step)
            step.style().polish(step)
        self.problem.hide()
        last = index == len(self.pages) - 1
        self.next_button.setVisible(not last)
        self.export_button.setVisible(last)
        self.back_button.setEnabled(index > 0 and not self._locked_content())
        # The safe choice is the default: Back on the last page, never Export.
        self.next_button.setDefault(not last)
        self.back_button.setDefault(last)
        self.export_button.setDefault(False)
        if not last:
            self.preview_page.blockers.hide()
        self._update_buttons()
        page.focus_first()

    def _update_buttons(self) -> None:
        if self._index != len(self.pages) - 1:
            return
        preview = self.preview_page
        self.export_button.setEnabled(not preview.export_blockers())
        preview.show_blockers()

    def _say(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.show()


# Fields the vault stores trimmed: a space typed at the end is not a change to save.
_TRIMMED = frozenset(
    {"recipient_name", "colleague_name", "contact_safe_way", "contact_safe_times", "language_needs"}
)


def _differs(name: str, stored: object, shown: object) -> bool:
    if name in _TRIMMED and isinstance(stored, str) and isinstance(shown, str):
        return stored != shown.strip()
    return stored != shown
