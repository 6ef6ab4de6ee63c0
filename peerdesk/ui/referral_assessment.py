"""The assessment step: risk noted in checklists, whether a safety check was done, and
what the supporter noticed.

Risk items ticked in the person's checklists are offered by title, each
unticked until the supporter chooses it: risk information needs consent that
covers it (or a duty-of-care override), so nothing is shared by default.
"""

from __future__ import annotations

from PySide6.QtWidgets import QButtonGroup, QCheckBox, QLabel, QRadioButton, QVBoxLayout, QWidget

from ..i18n import _
from ..referral_builder import risk_flags_found
from ..store.models import Referral, SafetyCheck
from .note_edit import NoteField
from .referral_pages import ReferralPage, WizardContext
from .widgets import plain_label


class AssessmentPage(ReferralPage):
    title_text = "Assessment"
    intro_text = "What you noticed. You are a peer supporter, not a clinician: no diagnosis needed."

    def __init__(self, context: WizardContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self._flags_box = QVBoxLayout()
        self._flags_box.setSpacing(4)
        self.flag_boxes: list[QCheckBox] = []
        flags = QWidget()
        flags_column = QVBoxLayout(flags)
        flags_column.setContentsMargins(0, 0, 0, 0)
        flags_column.setSpacing(4)
        heading = QLabel(_("Risk noted in checklists"))
        heading.setObjectName("fieldLabel")
        flags_column.addWidget(heading)
        flags_column.addWidget(
            plain_label(
                _(
                    "Tick the ones to include. Risk information needs the colleague's consent "
                    "to share it, unless you share for their safety."
                ),
                "fieldHint",
            )
        )
        flags_column.addLayout(self._flags_box)
        self.no_flags = plain_label(
            _("No risk items were marked in this person's checklists."), "muted"
        )
        flags_column.addWidget(self.no_flags)

        self.safety = QButtonGroup(self)
        safety_block = QWidget()
        safety_column = QVBoxLayout(safety_block)
        safety_column.setContentsMargins(0, 0, 0, 0)
        safety_column.setSpacing(4)
        safety_heading = QLabel(_("Safety check"))
        safety_heading.setObjectName("fieldLabel")
        safety_column.addWidget(safety_heading)
        self.safety_buttons: dict[SafetyCheck, QRadioButton] = {}
        for check, text in (
            (SafetyCheck.DONE, _("A safety check was done with them")),
            (SafetyCheck.NOT_DONE, _("No safety check was done")),
            (SafetyCheck.NOT_RECORDED, _("Not recorded")),
        ):
            radio = QRadioButton(text)
            radio.setAccessibleName(text)
            self.safety.addButton(radio)
            self.safety_buttons[check] = radio
            safety_column.addWidget(radio)

        self.field = NoteField(
            _("Assessment"),
            _("How they are, what worries you and what they want, in plain words."),
            field="assessment",
            min_lines=4,
        )
        self.assessment = self.field.edit
        self.column.addWidget(flags)
        self.column.addWidget(safety_block)
        self.column.addWidget(self.field, 1)

    def load(self, referral: Referral | None) -> None:
        chosen = () if referral is None else referral.risk_flags
        found = risk_flags_found(self.context.vault, self.context.person_id)
        # A flag kept in the draft whose checklist is gone still shows, ticked.
        for flag in chosen:
            if flag not in found:
                found.append(flag)
        for box in self.flag_boxes:
            box.hide()
            box.deleteLater()
        self.flag_boxes = []
        for flag in found:
            box = QCheckBox(flag)
            box.setAccessibleName(flag)
            box.setChecked(flag in chosen)
            self._flags_box.addWidget(box)
            self.flag_boxes.append(box)
        self.no_flags.setVisible(not found)
        check = SafetyCheck.NOT_RECORDED if referral is None else referral.safety_check
        self.safety_buttons[check].setChecked(True)
        self.assessment.set_text("" if referral is None else referral.assessment)

    def values(self) -> dict[str, object]:
        safety = next(c for c, radio in self.safety_buttons.items() if radio.isChecked())
        return {
            "risk_flags": tuple(box.text() for box in self.flag_boxes if box.isChecked()),
            "safety_check": safety,
            "assessment": self.assessment.text(),
        }
