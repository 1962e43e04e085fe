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
from enum import StrEnum

from domain.enums import (
    DeferralReason,
    DisciplineForm,
    ExemptionGround,
    Nature,
    NoLimitationGround,
    OfficialCategory,
    Rating,
    Severity,
    EmulationTitle,
    label,
)
from domain.errors import RuleViolated

F = DisciplineForm
C = OfficialCategory
D = DeferralReason

# Heavier forms rank higher; cách chức is heavier than giáng chức, buộc thôi việc and bãi nhiệm end
# the employment or mandate. Xóa tư cách chức vụ (retired officials only) sits where cách chức does.
FORM_RANK: Mapping[DisciplineForm, int] = {
    F.REPRIMAND: 1,
    F.WARNING: 2,
    F.SALARY_STEP_DOWN: 3,
    F.DEMOTION: 4,
    F.REMOVAL_FROM_POST: 5,
    F.REMOVAL_OF_TITLE: 5,
    F.DISMISSAL: 6,
    F.RECALL: 6,
}


class Post(StrEnum):
    """Who a form is open to, by the post the official holds."""

    ANY = "any"
    LEADER = "leader"          # holds a leadership or management post
    NON_LEADER = "non_leader"  # holds none


@dataclass(frozen=True)
class FormRule:
    """One discipline form open to a category; some only to leaders or managers, some only to others."""

    form: DisciplineForm
    post: Post = Post.ANY

    def open_to(self, is_leader: bool) -> bool:
        return self.post == Post.ANY or (self.post == Post.LEADER) == is_leader


# Grounds on which discipline is not yet considered ("chưa xem xét xử lý kỷ luật").
_ND112_DEFERRAL = frozenset({D.ANNUAL_LEAVE, D.PERMITTED_LEAVE, D.ILLNESS, D.PREGNANCY, D.MATERNITY,
                             D.CHILD_UNDER_12_MONTHS, D.PROSECUTION})
_ND172_DEFERRAL = frozenset({D.ILLNESS, D.PREGNANCY, D.MATERNITY, D.CHILD_UNDER_12_MONTHS,
                             D.PROSECUTION})
# ... except, under Nghị định 172/2025 only, when the official asks in writing to be handled.
_WRITTEN_REQUEST_GROUNDS = frozenset({D.PREGNANCY, D.MATERNITY, D.CHILD_UNDER_12_MONTHS})

# Officials who have retired or left are still disciplined for violations committed in office, with
# these forms only (xóa tư cách chức vụ for one who held a post).
_RETIRED_FORMS = (FormRule(F.REPRIMAND), FormRule(F.WARNING),
                  FormRule(F.REMOVAL_OF_TITLE, Post.LEADER))

# Violations to which no limitation period applies.
_NO_LIMITATION = frozenset(NoLimitationGround)


@dataclass(frozen=True)
class DisciplineRegime:
    """Discipline forms, the two legal clocks and the procedure in force for some categories over a
    date range."""

    code: str
    title: str
    valid_from: date
    valid_to: date | None
    forms: Mapping[OfficialCategory, tuple[FormRule, ...]]
    forms_article: Mapping[OfficialCategory, str]
    deferral_grounds: frozenset[DeferralReason]
    deferral_article: str
    retired_article: str
    no_limitation_article: str
    retired_forms: tuple[FormRule, ...] = _RETIRED_FORMS
    no_limitation_grounds: frozenset[NoLimitationGround] = _NO_LIMITATION
    written_request_grounds: frozenset[DeferralReason] = frozenset()
    handling_days: int = 90
    handling_days_extended: int = 150
    handling_article: str = "Khoản 5 Điều 5 Nghị định 112/2020/NĐ-CP (sửa đổi bởi Nghị định 71/2023/NĐ-CP)"
    in_force_months: int = 12
    repeat_article: str = "Khoản 3 Điều 2 Nghị định 112/2020/NĐ-CP"

    def covers(self, category: OfficialCategory, on: date) -> bool:
        return (category in self.forms and self.valid_from <= on
                and (self.valid_to is None or on <= self.valid_to))


