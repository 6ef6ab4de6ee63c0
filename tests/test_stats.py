"""Programme statistics: exact figures from a real vault, suppression, CSV, merging and the PDF."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from peerdesk import stats
from peerdesk.checklists.library import import_template
from peerdesk.stats import Figure, Metric, Month, Report, StatsFileError
from peerdesk.stats.csv_file import merge, parse_csv, to_csv
from peerdesk.stats.figures import (
    CONCERNS,
    MODES,
    OUTCOMES,
    SERVICES,
    SMALL,
    parse_figure,
    published,
    suppress,
)
from peerdesk.store import KdfParams, Vault
from peerdesk.store.models import (
    ConcernCategory,
    RecipientType,
    ReferralStatus,
    SessionMode,
    Tick,
)
from peerdesk.store.statistics import Activity

JAN, FEB, MAR = Month(2025, 1), Month(2025, 2), Month(2025, 3)
MARKERS = ("ALIASMARK7", "REALNAMEMARK7", "NOTEMARK7", "SERVICEMARK7", "TICKNOTEMARK7")


@pytest.fixture
def vault(tmp_path: Path, fast_kdf: KdfParams) -> Iterator[Vault]:
    opened, _code = Vault.create(tmp_path / "v", "pass phrase here", kdf=fast_kdf)
    yield opened
    opened.close()


def sql(vault: Vault, statement: str, params: tuple[object, ...] = ()) -> None:
    """Tests only: write rows the way another part of peerdesk (or an older one) left them."""
    vault._db.execute(statement, params)  # noqa: SLF001


def add_contact(vault: Vault, day: str, mode: str, concerns: str, referral: int) -> None:
    sql(
        vault,
        """INSERT INTO contact_log(occurred_on, duration_minutes, mode, concerns, referral_made,
            created_at) VALUES (?, 20, ?, ?, ?, '2025-01-01T00:00:00Z')""",
        (day, mode, concerns, referral),
    )


@pytest.fixture
def busy_vault(vault: Vault) -> Vault:
    """Known activity in January to March 2025, with a marker in every free-text field."""
    person = vault.people.add(alias=MARKERS[0], real_name=MARKERS[1])
    sessions = []
    # January: 7 in person (all verbal abuse), 3 by phone (threats); February: 5 video.
    for day in range(1, 8):
        sessions.append(
            vault.sessions.add(
                person.id,
                notes=MARKERS[2],
                started_at=datetime(2025, 1, day, 9, 30),
                concerns=[ConcernCategory.VERBAL_ABUSE],
            )
        )
    for day in range(10, 13):
        vault.sessions.add(
            person.id,
            notes=MARKERS[2],
            started_at=datetime(2025, 1, day, 15),
            mode=SessionMode.PHONE,
            concerns=[ConcernCategory.THREATS, ConcernCategory.VERBAL_ABUSE],
        )
    for day in range(1, 6):
        vault.sessions.add(person.id, started_at=datetime(2025, 2, day, 11), mode=SessionMode.VIDEO)
    # Outside the span: never counted.
    vault.sessions.add(person.id, started_at=datetime(2024, 12, 31, 23, 59))
    vault.sessions.add(person.id, started_at=datetime(2025, 4, 1, 0, 0))
    # Contact log: 2 more in-person contacts in January (verbal abuse, a referral).
    add_contact(vault, "2025-01-20", "in_person", '["verbal_abuse"]', 1)
    add_contact(vault, "2025-01-21", "in_person", '["exclusion"]', 0)
    add_contact(vault, "2025-05-01", "in_person", '["exclusion"]', 1)  # outside
    # Checklist runs: 6 of safety-check, 2 of first-conversation.
    for number, session in enumerate(sessions[:6]):
        vault.checklist_runs.add(
            session.id,
            "safety-check",
            1,
            ticks=[Tick("ask", datetime.now().astimezone(), MARKERS[4])],
        )
        if number < 2:
            vault.checklist_runs.add(session.id, "first-conversation", 1)
    # Referrals: 5 to EAP made in February (3 connected in March), 1 HR, 1 draft.
    for number in range(7):
        referral = vault.referrals.add(
            person.id,
            recipient_type=RecipientType.HR if number == 5 else RecipientType.EAP,
            recipient_name=MARKERS[3],
            situation=MARKERS[2],
        )
        if number == 6:
            continue  # a draft: not a referral yet
        vault.referrals.update_status(referral.id, ReferralStatus.CREATED)
        outcome = ReferralStatus.CONNECTED.value if number < 3 else ReferralStatus.SENT.value
        sql(
            vault,
            "UPDATE referrals SET exported_at = ?, status = ?, outcome_on = ? WHERE id = ?",
            (
                "2025-02-14T12:00:00Z",
                outcome,
                "2025-03-02" if number < 3 else None,
                referral.id,
            ),
        )
    return vault


def report(vault: Vault, first: Month = JAN, last: Month = MAR) -> Report:
    return stats.report_for(vault, first, last)


# -- figures from a real vault ------------------------------------------------------------


def test_concerns_round_trip_through_the_sessions_repository(vault: Vault) -> None:
    person = vault.people.add(alias="Kestrel")
    session = vault.sessions.add(person.id, concerns={ConcernCategory.THREATS})
    assert session.concerns == {ConcernCategory.THREATS}
    updated = vault.sessions.update(session.id, concerns=[])
    assert updated.concerns == frozenset()


def test_figures_are_exact_where_they_reach_five_and_hidden_below(busy_vault: Vault) -> None:
    figures = report(busy_vault)
    conversations = {
        (key, month): figure
        for (metric, key, month), figure in figures.cells()
        if metric is Metric.CONVERSATIONS
    }
    # 7 sessions and 2 contacts in person in January.
    assert conversations[("in_person", JAN)] == Figure(9, 9)
    assert conversations[("phone", JAN)] == SMALL  # 3
    assert conversations[("video", FEB)] == Figure(5, 5)
    assert conversations[("in_person", MAR)] == SMALL  # 0 is hidden too
    assert figures.figure(Metric.CONCERNS, "verbal_abuse") == Figure(11, 11)  # 7 + 3 + 1
    assert figures.figure(Metric.CONCERNS, "threats") == SMALL
    assert figures.figure(Metric.CONCERNS, "exclusion") == SMALL
    assert figures.figure(Metric.CHECKLIST_RUNS, "safety-check") == Figure(6, 6)
    assert figures.figure(Metric.CHECKLIST_RUNS, "first-conversation") == SMALL
    # Every built-in template is listed, used or not.
    assert "acute-distress-pfa" in figures.template_ids()
    assert figures.figure(Metric.REFERRALS, "eap") == Figure(5, 5)
    assert figures.figure(Metric.REFERRALS, "hr") == SMALL
    assert figures.figure(Metric.REFERRALS, "not_recorded") == SMALL  # one, from the log
    assert figures.figure(Metric.OUTCOMES, "connected") == SMALL  # 3


def test_the_span_decides_what_counts(busy_vault: Vault) -> None:
    february = report(busy_vault, FEB, FEB)
    assert february.figure(Metric.CONVERSATIONS, "video", FEB) == Figure(5, 5)
    assert february.figure(Metric.REFERRALS, "eap") == Figure(5, 5)
    assert february.figure(Metric.CONCERNS, "verbal_abuse") == SMALL
    with pytest.raises(ValueError, match="before"):
        report(busy_vault, FEB, JAN)


def test_no_free_text_reaches_the_csv_or_the_pdf(busy_vault: Vault) -> None:
    figures = report(busy_vault)
    csv_text = to_csv(figures).decode()
    pdf_text = pdf_words(stats.report_bytes(figures, ".pdf", stats.template_titles()))
    for marker in MARKERS:
        assert marker not in csv_text
        assert marker not in pdf_text
    assert "Verbal abuse" in pdf_text
    assert "11" in pdf_text


def test_nothing_finer_than_a_month_appears(busy_vault: Vault) -> None:
    figures = report(busy_vault)
    csv_text = to_csv(figures).decode()
    pdf = stats.report_bytes(figures, ".pdf")
    day = re.compile(r"\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2}")
    assert not day.search(csv_text)
    assert not day.search(pdf_words(pdf))
    info = PdfReader(io.BytesIO(pdf)).metadata
    assert info is not None
    assert re.fullmatch(r"D:\d{6}", str(info.get("/CreationDate")))
    assert info.get("/Author") in (None, "")
    for row in csv_text.splitlines()[5:]:
        month = row.split(",")[2]
        assert month == "" or re.fullmatch(r"\d{4}-\d{2}", month)


# -- suppression, as a property -----------------------------------------------------------

small_counts = st.integers(min_value=0, max_value=12)


@st.composite
def activities(draw: st.DrawFn) -> Activity:
    return Activity(
        conversations={
            (month.text, mode): draw(small_counts) for month in (JAN, FEB) for mode in MODES
        },
        concerns={key: draw(small_counts) for key in CONCERNS},
        checklist_runs={"safety-check": draw(small_counts), "my-own-list": draw(small_counts)},
        referrals={key: draw(small_counts) for key in SERVICES[:-1]},
        outcomes={key: draw(small_counts) for key in OUTCOMES},
        contact_referrals=draw(small_counts),
    )


def csv_counts(data: bytes) -> list[str]:
    return [line.rsplit(",", 1)[1] for line in data.decode().splitlines()[5:]]


def assert_no_small_count(codes: list[str]) -> None:
    for code in codes:
        for number in re.findall(r"\d+", code):
            assert code == "<5" or int(number) >= 5, code


@settings(max_examples=200, deadline=None)
@given(activities())
def test_no_count_below_five_ever_appears_in_a_csv(activity: Activity) -> None:
    figures = suppress(activity, JAN, FEB)
    codes = csv_counts(to_csv(figures))
    assert_no_small_count(codes)
    # What is shown exactly is the true count.
    for (metric, key, month), figure in figures.cells():
        if metric is Metric.CONVERSATIONS and month is not None and figure.exact:
            assert figure.low == activity.conversations[(month.text, key)]


def pdf_words(pdf: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


def pdf_numbers(pdf: bytes) -> list[str]:
    """Every figure printed in the PDF: numbers, less page numbers, years and how many
    supporters' reports were added up (which counts supporters, not colleagues)."""
    text = re.sub(r"Page \d+ of \d+|from \d+ supporters", "", pdf_words(pdf))
    text = re.sub(r"\b(?:19|20)\d{2}\b", "", text)
    return re.findall(r"<5|\d+", text)


