"""The row look every workspace list shares: a title, a quieter detail line, a worded badge.

``RowModel``/``RowDelegate``/``RowListView`` show :class:`peerdesk.timeline.Row`
values. The people list, the session timeline, the incident diary, search
results and follow-ups all use them, so every list reads the same way.

Text is drawn with ``QTextLayout`` from plain strings (never parsed as rich
text), so an alias such as ``<b>Sam</b>`` shows exactly as typed.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from datetime import date

from PySide6.QtCore import (
    QAbstractListModel,
    QDate,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QPointF,
    QRect,
    QSize,
    Qt,
    QTime,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPalette,
    QTextCharFormat,
    QTextLayout,
    QTextOption,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from ..i18n import _
from ..timeline import DateStyle, LazyRows, Row, RowShape, right_to_left, row_shape

ROW_ROLE = Qt.ItemDataRole.UserRole + 1
KEY_ROLE = Qt.ItemDataRole.UserRole + 2
SHAPE_ROLE = Qt.ItemDataRole.UserRole + 3

_Index = QModelIndex | QPersistentModelIndex


def date_style(today: date | None = None) -> DateStyle:
    """Dates in this computer's language: "Tue 4 Mar" ("Tue 4 Mar 2025" in another year)."""
    locale = QLocale()
    # Patterns, not the locale's short format ("3/4/25" is ambiguous across countries);
    # translators may reorder them. The year is left out while it is this year's.
    this_year, other_year = _("ddd d MMM"), _("ddd d MMM yyyy")
    day = today or date.today()
    return DateStyle(
        today=day,
        day=lambda d: locale.toString(
            QDate(d.year, d.month, d.day), this_year if d.year == day.year else other_year
        ),
        time_of_day=lambda t: locale.toString(
            QTime(t.hour, t.minute, t.second), QLocale.FormatType.ShortFormat
        ),
    )


# -- the shared row look --------------------------------------------------------------


# What a row's own content changes, not its height (that is its shape, kept).
_CONTENT_ROLES = [
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.AccessibleTextRole,
    ROW_ROLE,
]


class RowModel(QAbstractListModel):
    """A flat list of :class:`Row` values, updated in place when the same records come back.

    Given :class:`~peerdesk.timeline.LazyRows`, a row is made only when it is
    read (painted, spoken, or asked for); its height comes from its shape.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: Sequence[Row] = []
        self._keys: list[Hashable] = []
        self._shapes: list[RowShape] = []
        self._positions: dict[Hashable, int] | None = None

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        number = index.row()
        if role == KEY_ROLE:
            return self._keys[number]
        if role == SHAPE_ROLE:
            return self._shapes[number]
        if role == ROW_ROLE:
            return self._rows[number]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._rows[number].title
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self._rows[number].spoken
        return None

    def set_rows(self, rows: Sequence[Row]) -> None:
        """Replace the rows; same records in the same order keep the view's selection.

        :class:`~peerdesk.timeline.LazyRows` are kept as they are, not made.
        """
        if isinstance(rows, LazyRows):
            keys = [rows.key(number) for number in range(len(rows))]
            shapes = [rows.shape(number) for number in range(len(rows))]
        else:
            rows = list(rows)
            keys = [row.key for row in rows]
            shapes = [row_shape(row) for row in rows]
        if keys == self._keys:
            self._rows, self._shapes = rows, shapes
            if rows:
                self.dataChanged.emit(self.index(0), self.index(len(rows) - 1))
            return
        self.beginResetModel()
        self._rows, self._keys, self._shapes, self._positions = rows, keys, shapes, None
        self.endResetModel()

    def rows(self) -> list[Row]:
        return list(self._rows)

    def replace_row(self, row: Row) -> bool:
        """Show ``row`` in place of the row with its key, without a reset.

        False (and nothing changed) if no row has that key, or if the new row
        would be another height: then reload the list with :meth:`set_rows`.
        """
        index = self.index_of(row.key)
        if not index.isValid() or row_shape(row) != self._shapes[index.row()]:
            return False
        if isinstance(self._rows, LazyRows):
            self._rows.replace(index.row(), row)
        else:
            rows = list(self._rows)
            rows[index.row()] = row
            self._rows = rows
        # Naming the roles (no size hint among them) spares the view a new layout of
        # every row: with 1,000 sessions, 1,000 size hints at each autosave.
        self.dataChanged.emit(index, index, _CONTENT_ROLES)
        return True

    def shape(self, number: int) -> RowShape:
        """Row ``number``'s shape, without making the row (its height needs no more)."""
        return self._shapes[number]

    def index_of(self, key: Hashable) -> QModelIndex:
        if self._positions is None:
            # The first row of a key wins, as a scan from the top would find it.
            self._positions = {}
            for number, known in enumerate(self._keys):
                self._positions.setdefault(known, number)
        found = self._positions.get(key)
        return QModelIndex() if found is None else self.index(found)


