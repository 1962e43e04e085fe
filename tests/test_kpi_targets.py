"""Conclusion 226 targets at their boundaries, and the plan's deadlines as worded in the table; which
reports the plan asks (footnote 2), the last day before "trước ngày …", and the data windows of
Điều 12 Nghị định 09/2019/NĐ-CP, each on both sides of its date."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from domain.errors import InvalidInput
from domain.kpi import KpiFigures, evaluate_targets
from domain.periods import Period
from domain.reporting import (
    city_deadlines,
    data_window,
    kpi_report_due,
    not_due_reason,
    parse_window,
    reporting_periods,
    unit_report_due,
)
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


YEAR = Period.parse("2026")  # every target is judged on an annual report


def verdicts(figures: KpiFigures, previous: KpiFigures | None = LAST_YEAR,
             period: Period = YEAR) -> dict[str, bool | None]:
    return {c.code: c.met for c in evaluate_targets(figures, previous, period=period)}


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


# -- item 8: which reports are due, the annual targets, the last day -------------------------------------

def p(code: str) -> Period:
    return Period.parse(code)


@pytest.mark.parametrize("code,due", [
    ("2025-H1", False), ("2025", False),          # before 2026: the plan (10/6/2026) asks nothing
    ("2026-H1", False), ("2026", True),           # footnote 2: for 2026 only the annual report
    ("2027-H1", True), ("2027", True),            # from 2027 the half-year and the year
    ("2026-H2", False), ("2027-H2", False),       # the plan never asks a second-half report
])
def test_which_reports_the_plan_asks(code: str, due: bool) -> None:
    assert kpi_report_due(p(code)) is due
    assert (not_due_reason(p(code)) is None) is due
    assert bool(city_deadlines(p(code))) is due


def test_the_2026_half_year_is_not_due_and_says_footnote_2() -> None:
    assert "Đối với năm 2026 thực hiện báo cáo cuối năm (trước ngày 10 tháng 12)" in not_due_reason(p("2026-H1"))
    assert reporting_periods(2025) == ()
    assert reporting_periods(2026) == (p("2026"),)
    assert reporting_periods(2027) == (p("2027-H1"), p("2027"))


def test_before_the_tenth_means_the_ninth_is_the_last_day() -> None:
    h1, year = city_deadlines(p("2027-H1")), city_deadlines(p("2026"))
    assert [(d.before, d.due_on) for d in h1] == [(date(2027, 6, 10), date(2027, 6, 9)),
                                                   (date(2027, 6, 20), date(2027, 6, 19))]
    assert [d.due_on for d in year] == [date(2026, 12, 9), date(2026, 12, 19)]
    assert year[0].text == ("hạn cuối 09/12/2026 (trước ngày 10/12/2026) — Ủy ban nhân dân thành phố "
                            "(báo cáo Bộ Nội vụ, Chính phủ)")
    # units are asked 5 days before the city's last day: 04/12, not 05/12 (which was 5 days before the 10th)
    assert unit_report_due(p("2026")) == date(2026, 12, 4)
    assert unit_report_due(p("2027-H1")) == date(2027, 6, 4)


ANNUAL = ("procedures_online", "documents_digitised", "electronic_sending", "staff_trained")


@pytest.mark.parametrize("code", ["2026-H1", "2027-H1", "2026-H2"])
def test_annual_targets_are_not_evaluated_on_a_half_year_report(code: str) -> None:
    far_below = replace(ON_TARGET, procedures_online_pct=10, documents_digitised_pct=10, electronic_sending_pct=10,
                        staff_trained_pct=10)
    checks = {c.code: c for c in evaluate_targets(far_below, LAST_YEAR, period=p(code))}
    for code_ in ANNUAL:
        assert checks[code_].met is None and not checks[code_].missed
        assert "chưa đánh giá trên báo cáo 6 tháng" in checks[code_].text
    assert "mục 13 Phụ lục Kế hoạch số 83/KH-UBND: đạt đến cuối năm 2026" in checks["procedures_online"].text
    assert all(checks[c].met is True for c in checks if c not in ANNUAL)


def test_annual_targets_are_judged_on_the_years_report() -> None:
    far_below = replace(ON_TARGET, procedures_online_pct=94.9, staff_trained_pct=99)
    result = verdicts(far_below, period=p("2026"))
    assert (result["procedures_online"], result["staff_trained"]) == (False, False)


# -- item 11: data windows (Điều 12 Nghị định 09/2019/NĐ-CP) ----------------------------------------------

@pytest.mark.parametrize("code,start,end", [
    ("2026-H1", date(2025, 12, 15), date(2026, 6, 14)),
    ("2026-H2", date(2026, 6, 15), date(2026, 12, 14)),
    ("2026", date(2025, 12, 15), date(2026, 12, 14)),
])
def test_nd09_windows(code: str, start: date, end: date) -> None:
    window = data_window(p(code))
    assert (window.start, window.end, window.code) == (start, end, "nd09")
    assert window.basis == "Điều 12 Nghị định 09/2019/NĐ-CP"


@pytest.mark.parametrize("code,inside,outside", [
    ("2026-H1", [date(2025, 12, 15), date(2026, 6, 14)], [date(2025, 12, 14), date(2026, 6, 15)]),
    ("2026-H2", [date(2026, 6, 15), date(2026, 12, 14)], [date(2026, 6, 14), date(2026, 12, 15)]),
    ("2026", [date(2025, 12, 15), date(2026, 12, 14)], [date(2025, 12, 14), date(2026, 12, 15)]),
])
def test_window_boundaries_on_both_sides(code: str, inside: list[date], outside: list[date]) -> None:
    window = data_window(p(code))
    assert all(window.contains(d) for d in inside)
    assert not any(window.contains(d) for d in outside)


def test_calendar_windows_are_the_periods_and_a_bad_choice_is_refused() -> None:
    assert (data_window(p("2026-H1"), "calendar").start, data_window(p("2026-H1"), "calendar").end) == (
        date(2026, 1, 1), date(2026, 6, 30))
    assert data_window(p("2026-H1"), "calendar").text == "từ ngày 01/01/2026 đến ngày 30/06/2026 (kỳ dương lịch)"
    assert data_window(p("2026"), "calendar").contains(date(2026, 12, 31))
    assert parse_window(None) == "nd09" and parse_window(" Calendar ") == "calendar"
    with pytest.raises(InvalidInput, match="Điều 12 Nghị định 09/2019/NĐ-CP") as refused:
        parse_window("quarter")
    assert refused.value.field == "window"