# Few examples, no shrinking: each draws four PDFs. The CSV property above runs many more.
@settings(
    max_examples=8,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow],
)
@given(activities(), activities())
def test_no_count_below_five_ever_appears_in_a_pdf_single_or_merged(
    one: Activity, other: Activity
) -> None:
    first, second = suppress(one, JAN, FEB), suppress(other, JAN, FEB)
    for shown in (first, merge([("a.csv", first), ("b.csv", second)])):
        assert_no_small_count(csv_counts(to_csv(shown)))
        assert_no_small_count(pdf_numbers(stats.report_bytes(shown, ".pdf")))


def test_a_report_refuses_a_small_exact_figure() -> None:
    figures = dict(suppress(Activity(), JAN, JAN).figures)
    figures[(Metric.CONCERNS, "threats", None)] = Figure(3, 3)
    with pytest.raises(ValueError, match="below 5"):
        Report(JAN, JAN, figures)
    assert published(4) == SMALL
    assert published(0) == SMALL
    assert published(5) == Figure(5, 5)


# -- merging ------------------------------------------------------------------------------


def exact_activity(count: int) -> Activity:
    return Activity(
        conversations={(JAN.text, mode): count for mode in MODES},
        concerns=dict.fromkeys(CONCERNS, count),
        referrals=dict.fromkeys(SERVICES[:-1], count),
        outcomes=dict.fromkeys(OUTCOMES, count),
        contact_referrals=count,
    )