# Luật Cán bộ, công chức art. 79 and Luật Viên chức art. 52, both as amended by Luật 52/2019/QH14:
# salary step-down only for công chức holding no leadership or management post, demotion and
# removal only for those who do; viên chức never have salary step-down.
_PUBLIC_EMPLOYEE_FORMS = (FormRule(F.REPRIMAND), FormRule(F.WARNING),
                          FormRule(F.REMOVAL_FROM_POST, Post.LEADER), FormRule(F.DISMISSAL))
_PUBLIC_EMPLOYEE_ARTICLE = "Điều 52 Luật Viên chức (sửa đổi 2019); Điều 15 Nghị định 112/2020/NĐ-CP"
_ND112_COMMON = dict(
    deferral_grounds=_ND112_DEFERRAL,
    deferral_article="Khoản 4 Điều 3 Nghị định 112/2020/NĐ-CP",
    retired_article="Khoản 4 Điều 84 Luật Cán bộ, công chức và khoản 3 Điều 52 Luật Viên chức "
                    "(sửa đổi 2019); Nghị định 112/2020/NĐ-CP (sửa đổi bởi Nghị định 71/2023/NĐ-CP)",
    no_limitation_article="Khoản 2 Điều 80 Luật Cán bộ, công chức; khoản 2 Điều 53 Luật Viên chức "
                          "(sửa đổi 2019)",
)

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
                              FormRule(F.SALARY_STEP_DOWN, Post.NON_LEADER),
                              FormRule(F.DEMOTION, Post.LEADER),
                              FormRule(F.REMOVAL_FROM_POST, Post.LEADER),
                              FormRule(F.DISMISSAL)),
            C.PUBLIC_EMPLOYEE: _PUBLIC_EMPLOYEE_FORMS,
        },
        forms_article={
            C.CADRE: "Điều 78 Luật Cán bộ, công chức; Điều 7 Nghị định 112/2020/NĐ-CP",
            C.CIVIL_SERVANT: "Điều 79 Luật Cán bộ, công chức (sửa đổi 2019); Điều 8 Nghị định "
                             "112/2020/NĐ-CP",
            C.PUBLIC_EMPLOYEE: _PUBLIC_EMPLOYEE_ARTICLE,
        },
        **_ND112_COMMON,
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
                              FormRule(F.REMOVAL_FROM_POST, Post.LEADER),
                              FormRule(F.DISMISSAL)),
        },
        forms_article={
            C.CADRE: "Nghị định 172/2025/NĐ-CP (hình thức kỷ luật đối với cán bộ)",
            C.CIVIL_SERVANT: "Nghị định 172/2025/NĐ-CP (hình thức kỷ luật đối với công chức)",
        },
        deferral_grounds=_ND172_DEFERRAL,
        written_request_grounds=_WRITTEN_REQUEST_GROUNDS,
        deferral_article="Nghị định 172/2025/NĐ-CP (các trường hợp chưa xem xét xử lý kỷ luật)",
        retired_article="Điểm b khoản 2 Điều 1 Nghị định 172/2025/NĐ-CP",
        no_limitation_article="Luật Cán bộ, công chức số 80/2025/QH15; Nghị định 172/2025/NĐ-CP",
        handling_article="Luật Cán bộ, công chức số 80/2025/QH15; Nghị định 172/2025/NĐ-CP",
        repeat_article="Khoản 3 Điều 2 Nghị định 172/2025/NĐ-CP",
    ),
    # Viên chức stay under Nghị định 112/2020 after 01/07/2025 (Nghị định 172/2025 covers cán bộ and
    # công chức only); the code is kept apart because decisions stored since then name it.
    DisciplineRegime(
        code="nd112_2020_public_employees_2025",
        title="Nghị định 112/2020/NĐ-CP, sửa đổi bởi Nghị định 71/2023/NĐ-CP (viên chức, từ 01/07/2025)",
        valid_from=date(2025, 7, 1),
        valid_to=None,
        forms={C.PUBLIC_EMPLOYEE: _PUBLIC_EMPLOYEE_FORMS},
        forms_article={C.PUBLIC_EMPLOYEE: _PUBLIC_EMPLOYEE_ARTICLE},
        **_ND112_COMMON,
    ),
)