def _utf16_length(text: str) -> int:
    # Qt counts UTF-16 code units: an emoji outside the BMP is two.
    return len(text.encode("utf-16-le")) // 2


def _mix(a: QColor, b: QColor, weight: float) -> QColor:
    """``weight`` of ``a`` and the rest of ``b``: muted text that follows the palette."""
    return QColor.fromRgbF(
        a.redF() * weight + b.redF() * (1 - weight),
        a.greenF() * weight + b.greenF() * (1 - weight),
        a.blueF() * weight + b.blueF() * (1 - weight),
    )


class RowDelegate(QStyledItemDelegate):
    """Paints a Row: the title, the detail line quieter, then the badge on a line of its own.

    The badge has its own line so a narrow list never cuts "Follow-up overdue"
    down to "Follow-up ov…": that marker is the point of the row.
    """

    PAD_X = 10
    PAD_Y = 8
    GAP = 3

    @staticmethod
    def _fonts(base: QFont) -> tuple[QFont, QFont, QFont]:
        title = QFont(base)
        title.setWeight(QFont.Weight.DemiBold)
        detail = QFont(base)
        detail.setPointSizeF(base.pointSizeF() * 0.92)
        badge = QFont(detail)
        badge.setWeight(QFont.Weight.DemiBold)
        return title, detail, badge

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Sizes by shape for the last font seen: the view asks every row for its size
        # before the first paint (2,000 people), and making three fonts and their
        # metrics for each row cost more than everything else (benchmark issue 7).
        self._font: QFont | None = None
        self._sizes: dict[RowShape, QSize] = {}

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        model = index.model()
        # The shape, not the row: a row shown lazily is not made just to be measured.
        if isinstance(model, RowModel):
            shape = model.shape(index.row())
        else:
            found = index.data(SHAPE_ROLE)
            shape = found if isinstance(found, RowShape) else RowShape(False, False)
        font = option.font
        if font != self._font:
            self._font, self._sizes = QFont(font), {}
        size = self._sizes.get(shape)
        if size is None:
            size = self._sizes[shape] = self._size(font, shape)
        return size

    def _size(self, font: QFont, shape: RowShape) -> QSize:
        title, detail, badge = self._fonts(font)
        height = QFontMetrics(title).height()
        if shape.detail:
            height += self.GAP + QFontMetrics(detail).height()
        if shape.badge:
            height += self.GAP + 2 + QFontMetrics(badge).height() + 2
        return QSize(200, height + 2 * self.PAD_Y)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        row = index.data(ROW_ROLE)
        if not isinstance(row, Row):
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""  # the text is ours to draw, below
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        # Background, selection and focus as the style (and peerdesk.qss) draw them.
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)

        palette: QPalette = opt.palette
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        ink = palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        paper = palette.color(QPalette.ColorRole.Highlight if selected else QPalette.ColorRole.Base)
        # 72% ink stays above 4.5:1 contrast on the usual light and dark bases.
        quiet = _mix(ink, paper, 0.72)
        title_font, detail_font, badge_font = self._fonts(opt.font)
        whole: QRect = opt.rect
        left, width = whole.left() + self.PAD_X, whole.width() - 2 * self.PAD_X
        top = whole.top() + self.PAD_Y

        painter.save()
        painter.setPen(quiet if row.muted else ink)
        height = QFontMetrics(title_font).height()
        _draw_line(painter, QRect(left, top, width, height), title_font, ((row.title, False),))
        top += height + self.GAP
        if row.detail_parts:
            height = QFontMetrics(detail_font).height()
            painter.setPen(quiet)
            _draw_line(painter, QRect(left, top, width, height), detail_font, row.detail_parts)
            top += height + self.GAP
        if row.badge:
            self._paint_badge(painter, QPoint(left, top), width, row, badge_font, ink, paper)
        if not selected:
            # A hairline between rows, so two-line rows do not run together.
            painter.setPen(_mix(ink, paper, 0.12))
            painter.drawLine(whole.left() + 8, whole.bottom(), whole.right() - 8, whole.bottom())
        painter.restore()

    @staticmethod
    def _paint_badge(
        painter: QPainter, at: QPoint, room: int, row: Row, font: QFont, ink: QColor, paper: QColor
    ) -> None:
        painter.save()
        if not row.alert:
            # Quiet: plain text lined up with the lines above, no frame.
            font = QFont(font)
            font.setWeight(QFont.Weight.Normal)
        metrics = QFontMetrics(font)
        inset = 8 if row.alert else 0
        text = metrics.elidedText(row.badge, Qt.TextElideMode.ElideRight, room - 2 * inset)
        width = metrics.horizontalAdvance(text) + 2 * inset
        rect = QRect(at.x(), at.y(), width, metrics.height() + 4)
        if row.alert:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(_mix(ink, paper, 0.6))
            painter.setBrush(_mix(ink, paper, 0.08))
            painter.drawRoundedRect(rect, rect.height() / 2, rect.height() / 2)
            painter.setPen(ink)
        else:
            painter.setPen(_mix(ink, paper, 0.72))
        painter.setFont(font)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextSingleLine, text)
        painter.restore()


