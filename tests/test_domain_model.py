"""Aggregates on their own (no store): events carry actor, dates and reasons; rules refuse bad
commands without recording anything."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import uuid4

import pytest

from domain.actor import Actor
from domain.base import today
from domain.discipline import DisciplineCase
from domain.enums import CaseState, DisciplineForm, OfficialCategory, Rating
from domain.errors import IllegalTransition, InvalidInput, NotFound, RuleViolated
from domain.inspections import EvidenceRef, Inspection, RecommendationInput
from domain.kpi import KpiFigures, UnitKpiReport
from domain.organisation import DisciplineRecord, Official, Unit
from domain.periods import Period
from domain.tasks import AssignedTask

INSPECTOR = Actor("thanhtra.lan", "inspector")
NOI_VU = Actor("noivu.minh", "home_affairs")
ADMIN = Actor("admin", "admin")
SHA = "a" * 64


def new_inspection() -> Inspection:
    inspection = Inspection.open(kind="surprise", decision_no="15/QĐ-TTr", decided_on=date(2026, 3, 2),
                                 target_unit_id=uuid4(), team=["Trần Thị Lan", "Lê Văn Hùng"],
                                 scope="Việc tiếp nhận hồ sơ đất đai", recorded_by=INSPECTOR)
    return inspection


def new_case(**overrides) -> DisciplineCase:
    fields = dict(official_id=uuid4(), unit_id=uuid4(), official_category=OfficialCategory.CIVIL_SERVANT,
                  category="harassment", nature="self_interest", severity="serious",
                  occurred_on=date(2026, 1, 10), detected_on=date(2026, 3, 1), recorded_by=NOI_VU)
    fields.update(overrides)
    return DisciplineCase.open(**fields)


class TestEveryEventRecordsItsActor:
    def test_events_carry_recorded_by_and_business_dates(self) -> None:
        inspection = new_inspection()
        inspection.record_finding(category="harassment", severity="serious",
                                  description="Yêu cầu người dân nộp thêm giấy tờ không có trong quy định",
                                  occurred_on=date(2026, 2, 10), official_ids=[uuid4()],
                                  evidence=[EvidenceRef("bien-ban.pdf", SHA)], recorded_by=INSPECTOR)
        opened, recorded = inspection.collect_events()
        assert opened.recorded_by == recorded.recorded_by == INSPECTOR
        assert opened.decided_on == date(2026, 3, 2)
        assert recorded.occurred_on == date(2026, 2, 10)

    def test_an_unknown_role_is_refused(self) -> None:
        with pytest.raises(InvalidInput):
            Actor("x", "mayor")


class TestFindings:
    def test_a_correction_is_a_new_event_pointing_at_the_one_it_corrects(self) -> None:
        inspection = new_inspection()
        finding_id = inspection.record_finding(category="late_handling", severity="less_serious",
                                               description="Chậm trả kết quả 12 hồ sơ",
                                               occurred_on=date(2026, 2, 1), official_ids=[],
                                               evidence=[], recorded_by=INSPECTOR)
        inspection.correct_finding(finding_id=finding_id, changes={"severity": "serious"},
                                   reason="Đối chiếu lại sổ theo dõi: 40 hồ sơ", recorded_by=INSPECTOR)
        *_, recorded, corrected = inspection.collect_events()
        assert corrected.corrects_version == recorded.originator_version
        assert corrected.reason.startswith("Đối chiếu")
        assert recorded.severity == "less_serious"  # the original fact is untouched
        assert inspection.finding(finding_id).severity == "serious"

    def test_a_correction_needs_a_reason_and_records_nothing_without_it(self) -> None:
        inspection = new_inspection()
        finding_id = inspection.record_finding(category="shirking", severity="serious",
                                               description="Đùn đẩy hồ sơ giữa hai phòng",
                                               occurred_on=date(2026, 2, 1), official_ids=[],
                                               evidence=[], recorded_by=INSPECTOR)
        version = inspection.version
        with pytest.raises(RuleViolated) as caught:
            inspection.correct_finding(finding_id=finding_id, changes={"severity": "very_serious"},
                                       reason=" ", recorded_by=INSPECTOR)
        assert caught.value.rule == "reason_required"
        assert inspection.version == version

    def test_retraction_keeps_the_finding_but_marks_it(self) -> None:
        inspection = new_inspection()
        official = uuid4()
        finding_id = inspection.record_finding(category="harassment", severity="serious",
                                               description="Gây khó khăn", occurred_on=date(2026, 2, 1),
                                               official_ids=[official], evidence=[], recorded_by=INSPECTOR)
        inspection.retract_finding(finding_id=finding_id, reason="Trùng với phát hiện số 1",
                                   recorded_by=INSPECTOR)
        assert inspection.finding(finding_id).retracted
        assert not inspection.finding(finding_id).is_violation
        with pytest.raises(IllegalTransition):
            inspection.retract_finding(finding_id=finding_id, reason="lần nữa", recorded_by=INSPECTOR)

    def test_bad_values_name_their_field(self) -> None:
        inspection = new_inspection()
        with pytest.raises(InvalidInput) as caught:
            inspection.record_finding(category="bribery", severity="serious", description="x",
                                      occurred_on=date(2026, 2, 1), official_ids=[], evidence=[],
                                      recorded_by=INSPECTOR)
        assert caught.value.field == "category"
        with pytest.raises(InvalidInput) as caught:
            inspection.record_finding(category="other", severity="serious", description="x",
                                      occurred_on=date(2026, 2, 1), official_ids=[],
                                      evidence=[EvidenceRef("a.pdf", "123")], recorded_by=INSPECTOR)
        assert caught.value.field == "evidence[0].sha256"
        with pytest.raises(RuleViolated) as caught:
            inspection.record_finding(category="other", severity="serious", description="x",
                                      occurred_on=today() + timedelta(days=1), official_ids=[],
                                      evidence=[], recorded_by=INSPECTOR)
        assert caught.value.rule == "date_in_future"

    def test_conclusion_then_follow_up_then_closure(self) -> None:
        inspection = new_inspection()
        unit = uuid4()
        [rec_id] = inspection.conclude(conclusion_no="20/KL-TTr", concluded_on=date(2026, 4, 1),
                                       recommendations=[RecommendationInput(
                                           "Chấn chỉnh việc tiếp nhận hồ sơ", date(2026, 6, 30), unit)],
                                       recorded_by=INSPECTOR)
        with pytest.raises(IllegalTransition) as caught:
            inspection.record_finding(category="other", severity="serious", description="x",
                                      occurred_on=date(2026, 2, 1), official_ids=[], evidence=[],
                                      recorded_by=INSPECTOR)
        assert caught.value.rule == "inspection_concluded"
        inspection.implement_recommendation(recommendation_id=rec_id, implemented_on=date(2026, 6, 20),
                                            note="Đã ban hành quy trình", recorded_by=INSPECTOR)
        with pytest.raises(IllegalTransition):
            inspection.implement_recommendation(recommendation_id=rec_id, implemented_on=date(2026, 6, 21),
                                                note="", recorded_by=INSPECTOR)
        with pytest.raises(NotFound):
            inspection.implement_recommendation(recommendation_id=uuid4(), implemented_on=date(2026, 6, 21),
                                                note="", recorded_by=INSPECTOR)
        inspection.close(closed_on=date(2026, 7, 1), recorded_by=INSPECTOR)
        assert inspection.status == "closed"

    def test_closing_needs_a_conclusion(self) -> None:
        with pytest.raises(IllegalTransition) as caught:
            new_inspection().close(closed_on=date(2026, 4, 1), recorded_by=INSPECTOR)
        assert caught.value.rule == "inspection_not_concluded"


class TestDisciplineClocks:
    def test_deferral_stops_the_handling_clock(self) -> None:
        case = new_case()
        assert case.handling_deadline(date(2026, 3, 1)) == date(2026, 5, 30)
        case.defer(reason="maternity", on=date(2026, 3, 10), note="Nghỉ thai sản", recorded_by=NOI_VU)
        # while deferred, every day asked about pushes the deadline
        assert case.handling_deadline(date(2026, 3, 20)) == date(2026, 6, 9)
        case.resume(on=date(2026, 4, 9), recorded_by=NOI_VU)
        assert case.handling_deadline(date(2026, 12, 31)) == date(2026, 6, 29)
        assert case.state == CaseState.OPEN

    def test_a_deferred_case_cannot_be_decided(self) -> None:
        case = new_case()
        case.defer(reason="illness", on=date(2026, 3, 10), recorded_by=NOI_VU)
        with pytest.raises(IllegalTransition) as caught:
            case.decide(form="warning", decision_no="1/QĐ", decided_on=date(2026, 4, 1),
                        official_category=OfficialCategory.CIVIL_SERVANT, official_is_leader=False,
                        recorded_by=NOI_VU)
        assert caught.value.rule == "case_deferred"

    def test_extension_once_and_only_before_the_deadline(self) -> None:
        case = new_case()
        with pytest.raises(RuleViolated) as caught:
            case.extend(on=date(2026, 6, 1), reason="Cần xác minh thêm", recorded_by=NOI_VU)
        assert caught.value.rule == "extension_after_deadline"
        case.extend(on=date(2026, 5, 20), reason="Cần xác minh thêm", recorded_by=NOI_VU)
        assert case.handling_deadline(date(2026, 12, 31)) == date(2026, 7, 29)
        with pytest.raises(IllegalTransition):
            case.extend(on=date(2026, 5, 21), reason="lần hai", recorded_by=NOI_VU)

    def test_decision_records_regime_deadline_and_lateness(self) -> None:
        case = new_case()
        case.decide(form="warning", decision_no="33/QĐ-UBND", decided_on=date(2026, 6, 15),
                    official_category=OfficialCategory.CIVIL_SERVANT, official_is_leader=False,
                    recorded_by=NOI_VU)
        decided = case.collect_events()[-1]
        assert decided.regime == "nd172_2025"
        assert decided.handling_deadline == date(2026, 5, 30)
        assert decided.late is True
        assert decided.in_force_until == date(2027, 6, 14)
        with pytest.raises(IllegalTransition):
            case.withdraw(on=date(2026, 6, 16), reason="nhầm", recorded_by=NOI_VU)

    def test_a_form_that_no_longer_exists_is_refused_and_nothing_recorded(self) -> None:
        case = new_case(occurred_on=date(2025, 5, 1), detected_on=date(2025, 6, 1))
        with pytest.raises(RuleViolated) as caught:
            case.decide(form="salary_step_down", decision_no="1/QĐ", decided_on=date(2025, 7, 1),
                        official_category=OfficialCategory.CIVIL_SERVANT, official_is_leader=False,
                        recorded_by=NOI_VU)
        assert caught.value.rule == "discipline_form_not_allowed"
        assert case.state == CaseState.OPEN and case.version == 1
        case.decide(form="salary_step_down", decision_no="1/QĐ", decided_on=date(2025, 6, 30),
                    official_category=OfficialCategory.CIVIL_SERVANT, official_is_leader=False,
                    recorded_by=NOI_VU)
        assert case.collect_events()[-1].regime == "nd112_2020_nd71_2023"

    def test_past_the_limitation_period_only_time_barred(self) -> None:
        case = new_case(severity="less_serious", occurred_on=date(2020, 3, 1), detected_on=date(2025, 1, 10))
        # Bộ luật Dân sự 2015 art. 147–148: 01/03/2020 not counted, five years end with 01/03/2025
        assert case.limitation_deadline == date(2025, 3, 1)
        with pytest.raises(RuleViolated) as caught:
            case.decide(form="reprimand", decision_no="2/QĐ", decided_on=date(2025, 3, 2),
                        official_category=OfficialCategory.CIVIL_SERVANT, official_is_leader=False,
                        recorded_by=NOI_VU)
        assert caught.value.rule == "limitation_period_expired"
        with pytest.raises(RuleViolated) as caught:
            case.mark_time_barred(on=date(2025, 3, 1), recorded_by=NOI_VU)
        assert caught.value.rule == "limitation_period_not_expired"
        case.mark_time_barred(on=date(2025, 3, 2), recorded_by=NOI_VU)
        assert case.state == CaseState.TIME_BARRED

    def test_the_limitation_follows_the_form_decided(self) -> None:
        # a serious violation (10 years) in its seventh year: a warning may be decided, a reprimand not
        case = new_case(severity="serious", occurred_on=date(2019, 6, 1), detected_on=date(2026, 1, 5))
        assert case.limitation_deadline == date(2029, 6, 1)
        with pytest.raises(RuleViolated) as caught:
            case.decide(form="reprimand", decision_no="4/QĐ", decided_on=date(2026, 3, 1),
                        official_category=OfficialCategory.CIVIL_SERVANT, official_is_leader=False,
                        recorded_by=NOI_VU)
        assert caught.value.rule == "limitation_period_expired"
        assert "Khiển trách" in caught.value.message and "76/2022" in caught.value.message
        case.decide(form="warning", decision_no="4/QĐ", decided_on=date(2026, 3, 1),
                    official_category=OfficialCategory.CIVIL_SERVANT, official_is_leader=False,
                    recorded_by=NOI_VU)
        assert case.state == CaseState.DECIDED

    def test_a_false_diploma_case_has_no_limitation_and_cannot_be_time_barred(self) -> None:
        case = new_case(severity="less_serious", occurred_on=date(2012, 5, 2), detected_on=date(2026, 2, 1),
                        no_limitation_ground="false_credentials")
        assert case.limitation_deadline is None
        with pytest.raises(RuleViolated) as caught:
            case.mark_time_barred(on=date(2026, 3, 1), recorded_by=NOI_VU)
        assert caught.value.rule == "no_limitation_period"
        assert "Điều 80" in caught.value.message or "80/2025" in caught.value.message
        case.decide(form="reprimand", decision_no="5/QĐ", decided_on=date(2026, 3, 1),
                    official_category=OfficialCategory.CIVIL_SERVANT, official_is_leader=False,
                    recorded_by=NOI_VU)
        assert case.state == CaseState.DECIDED

    def test_repeat_offence_needs_one_level_heavier_or_a_recorded_reason(self) -> None:
        prior = DisciplineRecord(uuid4(), DisciplineForm.REPRIMAND, date(2025, 11, 1), date(2026, 10, 31),
                                 "9/QĐ")
        case = new_case(severity="less_serious")  # warrants a reprimand: branch (a)
        with pytest.raises(RuleViolated) as caught:
            case.decide(form="reprimand", decision_no="3/QĐ", decided_on=date(2026, 4, 1),
                        official_category=OfficialCategory.CIVIL_SERVANT, official_is_leader=False,
                        in_force=prior, recorded_by=NOI_VU)
        assert caught.value.rule == "repeat_one_level_heavier"
        assert "Cảnh cáo" in caught.value.message
        case.decide(form="reprimand", decision_no="3/QĐ", decided_on=date(2026, 4, 1),
                    official_category=OfficialCategory.CIVIL_SERVANT, official_is_leader=False,
                    in_force=prior, override_reason="Có tình tiết giảm nhẹ: tự giác khắc phục",
                    recorded_by=NOI_VU)
        decided = case.collect_events()[-1]
        assert decided.repeat_required_form == DisciplineForm.WARNING
        assert decided.repeat_branch == "a"
        assert decided.override_reason.startswith("Có tình tiết")

    def test_repeat_with_a_heavier_new_violation_steps_above_its_own_form(self) -> None:
        # reprimand in force; the council proposes a warning for the new violation: branch (b) asks
        # one level above the warning — removal from post for a leader under Nghị định 172/2025
        prior = DisciplineRecord(uuid4(), DisciplineForm.REPRIMAND, date(2025, 11, 1), date(2026, 10, 31),
                                 "9/QĐ")
        case = new_case(severity="less_serious")
        case.convene_council(convened_on=date(2026, 3, 20), recommended_form="warning", recorded_by=NOI_VU)
        with pytest.raises(RuleViolated) as caught:
            case.decide(form="warning", decision_no="3/QĐ", decided_on=date(2026, 4, 1),
                        official_category=OfficialCategory.CIVIL_SERVANT, official_is_leader=True,
                        in_force=prior, recorded_by=NOI_VU)
        assert caught.value.rule == "repeat_one_level_heavier"
        assert "Cách chức" in caught.value.message and "điểm b" in caught.value.message
        assert "172/2025" in caught.value.message
        case.decide(form="removal_from_post", decision_no="3/QĐ", decided_on=date(2026, 4, 1),
                    official_category=OfficialCategory.CIVIL_SERVANT, official_is_leader=True,
                    in_force=prior, recorded_by=NOI_VU)
        decided = case.collect_events()[-1]
        assert (decided.repeat_required_form, decided.repeat_branch) == (DisciplineForm.REMOVAL_FROM_POST, "b")

    def test_innovation_exemption_only_without_self_interest(self) -> None:
        greedy = new_case(nature="self_interest")
        with pytest.raises(RuleViolated):
            greedy.exempt(ground="innovation_risk", basis="QĐ 45/QĐ-UBND phê duyệt thí điểm",
                          decided_on=date(2026, 4, 1), recorded_by=NOI_VU)
        bold = new_case(nature="innovation_risk")
        bold.exempt(ground="innovation_risk", basis="QĐ 45/QĐ-UBND phê duyệt thí điểm",
                    decided_on=date(2026, 4, 1), recorded_by=NOI_VU)
        assert bold.state == CaseState.EXEMPTED
        assert "73/2023" in bold.collect_events()[-1].article

    def test_detection_before_violation_is_refused(self) -> None:
        with pytest.raises(RuleViolated) as caught:
            new_case(occurred_on=date(2026, 3, 1), detected_on=date(2026, 2, 1))
        assert caught.value.rule == "detection_before_violation"


class TestHeadsOfUnits:
    def test_a_new_head_ends_the_previous_term_the_day_before(self) -> None:
        unit = Unit.register(code="P-TB", name="UBND phường Trấn Biên", kind="commune", recorded_by=ADMIN)
        first, second = uuid4(), uuid4()
        unit.appoint_head(official_id=first, since=date(2025, 7, 1), recorded_by=ADMIN)
        unit.appoint_head(official_id=second, since=date(2026, 4, 1), recorded_by=ADMIN)
        assert unit.head_on(date(2026, 3, 31)) == first
        assert unit.head_on(date(2026, 4, 1)) == second
        assert unit.head_on(date(2025, 6, 30)) is None
        assert [type(e).__name__ for e in unit.collect_events()] == [
            "Registered", "HeadAppointed", "HeadTermEnded", "HeadAppointed"]

    def test_overlapping_terms_are_refused(self) -> None:
        unit = Unit.register(code="P-BH", name="UBND phường Biên Hòa", kind="commune", recorded_by=ADMIN)
        unit.appoint_head(official_id=uuid4(), since=date(2025, 7, 1), recorded_by=ADMIN)
        with pytest.raises(RuleViolated) as caught:
            unit.appoint_head(official_id=uuid4(), since=date(2025, 7, 1), recorded_by=ADMIN)
        assert caught.value.rule == "head_term_overlap"

    def test_official_category_and_posting_on_a_date(self) -> None:
        unit_a, unit_b = uuid4(), uuid4()
        official = Official.register(personnel_code="DN-001", full_name="Phạm Thị Hoa",
                                     category="public_employee", unit_id=unit_a, is_leader=False,
                                     recorded_by=ADMIN)
        official.change_category(category="civil_servant", on=date(2025, 9, 1),
                                 reason="Tiếp nhận vào công chức", recorded_by=ADMIN)
        official.transfer(unit_id=unit_b, on=date(2026, 1, 1), is_leader=True, reason="Điều động",
                          recorded_by=ADMIN)
        assert official.category_on(date(2025, 8, 31)) == OfficialCategory.PUBLIC_EMPLOYEE
        assert official.category_on(date(2025, 9, 1)) == OfficialCategory.CIVIL_SERVANT
        assert official.unit_on(date(2025, 12, 31)) == unit_a
        assert official.unit_on(date(2026, 1, 1)) == unit_b and official.is_leader_on(date(2026, 1, 1))


class TestTasksAndKpi:
    def test_task_lateness(self) -> None:
        task = AssignedTask.assign(plan_ref="83/KH-UBND", row_no="13", title="Xử lý TTHC trên môi trường số",
                                   lead_unit_id=uuid4(), responsible_official_id=None,
                                   responsibility="Chủ trì", coordinating_unit_ids=[],
                                   expected_result="Tỷ lệ ≥ 95%", assigned_on=date(2026, 6, 10),
                                   due_on=date(2026, 9, 30), recorded_by=NOI_VU)
        assert not task.is_late(date(2026, 9, 30)) and task.is_late(date(2026, 10, 1))
        task.complete(on=date(2026, 10, 5), result="Đạt 96%", recorded_by=NOI_VU)
        assert task.is_late(date(2026, 12, 31))
        with pytest.raises(IllegalTransition):
            task.report_progress(on=date(2026, 10, 6), percent=50, note="", recorded_by=NOI_VU)

    def test_kpi_report_validates_and_corrects_with_reason(self) -> None:
        figures = KpiFigures(conferences_total=40, conferences_online=26, longest_indoctrination_days=0.5,
                             longest_professional_days=1, longest_important_days=1.5, documents_issued=800,
                             procedures_online_pct=96, documents_digitised_pct=97,
                             electronic_sending_pct=100, staff_trained_pct=88)
        report = UnitKpiReport.submit(unit_id=uuid4(), period="2026-h1", submitted_on=date(2026, 6, 18),
                                      figures=figures, recorded_by=NOI_VU)
        assert report.period == "2026-H1"
        with pytest.raises(RuleViolated) as caught:
            report.correct(corrected_on=date(2026, 6, 25),
                           figures=KpiFigures(**{**figures.__dict__, "conferences_online": 41}),
                           reason="sửa", recorded_by=NOI_VU)
        assert caught.value.rule == "online_exceeds_total"
        with pytest.raises(InvalidInput) as invalid:
            UnitKpiReport.submit(unit_id=uuid4(), period="2026-Q3", submitted_on=date(2026, 6, 18),
                                 figures=figures, recorded_by=NOI_VU)
        assert invalid.value.field == "period"


class TestPeriods:
    @pytest.mark.parametrize("text,start,end", [("2026", date(2026, 1, 1), date(2026, 12, 31)),
                                                ("2026-H1", date(2026, 1, 1), date(2026, 6, 30)),
                                                ("2026-h2", date(2026, 7, 1), date(2026, 12, 31))])
    def test_parse(self, text: str, start: date, end: date) -> None:
        period = Period.parse(text)
        assert (period.start, period.end) == (start, end)

    @pytest.mark.parametrize("text", ["26", "2026-H3", "2026-Q1", "", "năm 2026"])
    def test_bad_periods_name_the_field(self, text: str) -> None:
        with pytest.raises(InvalidInput) as caught:
            Period.parse(text)
        assert caught.value.field == "period"


def test_rating_is_an_enum_users_read_in_vietnamese() -> None:
    from domain.enums import label
    assert label(Rating.NOT_COMPLETED) == "Không hoàn thành nhiệm vụ"
