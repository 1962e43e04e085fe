"""Legal rules as dated data: each test names the text behind the rule and checks both sides of
every effective date (DESIGN §2)."""

from __future__ import annotations

from datetime import date

import pytest

from domain import legal
from domain.discipline import check_joint_form
from domain.enums import (
    DisciplineForm as F,
    EmulationTitle,
    ExemptionGround,
    Nature,
    OfficialCategory as C,
    Rating,
    Severity,
)
from domain.errors import RuleViolated

LAST_OLD = date(2025, 6, 30)   # last day of Nghị định 112/2020 (amended by 71/2023) for CBCC
FIRST_NEW = date(2025, 7, 1)   # first day of Nghị định 172/2025


class TestDisciplineFormsNd112VersusNd172:
    """Nghị định 112/2020 (Điều 7, 8, 15) until 30/06/2025; Nghị định 172/2025 from 01/07/2025."""

    def test_civil_servant_salary_step_down_exists_only_before_2025_07_01(self) -> None:
        assert F.SALARY_STEP_DOWN in legal.allowed_forms(C.CIVIL_SERVANT, False, LAST_OLD)
        assert F.SALARY_STEP_DOWN not in legal.allowed_forms(C.CIVIL_SERVANT, False, FIRST_NEW)

    def test_civil_servant_demotion_exists_only_before_2025_07_01_and_only_for_leaders(self) -> None:
        assert F.DEMOTION in legal.allowed_forms(C.CIVIL_SERVANT, True, LAST_OLD)
        assert F.DEMOTION not in legal.allowed_forms(C.CIVIL_SERVANT, False, LAST_OLD)
        assert F.DEMOTION not in legal.allowed_forms(C.CIVIL_SERVANT, True, FIRST_NEW)

    def test_civil_servant_forms_under_nd172(self) -> None:
        assert legal.allowed_forms(C.CIVIL_SERVANT, True, FIRST_NEW) == (
            F.REPRIMAND, F.WARNING, F.REMOVAL_FROM_POST, F.DISMISSAL)
        # removal from post needs a post: leaders only
        assert legal.allowed_forms(C.CIVIL_SERVANT, False, FIRST_NEW) == (
            F.REPRIMAND, F.WARNING, F.DISMISSAL)

    @pytest.mark.parametrize("on", [LAST_OLD, FIRST_NEW])
    def test_cadre_forms_are_reprimand_warning_removal_recall_on_both_sides(self, on: date) -> None:
        assert legal.allowed_forms(C.CADRE, False, on) == (
            F.REPRIMAND, F.WARNING, F.REMOVAL_FROM_POST, F.RECALL)

    def test_public_employee_salary_step_down_only_before_2025_07_01(self) -> None:
        assert legal.allowed_forms(C.PUBLIC_EMPLOYEE, False, LAST_OLD) == (
            F.REPRIMAND, F.WARNING, F.SALARY_STEP_DOWN, F.DISMISSAL)
        assert legal.allowed_forms(C.PUBLIC_EMPLOYEE, False, FIRST_NEW) == (
            F.REPRIMAND, F.WARNING, F.DISMISSAL)
        assert F.REMOVAL_FROM_POST in legal.allowed_forms(C.PUBLIC_EMPLOYEE, True, FIRST_NEW)

    def test_the_regime_applied_is_named_by_the_decision_date(self) -> None:
        assert legal.discipline_regime(C.CIVIL_SERVANT, LAST_OLD).code == "nd112_2020_nd71_2023"
        assert legal.discipline_regime(C.CIVIL_SERVANT, FIRST_NEW).code == "nd172_2025"
        assert legal.discipline_regime(C.PUBLIC_EMPLOYEE, FIRST_NEW).code == \
            "nd112_2020_public_employees_2025"

    def test_a_form_not_allowed_is_refused_naming_the_rule_and_the_article(self) -> None:
        with pytest.raises(RuleViolated) as caught:
            legal.check_form_allowed(F.SALARY_STEP_DOWN, C.CIVIL_SERVANT, False, FIRST_NEW)
        assert caught.value.rule == "discipline_form_not_allowed"
        assert caught.value.field == "form"
        assert "172/2025" in caught.value.message and "Hạ bậc lương" in caught.value.message

    def test_no_regime_before_nd112_came_into_force(self) -> None:
        with pytest.raises(RuleViolated) as caught:
            legal.allowed_forms(C.CIVIL_SERVANT, False, date(2020, 9, 19))
        assert caught.value.rule == "no_discipline_regime"
        assert legal.allowed_forms(C.CIVIL_SERVANT, False, date(2020, 9, 20))


