"""The shared row list: long lists make only the rows they show, at the height their lines need."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from PySide6.QtWidgets import QStyleOptionViewItem
from pytestqt.qtbot import QtBot

from peerdesk.store.models import Person, PersonId
from peerdesk.timeline import DateStyle, LazyRows, Row, person_row, person_shape, row_shape
from peerdesk.ui.row_list import RowListView

TODAY = date(2025, 3, 10)


def _person(n: int) -> Person:
    return Person(
        id=PersonId(n),
        alias=f"Person {n}",
        real_name=None,
        created_at=datetime(2025, 1, 1).astimezone(),
        closed_at=None,
        last_contact=datetime(2025, 3, 1, 9, 30) if n % 2 else None,
        follow_up_due=TODAY - timedelta(days=n % 4) if n % 3 == 0 else None,
        risk_flagged=n % 5 == 0,
        keep_until=None,
        keep_reason=None,
    )


def test_a_long_list_makes_only_the_rows_it_shows(qtbot: QtBot) -> None:
    made: list[int] = []
    dates = DateStyle(TODAY)

    def make(person: Person) -> Row:
        made.append(person.id)
        return person_row(person, dates)

    view = RowListView("People")
    qtbot.addWidget(view)
    view.resize(280, 400)
    people = [_person(n) for n in range(1, 2001)]
    view.row_model().set_rows(LazyRows(people, make, lambda p: p.id, person_shape))
    view.show()
    view.grab()

    assert 0 < len(made) < 50, "every row was made, not only those on screen"
    assert made[0] == 1
    # Scrolling to the end shows the last person, made when it is painted.
    assert view.select_key(PersonId(2000))
    view.grab()
    assert 2000 in made
    assert view.current_key() == 2000


def test_every_row_is_as_tall_as_its_own_lines(qtbot: QtBot) -> None:
    """A lazy row is measured by its shape: the shape must say what the row shows,
    or a "Follow-up overdue" badge would be cut off (or a gap left under a row)."""
    dates = DateStyle(TODAY)
    people = [_person(n) for n in range(1, 31)]
    lazy = RowListView("People")
    eager = RowListView("People")
    for view in (lazy, eager):
        qtbot.addWidget(view)
    lazy.row_model().set_rows(
        LazyRows(people, lambda p: person_row(p, dates), lambda p: p.id, person_shape)
    )
    eager.row_model().set_rows([person_row(p, dates) for p in people])

    option = QStyleOptionViewItem()
    option.font = lazy.font()
    badges = set()
    for n, row in enumerate(eager.row_model().rows()):
        assert person_shape(people[n]) == row_shape(row)
        lazy_size = lazy.itemDelegate().sizeHint(option, lazy.row_model().index(n))
        eager_size = eager.itemDelegate().sizeHint(option, eager.row_model().index(n))
        assert lazy_size == eager_size
        badges.add(bool(row.badge))
    assert badges == {True, False}  # both kinds were measured
    assert lazy.row_model().rows() == eager.row_model().rows()
