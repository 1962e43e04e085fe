"""Conclusion 226 targets at their boundaries, and the plan's deadlines as worded in the table."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from domain.errors import InvalidInput
from domain.kpi import KpiFigures, evaluate_targets
from domain.periods import Period
from domain.reporting import city_deadlines, unit_report_due
from domain.tasks import due_date_from_text
from tracker.plan83 import ROWS

# Exactly on every target: 60% online, −10% conferences and −15% documents on last year, 95% online
# procedures and digitised documents, 100% electronic sending and trained staff, the longest
# conference of each type at its cap.
ON_TARGET = KpiFigures(conferences_total=90, conferences_online=54, longest_indoctrination_days=0.5,
                       longest_professional_days=1.0, longest_important_days=1.5, documents_issued=1105,
                       procedures_online_pct=95.0, documents_digitised_pct=95.0, electronic_sending_pct=100.0,
                       staff_trained_pct=100.0)
LAST_YEAR = replace(ON_TARGET, conferences_total=100, documents_issued=1300)


def verdicts(figures: KpiFigures, previous: KpiFigures | None = LAST_YEAR) -> dict[str, bool]:
    return {c.code: c.met for c in evaluate_targets(figures, previous)}


def test_every_target_is_met_exactly_on_its_boundary() -> None:
    assert verdicts(ON_TARGET) == dict.fromkeys(
        ("online_share", "conferences_cut", "documents_cut", "procedures_online", "documents_digitised",
         "electronic_sending", "staff_trained", "conference_length"), True)


@pytest.mark.parametrize("change,missed", [
    ({"conferences_online": 53}, "online_share"),                                # 58.9%
    ({"conferences_total": 91, "conferences_online": 55}, "conferences_cut"),    # −9%
    ({"documents_issued": 1106}, "documents_cut"),                               # −14.9%
    ({"procedures_online_pct": 94.9}, "procedures_online"),
    ({"documents_digitised_pct": 94.99}, "documents_digitised"),
    ({"electronic_sending_pct": 99.9}, "electronic_sending"),
    ({"staff_trained_pct": 99.5}, "staff_trained"),
    ({"longest_professional_days": 1.5}, "conference_length"),
])
def test_one_step_past_a_boundary_misses_that_target_only(change: dict[str, float], missed: str) -> None:
    result = verdicts(replace(ON_TARGET, **change))
    assert [code for code, met in result.items() if not met] == [missed]


def test_cuts_need_last_years_report_and_are_left_out_without_it() -> None:
    assert "conferences_cut" not in verdicts(ON_TARGET, previous=None)
    assert "documents_cut" not in verdicts(ON_TARGET, previous=None)


def test_fifteen_percent_of_an_awkward_number_is_exact() -> None:
    # 130 × 0.85 = 110.5: 110 documents meet the cut, 111 do not (no float rounding either way)
    previous = replace(LAST_YEAR, documents_issued=130)
    assert verdicts(replace(ON_TARGET, documents_issued=110), previous)["documents_cut"]
    assert not verdicts(replace(ON_TARGET, documents_issued=111), previous)["documents_cut"]


@pytest.mark.parametrize("text,due", [
    ("Tháng 6 năm 2026", date(2026, 6, 30)),
    ("Quý III/2026", date(2026, 9, 30)),
    ("Sau khi Thủ tướng Chính phủ ban hành Chỉ thị (Quý III/2026)", date(2026, 9, 30)),
    ("Quý IV/2026", date(2026, 12, 31)),
    ("2026-2027", date(2027, 12, 31)),
    ("Đến cuối năm 2026", date(2026, 12, 31)),
    ("Thường xuyên", date(2026, 12, 31)),
    ("Định kỳ hằng năm", date(2026, 12, 31)),
])
def test_deadlines_as_the_plan_words_them(text: str, due: date) -> None:
    assert due_date_from_text(text, date(2026, 6, 10)) == due


def test_every_row_of_the_plans_table_has_a_deadline_we_understand() -> None:
    assert [r.row_no for r in ROWS] == [str(n) for n in range(1, 19)]
    for row in ROWS:
        assert date(2026, 6, 30) <= due_date_from_text(row.deadline, date(2026, 6, 10)) <= date(2027, 12, 31)


def test_an_unknown_wording_is_refused_with_examples() -> None:
    with pytest.raises(InvalidInput, match="Quý III/2026"):
        due_date_from_text("sớm nhất có thể", date(2026, 6, 10))


def test_reporting_calendar() -> None:
    h1, year = city_deadlines(Period.parse("2026-H1")), city_deadlines(Period.parse("2026"))
    assert [d.due_on for d in h1] == [date(2026, 6, 10), date(2026, 6, 20)]
    assert [d.due_on for d in year] == [date(2026, 12, 10), date(2026, 12, 20)]
    assert unit_report_due(Period.parse("2026-H1")) == date(2026, 6, 5)
