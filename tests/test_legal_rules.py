"""Legal rules as dated data: each test names the text behind the rule and checks both sides of
every effective date (DESIGN §2)."""

from __future__ import annotations

from datetime import date

import pytest

from domain import legal
from domain.discipline import check_joint_form
from domain.enums import (
    DeferralReason,
    DisciplineForm as F,
    EmulationTitle,
    ExemptionGround,
    Nature,
    NoLimitationGround,
    OfficialCategory as C,
    Rating,
    Severity,
)
from domain.errors import RuleViolated

LAST_OLD = date(2025, 6, 30)   # last day of Nghị định 112/2020 (amended by 71/2023) for CBCC
FIRST_NEW = date(2025, 7, 1)   # first day of Nghị định 172/2025


class TestDisciplineFormsNd112VersusNd172:
    """Luật CBCC art. 78–79 and Luật Viên chức art. 52 (amended 2019), Nghị định 112/2020 (Điều 7, 8,
    15) until 30/06/2025; Nghị định 172/2025 from 01/07/2025."""

    def test_salary_step_down_only_for_a_civil_servant_without_a_post_and_only_before_2025_07_01(self) -> None:
        assert F.SALARY_STEP_DOWN in legal.allowed_forms(C.CIVIL_SERVANT, False, LAST_OLD)
        assert F.SALARY_STEP_DOWN not in legal.allowed_forms(C.CIVIL_SERVANT, True, LAST_OLD)
        assert F.SALARY_STEP_DOWN not in legal.allowed_forms(C.CIVIL_SERVANT, False, FIRST_NEW)

    def test_civil_servant_forms_before_2025_07_01_by_post(self) -> None:
        assert legal.allowed_forms(C.CIVIL_SERVANT, False, LAST_OLD) == (
            F.REPRIMAND, F.WARNING, F.SALARY_STEP_DOWN, F.DISMISSAL)
        assert legal.allowed_forms(C.CIVIL_SERVANT, True, LAST_OLD) == (
            F.REPRIMAND, F.WARNING, F.DEMOTION, F.REMOVAL_FROM_POST, F.DISMISSAL)

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

    @pytest.mark.parametrize("on", [date(2020, 9, 20), LAST_OLD, FIRST_NEW])
    def test_public_employees_never_have_salary_step_down(self, on: date) -> None:
        assert legal.allowed_forms(C.PUBLIC_EMPLOYEE, False, on) == (F.REPRIMAND, F.WARNING, F.DISMISSAL)
        assert legal.allowed_forms(C.PUBLIC_EMPLOYEE, True, on) == (
            F.REPRIMAND, F.WARNING, F.REMOVAL_FROM_POST, F.DISMISSAL)

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
        with pytest.raises(RuleViolated) as caught:
            legal.check_form_allowed(F.SALARY_STEP_DOWN, C.CIVIL_SERVANT, True, LAST_OLD)
        assert "Điều 79 Luật Cán bộ, công chức" in caught.value.message
        with pytest.raises(RuleViolated) as caught:
            legal.check_form_allowed(F.SALARY_STEP_DOWN, C.PUBLIC_EMPLOYEE, False, LAST_OLD)
        assert "Điều 52 Luật Viên chức" in caught.value.message

    def test_no_regime_before_nd112_came_into_force(self) -> None:
        with pytest.raises(RuleViolated) as caught:
            legal.allowed_forms(C.CIVIL_SERVANT, False, date(2020, 9, 19))
        assert caught.value.rule == "no_discipline_regime"
        assert legal.allowed_forms(C.CIVIL_SERVANT, False, date(2020, 9, 20))

    def test_every_regime_has_a_title_people_read(self) -> None:
        assert legal.REGIME_TITLES["nd172_2025"].startswith("Nghị định 172/2025/NĐ-CP")
        assert all("nd" not in title for title in legal.REGIME_TITLES.values())


class TestRetiredOfficials:
    """Officials who retired or left are still disciplined for violations in office: reprimand,
    warning, or removal of the title they held (xóa tư cách chức vụ)."""

    @pytest.mark.parametrize("on", [LAST_OLD, FIRST_NEW])
    @pytest.mark.parametrize("category", list(C))
    def test_forms_of_a_retired_official(self, category: C, on: date) -> None:
        assert legal.allowed_forms(category, True, on, retired=True) == (
            F.REPRIMAND, F.WARNING, F.REMOVAL_OF_TITLE)
        # the title can only be removed from one who held a post
        assert legal.allowed_forms(category, False, on, retired=True) == (F.REPRIMAND, F.WARNING)

    def test_dismissal_of_a_retired_official_is_refused_with_the_article(self) -> None:
        with pytest.raises(RuleViolated) as caught:
            legal.check_form_allowed(F.DISMISSAL, C.CIVIL_SERVANT, True, FIRST_NEW, retired=True)
        assert caught.value.rule == "discipline_form_not_allowed"
        assert "nghỉ hưu" in caught.value.message and "172/2025" in caught.value.message