class TestOneViolationOneForm:
    """Điều 2 Nghị định 112/2020: one form per violation; several together → the heaviest;
    a new violation while a decision is in force → one level heavier."""

    def test_heaviest_of_several(self) -> None:
        assert legal.heaviest([F.REPRIMAND, F.WARNING, F.REPRIMAND]) == F.WARNING

    def test_joint_decision_refuses_a_form_lighter_than_the_heaviest(self) -> None:
        with pytest.raises(RuleViolated) as caught:
            check_joint_form(F.REPRIMAND, [F.REPRIMAND, F.WARNING])
        assert caught.value.rule == "several_violations_heaviest"
        assert check_joint_form(F.WARNING, [F.REPRIMAND, F.WARNING]) == F.WARNING

    def test_one_level_heavier_skips_forms_that_no_longer_exist(self) -> None:
        # before 01/07/2025 a civil servant's next form after warning was salary step-down
        assert legal.next_heavier(F.WARNING, C.CIVIL_SERVANT, False, LAST_OLD) == F.SALARY_STEP_DOWN
        # from 01/07/2025 it is dismissal for a non-leader, removal from post for a leader
        assert legal.next_heavier(F.WARNING, C.CIVIL_SERVANT, False, FIRST_NEW) == F.DISMISSAL
        assert legal.next_heavier(F.WARNING, C.CIVIL_SERVANT, True, FIRST_NEW) == F.REMOVAL_FROM_POST
        assert legal.next_heavier(F.DISMISSAL, C.CIVIL_SERVANT, True, FIRST_NEW) is None

    def test_a_decision_is_in_force_for_twelve_months(self) -> None:
        assert legal.decision_in_force_until(F.REPRIMAND, C.CIVIL_SERVANT, date(2026, 3, 15)) == \
            date(2027, 3, 14)
        assert legal.decision_in_force_until(F.DISMISSAL, C.CIVIL_SERVANT, date(2026, 3, 15)) is None


class TestHandlingDeadline:
    """Điều 80 Luật Cán bộ, công chức (sửa đổi 2019): 90 days, 150 with an extension;
    Điều 3 Nghị định 112/2020: time deferred (illness, maternity, prosecution) is not counted."""

    @pytest.mark.parametrize("detected_on", [date(2025, 6, 1), date(2025, 8, 1)])
    def test_ninety_days_or_one_hundred_fifty_when_extended_on_both_sides(self, detected_on: date) -> None:
        assert (legal.handling_deadline(C.CIVIL_SERVANT, detected_on, False, 0) - detected_on).days == 90
        assert (legal.handling_deadline(C.CIVIL_SERVANT, detected_on, True, 0) - detected_on).days == 150

    def test_deferred_days_push_the_deadline(self) -> None:
        days = legal.deferred_days([(date(2026, 2, 1), date(2026, 3, 3))], until=date(2026, 12, 31))
        assert days == 30
        assert legal.handling_deadline(C.CIVIL_SERVANT, date(2026, 1, 1), False, days) == date(2026, 5, 1)

    def test_an_open_deferral_counts_up_to_the_day_asked(self) -> None:
        assert legal.deferred_days([(date(2026, 2, 1), None)], until=date(2026, 2, 11)) == 10


class TestLimitationPeriod:
    """Điều 80 Luật Cán bộ, công chức (sửa đổi 2019): 5 years at reprimand level, else 10."""

    def test_five_years_for_a_reprimand_level_violation(self) -> None:
        assert legal.limitation_deadline(C.CIVIL_SERVANT, date(2020, 3, 1), F.REPRIMAND,
                                         date(2025, 1, 10)) == date(2025, 2, 28)

    def test_ten_years_for_heavier_violations(self) -> None:
        assert legal.limitation_deadline(C.CIVIL_SERVANT, date(2020, 3, 1), F.WARNING,
                                         date(2025, 8, 10)) == date(2030, 2, 28)

    def test_warranted_form_from_severity_unless_proposed(self) -> None:
        assert legal.warranted_form(Severity.LESS_SERIOUS, None) == F.REPRIMAND
        assert legal.warranted_form(Severity.SERIOUS, None) == F.WARNING
        assert legal.warranted_form(Severity.LESS_SERIOUS, F.WARNING) == F.WARNING


