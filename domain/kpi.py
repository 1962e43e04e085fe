"""Unit KPI reports against the Conclusion 226 targets, per unit and period (DESIGN §4)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from typing import Any
from uuid import UUID

from domain.actor import Actor
from domain.base import TrackerAggregate, illegal, natural_id, not_in_future, require_date, require_reason
from domain.errors import InvalidInput, RuleViolated
from domain.periods import Period


MAX_COUNT = 1_000_000_000  # beyond any unit's yearly count; keeps every store's integer columns safe


@dataclass(frozen=True)
class KpiFigures:
    """What a unit reports for a period (Kết luận 226-KL/TW; Kế hoạch 83/KH-UBND)."""

    conferences_total: int
    conferences_online: int
    # Longest conference of each type, in days (caps: ½, 1 and 1½ days).
    longest_indoctrination_days: float
    longest_professional_days: float
    longest_important_days: float
    documents_issued: int
    procedures_online_pct: float
    documents_digitised_pct: float
    electronic_sending_pct: float
    staff_trained_pct: float

    def validate(self) -> KpiFigures:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= MAX_COUNT:
                raise InvalidInput(f"Chỉ tiêu '{f.name}' phải là số từ 0 đến {MAX_COUNT:,}.", field=f.name,
                                   value=value)
            if f.name.endswith("_pct") and value > 100:
                raise InvalidInput(f"Tỷ lệ '{f.name}' không được vượt 100%.", field=f.name, value=value)
        if self.conferences_online > self.conferences_total:
            raise RuleViolated("Số hội nghị trực tuyến lớn hơn tổng số hội nghị.",
                               rule="online_exceeds_total", field="conferences_online",
                               value=self.conferences_online)
        return self


class UnitKpiReport(TrackerAggregate):
    """One unit's report for one period; corrections are new events with a reason."""

    class Submitted(TrackerAggregate.Created):
        unit_id: UUID
        period: str
        submitted_on: date
        figures: KpiFigures

    class Corrected(TrackerAggregate.Event):
        corrected_on: date
        figures: KpiFigures
        reason: str

        def apply(self, report: UnitKpiReport) -> None:
            report.figures = self.figures

    unit_id: UUID
    period: str
    submitted_on: date
    figures: KpiFigures

    def __init__(self, unit_id: UUID, period: str, submitted_on: date, figures: KpiFigures) -> None:
        self.unit_id = unit_id
        self.period = period
        self.submitted_on = submitted_on
        self.figures = figures

    @staticmethod
    def id_for(unit_id: UUID, period: str) -> UUID:
        return natural_id("kpi", f"{unit_id}/{Period.parse(period).code}")

    @classmethod
    def submit(cls, *, unit_id: UUID, period: str, submitted_on: date, figures: KpiFigures,
               recorded_by: Actor) -> UnitKpiReport:
        code = Period.parse(period).code
        submitted_on = require_date(submitted_on, "submittedOn")
        not_in_future(submitted_on, "submittedOn")
        return cls._create(cls.Submitted, id=cls.id_for(unit_id, code), unit_id=unit_id, period=code,
                           submitted_on=submitted_on, figures=figures.validate(),
                           recorded_by=recorded_by)

    def correct(self, *, corrected_on: date, figures: KpiFigures, reason: str, recorded_by: Actor) -> None:
        figures = figures.validate()
        if figures == self.figures:
            raise illegal("Số liệu sửa đổi trùng với số liệu hiện có.", "kpi_unchanged")
        self.trigger_event(self.Corrected, corrected_on=require_date(corrected_on, "correctedOn"),
                           figures=figures, reason=require_reason(reason), recorded_by=recorded_by)


def figures_from(raw: dict[str, Any]) -> KpiFigures:
    """Build figures from a mapping, naming the first missing or unknown field."""
    names = [f.name for f in fields(KpiFigures)]
    for name in names:
        if name not in raw:
            raise InvalidInput(f"Thiếu chỉ tiêu '{name}'.", field=name)
    unknown = sorted(set(raw) - set(names))
    if unknown:
        raise InvalidInput(f"Chỉ tiêu không xác định: '{unknown[0]}'.", field=unknown[0])
    return KpiFigures(**{n: raw[n] for n in names})
