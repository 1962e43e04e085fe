"""Unit KPI reports against the Conclusion 226 targets, per unit and period (DESIGN §4)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from fractions import Fraction
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


# -- the Conclusion 226 targets ---------------------------------------------------------------------

@dataclass(frozen=True)
class KpiTargets:
    """The targets of Kết luận 226-KL/TW as Kế hoạch 83/KH-UBND sets them (a policy may change them)."""

    online_share_min_pct: float = 60
    conferences_cut_pct: float = 10
    documents_cut_pct: float = 15
    procedures_online_min_pct: float = 95
    documents_digitised_min_pct: float = 95
    electronic_sending_min_pct: float = 100
    staff_trained_min_pct: float = 100
    indoctrination_max_days: float = 0.5
    professional_max_days: float = 1.0
    important_max_days: float = 1.5


@dataclass(frozen=True)
class TargetCheck:
    """One target on one report: met, missed, or not evaluated on this report (`met` is None, and `text`
    says why), with the figures that decided it."""

    code: str
    title: str
    met: bool | None
    actual: str
    target: str
    text: str  # the whole sentence, as a scorecard line or a report cell shows it

    @property
    def missed(self) -> bool:
        return self.met is False

    @property
    def evaluated(self) -> bool:
        return self.met is not None


TARGET_TITLES = {
    "online_share": "Tỷ lệ hội nghị trực tuyến",
    "conferences_cut": "Giảm số hội nghị so với cùng kỳ",
    "documents_cut": "Giảm số văn bản hành chính so với cùng kỳ",
    "procedures_online": "Hồ sơ TTHC xử lý trực tuyến",
    "documents_digitised": "Văn bản được số hóa",
    "electronic_sending": "Văn bản không mật gửi điện tử",
    "staff_trained": "Cán bộ được đào tạo kỹ năng số",
    "conference_length": "Thời gian hội nghị trong giới hạn",
}


# Targets the plan sets for a whole year, judged on the annual report only; on a half-year report they are
# shown as not evaluated, never as missed (Kế hoạch 83/KH-UBND, Phụ lục):
#   mục 13 — "Tỷ lệ hồ sơ thủ tục hành chính xử lý trực tuyến đạt từ 95% trở lên; 100% văn bản hành chính
#            không mật gửi nhận điện tử", số hóa văn bản "đạt từ 95% trở lên"; thời hạn "Đến cuối năm 2026";
#   mục 15 — "phấn đấu 100% cán bộ, công chức, viên chức được đào tạo kỹ năng số"; thời hạn "Từ năm 2026
#            và các năm tiếp theo" (a level to reach within each year).
ANNUAL_TARGETS: dict[str, str] = {
    "procedures_online": "mục 13 Phụ lục Kế hoạch số 83/KH-UBND: đạt đến cuối năm 2026",
    "documents_digitised": "mục 13 Phụ lục Kế hoạch số 83/KH-UBND: đạt đến cuối năm 2026",
    "electronic_sending": "mục 13 Phụ lục Kế hoạch số 83/KH-UBND: đạt đến cuối năm 2026",
    "staff_trained": "mục 15 Phụ lục Kế hoạch số 83/KH-UBND: đạt trong từng năm, từ năm 2026",
}


def judged_on(code: str, period: Period) -> bool:
    """Whether a target is judged on a report of this period: the annual targets on a year's report only."""
    return code not in ANNUAL_TARGETS or not period.code.endswith(("-H1", "-H2"))


def _exact(value: float) -> Fraction:
    """Figures and targets compared exactly: 60% of 15 conferences is 9, not 8.999…"""
    return Fraction(str(value))


def _pct(value: float) -> str:
    return f"{value:g}".replace(".", ",") + "%"


def evaluate_targets(figures: KpiFigures, previous: KpiFigures | None, targets: KpiTargets = KpiTargets(), *,
                     period: Period) -> list[TargetCheck]:
    """Each target on a unit's report of `period`; the two cuts need the same period of the previous year
    and are left out without it; the annual targets (`ANNUAL_TARGETS`) are not evaluated on a half-year
    report."""
    t = targets
    checks: list[TargetCheck] = []

    def add(code: str, met: bool, actual: str, target: str, text: str) -> None:
        if not judged_on(code, period):
            checks.append(TargetCheck(code, TARGET_TITLES[code], None, actual, target,
                                      f"{text[:-1]}: chưa đánh giá trên báo cáo 6 tháng ({ANNUAL_TARGETS[code]}; "
                                      "đánh giá trên báo cáo năm)."))
            return
        checks.append(TargetCheck(code, TARGET_TITLES[code], met, actual, target, text))

    total, online = figures.conferences_total, figures.conferences_online
    share = 100.0 * online / total if total else 100.0
    add("online_share", online * 100 >= _exact(t.online_share_min_pct) * total, f"{share:.0f}%",
        f"≥ {t.online_share_min_pct:g}%",
        f"Hội nghị trực tuyến {share:.0f}% tổng số (chỉ tiêu ≥ {t.online_share_min_pct:g}%).")
    if previous is not None:
        for code, now, before, cut, what in (
                ("conferences_cut", total, previous.conferences_total, t.conferences_cut_pct, "Số hội nghị"),
                ("documents_cut", figures.documents_issued, previous.documents_issued, t.documents_cut_pct,
                 "Số văn bản hành chính")):
            add(code, now * 100 <= before * (100 - _exact(cut)), f"{now} / {before}", f"giảm ≥ {cut:g}%",
                f"{what} {now} so với {before} cùng kỳ năm trước (chỉ tiêu giảm ≥ {cut:g}%).")
    for code, value, minimum, what in (
            ("procedures_online", figures.procedures_online_pct, t.procedures_online_min_pct,
             "Hồ sơ thủ tục hành chính xử lý trực tuyến"),
            ("documents_digitised", figures.documents_digitised_pct, t.documents_digitised_min_pct,
             "Văn bản được số hóa"),
            ("electronic_sending", figures.electronic_sending_pct, t.electronic_sending_min_pct,
             "Văn bản không mật gửi điện tử"),
            ("staff_trained", figures.staff_trained_pct, t.staff_trained_min_pct, "Cán bộ được đào tạo kỹ năng số")):
        add(code, _exact(value) >= _exact(minimum), _pct(value), f"≥ {minimum:g}%",
            f"{what} {value:g}% (chỉ tiêu ≥ {minimum:g}%).")
    lengths = (figures.longest_indoctrination_days, figures.longest_professional_days, figures.longest_important_days)
    caps = (t.indoctrination_max_days, t.professional_max_days, t.important_max_days)
    add("conference_length", all(_exact(v) <= _exact(c) for v, c in zip(lengths, caps, strict=True)),
        " / ".join(f"{v:g}" for v in lengths), " / ".join(f"≤ {c:g}" for c in caps),
        f"Thời gian hội nghị dài nhất: quán triệt {lengths[0]:g}, chuyên môn {lengths[1]:g}, quan trọng "
        f"{lengths[2]:g} ngày (tối đa {caps[0]:g} / {caps[1]:g} / {caps[2]:g}).")
    return checks


def figures_of_row(row: dict[str, Any]) -> KpiFigures:
    """The figures of a stored report row (read models keep one column per figure)."""
    return KpiFigures(**{f.name: row[f.name] for f in fields(KpiFigures)})