REGIME_TITLES: Mapping[str, str] = {r.code: r.title for r in DISCIPLINE_REGIMES}


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


def _form_rules(regime: DisciplineRegime, category: OfficialCategory,
                retired: bool) -> tuple[FormRule, ...]:
    return regime.retired_forms if retired else regime.forms[category]


def forms_article(regime: DisciplineRegime, category: OfficialCategory, retired: bool) -> str:
    return regime.retired_article if retired else regime.forms_article[category]


def allowed_forms(category: OfficialCategory, is_leader: bool, on: date, *,
                  retired: bool = False) -> tuple[DisciplineForm, ...]:
    """Forms the law allows for this official on this date, lightest first. For a retired official,
    `is_leader` says whether they held a post when they committed the violation."""
    regime = discipline_regime(category, on)
    return tuple(r.form for r in _form_rules(regime, category, retired) if r.open_to(is_leader))


def check_form_allowed(form: DisciplineForm, category: OfficialCategory, is_leader: bool,
                       on: date, *, retired: bool = False) -> DisciplineRegime:
    """Raise `discipline_form_not_allowed` unless the form is legal here; return the regime."""
    regime = discipline_regime(category, on)
    allowed = allowed_forms(category, is_leader, on, retired=retired)
    if form not in allowed:
        who = label(category).lower() + (" giữ chức vụ lãnh đạo, quản lý" if is_leader
                                         else " không giữ chức vụ lãnh đạo, quản lý")
        if retired:
            who += " đã nghỉ hưu, nghỉ việc"
        choices = ", ".join(label(f) for f in allowed)
        raise RuleViolated(
            f"Hình thức '{label(form)}' không áp dụng cho {who} vào ngày {fmt_date(on)} "
            f"theo {forms_article(regime, category, retired)}; được áp dụng: {choices}.",
            rule="discipline_form_not_allowed", field="form", value=form.value,
        )
    return regime


def judged_post(retired_on: date | None, occurred_on: date, decided_on: date) -> tuple[bool, date]:
    """Whether the official is judged as retired on the decision date, and the date whose post decides
    the forms open to them: the decision date, or for one who has retired or left, the violation's
    date (xóa tư cách chức vụ needs a post held in office)."""
    retired = retired_on is not None and retired_on <= decided_on
    return retired, occurred_on if retired else decided_on


def heaviest(forms: Iterable[DisciplineForm]) -> DisciplineForm:
    """One violation, one form; several violations decided together take the heaviest."""
    forms = list(forms)
    if not forms:
        raise ValueError("no forms")
    return max(forms, key=lambda f: FORM_RANK[f])


def next_heavier(form: DisciplineForm, category: OfficialCategory, is_leader: bool,
                 on: date, *, retired: bool = False) -> DisciplineForm | None:
    """The lightest allowed form one level heavier than `form`, or None at the top."""
    heavier = [f for f in allowed_forms(category, is_leader, on, retired=retired)
               if FORM_RANK[f] > FORM_RANK[form]]
    return min(heavier, key=lambda f: FORM_RANK[f]) if heavier else None


@dataclass(frozen=True)
class RepeatRequirement:
    """What a new violation committed while a decision is in force must get, and which branch says so."""

    required: DisciplineForm
    branch: str  # "a": one level above the form in force; "b": one level above the new one's own
    article: str