class TestOneViolationOneForm:
    """Điều 2 Nghị định 112/2020 and 172/2025: one form per violation; several together → one joint
    decision; a new violation while a decision is in force → branch (a) or (b) of khoản 3."""

    def test_heaviest_of_several(self) -> None:
        assert legal.heaviest([F.REPRIMAND, F.WARNING, F.REPRIMAND]) == F.WARNING

    def test_joint_decision_refuses_a_form_lighter_than_the_heaviest(self) -> None:
        on = date(2026, 3, 1)
        with pytest.raises(RuleViolated) as caught:
            check_joint_form(F.REPRIMAND, [F.REPRIMAND, F.WARNING], C.CIVIL_SERVANT, False, on)
        assert caught.value.rule == "several_violations_heaviest"
        assert "172/2025" in caught.value.message
        assert check_joint_form(F.WARNING, [F.REPRIMAND, F.WARNING], C.CIVIL_SERVANT, False, on) == F.WARNING

    def test_joint_rule_by_date_original_nd112_one_level_above_then_the_heaviest(self) -> None:
        before, after = date(2023, 9, 19), date(2023, 9, 20)
        # the original Nghị định 112/2020: one level heavier than the heaviest violation's form
        assert legal.joint_required_form([F.REPRIMAND, F.WARNING], C.CIVIL_SERVANT, False, before) == (
            F.SALARY_STEP_DOWN, "Khoản 2 Điều 2 Nghị định 112/2020/NĐ-CP")
        with pytest.raises(RuleViolated):
            check_joint_form(F.WARNING, [F.REPRIMAND, F.WARNING], C.CIVIL_SERVANT, False, before)
        # as amended by Nghị định 71/2023: the heaviest
        required, article = legal.joint_required_form([F.REPRIMAND, F.WARNING], C.CIVIL_SERVANT, False, after)
        assert required == F.WARNING and "71/2023" in article

    def test_repeat_branch_a_new_violation_no_heavier_steps_above_the_form_in_force(self) -> None:
        # before 01/07/2025 a civil servant without a post: warning → salary step-down
        r = legal.repeat_requirement(F.WARNING, F.REPRIMAND, C.CIVIL_SERVANT, False, LAST_OLD)
        assert (r.required, r.branch) == (F.SALARY_STEP_DOWN, "a")
        # a leader never had salary step-down: warning → demotion
        r = legal.repeat_requirement(F.WARNING, F.WARNING, C.CIVIL_SERVANT, True, LAST_OLD)
        assert (r.required, r.branch) == (F.DEMOTION, "a")
        # from 01/07/2025: dismissal for a non-leader, removal from post for a leader
        assert legal.repeat_requirement(F.WARNING, F.REPRIMAND, C.CIVIL_SERVANT, False, FIRST_NEW).required \
            == F.DISMISSAL
        assert legal.repeat_requirement(F.WARNING, F.REPRIMAND, C.CIVIL_SERVANT, True, FIRST_NEW).required \
            == F.REMOVAL_FROM_POST
        assert "172/2025" in legal.repeat_requirement(F.WARNING, F.REPRIMAND, C.CIVIL_SERVANT, True,
                                                      FIRST_NEW).article

    def test_repeat_branch_b_a_heavier_new_violation_steps_above_its_own_form(self) -> None:
        # reprimand in force, the new violation warrants a warning: one level above the warning
        r = legal.repeat_requirement(F.REPRIMAND, F.WARNING, C.CIVIL_SERVANT, True, FIRST_NEW)
        assert (r.required, r.branch) == (F.REMOVAL_FROM_POST, "b")
        r = legal.repeat_requirement(F.REPRIMAND, F.WARNING, C.PUBLIC_EMPLOYEE, False, FIRST_NEW)
        assert (r.required, r.branch) == (F.DISMISSAL, "b")
        # at the top of the scale the heaviest form applies
        r = legal.repeat_requirement(F.WARNING, F.DISMISSAL, C.CIVIL_SERVANT, False, FIRST_NEW)
        assert (r.required, r.branch) == (F.DISMISSAL, "b")

    def test_one_level_heavier_skips_forms_that_no_longer_exist(self) -> None:
        assert legal.next_heavier(F.WARNING, C.CIVIL_SERVANT, False, LAST_OLD) == F.SALARY_STEP_DOWN
        assert legal.next_heavier(F.WARNING, C.CIVIL_SERVANT, True, LAST_OLD) == F.DEMOTION
        assert legal.next_heavier(F.WARNING, C.CIVIL_SERVANT, False, FIRST_NEW) == F.DISMISSAL
        assert legal.next_heavier(F.WARNING, C.CIVIL_SERVANT, True, FIRST_NEW) == F.REMOVAL_FROM_POST
        assert legal.next_heavier(F.DISMISSAL, C.CIVIL_SERVANT, True, FIRST_NEW) is None

    def test_a_decision_is_in_force_for_twelve_months(self) -> None:
        assert legal.decision_in_force_until(F.REPRIMAND, C.CIVIL_SERVANT, date(2026, 3, 15)) == \
            date(2027, 3, 14)
        assert legal.decision_in_force_until(F.DISMISSAL, C.CIVIL_SERVANT, date(2026, 3, 15)) is None


