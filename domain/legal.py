"""Legal rules as dated data (DESIGN §2).

Each rule set is a regime with `valid_from`/`valid_to`, chosen by the business date of the fact it
judges. Decision events record the `code` of the regime they applied, so replaying old history
shows which rules were in force. The functions below only read these tables.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from domain.enums import (
    DisciplineForm,
    ExemptionGround,
    Nature,
    OfficialCategory,
    Rating,
    Severity,
    EmulationTitle,
    label,
)
from domain.errors import RuleViolated

F = DisciplineForm
C = OfficialCategory

# Heavier forms rank higher; cách chức is heavier than giáng chức, buộc thôi việc and bãi nhiệm end
# the employment or mandate.
FORM_RANK: Mapping[DisciplineForm, int] = {
    F.REPRIMAND: 1,
    F.WARNING: 2,
    F.SALARY_STEP_DOWN: 3,
    F.DEMOTION: 4,
    F.REMOVAL_FROM_POST: 5,
    F.DISMISSAL: 6,
    F.RECALL: 6,
}


@dataclass(frozen=True)
class FormRule:
    """One discipline form open to a category; some only to leaders or managers."""

    form: DisciplineForm
    leaders_only: bool = False


@dataclass(frozen=True)
class DisciplineRegime:
    """Discipline forms and the two legal clocks in force for some categories over a date range."""

    code: str
    title: str
    valid_from: date
    valid_to: date | None
    forms: Mapping[OfficialCategory, tuple[FormRule, ...]]
    forms_article: Mapping[OfficialCategory, str]
    handling_days: int = 90
    handling_days_extended: int = 150
    handling_article: str = "Điều 80 Luật Cán bộ, công chức (sửa đổi 2019)"
    limitation_years_reprimand: int = 5
    limitation_years_other: int = 10
    limitation_article: str = "Điều 80 Luật Cán bộ, công chức (sửa đổi 2019)"
    in_force_months: int = 12
    repeat_article: str = "Điều 2 Nghị định 112/2020/NĐ-CP"

    def covers(self, category: OfficialCategory, on: date) -> bool:
        return (category in self.forms and self.valid_from <= on
                and (self.valid_to is None or on <= self.valid_to))


DISCIPLINE_REGIMES: tuple[DisciplineRegime, ...] = (
    DisciplineRegime(
        code="nd112_2020_nd71_2023",
        title="Nghị định 112/2020/NĐ-CP, sửa đổi bởi Nghị định 71/2023/NĐ-CP",
        valid_from=date(2020, 9, 20),
        valid_to=date(2025, 6, 30),
        forms={
            C.CADRE: (FormRule(F.REPRIMAND), FormRule(F.WARNING),
                      FormRule(F.REMOVAL_FROM_POST), FormRule(F.RECALL)),
            C.CIVIL_SERVANT: (FormRule(F.REPRIMAND), FormRule(F.WARNING),
                              FormRule(F.SALARY_STEP_DOWN), FormRule(F.DEMOTION, leaders_only=True),
                              FormRule(F.REMOVAL_FROM_POST, leaders_only=True),
                              FormRule(F.DISMISSAL)),
            C.PUBLIC_EMPLOYEE: (FormRule(F.REPRIMAND), FormRule(F.WARNING),
                                FormRule(F.SALARY_STEP_DOWN),
                                FormRule(F.REMOVAL_FROM_POST, leaders_only=True),
                                FormRule(F.DISMISSAL)),
        },
        forms_article={
            C.CADRE: "Điều 7 Nghị định 112/2020/NĐ-CP",
            C.CIVIL_SERVANT: "Điều 8 Nghị định 112/2020/NĐ-CP",
            C.PUBLIC_EMPLOYEE: "Điều 15 Nghị định 112/2020/NĐ-CP",
        },
    ),
    DisciplineRegime(
        code="nd172_2025",
        title="Nghị định 172/2025/NĐ-CP về xử lý kỷ luật cán bộ, công chức",
        valid_from=date(2025, 7, 1),
        valid_to=None,
        forms={
            C.CADRE: (FormRule(F.REPRIMAND), FormRule(F.WARNING),
                      FormRule(F.REMOVAL_FROM_POST), FormRule(F.RECALL)),
            C.CIVIL_SERVANT: (FormRule(F.REPRIMAND), FormRule(F.WARNING),
                              FormRule(F.REMOVAL_FROM_POST, leaders_only=True),
                              FormRule(F.DISMISSAL)),
        },
        forms_article={
            C.CADRE: "Nghị định 172/2025/NĐ-CP (hình thức kỷ luật đối với cán bộ)",
            C.CIVIL_SERVANT: "Nghị định 172/2025/NĐ-CP (hình thức kỷ luật đối với công chức)",
        },
        handling_article="Luật Cán bộ, công chức 2025; Nghị định 172/2025/NĐ-CP",
        limitation_article="Luật Cán bộ, công chức 2025; Nghị định 172/2025/NĐ-CP",
        repeat_article="Nghị định 172/2025/NĐ-CP",
    ),
    DisciplineRegime(
        code="nd112_2020_public_employees_2025",
        title="Nghị định 112/2020/NĐ-CP đối với viên chức, không còn hình thức hạ bậc lương "
              "từ 01/07/2025",
        valid_from=date(2025, 7, 1),
        valid_to=None,
        forms={
            C.PUBLIC_EMPLOYEE: (FormRule(F.REPRIMAND), FormRule(F.WARNING),
                                FormRule(F.REMOVAL_FROM_POST, leaders_only=True),
                                FormRule(F.DISMISSAL)),
        },
        forms_article={C.PUBLIC_EMPLOYEE: "Điều 15 Nghị định 112/2020/NĐ-CP (từ 01/07/2025)"},
    ),
)


def fmt_date(d: date) -> str:
    """Dates as users read them: dd/mm/yyyy."""
    return d.strftime("%d/%m/%Y")


def discipline_regime(category: OfficialCategory, on: date) -> DisciplineRegime:
    """The discipline regime in force for a category on a business date."""
    for regime in DISCIPLINE_REGIMES:
        if regime.covers(category, on):
            return regime
    raise RuleViolated(
        f"Không có văn bản quy định kỷ luật {label(category).lower()} áp dụng cho ngày "
        f"{fmt_date(on)}.", rule="no_discipline_regime", field="decidedOn", value=on.isoformat(),
    )


def allowed_forms(category: OfficialCategory, is_leader: bool, on: date) -> tuple[DisciplineForm, ...]:
    """Forms the law allows for this official on this date, lightest first."""
    regime = discipline_regime(category, on)
    return tuple(r.form for r in regime.forms[category] if is_leader or not r.leaders_only)


def check_form_allowed(form: DisciplineForm, category: OfficialCategory, is_leader: bool,
                       on: date) -> DisciplineRegime:
    """Raise `discipline_form_not_allowed` unless the form is legal here; return the regime."""
    regime = discipline_regime(category, on)
    allowed = allowed_forms(category, is_leader, on)
    if form not in allowed:
        who = label(category).lower() + (" giữ chức vụ lãnh đạo, quản lý" if is_leader else "")
        choices = ", ".join(label(f) for f in allowed)
        raise RuleViolated(
            f"Hình thức '{label(form)}' không áp dụng cho {who} vào ngày {fmt_date(on)} "
            f"theo {regime.forms_article[category]}; được áp dụng: {choices}.",
            rule="discipline_form_not_allowed", field="form", value=form.value,
        )
    return regime


def heaviest(forms: Iterable[DisciplineForm]) -> DisciplineForm:
    """One violation, one form; several violations decided together take the heaviest."""
    forms = list(forms)
    if not forms:
        raise ValueError("no forms")
    return max(forms, key=lambda f: FORM_RANK[f])


def next_heavier(form: DisciplineForm, category: OfficialCategory, is_leader: bool,
                 on: date) -> DisciplineForm | None:
    """The lightest allowed form one level heavier than `form`, or None at the top."""
    heavier = [f for f in allowed_forms(category, is_leader, on) if FORM_RANK[f] > FORM_RANK[form]]
    return min(heavier, key=lambda f: FORM_RANK[f]) if heavier else None


def add_months(d: date, months: int) -> date:
    month_index = d.month - 1 + months
    year, month = d.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def add_years(d: date, years: int) -> date:
    return add_months(d, 12 * years)


def decision_in_force_until(form: DisciplineForm, category: OfficialCategory,
                            decided_on: date) -> date | None:
    """Last day a decision is in force; None for forms that end the post or the mandate."""
    if form in (F.DISMISSAL, F.RECALL):
        return None
    regime = discipline_regime(category, decided_on)
    return add_months(decided_on, regime.in_force_months) - timedelta(days=1)


def warranted_form(severity: Severity, proposed: DisciplineForm | None) -> DisciplineForm:
    """The form a violation warrants: the proposed one, else reprimand for a less serious one."""
    if proposed is not None:
        return proposed
    return {Severity.LESS_SERIOUS: F.REPRIMAND, Severity.SERIOUS: F.WARNING,
            Severity.VERY_SERIOUS: F.REMOVAL_FROM_POST}[severity]


def handling_deadline(category: OfficialCategory, detected_on: date, extended: bool,
                      deferred_days: int) -> date:
    """90 days from detection (150 with a recorded extension), deferred days not counted."""
    regime = discipline_regime(category, detected_on)
    days = regime.handling_days_extended if extended else regime.handling_days
    return detected_on + timedelta(days=days + deferred_days)


def limitation_deadline(category: OfficialCategory, occurred_on: date,
                        form: DisciplineForm, regime_date: date) -> date:
    """Last day discipline may be decided: 5 years from the violation at reprimand level, else 10."""
    regime = discipline_regime(category, regime_date)
    years = (regime.limitation_years_reprimand if form == F.REPRIMAND
             else regime.limitation_years_other)
    return add_years(occurred_on, years) - timedelta(days=1)


def deferred_days(intervals: Iterable[tuple[date, date | None]], until: date) -> int:
    """Days of deferral up to `until` (an open deferral runs to `until`)."""
    total = 0
    for start, end in intervals:
        stop = min(end or until, until)
        if stop > start:
            total += (stop - start).days
    return total


# -- Exemption ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class ExemptionRule:
    ground: ExemptionGround
    article: str
    valid_from: date
    excluded_natures: frozenset[Nature] = field(default_factory=frozenset)


EXEMPTION_RULES: tuple[ExemptionRule, ...] = (
    ExemptionRule(ExemptionGround.SUPERIOR_ORDER, "Điều 4 Nghị định 112/2020/NĐ-CP", date(2020, 9, 20)),
    ExemptionRule(ExemptionGround.LOSS_OF_CAPACITY, "Điều 4 Nghị định 112/2020/NĐ-CP", date(2020, 9, 20)),
    ExemptionRule(ExemptionGround.FORCE_MAJEURE, "Điều 4 Nghị định 112/2020/NĐ-CP", date(2020, 9, 20)),
    # Protecting officials who dare to innovate: approved innovation, public motive, no self-interest.
    ExemptionRule(ExemptionGround.INNOVATION_RISK, "Nghị định 73/2023/NĐ-CP", date(2023, 9, 29),
                  excluded_natures=frozenset({Nature.SELF_INTEREST})),
)


def check_exemption(ground: ExemptionGround, nature: Nature, basis: str, on: date) -> ExemptionRule:
    """Raise unless the ground exists on that date, fits the violation's nature and has a basis."""
    rule = next(r for r in EXEMPTION_RULES if r.ground == ground)
    if on < rule.valid_from:
        raise RuleViolated(
            f"Căn cứ miễn kỷ luật '{label(ground)}' chỉ áp dụng từ {fmt_date(rule.valid_from)} "
            f"({rule.article}).", rule="exemption_ground_not_in_force", field="ground",
            value=ground.value,
        )
    if nature in rule.excluded_natures:
        raise RuleViolated(
            f"Không được miễn kỷ luật theo căn cứ '{label(ground)}' khi vi phạm có tính chất "
            f"'{label(nature)}' ({rule.article}).", rule="exemption_excluded_for_self_interest",
            field="ground", value=ground.value,
        )
    if not basis.strip():
        raise RuleViolated("Phải ghi rõ căn cứ (văn bản phê duyệt, chứng cứ) khi miễn kỷ luật.",
                           rule="exemption_basis_required", field="basis", value=basis)
    return rule