def repeat_requirement(in_force: DisciplineForm, warranted: DisciplineForm,
                       category: OfficialCategory, is_leader: bool, on: date, *,
                       retired: bool = False) -> RepeatRequirement:
    """Khoản 3 Điều 2 Nghị định 112/2020 and 172/2025: a new violation while a decision is in force
    gets (a) one level above the form in force when it warrants no heavier form, (b) one level above
    its own form when it warrants a heavier one. At the top of the scale the heaviest form applies."""
    regime = discipline_regime(category, on)
    branch, base = ("b", warranted) if FORM_RANK[warranted] > FORM_RANK[in_force] else ("a", in_force)
    allowed = allowed_forms(category, is_leader, on, retired=retired)
    required = next_heavier(base, category, is_leader, on, retired=retired) or heaviest(allowed)
    return RepeatRequirement(required, branch, regime.repeat_article)


@dataclass(frozen=True)
class SeveralViolationsRule:
    """How several violations considered at one time are decided, by the date of the decision."""

    valid_from: date
    valid_to: date | None
    one_level_above: bool  # True: one level above the heaviest violation's form; False: the heaviest
    article: str

    def covers(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)


SEVERAL_VIOLATIONS_RULES: tuple[SeveralViolationsRule, ...] = (
    # Original wording of Nghị định 112/2020: one level heavier than the heaviest violation's form.
    SeveralViolationsRule(date(2020, 9, 20), date(2023, 9, 19), True,
                          "Khoản 2 Điều 2 Nghị định 112/2020/NĐ-CP"),
    # Nghị định 71/2023 (in force 20/09/2023) and Nghị định 172/2025: the heaviest form.
    SeveralViolationsRule(date(2023, 9, 20), date(2025, 6, 30), False,
                          "Khoản 2 Điều 2 Nghị định 112/2020/NĐ-CP, sửa đổi bởi Nghị định 71/2023/NĐ-CP"),
    SeveralViolationsRule(date(2025, 7, 1), None, False, "Khoản 2 Điều 2 Nghị định 172/2025/NĐ-CP"),
)


def several_violations_rule(on: date) -> SeveralViolationsRule:
    for rule in SEVERAL_VIOLATIONS_RULES:
        if rule.covers(on):
            return rule
    raise RuleViolated(f"Không có quy định xử lý nhiều vi phạm áp dụng cho ngày {fmt_date(on)}.",
                       rule="no_discipline_regime", field="decidedOn", value=on.isoformat())


def joint_required_form(warranted: Iterable[DisciplineForm], category: OfficialCategory,
                        is_leader: bool, on: date, *, retired: bool = False) -> tuple[DisciplineForm, str]:
    """The form several violations decided together must get at least, and the article saying so."""
    rule = several_violations_rule(on)
    top = heaviest(warranted)
    if rule.one_level_above:
        top = next_heavier(top, category, is_leader, on, retired=retired) or top
    return top, rule.article


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
    """90 days from detection (150 with a recorded extension), deferred days not counted. The day of
    detection is not counted (Điều 147 Bộ luật Dân sự 2015), so the 90th day is detection + 90."""
    regime = discipline_regime(category, detected_on)
    days = regime.handling_days_extended if extended else regime.handling_days
    return detected_on + timedelta(days=days + deferred_days)


@dataclass(frozen=True)
class LimitationRule:
    """The limitation periods in years, by the date on which the question is asked (detection)."""

    valid_from: date
    valid_to: date | None
    years_reprimand: int
    years_other: int
    article: str

    def covers(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)


LIMITATION_RULES: tuple[LimitationRule, ...] = (
    LimitationRule(date(2020, 7, 1), date(2022, 11, 14), 2, 5,
                   "Khoản 1 Điều 80 Luật Cán bộ, công chức, khoản 1 Điều 53 Luật Viên chức (sửa đổi 2019)"),
    # Nghị quyết 76/2022/QH15 (15/11/2022) raised them to 5 and 10 years, as the Party's rules have.
    LimitationRule(date(2022, 11, 15), None, 5, 10,
                   "Nghị quyết 76/2022/QH15; Điều 5 Nghị định 112/2020/NĐ-CP (sửa đổi bởi Nghị định "
                   "71/2023/NĐ-CP)"),
)