class TestExemption:
    """Điều 4 Nghị định 112/2020; Nghị định 73/2023 (in force 29/09/2023) protects officials who
    dare to innovate: no exemption where the violation was for self-interest."""

    def test_innovation_risk_exemption_from_nd73_effective_date(self) -> None:
        with pytest.raises(RuleViolated) as caught:
            legal.check_exemption(ExemptionGround.INNOVATION_RISK, Nature.INNOVATION_RISK,
                                  "Quyết định phê duyệt thí điểm số 12/QĐ-UBND", date(2023, 9, 28))
        assert caught.value.rule == "exemption_ground_not_in_force"
        rule = legal.check_exemption(ExemptionGround.INNOVATION_RISK, Nature.INNOVATION_RISK,
                                     "Quyết định phê duyệt thí điểm số 12/QĐ-UBND", date(2023, 9, 29))
        assert "73/2023" in rule.article

    def test_no_innovation_exemption_for_self_interest(self) -> None:
        with pytest.raises(RuleViolated) as caught:
            legal.check_exemption(ExemptionGround.INNOVATION_RISK, Nature.SELF_INTEREST,
                                  "Quyết định phê duyệt", date(2026, 1, 5))
        assert caught.value.rule == "exemption_excluded_for_self_interest"

    def test_an_exemption_needs_its_basis(self) -> None:
        with pytest.raises(RuleViolated) as caught:
            legal.check_exemption(ExemptionGround.FORCE_MAJEURE, Nature.NEGLIGENCE, "  ", date(2026, 1, 5))
        assert caught.value.rule == "exemption_basis_required"


class TestAppraisal:
    """Nghị định 90/2020 until 31/12/2025; Nghị định 335/2025 from 01/01/2026."""

    @pytest.mark.parametrize("score,band", [(100, Rating.EXCELLENT), (90, Rating.EXCELLENT),
                                            (89.9, Rating.GOOD), (70, Rating.GOOD),
                                            (69.5, Rating.COMPLETED), (50, Rating.COMPLETED),
                                            (49.9, Rating.NOT_COMPLETED), (0, Rating.NOT_COMPLETED)])
    def test_nd335_score_bands(self, score: float, band: Rating) -> None:
        assert legal.band_for(score, date(2026, 1, 1)) == band

    def test_regime_changes_on_2026_01_01(self) -> None:
        assert legal.appraisal_regime(date(2025, 12, 31)).code == "nd90_2020"
        assert legal.appraisal_regime(date(2026, 1, 1)).code == "nd335_2025"

    @pytest.mark.parametrize("on", [date(2025, 12, 31), date(2026, 1, 1)])
    def test_discipline_in_the_year_forces_not_completed_on_both_sides(self, on: date) -> None:
        result = legal.rating_ceiling(95, on, disciplined_form=F.REPRIMAND, head_unit_corruption=False)
        assert result.band == Rating.EXCELLENT
        assert result.ceiling == Rating.NOT_COMPLETED

    def test_head_corruption_rule_is_harsher_under_nd335(self) -> None:
        old = legal.rating_ceiling(95, date(2025, 12, 31), disciplined_form=None, head_unit_corruption=True)
        new = legal.rating_ceiling(95, date(2026, 1, 1), disciplined_form=None, head_unit_corruption=True)
        assert old.ceiling == Rating.COMPLETED
        assert new.ceiling == Rating.NOT_COMPLETED
        assert "335/2025" in new.reasons[0]

    def test_no_forced_rule_keeps_the_band(self) -> None:
        result = legal.rating_ceiling(75, date(2026, 6, 30), disciplined_form=None, head_unit_corruption=False)
        assert result.ceiling == result.band == Rating.GOOD

    def test_excellent_quota_is_twenty_percent_of_good(self) -> None:
        assert not legal.excellent_quota_exceeded(2, 10, date(2026, 12, 31))
        assert legal.excellent_quota_exceeded(3, 10, date(2026, 12, 31))
        assert legal.excellent_quota_exceeded(3, 10, date(2025, 12, 31))


class TestEmulation:
    """Luật Thi đua, khen thưởng 2022 (from 01/01/2024): Lao động tiên tiến needs HTTNV or better;
    disciplined in the year → no title."""

    @pytest.mark.parametrize("on", [date(2023, 12, 31), date(2024, 1, 1)])
    def test_advanced_worker_needs_good_or_better(self, on: date) -> None:
        assert EmulationTitle.ADVANCED_WORKER in legal.emulation_titles(Rating.GOOD, False, on)
        assert legal.emulation_titles(Rating.COMPLETED, False, on) == ()

    def test_emulation_fighter_needs_excellent(self) -> None:
        assert legal.emulation_titles(Rating.EXCELLENT, False, date(2026, 12, 31)) == (
            EmulationTitle.ADVANCED_WORKER, EmulationTitle.EMULATION_FIGHTER)

    def test_disciplined_in_the_year_gets_no_title(self) -> None:
        assert legal.emulation_titles(Rating.EXCELLENT, True, date(2026, 12, 31)) == ()

    def test_regime_recorded_by_date(self) -> None:
        assert legal.emulation_regime(date(2023, 12, 31)).code == "luat_tdkt_2003"
        assert legal.emulation_regime(date(2024, 1, 1)).code == "luat_tdkt_2022"