# -- Appraisal and emulation ---------------------------------------------------------------------

@dataclass(frozen=True)
class AppraisalRegime:
    """Score bands and forced ratings for the annual appraisal of officials."""

    code: str
    title: str
    valid_from: date
    valid_to: date | None
    bands: tuple[tuple[float, Rating], ...]  # (minimum score, rating), highest first
    disciplined_ceiling: Rating
    head_corruption_ceiling: Rating
    excellent_quota_of_good: float
    article: str

    def covers(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)


_BANDS = ((90.0, Rating.EXCELLENT), (70.0, Rating.GOOD), (50.0, Rating.COMPLETED),
          (0.0, Rating.NOT_COMPLETED))

APPRAISAL_REGIMES: tuple[AppraisalRegime, ...] = (
    # ND 90/2020 rated by criteria, not points; the product applies the same score bands to it and
    # keeps its softer rule for heads (at most "completed" when corruption occurred in their unit).
    AppraisalRegime(
        code="nd90_2020", title="Nghị định 90/2020/NĐ-CP về đánh giá, xếp loại chất lượng",
        valid_from=date(2020, 8, 13), valid_to=date(2025, 12, 31), bands=_BANDS,
        disciplined_ceiling=Rating.NOT_COMPLETED, head_corruption_ceiling=Rating.COMPLETED,
        excellent_quota_of_good=0.20, article="Nghị định 90/2020/NĐ-CP",
    ),
    AppraisalRegime(
        code="nd335_2025", title="Nghị định 335/2025/NĐ-CP về đánh giá, xếp loại chất lượng",
        valid_from=date(2026, 1, 1), valid_to=None, bands=_BANDS,
        disciplined_ceiling=Rating.NOT_COMPLETED, head_corruption_ceiling=Rating.NOT_COMPLETED,
        excellent_quota_of_good=0.20, article="Nghị định 335/2025/NĐ-CP",
    ),
)