def limitation_rule(on: date) -> LimitationRule:
    for rule in LIMITATION_RULES:
        if rule.covers(on):
            return rule
    raise RuleViolated(f"Không có quy định thời hiệu xử lý kỷ luật áp dụng cho ngày {fmt_date(on)}.",
                       rule="no_discipline_regime", field="detectedOn", value=on.isoformat())


def limitation_deadline(category: OfficialCategory, occurred_on: date, form: DisciplineForm,
                        regime_date: date,
                        no_limitation: NoLimitationGround | None = None) -> date | None:
    """Last day discipline may be decided: 5 years from the violation at reprimand level, else 10;
    None where no limitation period applies.

    Counted as Bộ luật Dân sự 2015 counts a period in years: the day of the violation is not counted
    (Điều 147) and the period ends at the end of the corresponding day of the last year (điểm c
    khoản 1 Điều 148), or the month's last day when that day does not exist (29/02). The rule of
    khoản 5 Điều 148 (a last day on a day off moves to the next working day) is not applied: it
    would lengthen a bar on the authority against the official, and holidays are not modelled."""
    regime = discipline_regime(category, regime_date)
    if no_limitation is not None and no_limitation in regime.no_limitation_grounds:
        return None
    rule = limitation_rule(regime_date)
    return add_years(occurred_on, rule.years_reprimand if form == F.REPRIMAND else rule.years_other)


def check_deferral_ground(reason: DeferralReason, category: OfficialCategory, on: date) -> DisciplineRegime:
    """Raise `deferral_reason_not_allowed` unless the regime in force on `on` has this ground."""
    regime = discipline_regime(category, on)
    if reason not in regime.deferral_grounds:
        choices = ", ".join(label(g) for g in DeferralReason if g in regime.deferral_grounds)
        raise RuleViolated(
            f"'{label(reason)}' không phải là trường hợp chưa xem xét xử lý kỷ luật "
            f"{label(category).lower()} vào ngày {fmt_date(on)} theo {regime.deferral_article}; "
            f"các trường hợp: {choices}.",
            rule="deferral_reason_not_allowed", field="reason", value=reason.value)
    return regime


def deferral_grounds(category: OfficialCategory, on: date) -> tuple[DeferralReason, ...]:
    """The grounds the regime in force on `on` has, in the enum's order."""
    regime = discipline_regime(category, on)
    return tuple(g for g in DeferralReason if g in regime.deferral_grounds)


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
    """Score bands and forced ratings for the annual appraisal of some categories of officials."""

    code: str
    title: str
    valid_from: date
    valid_to: date | None
    categories: frozenset[OfficialCategory]
    bands: tuple[tuple[float, Rating], ...]  # (minimum score, rating), highest first
    disciplined_ceiling: Rating
    head_corruption_ceiling: Rating
    excellent_quota_of_good: float
    article: str
    quota_article: str

    def covers(self, category: OfficialCategory, on: date) -> bool:
        return (category in self.categories and self.valid_from <= on
                and (self.valid_to is None or on <= self.valid_to))


_BANDS = ((90.0, Rating.EXCELLENT), (70.0, Rating.GOOD), (50.0, Rating.COMPLETED),
          (0.0, Rating.NOT_COMPLETED))
_ND90 = dict(
    title="Nghị định 90/2020/NĐ-CP, sửa đổi bởi Nghị định 48/2023/NĐ-CP, về đánh giá, xếp loại chất lượng",
    bands=_BANDS, disciplined_ceiling=Rating.NOT_COMPLETED, head_corruption_ceiling=Rating.COMPLETED,
    excellent_quota_of_good=0.20, article="Nghị định 90/2020/NĐ-CP (sửa đổi bởi Nghị định 48/2023/NĐ-CP)",
    quota_article="Nghị định 90/2020/NĐ-CP (sửa đổi bởi Nghị định 48/2023/NĐ-CP)",
)