def _draw_line(
    painter: QPainter, rect: QRect, font: QFont, parts: Sequence[tuple[str, bool]]
) -> None:
    """One line of plain text, emphasised runs in bold, elided to fit, never rich text."""
    text = "".join(part for part, _emphasised in parts)
    if not text:
        return
    shown = QFontMetrics(font).elidedText(text, Qt.TextElideMode.ElideRight, rect.width())
    kept = _utf16_length(shown)
    ranges: list[QTextLayout.FormatRange] = []
    start = 0
    for part, emphasised in parts:
        length = _utf16_length(part)
        if emphasised and start < kept:
            bold = QTextCharFormat()
            bold.setFontWeight(QFont.Weight.Bold)
            span = QTextLayout.FormatRange()
            span.start, span.length, span.format = start, min(length, kept - start), bold
            ranges.append(span)
        start += length
    layout = QTextLayout(shown, font)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.NoWrap)
    # Like FSI: a snippet that starts in Hebrew or Arabic reads right to left.
    rtl = right_to_left(text)
    direction = Qt.LayoutDirection.RightToLeft if rtl else Qt.LayoutDirection.LeftToRight
    option.setTextDirection(direction)
    option.setAlignment(Qt.AlignmentFlag.AlignLeft)
    layout.setTextOption(option)
    layout.setFormats(ranges)
    layout.beginLayout()
    line = layout.createLine()
    line.setLineWidth(rect.width())
    layout.endLayout()
    painter.save()
    painter.setClipRect(rect)  # bold runs are a little wider than the elision measured
    layout.draw(painter, QPointF(rect.left(), rect.top()))
    painter.restore()


class RowListView(QListView):
    """A list of rows: arrows move, Enter (and double-click) opens, Delete asks to delete.

    ``row_chosen`` follows the *selection*, not the current index: tabbing into the
    list makes its first row current without selecting it, and that must not open
    someone's record on screen by itself.
    """

    row_chosen = Signal(object)
    """A row was selected (arrows, a click, or in code). Emits the row's key."""
    delete_pressed = Signal()
    """The Delete key was pressed on the current row. Emits nothing."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(name)
        self.setObjectName("rowList")
        self.setModel(RowModel(self))
        self.setItemDelegate(RowDelegate(self))
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.selectionModel().selectionChanged.connect(self._selection_changed)

    def dataChanged(
        self,
        topLeft: _Index,  # noqa: N803 - Qt's names
        bottomRight: _Index,  # noqa: N803
        roles: Sequence[int] = (),
    ) -> None:
        # One row's content, same height (RowModel.replace_row): repaint that row.
        # QListView itself would lay every row out again, 1,000 size hints a save.
        if topLeft == bottomRight and roles and list(roles) == _CONTENT_ROLES:
            QAbstractItemView.dataChanged(self, topLeft, bottomRight, roles)
            return
        super().dataChanged(topLeft, bottomRight, roles)

    def _selection_changed(self) -> None:
        selected = self.selectionModel().selectedIndexes()
        if selected:
            self.row_chosen.emit(selected[0].data(KEY_ROLE))

    def row_model(self) -> RowModel:
        model = self.model()
        assert isinstance(model, RowModel)  # noqa: S101 - set in __init__, never replaced
        return model

    def current_key(self) -> Hashable | None:
        index = self.currentIndex()
        return index.data(KEY_ROLE) if index.isValid() else None

    def select_key(self, key: Hashable | None) -> bool:
        """Make the row with ``key`` current; False (and no selection) if it is not shown."""
        index = self.row_model().index_of(key) if key is not None else QModelIndex()
        if not index.isValid():
            self.clearSelection()
            self.setCurrentIndex(QModelIndex())
            return False
        self.setCurrentIndex(index)
        self.scrollTo(index)
        return True

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Delete) and self.currentIndex().isValid():
            self.delete_pressed.emit()
            return
        super().keyPressEvent(event)