class TestHandlingDeadline:
    """Điều 80 Luật Cán bộ, công chức (sửa đổi 2019): 90 days, 150 with an extension; the days on
    which discipline may not be considered are not counted."""

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


class TestDeferralGroundsPerRegime:
    """Khoản 4 Điều 3 Nghị định 112/2020 (viên chức; everyone before 01/07/2025) has annual and
    permitted leave; Nghị định 172/2025 (cán bộ, công chức from 01/07/2025) does not."""

    @pytest.mark.parametrize("reason", [DeferralReason.ANNUAL_LEAVE, DeferralReason.PERMITTED_LEAVE])
    def test_leave_defers_under_nd112_only(self, reason: DeferralReason) -> None:
        assert legal.check_deferral_ground(reason, C.CIVIL_SERVANT, LAST_OLD).code == "nd112_2020_nd71_2023"
        assert legal.check_deferral_ground(reason, C.PUBLIC_EMPLOYEE, FIRST_NEW)
        with pytest.raises(RuleViolated) as caught:
            legal.check_deferral_ground(reason, C.CIVIL_SERVANT, FIRST_NEW)
        assert caught.value.rule == "deferral_reason_not_allowed"
        assert "172/2025" in caught.value.message
        with pytest.raises(RuleViolated):
            legal.check_deferral_ground(reason, C.CADRE, FIRST_NEW)

    @pytest.mark.parametrize("on", [LAST_OLD, FIRST_NEW])
    @pytest.mark.parametrize("reason", [DeferralReason.ILLNESS, DeferralReason.PREGNANCY,
                                        DeferralReason.MATERNITY, DeferralReason.CHILD_UNDER_12_MONTHS,
                                        DeferralReason.PROSECUTION])
    def test_illness_pregnancy_maternity_child_prosecution_defer_under_both(self, reason: DeferralReason,
                                                                           on: date) -> None:
        for category in C:
            assert legal.check_deferral_ground(reason, category, on)

    def test_the_form_lists_only_the_regime_grounds(self) -> None:
        assert DeferralReason.ANNUAL_LEAVE in legal.deferral_grounds(C.CIVIL_SERVANT, LAST_OLD)
        assert legal.deferral_grounds(C.CIVIL_SERVANT, FIRST_NEW) == (
            DeferralReason.ILLNESS, DeferralReason.PREGNANCY, DeferralReason.MATERNITY,
            DeferralReason.CHILD_UNDER_12_MONTHS, DeferralReason.PROSECUTION)


class TestLimitationPeriod:
    """Điều 80 Luật Cán bộ, công chức (sửa đổi 2019): 5 years at reprimand level, else 10, counted as
    Điều 147–148 Bộ luật Dân sự 2015 count a period in years; no limitation for four kinds."""

    def test_five_years_for_a_reprimand_level_violation_ending_on_the_same_day(self) -> None:
        # violation 15/03/2022: the day itself is not counted; the period ends at the end of 15/03/2027
        assert legal.limitation_deadline(C.CIVIL_SERVANT, date(2022, 3, 15), F.REPRIMAND,
                                         date(2023, 1, 10)) == date(2027, 3, 15)

    def test_ten_years_for_heavier_violations(self) -> None:
        assert legal.limitation_deadline(C.CIVIL_SERVANT, date(2020, 3, 1), F.WARNING,
                                         date(2025, 8, 10)) == date(2030, 3, 1)

    def test_two_and_five_years_before_resolution_76_2022(self) -> None:
        # Luật 52/2019 said 2 and 5 years; Nghị quyết 76/2022/QH15 made them 5 and 10 from 15/11/2022
        before, after = date(2022, 11, 14), date(2022, 11, 15)
        assert legal.limitation_deadline(C.CIVIL_SERVANT, date(2021, 3, 1), F.REPRIMAND, before) == date(2023, 3, 1)
        assert legal.limitation_deadline(C.CIVIL_SERVANT, date(2021, 3, 1), F.WARNING, before) == date(2026, 3, 1)
        assert legal.limitation_deadline(C.CIVIL_SERVANT, date(2021, 3, 1), F.REPRIMAND, after) == date(2026, 3, 1)
        assert legal.limitation_deadline(C.CIVIL_SERVANT, date(2021, 3, 1), F.WARNING, after) == date(2031, 3, 1)
        assert "76/2022" in legal.limitation_rule(after).article

    def test_a_29_february_ends_on_the_last_day_of_february(self) -> None:
        assert legal.limitation_deadline(C.CIVIL_SERVANT, date(2020, 2, 29), F.REPRIMAND,
                                         date(2023, 1, 4)) == date(2025, 2, 28)

    @pytest.mark.parametrize("ground", list(NoLimitationGround))
    @pytest.mark.parametrize("regime_date", [LAST_OLD, FIRST_NEW])
    def test_no_limitation_for_the_four_grounds_on_both_sides(self, ground: NoLimitationGround,
                                                             regime_date: date) -> None:
        assert legal.limitation_deadline(C.CIVIL_SERVANT, date(2012, 3, 15), F.REPRIMAND, regime_date,
                                         ground) is None

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