APPRAISAL_REGIMES: tuple[AppraisalRegime, ...] = (
    # ND 90/2020 rated by criteria, not points; the product applies the same score bands to it and
    # keeps its softer rule for heads (at most "completed" when corruption was handled in their unit).
    AppraisalRegime(code="nd90_2020", valid_from=date(2020, 8, 20), valid_to=date(2025, 12, 31),
                    categories=frozenset(OfficialCategory), **_ND90),
    # Nghị định 335/2025 (in force 01/01/2026) governs công chức only: 100 points, forced "không hoàn
    # thành nhiệm vụ" for discipline in the year and for a leader whose directly managed unit had
    # corruption or waste handled under the law.
    AppraisalRegime(
        code="nd335_2025", title="Nghị định 335/2025/NĐ-CP về đánh giá, xếp loại chất lượng công chức",
        valid_from=date(2026, 1, 1), valid_to=None, categories=frozenset({OfficialCategory.CIVIL_SERVANT}),
        bands=_BANDS, disciplined_ceiling=Rating.NOT_COMPLETED, head_corruption_ceiling=Rating.NOT_COMPLETED,
        excellent_quota_of_good=0.20, article="Nghị định 335/2025/NĐ-CP",
        quota_article="Nghị định 335/2025/NĐ-CP (trong cùng cơ quan, đơn vị và từng nhóm có nhiệm vụ tương "
                      "đồng)",
    ),
    # Cán bộ (e.g. chairs of commune People's Committees) and viên chức are outside Nghị định 335/2025;
    # the product keeps Nghị định 90/2020 as amended by 48/2023 for them (not confirmed in the texts
    # found: see README "Legal rules").
    AppraisalRegime(code="nd90_2020_cadres_employees_2026", valid_from=date(2026, 1, 1), valid_to=None,
                    categories=frozenset({OfficialCategory.CADRE, OfficialCategory.PUBLIC_EMPLOYEE}),
                    **_ND90),
)

APPRAISAL_TITLES: Mapping[str, str] = {r.code: r.title for r in APPRAISAL_REGIMES}

RATING_ORDER = (Rating.NOT_COMPLETED, Rating.COMPLETED, Rating.GOOD, Rating.EXCELLENT)


def appraisal_regime(on: date, category: OfficialCategory = OfficialCategory.CIVIL_SERVANT) -> AppraisalRegime:
    for regime in APPRAISAL_REGIMES:
        if regime.covers(category, on):
            return regime
    raise RuleViolated(f"Không có quy định đánh giá, xếp loại áp dụng cho ngày {fmt_date(on)}.",
                       rule="no_appraisal_regime", field="period", value=on.isoformat())


def band_for(score: float, on: date, category: OfficialCategory = OfficialCategory.CIVIL_SERVANT) -> Rating:
    """The rating band a score falls in under the regime of `on`."""
    for minimum, rating in appraisal_regime(on, category).bands:
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
                   head_unit_corruption: bool,
                   category: OfficialCategory = OfficialCategory.CIVIL_SERVANT,
                   corruption_basis: str = "") -> RatingCeiling:
    """Band of the score, lowered by the forced rules: discipline in the year; corruption or waste
    *handled* (a decided case, a criminal referral) in the unit the head directly manages."""
    regime = appraisal_regime(on, category)
    band = band_for(score, on, category)
    ceiling, reasons = band, []
    if disciplined_form is not None and FORM_RANK[disciplined_form] >= FORM_RANK[F.REPRIMAND]:
        ceiling = lower(ceiling, regime.disciplined_ceiling)
        reasons.append(f"Bị kỷ luật ({label(disciplined_form)}) trong năm ({regime.article}).")
    if head_unit_corruption:
        ceiling = lower(ceiling, regime.head_corruption_ceiling)
        reasons.append("Người đứng đầu đơn vị để xảy ra tham nhũng, lãng phí bị xử lý theo pháp "
                       f"luật trong năm{corruption_basis} ({regime.article}).")
    return RatingCeiling(band, ceiling, regime.code, tuple(reasons))


