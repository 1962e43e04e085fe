"""Unit KPI reports for Conclusion 226: submit once per unit and period, then correct with a reason."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from domain.actor import Actor
from domain.kpi import KpiFigures, UnitKpiReport
from domain.organisation import Unit
from services.base import Service, Written


class KpiService(Service):
    def put_report(self, actor: Actor, unit_id: UUID, period: str, *, reported_on: date,
                   figures: KpiFigures, reason: str | None = None,
                   expected_version: int | None = None) -> Written:
        """Submit the period's report, or correct it if one exists (a correction needs a reason)."""
        self.load(Unit, unit_id, field="unitId")
        report_id = UnitKpiReport.id_for(unit_id, period)
        if not self.exists(report_id):
            report = UnitKpiReport.submit(unit_id=unit_id, period=period, submitted_on=reported_on,
                                          figures=figures, recorded_by=actor)
            return self.create(report, f"{period}")
        report = self.load(UnitKpiReport, report_id, expected_version=expected_version)
        report.correct(corrected_on=reported_on, figures=figures, reason=reason or "", recorded_by=actor)
        position = self.save(report)
        return self.written(position, report)
