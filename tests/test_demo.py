"""The demo data (`tracker seed-demo`): realistic, complete, idempotent and resumable."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from domain.enums import CaseState, DisciplineForm, ExemptionGround, OfficialCategory, UnitKind
from domain.organisation import Unit
from services import Services, Store, open_store
from tracker.demo import (
    ADMIN,
    LATEST_DATE,
    DemoDataDiverged,
    Script,
    SeedResult,
    run_script,
    seed_demo,
)

AGGREGATE_TYPES = {"Unit", "Official", "Inspection", "DisciplineCase", "AccountabilityDecision",
                   "AssignedTask", "UnitKpiReport"}

# Dates that are deadlines or computed limits, not facts: they may lie after the latest demo date.
DEADLINE_FIELDS = {"due_on", "in_force_until", "handling_deadline", "limitation_deadline"}


def log_of(store: Store) -> list[Any]:
    return list(store.app.recorder.select_notifications(start=1, limit=100_000))


def kind_of(topic: str) -> tuple[str, str]:
    """('DisciplineCase', 'Decided') from a topic such as 'domain.discipline:DisciplineCase.Decided'."""
    aggregate_type, _, event_type = topic.rpartition(":")[2].rpartition(".")
    return aggregate_type, event_type


def events_of(store: Store, aggregate_type: str, event_type: str | None = None) -> list[Any]:
    return [store.app.mapper.to_domain_event(n) for n in log_of(store)
            if kind_of(n.topic)[0] == aggregate_type
            and (event_type is None or kind_of(n.topic)[1] == event_type)]


def aggregates_of(store: Store, aggregate_type: str) -> list[Any]:
    ids = {e.originator_id for e in events_of(store, aggregate_type)}
    return [store.app.repository.get(i) for i in sorted(ids)]


class Interrupted(Exception):
    pass


def stop_after(steps: int):
    def on_step(done: int, total: int) -> None:
        if done == steps:
            raise Interrupted(f"stopped after {done} of {total} steps")
    return on_step


def test_the_demo_writes_a_realistic_log_with_every_aggregate_and_case_state(
        services: Services, store: Store) -> None:
    progress: list[tuple[int, int]] = []
    result = seed_demo(services, on_step=lambda done, total: progress.append((done, total)))

    total = result.steps_run
    assert result == SeedResult(steps_run=total, steps_skipped=0)
    assert progress == [(i, total) for i in range(1, total + 1)]
    log = log_of(store)
    assert len(log) == store.position() >= 200
    by_kind = Counter(kind_of(n.topic) for n in log)
    assert {a for a, _ in by_kind} == AGGREGATE_TYPES
    for expected in [("Unit", "HeadTermEnded"), ("Official", "Transferred"), ("Official", "CategoryChanged"),
                     ("Official", "DisciplineRecorded"), ("Inspection", "FindingCorrected"),
                     ("Inspection", "FindingRetracted"), ("Inspection", "RecommendationImplemented"),
                     ("Inspection", "Closed"), ("DisciplineCase", "Resumed"), ("DisciplineCase", "Extended"),
                     ("DisciplineCase", "ReviewMeetingHeld"), ("DisciplineCase", "CouncilConvened"),
                     ("AssignedTask", "ProgressReported"), ("AssignedTask", "Completed"),
                     ("AssignedTask", "Reassigned"), ("UnitKpiReport", "Corrected")]:
        assert by_kind[expected] >= 1, expected
    assert by_kind[("Inspection", "FindingRecorded")] >= 15
    assert by_kind[("AccountabilityDecision", "Made")] >= 6
    assert by_kind[("UnitKpiReport", "Submitted")] >= 25
    # Several people recorded the facts, in their roles.
    actors = {(e.recorded_by.user_id, e.recorded_by.role)
              for e in (store.app.mapper.to_domain_event(n) for n in log)}
    assert {role for _, role in actors} == {"admin", "inspector", "home_affairs"}
    assert len(actors) >= 5

    # Every business date is valid today; only deadlines may lie ahead.
    for n in log:
        event = store.app.mapper.to_domain_event(n)
        for name, value in vars(event).items():
            if isinstance(value, date) and not isinstance(value, datetime) and name not in DEADLINE_FIELDS:
                assert value <= LATEST_DATE, (kind_of(n.topic), name, value)

    # Organisation: the plan's departments, wards and communes, public service units; heads over time.
    units = aggregates_of(store, "Unit")
    names = {u.name for u in units}
    assert {"Sở Nội vụ", "Văn phòng UBND thành phố", "Sở Tư pháp", "Thanh tra thành phố",
            "Sở Khoa học và Công nghệ", "Sở Tài chính", "Sở Văn hóa, Thể thao và Du lịch"} <= names
    assert {u.kind for u in units} == set(UnitKind)
    assert all(u.current_term is not None for u in units)
    changed = [u for u in units
               if any(t.until is not None and date(2025, 1, 1) <= t.until <= LATEST_DATE for t in u.head_terms)]
    assert len(changed) >= 2
    officials = aggregates_of(store, "Official")
    assert {o.category for o in officials} == set(OfficialCategory)
    assert {o.is_leader for o in officials} == {True, False}
    assert all(not o.full_name.isascii() for o in officials)  # Vietnamese names with diacritics

    # Discipline: every state, and the legal rules at work.
    cases = aggregates_of(store, "DisciplineCase")
    assert {c.state for c in cases} == set(CaseState)
    deferred = [c for c in cases if c.state == CaseState.DEFERRED]
    assert any(c.deferrals[-1].reason == "maternity" and c.deferrals[-1].end is None for c in deferred)
    decided = events_of(store, "DisciplineCase", "Decided")
    assert any(e.form == DisciplineForm.SALARY_STEP_DOWN and e.decided_on < date(2025, 7, 1)
               and e.official_category == OfficialCategory.CIVIL_SERVANT
               and e.regime == "nd112_2020_nd71_2023" for e in decided)
    assert any(e.late for e in decided) and not all(e.late for e in decided)
    assert any(e.repeat_of_case_id is not None and e.repeat_required_form == DisciplineForm.WARNING
               and e.form == DisciplineForm.WARNING for e in decided)
    assert {e.regime for e in decided} >= {"nd112_2020_nd71_2023", "nd172_2025"}
    exempted = events_of(store, "DisciplineCase", "Exempted")
    assert [e.ground for e in exempted] == [ExemptionGround.INNOVATION_RISK]
    exempted_case = next(c for c in cases if c.state == CaseState.EXEMPTED)
    assert exempted_case.nature == "innovation_risk"
    barred_case = next(c for c in cases if c.state == CaseState.TIME_BARRED)
    assert barred_case.occurred_on.year in (2019, 2020) and barred_case.detected_on.year == 2025
    assert barred_case.warranted_form == DisciplineForm.REPRIMAND

    # Inspections: all kinds, findings with evidence, follow-up on time, late and overdue.
    inspections = aggregates_of(store, "Inspection")
    assert {i.kind for i in inspections} == {"planned", "surprise", "duty_check"}
    assert {i.status for i in inspections} == {"open", "concluded", "closed"}
    findings = [f for i in inspections for f in i.findings.values()]
    assert {f.category for f in findings} >= {"harassment", "shirking", "late_handling", "meeting_rules",
                                              "document_rules", "procedure_rules", "corruption_waste"}
    assert any(f.evidence for f in findings) and any(f.retracted for f in findings)
    recs = [r for i in inspections for r in i.recommendations.values()]
    assert any(r.implemented_on is not None and r.implemented_on <= r.due_on for r in recs)
    assert any(r.implemented_on is not None and r.implemented_on > r.due_on for r in recs)
    assert any(r.implemented_on is None and r.due_on < LATEST_DATE for r in recs)

    # Accountability decisions on heads: every outcome, both responsibilities, with references.
    decisions = aggregates_of(store, "AccountabilityDecision")
    assert {a.outcome for a in decisions} == {"commendation", "reminder", "criticism", "lessons_review"}
    assert {a.responsibility for a in decisions} == {"personal", "joint"}
    assert {r.kind for a in decisions for r in a.refs} == {"discipline_case", "finding"}

    # All 18 rows of the plan's assignment table, with their deadlines as the plan words them;
    # KPI reports for 2025 and 2026-H1.
    tasks = aggregates_of(store, "AssignedTask")
    assert {t.plan_ref for t in tasks} == {"83/KH-UBND"}
    assert {t.row_no for t in tasks} == {str(n) for n in range(1, 19)}
    quarter_three = [t for t in tasks if t.deadline_text == "Quý III/2026"]
    assert quarter_three and {t.due_on for t in quarter_three} == {date(2026, 9, 30)}
    assert any(t.completed_on is not None and not t.is_late(LATEST_DATE) for t in tasks)
    assert any(t.completed_on is not None and t.is_late(LATEST_DATE) for t in tasks)
    assert any(t.completed_on is None and t.is_late(LATEST_DATE) for t in tasks)
    reports = aggregates_of(store, "UnitKpiReport")
    assert {r.period for r in reports} >= {"2025", "2026-H1"}
    online_share = [r.figures.conferences_online / r.figures.conferences_total for r in reports]
    assert min(online_share) < 0.6 <= max(online_share)


def test_a_second_run_writes_nothing_and_skips_every_step(services: Services, store: Store) -> None:
    first = seed_demo(services)
    position = store.position()

    second = seed_demo(services)

    assert store.position() == position
    assert second == SeedResult(steps_run=0, steps_skipped=first.steps_run)


def test_an_interrupted_run_is_completed_by_the_next_without_duplicates(
        services: Services, store: Store, tmp_path: Path) -> None:
    with pytest.raises(Interrupted):
        seed_demo(services, on_step=stop_after(40))
    assert store.position() > 0
    with pytest.raises(Interrupted):
        seed_demo(services, on_step=stop_after(150))  # the first 40 are skipped, 110 more written

    result = seed_demo(services)

    assert result.steps_skipped == 150 and result.steps_run > 0
    reference = open_store(f"sqlite:///{tmp_path / 'reference.db'}")
    try:
        clean = seed_demo(Services(reference))
        assert result.steps_run + result.steps_skipped == clean.steps_run
        assert (sorted(Counter(kind_of(n.topic) for n in log_of(store)).items())
                == sorted(Counter(kind_of(n.topic) for n in log_of(reference)).items()))
        # The ids are deterministic, so the two stores hold the very same streams.
        assert (sorted((n.originator_id, n.originator_version, n.topic) for n in log_of(store))
                == sorted((n.originator_id, n.originator_version, n.topic) for n in log_of(reference)))
    finally:
        reference.close()


def test_the_runner_checks_each_step_against_the_script(services: Services, store: Store) -> None:
    """A step only runs on the version the script expects, and must produce the version it declares."""
    unit_id = Unit.id_for("DEMO-TEST")
    script = Script()
    script.add("register", unit_id, lambda: services.organisation.register_unit(
        ADMIN, code="DEMO-TEST", name="Đơn vị thử", kind="department"))
    script.add("rename", unit_id, lambda: services.organisation.rename_unit(
        ADMIN, unit_id, name="Đơn vị thử nghiệm", renamed_on=date(2026, 1, 5), reason="Đổi tên"))

    # A later step whose predecessor is missing from the store refuses to run.
    with pytest.raises(DemoDataDiverged):
        run_script(services, script.steps[1:])
    assert store.position() == 0

    assert run_script(services, script.steps) == SeedResult(steps_run=2, steps_skipped=0)
    assert run_script(services, script.steps) == SeedResult(steps_run=0, steps_skipped=2)

    # A step that writes a different number of events than the script declares is reported.
    miscounted = Script()
    other_id = Unit.id_for("DEMO-TEST-2")
    miscounted.add("register", other_id, lambda: services.organisation.register_unit(
        ADMIN, code="DEMO-TEST-2", name="Đơn vị thử 2", kind="commune"), events=2)
    with pytest.raises(DemoDataDiverged):
        run_script(services, miscounted.steps)