def test_merging_adds_exact_figures_exactly_and_keeps_hidden_ones_as_ranges() -> None:
    a = suppress(exact_activity(7), JAN, JAN)
    b = suppress(exact_activity(12), JAN, JAN)
    c = suppress(exact_activity(2), JAN, JAN)
    both = merge([("a.csv", a), ("b.csv", b)])
    assert both.reports == 2
    assert both.figure(Metric.CONVERSATIONS, "phone", JAN) == Figure(19, 19)
    assert both.figure(Metric.REFERRALS, "not_recorded") == Figure(19, 19)
    three = merge([("a.csv", a), ("b.csv", b), ("c.csv", c)])
    assert three.figure(Metric.CONCERNS, "threats") == Figure(19, 23)
    assert three.figure(Metric.CONCERNS, "threats").label == "19\u201323"
    hidden = merge([("c.csv", c), ("d.csv", c)])
    assert hidden.figure(Metric.CONCERNS, "other").code == "<=8"
    assert hidden.figure(Metric.CONCERNS, "other").label == "up to 8"


def test_a_merged_csv_reads_back_as_the_same_report() -> None:
    merged = merge(
        [
            ("a.csv", suppress(exact_activity(7), JAN, JAN)),
            ("c.csv", suppress(Activity(), JAN, JAN)),
        ]
    )
    assert parse_csv(to_csv(merged), "merged.csv") == merged