RATING_ORDER = (Rating.NOT_COMPLETED, Rating.COMPLETED, Rating.GOOD, Rating.EXCELLENT)


def appraisal_regime(on: date) -> AppraisalRegime:
    for regime in APPRAISAL_REGIMES:
        if regime.covers(on):
            return regime
    raise RuleViolated(f"Không có quy định đánh giá, xếp loại áp dụng cho ngày {fmt_date(on)}.",
                       rule="no_appraisal_regime", field="period", value=on.isoformat())


def band_for(score: float, on: date) -> Rating:
    """The rating band a score falls in under the regime of `on`."""
    for minimum, rating in appraisal_regime(on).bands:
        if score >= minimum:
            return rating
    return Rating.NOT_COMPLETED


def lower(a: Rating, b: Rating) -> Rating:
    return min(a, b, key=RATING_ORDER.index)


@dataclass(frozen=True)
class RatingCeiling:
    band: Rating
    ceiling: Rating
    regime: str
    reasons: tuple[str, ...]


def rating_ceiling(score: float, on: date, *, disciplined_form: DisciplineForm | None,
                   head_unit_corruption: bool) -> RatingCeiling:
    """Band of the score, lowered by the forced rules (discipline in the year; corruption in the unit)."""
    regime = appraisal_regime(on)
    band = band_for(score, on)
    ceiling, reasons = band, []
    if disciplined_form is not None and FORM_RANK[disciplined_form] >= FORM_RANK[F.REPRIMAND]:
        ceiling = lower(ceiling, regime.disciplined_ceiling)
        reasons.append(f"Bị kỷ luật ({label(disciplined_form)}) trong năm ({regime.article}).")
    if head_unit_corruption:
        ceiling = lower(ceiling, regime.head_corruption_ceiling)
        reasons.append("Người đứng đầu đơn vị để xảy ra tham nhũng, lãng phí bị xử lý theo pháp "
                       f"luật trong năm ({regime.article}).")
    return RatingCeiling(band, ceiling, regime.code, tuple(reasons))