def excellent_quota_exceeded(excellent: int, good: int, on: date,
                             category: OfficialCategory = OfficialCategory.CIVIL_SERVANT) -> bool:
    """HTXSNV may not exceed 20% of the number rated HTTNV within one agency and one group with
    similar duties: flagged, never hidden."""
    return excellent > appraisal_regime(on, category).excellent_quota_of_good * good


@dataclass(frozen=True)
class EmulationRegime:
    code: str
    article: str
    valid_from: date
    valid_to: date | None
    fighter_quota_of_advanced: float = 0.15
    pending_article: str = ""


EMULATION_REGIMES = (
    EmulationRegime("luat_tdkt_2003", "Luật Thi đua, khen thưởng 2003; Nghị định 91/2017/NĐ-CP",
                    date(2004, 1, 1), date(2023, 12, 31),
                    pending_article="Thông tư 08/2017/TT-BNV"),
    EmulationRegime("luat_tdkt_2022", "Luật Thi đua, khen thưởng 2022; Nghị định 98/2023/NĐ-CP",
                    date(2024, 1, 1), None, pending_article="Điều 4 Nghị định 98/2023/NĐ-CP"),
)


def emulation_regime(on: date) -> EmulationRegime:
    for regime in EMULATION_REGIMES:
        if regime.valid_from <= on and (regime.valid_to is None or on <= regime.valid_to):
            return regime
    raise RuleViolated(f"Không có quy định thi đua áp dụng cho ngày {fmt_date(on)}.",
                       rule="no_emulation_regime", field="period", value=on.isoformat())


@dataclass(frozen=True)
class Emulation:
    titles: tuple[EmulationTitle, ...]
    reasons: tuple[str, ...]  # why a title is not proposed, in Vietnamese


def emulation(rating: Rating, on: date, *, disciplined_in_year: bool, open_case: bool = False,
              initiative_in_year: bool = True) -> Emulation:
    """Titles an official may be proposed for, and why not the others: Lao động tiên tiến needs
    HTTNV or better; Chiến sĩ thi đua cơ sở needs Lao động tiên tiến, HTXSNV and an initiative
    recognised in the year; disciplined in the year → no title; a discipline case still open → not
    proposed for now."""
    regime = emulation_regime(on)
    if disciplined_in_year:
        return Emulation((), (f"Bị kỷ luật trong năm: không xét danh hiệu thi đua ({regime.article}).",))
    if open_case:
        return Emulation((), ("Đang có vụ việc kỷ luật chưa kết thúc: chưa đề nghị danh hiệu thi đua "
                              f"({regime.pending_article}).",))
    titles: list[EmulationTitle] = []
    reasons: list[str] = []
    if rating in (Rating.GOOD, Rating.EXCELLENT):
        titles.append(EmulationTitle.ADVANCED_WORKER)
    else:
        reasons.append(f"Xếp loại dưới mức hoàn thành tốt nhiệm vụ: không đạt Lao động tiên tiến "
                       f"({regime.article}).")
    if rating == Rating.EXCELLENT and initiative_in_year:
        titles.append(EmulationTitle.EMULATION_FIGHTER)
    elif rating == Rating.EXCELLENT:
        reasons.append(f"Chưa có sáng kiến được công nhận trong năm: chưa đủ điều kiện Chiến sĩ thi đua "
                       f"cơ sở ({regime.article}).")
    return Emulation(tuple(titles), tuple(reasons))


def emulation_titles(rating: Rating, disciplined_in_year: bool, on: date) -> tuple[EmulationTitle, ...]:
    """The titles alone (no open case, an initiative assumed): see `emulation`."""
    return emulation(rating, on, disciplined_in_year=disciplined_in_year).titles


def fighter_quota_exceeded(fighters: int, advanced: int, on: date) -> bool:
    """Chiến sĩ thi đua cơ sở: at most 15% of those who reach Lao động tiên tiến (flagged)."""
    return fighters > emulation_regime(on).fighter_quota_of_advanced * advanced