def test_a_template_only_one_report_lists_counts_as_none_in_the_other() -> None:
    mine = suppress(Activity(checklist_runs={"my-own-list": 9}), JAN, JAN)
    theirs = suppress(Activity(), JAN, JAN)
    merged = merge([("a.csv", mine), ("b.csv", theirs)])
    assert merged.figure(Metric.CHECKLIST_RUNS, "my-own-list") == Figure(9, 9)


def write(path: Path, report: Report) -> Path:
    path.write_bytes(to_csv(report))
    return path


def test_reports_for_different_months_are_not_merged(tmp_path: Path) -> None:
    a = write(tmp_path / "report-a.csv", suppress(Activity(), JAN, FEB))
    b = write(tmp_path / "report-b.csv", suppress(Activity(), JAN, MAR))
    with pytest.raises(StatsFileError) as caught:
        stats.read_and_merge([a, b])
    assert str(caught.value) == (
        "report-b.csv, line 2: covers 2025-01 to 2025-03, but report-a.csv covers "
        "2025-01 to 2025-02. Merge reports made for the same months."
    )


def test_the_same_report_twice_is_refused(tmp_path: Path) -> None:
    a = write(tmp_path / "report-a.csv", suppress(exact_activity(6), JAN, JAN))
    copy = tmp_path / "copy.csv"
    copy.write_bytes(a.read_bytes())
    with pytest.raises(StatsFileError, match="copy.csv: holds the same figures as report-a.csv"):
        stats.read_and_merge([a, copy])


# -- malformed files, named with their line ------------------------------------------------


def good_lines() -> list[str]:
    return to_csv(suppress(exact_activity(6), JAN, FEB)).decode().splitlines()


def edited(line: int, text: str) -> bytes:
    lines = good_lines()
    lines[line - 1] = text
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (edited(7, "sessions,in_person,2025-02,abc"), "line 7: 'abc' is not a count"),
        (
            edited(7, "sessions,in_person,2025-02,3"),
            "line 7: '3' is a count below 5; it must be written <5",
        ),
        (edited(7, "sessions,in_person,2025-02,-4"), "line 7: '-4' is not a count"),
        (edited(7, "sessions,in_person,2025-02,3-9"), "line 7: '3-9' is not a valid range"),
        (edited(1, "peerdesk-stats,2"), "line 1: uses statistics format '2'"),
        (edited(1, "name,alias,notes"), "line 1: is not a peerdesk statistics file"),
        (edited(2, "from,2025-13"), "line 2: '2025-13' is not a month"),
        (edited(3, "to,2024-12"), "line 3: the last month comes before the first"),
        (edited(5, "metric,key,day,count"), "line 5: the column headings must be"),
        (edited(7, "people,in_person,2025-02,6"), "line 7: 'people' is not a known metric"),
        (edited(7, "sessions,Robin,2025-02,6"), "line 7: 'Robin' is not a known key"),
        (edited(7, "sessions,in_person,2025-03,6"), "line 7: 2025-03 is outside the months"),
        (edited(7, "sessions,in_person,2025-02-14,6"), "line 7: '2025-02-14' is not a month"),
        (edited(7, "concerns,threats,2025-01,6"), "line 7: concerns figures cover the whole"),
        (edited(7, "sessions,in_person,2025-01,6"), "line 7: this row repeats line 6"),
        (edited(7, "sessions,in_person,2025-02,6,extra"), "line 7: expected 4 fields"),
        (edited(7, '"sessions,in_person'), "is not valid CSV"),
        (b"\xff\xfe\x00binary", "report-b.csv: is not a peerdesk statistics file"),
    ],
)
def test_a_malformed_file_is_named_with_its_line(data: bytes, message: str) -> None:
    with pytest.raises(StatsFileError) as caught:
        parse_csv(data, "report-b.csv")
    assert str(caught.value).startswith("report-b.csv")
    assert message in str(caught.value)


