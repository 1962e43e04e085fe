"""The reporting calendar of Kế hoạch 83/KH-UBND: which reports are due, when the city's Conclusion 226
report is due and when units' KPI reports are due to Sở Nội vụ before it, and which days of facts a
report covers (Điều 12 Nghị định 09/2019/NĐ-CP)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from domain.errors import InvalidInput
from domain.periods import Period

# Units send their figures this many days before the city's last day (the day before "trước ngày 10
# tháng 6 / 10 tháng 12"): the plan sets no date for them, so Sở Nội vụ's working rule is kept here.
UNIT_LEAD_DAYS = 5

# Kế hoạch 83/KH-UBND, mục IV.1.b: "Định kỳ 6 tháng (trước ngày 10 tháng 6)², hằng năm (trước ngày 10
# tháng 12) tổng hợp, tham mưu Ủy ban nhân dân thành phố báo cáo Bộ Nội vụ, Chính phủ"; chú thích 2:
# "Đối với năm 2026 thực hiện báo cáo cuối năm (trước ngày 10 tháng 12)." The plan (dated 10/6/2026)
# asks a first-half report and an annual one, never a second-half one, and none before 2026.
FIRST_REPORTING_YEAR = 2026
FOOTNOTE_2 = "Đối với năm 2026 thực hiện báo cáo cuối năm (trước ngày 10 tháng 12)."
FOOTNOTE_2_BASIS = "chú thích 2 mục IV.1.b Kế hoạch số 83/KH-UBND"


def kpi_report_due(period: Period) -> bool:
    """Whether the plan asks for a report of this period (the units' KPI reports and the city report
    alike): from 2026; in 2026 only the annual one (footnote 2); from 2027 the first half and the year;
    never the second half (the plan asks "định kỳ 6 tháng" before 10 June and "hằng năm")."""
    if period.year < FIRST_REPORTING_YEAR or period.code.endswith("-H2"):
        return False
    if period.code.endswith("-H1"):
        return period.year > FIRST_REPORTING_YEAR
    return True


def not_due_reason(period: Period) -> str | None:
    """Why no report of the period is due (Vietnamese, citing the plan), or None when one is due."""
    if kpi_report_due(period):
        return None
    if period.year < FIRST_REPORTING_YEAR:
        return (f"Kỳ {period.code} không phải báo cáo: Kế hoạch số 83/KH-UBND (ngày 10/6/2026) yêu cầu báo cáo "
                f"từ năm {FIRST_REPORTING_YEAR}.")
    if period.code.endswith("-H2"):
        return (f"Kỳ {period.code} không phải báo cáo: mục IV.1.b Kế hoạch số 83/KH-UBND chỉ yêu cầu báo cáo "
                "6 tháng (trước ngày 10 tháng 6) và báo cáo năm (trước ngày 10 tháng 12).")
    return f"Kỳ {period.code} không phải báo cáo: {FOOTNOTE_2_BASIS} — “{FOOTNOTE_2}”"


@dataclass(frozen=True)
class ReportingDeadline:
    """A report due "before" a date (trước ngày …): the last day to send it is the day before."""

    code: str  # ubnd | thanh_uy
    recipient: str
    before: date  # the date the plan names: "trước ngày 10 tháng 6"
    basis: str

    @property
    def due_on(self) -> date:
        """The last day to send it: "trước ngày 10/6" leaves 9/6 as the last day."""
        return self.before - timedelta(days=1)

    @property
    def text(self) -> str:
        return (f"hạn cuối {self.due_on.strftime('%d/%m/%Y')} (trước ngày {self.before.strftime('%d/%m/%Y')})"
                f" — {self.recipient}")


def city_deadlines(period: Period) -> tuple[ReportingDeadline, ...]:
    """The deadlines a city report for the period serves: the half-year report before 10/6 (and 20/6 to
    the Party committee), the annual report before 10/12 (and 20/12); none when the plan asks no report
    of the period (`kpi_report_due`)."""
    if not kpi_report_due(period):
        return ()
    return _calendar(period)


def _calendar(period: Period) -> tuple[ReportingDeadline, ...]:
    month = 6 if period.code.endswith("-H1") else 12
    year = period.year
    return (
        ReportingDeadline("ubnd", "Ủy ban nhân dân thành phố (báo cáo Bộ Nội vụ, Chính phủ)", date(year, month, 10),
                          "Mục IV.1.b Kế hoạch số 83/KH-UBND"),
        ReportingDeadline("thanh_uy", "Thành ủy, Ủy ban nhân dân thành phố", date(year, month, 20),
                          "Mục 17 Phụ lục Kế hoạch số 83/KH-UBND"),
    )


def unit_report_due(period: Period) -> date:
    """The last day for a unit's KPI report of the period to reach Sở Nội vụ: UNIT_LEAD_DAYS before the
    city's last day (the day before "trước ngày 10 tháng 6 / 10 tháng 12"). A calendar date even for a
    period whose report is not due (`kpi_report_due` says whether it is)."""
    return _calendar(period)[0].due_on - timedelta(days=UNIT_LEAD_DAYS)


def reporting_periods(year: int) -> tuple[Period, ...]:
    """The periods of the year whose reports are due: the first half (from 2027) and the whole year."""
    return tuple(p for p in (Period.parse(f"{year}-H1"), Period.parse(str(year))) if kpi_report_due(p))


# -- the data window of a report (Điều 12 Nghị định 09/2019/NĐ-CP) ------------------------------------

ND09 = "nd09"
CALENDAR = "calendar"
WINDOW_BASES = {
    ND09: "Điều 12 Nghị định 09/2019/NĐ-CP",
    CALENDAR: "kỳ dương lịch",
}


@dataclass(frozen=True)
class DataWindow:
    """The business dates whose facts a report counts: from `start` to `end`, both included."""

    start: date
    end: date
    code: str  # nd09 | calendar

    @property
    def basis(self) -> str:
        return WINDOW_BASES[self.code]

    @property
    def text(self) -> str:
        return f"từ ngày {self.start.strftime('%d/%m/%Y')} đến ngày {self.end.strftime('%d/%m/%Y')} ({self.basis})"

    def contains(self, on: date) -> bool:
        return self.start <= on <= self.end


def parse_window(text: str | None, field: str = "window") -> str:
    """`nd09` (the default, when none is given) or `calendar`; anything else, an empty value included, is
    refused naming both."""
    value = ND09 if text is None else text.strip().lower()
    if value not in WINDOW_BASES:
        raise InvalidInput(f"Cách chốt số liệu không hợp lệ: {text!r}; dùng nd09 (Điều 12 Nghị định 09/2019/NĐ-CP: "
                           "từ ngày 15 tháng trước kỳ đến ngày 14) hoặc calendar (kỳ dương lịch).",
                           field=field, value=text)
    return value


def data_window(period: Period, code: str = ND09) -> DataWindow:
    """The days of facts a report of the period covers.

    `nd09` — Điều 12 Nghị định 09/2019/NĐ-CP (thời gian chốt số liệu báo cáo định kỳ), which applies
    unless the text asking for the report says otherwise (Kế hoạch 83/KH-UBND does not; its mục II.5.c
    asks reporting to follow that decree): six months' report from 15 December of the previous year to
    14 June; the second six months from 15 June to 14 December; the year from 15 December of the
    previous year to 14 December. `calendar` — the period itself (1/1–30/6, 1/7–31/12, 1/1–31/12).
    """
    code = parse_window(code)
    if code == CALENDAR:
        return DataWindow(period.start, period.end, code)
    year = period.year
    if period.code.endswith("-H2"):
        return DataWindow(date(year, 6, 15), date(year, 12, 14), code)
    end = date(year, 6, 14) if period.code.endswith("-H1") else date(year, 12, 14)
    return DataWindow(date(year - 1, 12, 15), end, code)
