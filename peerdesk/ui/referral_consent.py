"""The consent check: does an active consent cover this recipient and what is shared?

Covered: the page names the consent and the referral relies on it
(``consent_id``). Not covered: the page says why in plain words, points to the
Consents tab, and lets the supporter go on only by ticking "Share without
consent (duty of care)" and writing why; that reason is saved on the
referral and printed on the PDF.
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QWidget

from ..consent_rules import (
    category_text,
    consent_problem,
    covering_consent,
    recipient_text,
    shared_categories,
)
from ..i18n import _
from ..store.models import Consent, ConsentCategory, ConsentMethod, Referral
from .note_edit import NoteField
from .referral_pages import ReferralPage, WizardContext
from .row_list import date_style
from .widgets import button, checkbox, note_label, plain_label


def categories_text(categories: frozenset[ConsentCategory]) -> str:
    """ "contact details, session summaries and risk information", in the enum's order."""
    words = [category_text(c) for c in ConsentCategory if c in categories]
    if not words:
        return _("nothing yet")
    if len(words) == 1:
        return words[0]
    return _("{items} and {last}").format(items=", ".join(words[:-1]), last=words[-1])


class ConsentPage(ReferralPage):
    title_text = "Consent"
    intro_text = (
        "A referral leaves only with the colleague's consent, or, when their safety is at "
        "risk, with your written reason."
    )

    def __init__(self, context: WizardContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.shares = plain_label("", "hint")
        self.shares.setAccessibleName(_("What this referral shares"))
        self.covered = note_label(_("Consent found"))
        self.not_covered = plain_label("", "caution")
        self.not_covered.setAccessibleName(_("Consent problem"))
        self.record_hint = plain_label(
            _(
                "To record their consent: close this window (your draft is kept), open the "
                "Consents tab, then choose “Continue…” on this draft. If you recorded it "
                "already, check again."
            ),
            "hint",
        )
        self.check_again = button(_("Check again"))
        self.check_again.clicked.connect(self.recheck)
        self.override = checkbox(_("Share without consent (duty of care)"))
        self.override.toggled.connect(self._override_toggled)
        self.reason_field = NoteField(
            _("Why you are sharing without consent"),
            _(
                "For example: “They told me they plan to end their life tonight and would "
                "not agree to a referral.” This is printed on the referral."
            ),
            field="reason for sharing without consent",
            lines=3,
            max_lines=6,
        )
        self.reason = self.reason_field.edit
        self.column.addWidget(self.shares)
        self.column.addWidget(self.covered)
        self.column.addWidget(self.not_covered)
        self.column.addWidget(self.record_hint)
        again = QHBoxLayout()
        again.addWidget(self.check_again)
        again.addStretch(1)
        self.column.addLayout(again)
        self.column.addWidget(self.override)
        self.column.addWidget(self.reason_field)
        self.column.addStretch(1)
        self._referral: Referral | None = None
        self._consent: Consent | None = None

    @property
    def consent(self) -> Consent | None:
        """The consent that covers the referral, as last checked."""
        return self._consent

    def load(self, referral: Referral | None) -> None:
        reason = None if referral is None else referral.override_reason
        self.override.setChecked(bool(reason))
        self.reason.set_text(reason or "")
        self.entered(referral)

    def entered(self, referral: Referral | None) -> None:
        self._referral = referral
        self.recheck()

    def recheck(self) -> None:
        """Read the consents again (one may have been recorded while this was open)."""
        referral = self._referral
        if referral is None:
            self._consent = None
            self._show(None, _("Nothing is written in this referral yet."))
            return
        consents = self.context.vault.consents.list_for_person(referral.person_id)
        self._consent = covering_consent(consents, referral, self.context.today)
        problem = consent_problem(consents, referral, self.context.today, day_text=date_style().day)
        self.shares.setText(
            _("This referral shares: {categories}.").format(
                categories=categories_text(shared_categories(referral))
            )
        )
        self._show(self._consent, problem)

    def _show(self, consent: Consent | None, problem: str | None) -> None:
        if consent is not None:
            dates = date_style(self.context.today)
            how = _("verbal") if consent.given_how is ConsentMethod.VERBAL else _("written")
            self.covered.setText(
                _(
                    "Covered by their consent for {recipient}, given {given} ({how}), until "
                    "{until}. It covers {categories}."
                ).format(
                    recipient=recipient_text(consent.recipient_type, consent.recipient_name),
                    given=dates.day(consent.given_on),
                    how=how,
                    until=dates.day(consent.expires_on),
                    categories=categories_text(consent.categories),
                )
            )
        else:
            self.not_covered.setText(problem or "")
        uncovered = consent is None
        self.covered.setVisible(not uncovered)
        for widget in (self.not_covered, self.record_hint, self.check_again, self.override):
            widget.setVisible(uncovered)
        self.reason_field.setVisible(uncovered and self.override.isChecked())

    def _override_toggled(self, on: bool) -> None:
        self.reason_field.setVisible(on and self._consent is None)
        if on:
            self.reason.setFocus()

    def values(self) -> dict[str, object]:
        if self._consent is not None:
            return {"consent_id": self._consent.id, "override_reason": None}
        reason = self.reason.text() if self.override.isChecked() else ""
        return {"consent_id": None, "override_reason": reason if reason.strip() else None}

    def problem(self) -> str | None:
        if self._consent is not None:
            return None
        if not self.override.isChecked():
            return _(
                "This referral is not covered by consent. Record the colleague's consent in "
                "the Consents tab, or tick “Share without consent (duty of care)” and write why."
            )
        if not self.reason.text().strip():
            return _("Write why you are sharing without consent: it is printed on the referral.")
        return None