def test_an_incomplete_file_is_refused() -> None:
    lines = good_lines()
    del lines[8]
    with pytest.raises(StatsFileError, match="is missing; the file is incomplete"):
        parse_csv("\n".join(lines).encode(), "report-b.csv")


def test_a_spreadsheet_bom_and_trailing_blank_lines_are_fine() -> None:
    data = b"\xef\xbb\xbf" + ("\n".join(good_lines()) + "\n\n\n").encode()
    assert parse_csv(data, "x.csv").figure(Metric.CONCERNS, "threats") == Figure(6, 6)


def test_figure_codes_round_trip() -> None:
    for figure in (Figure(5, 5), SMALL, Figure(12, 16), Figure(0, 8)):
        assert parse_figure(figure.code) == figure


# -- files --------------------------------------------------------------------------------


def test_reports_are_written_privately_with_month_names(busy_vault: Vault, tmp_path: Path) -> None:
    figures = report(busy_vault)
    assert stats.suggested_name(figures, ".pdf") == "peerdesk-statistics-2025-01-to-2025-03.pdf"
    for suffix in (".pdf", ".csv"):
        path = tmp_path / f"out{suffix}"
        stats.write_report(path, figures)
        assert path.stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "out.csv").read_bytes() == to_csv(figures)
    with pytest.raises(ValueError, match=r"\.pdf or a \.csv"):
        stats.write_report(tmp_path / "out.txt", figures)
    assert not (tmp_path / "out.txt").exists()


def test_an_imported_template_is_named_by_its_title_in_the_pdf(busy_vault: Vault) -> None:
    source = b"""\
id = "night-shift-check-in"
version = 1
title = "Night shift check-in"
language = "en"
purpose = "A short check-in for colleagues on nights."
sources = ["Active listening (OARS)"]

[[sections]]
id = "one"
title = "One"

[[sections.items]]
id = "a"
label = "Asked how the shift went"
guidance = "Open question."
"""
    import_template(busy_vault, source, "night-shift-check-in.toml", builtins=[])
    sessions = busy_vault.sessions.list_for_person(busy_vault.people.list()[0].id)
    january = [s for s in sessions if s.started_at.month == 1 and s.started_at.year == 2025]
    for session in january[:5]:
        busy_vault.checklist_runs.add(session.id, "night-shift-check-in", 1)
    figures = report(busy_vault)
    assert figures.figure(Metric.CHECKLIST_RUNS, "night-shift-check-in") == Figure(5, 5)

    titles = stats.template_titles(busy_vault)
    assert titles["night-shift-check-in"] == "Night shift check-in"
    assert titles["safety-check"] == stats.template_titles()["safety-check"]
    pdf_text = pdf_words(stats.report_bytes(figures, ".pdf", titles))
    assert "Night shift check-in" in pdf_text
    assert "night-shift-check-in" not in pdf_text
    # The CSV, which leaves the laptop to be merged, names templates by id only.
    assert "Night shift" not in to_csv(figures).decode()
