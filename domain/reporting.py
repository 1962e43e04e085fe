"""The reporting calendar of Kế hoạch 83/KH-UBND: when the city's Conclusion 226 report is due, and
when units' KPI reports are due to Sở Nội vụ before it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from domain.periods import Period

# Units send their figures this many days before the city's deadline to the People's Committee: the
# plan sets no date for them, so Sở Nội vụ's working rule is kept here (one place to change it).
UNIT_LEAD_DAYS = 5


@dataclass(frozen=True)
class ReportingDeadline:
    """A report due "before" a date (trước ngày …): the last day to send it is the day before."""

    code: str  # ubnd | thanh_uy
    recipient: str
    due_on: date
    basis: str

    @property
    def text(self) -> str:
        return f"trước ngày {self.due_on.strftime('%d/%m/%Y')} — {self.recipient}"


def city_deadlines(period: Period) -> tuple[ReportingDeadline, ...]:
    """The deadlines a city report for the period serves: the half-year report before 10/6 (and 20/6 to
    the Party committee), the annual report before 10/12 (and 20/12). A second-half report serves the
    annual deadlines."""
    month = 6 if period.code.endswith("-H1") else 12
    year = period.year
    return (
        ReportingDeadline("ubnd", "Ủy ban nhân dân thành phố (báo cáo Bộ Nội vụ, Chính phủ)", date(year, month, 10),
                          "Mục IV.1.b Kế hoạch số 83/KH-UBND"),
        ReportingDeadline("thanh_uy", "Thành ủy, Ủy ban nhân dân thành phố", date(year, month, 20),
                          "Mục 17 Phụ lục Kế hoạch số 83/KH-UBND"),
    )


def unit_report_due(period: Period) -> date:
    """When a unit's KPI report for the period is due to Sở Nội vụ."""
    return city_deadlines(period)[0].due_on - timedelta(days=UNIT_LEAD_DAYS)


def reporting_periods(year: int) -> tuple[Period, ...]:
    """The periods the plan asks reports for in a year: the first half and the whole year."""
    return Period.parse(f"{year}-H1"), Period.parse(str(year))
