"""Concern categories as a row of checkable chips: what a conversation was about, for statistics.

The categories come from a fixed taxonomy (:class:`ConcernCategory`), so
choosing them never asks for free text. A chosen chip says so in words as well
as colour: its text starts with a tick, and a screen reader hears "checked".
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QLayout, QPushButton, QWidget

from ..store.models import ConcernCategory
from ..vocabulary import concern_names

TICK = "\u2713 "


def concern_labels() -> dict[ConcernCategory, str]:
    """Each concern category as the supporter reads it, in the order the chips show them."""
    return concern_names()


class ConcernPicker(QWidget):
    """One checkable chip per concern category, in a grid of ``columns``.

    ``layout`` puts the chips in a layout of the caller's instead (a flow layout
    that wraps, say), added in the order the chips are shown and tabbed through.
    """

    changed = Signal()
    """A chip was ticked or unticked by the supporter. Emits nothing: read :meth:`concerns`."""

    def __init__(
        self,
        name: str,
        *,
        columns: int = 2,
        layout: QLayout | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("concernPicker")
        self.setAccessibleName(name)
        self._chips: dict[ConcernCategory, QPushButton] = {}
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(6)
        for number, (concern, text) in enumerate(concern_labels().items()):
            chip = QPushButton(text)
            chip.setObjectName("concernChip")
            chip.setCheckable(True)
            chip.setAccessibleName(text)  # stays put when the tick is added to the text
            chip.setProperty("concern", concern.value)
            chip.toggled.connect(lambda _on, c=concern: self._toggled(c))
            if layout is None:
                grid.addWidget(chip, number // columns, number % columns)
            else:
                layout.addWidget(chip)
            self._chips[concern] = chip
        self.setLayout(grid if layout is None else layout)

    @property
    def chips(self) -> dict[ConcernCategory, QPushButton]:
        return dict(self._chips)

    def concerns(self) -> frozenset[ConcernCategory]:
        return frozenset(c for c, chip in self._chips.items() if chip.isChecked())

    def set_concerns(self, concerns: Iterable[ConcernCategory]) -> None:
        """Tick exactly ``concerns``; does not emit :attr:`changed` (nothing was chosen)."""
        chosen = set(concerns)
        self.blockSignals(True)
        try:
            for concern, chip in self._chips.items():
                chip.setChecked(concern in chosen)
                self._show_state(concern)
        finally:
            self.blockSignals(False)

    def clear(self) -> None:
        self.set_concerns(())

    def _toggled(self, concern: ConcernCategory) -> None:
        self._show_state(concern)
        self.changed.emit()

    def _show_state(self, concern: ConcernCategory) -> None:
        chip = self._chips[concern]
        text = concern_labels()[concern]
        chip.setText(TICK + text if chip.isChecked() else text)