def excellent_quota_exceeded(excellent: int, good: int, on: date) -> bool:
    """HTXSNV may not exceed 20% of the number rated HTTNV: flagged, never hidden."""
    return excellent > appraisal_regime(on).excellent_quota_of_good * good


@dataclass(frozen=True)
class EmulationRegime:
    code: str
    article: str
    valid_from: date
    valid_to: date | None


EMULATION_REGIMES = (
    EmulationRegime("luat_tdkt_2003", "Luật Thi đua, khen thưởng 2003", date(2004, 1, 1),
                    date(2023, 12, 31)),
    EmulationRegime("luat_tdkt_2022", "Luật Thi đua, khen thưởng 2022; Nghị định 98/2023/NĐ-CP",
                    date(2024, 1, 1), None),
)


def emulation_regime(on: date) -> EmulationRegime:
    for regime in EMULATION_REGIMES:
        if regime.valid_from <= on and (regime.valid_to is None or on <= regime.valid_to):
            return regime
    raise RuleViolated(f"Không có quy định thi đua áp dụng cho ngày {fmt_date(on)}.",
                       rule="no_emulation_regime", field="period", value=on.isoformat())


def emulation_titles(rating: Rating, disciplined_in_year: bool, on: date) -> tuple[EmulationTitle, ...]:
    """Titles an official may be proposed for: none if disciplined; Lao động tiên tiến needs HTTNV+."""
    emulation_regime(on)
    if disciplined_in_year:
        return ()
    titles: list[EmulationTitle] = []
    if rating in (Rating.GOOD, Rating.EXCELLENT):
        titles.append(EmulationTitle.ADVANCED_WORKER)
    if rating == Rating.EXCELLENT:
        titles.append(EmulationTitle.EMULATION_FIGHTER)
    return tuple(titles)
