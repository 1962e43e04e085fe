"""The one event store on SQLite and PostgreSQL: serialisation, snapshots, upcasting, conflicts,
and nothing stored when a rule refuses a command."""

from __future__ import annotations

import json
import threading
from datetime import date
from uuid import uuid4

import msgspec
import pytest
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic

from domain.accountability import Ref
from domain.enums import CaseState, DisciplineForm, FindingCategory, OfficialCategory
from domain.errors import Conflict, NotFound, RuleViolated
from domain.inspections import EvidenceRef, RecommendationInput
from domain.kpi import KpiFigures
from domain.organisation import Official
from services import Services, Store
from services.store import config_from_url
from tests.conftest import ADMIN, HOME_AFFAIRS, INSPECTOR

SHA = "0123456789abcdef" * 4


def org(services: Services) -> dict:
    """A ward with its head and an officer: the smallest organisation the stories need."""
    o = services.organisation
    unit = o.register_unit(ADMIN, code="P-TB", name="UBND phường Trấn Biên", kind="commune").id
    head = o.register_official(ADMIN, personnel_code="TB-01", full_name="Nguyễn Văn Bình",
                               category="cadre", unit_id=unit, is_leader=True, since=date(2020, 1, 1)).id
    officer = o.register_official(ADMIN, personnel_code="TB-07", full_name="Lê Thị Thu",
                                  category="civil_servant", unit_id=unit, is_leader=False,
                                  since=date(2021, 5, 1)).id
    o.appoint_head(ADMIN, unit, official_id=head, since=date(2025, 7, 1))
    return {"unit": unit, "head": head, "officer": officer}


def inspection_with_finding(services: Services, ids: dict) -> tuple:
    insp = services.inspections.open_inspection(
        INSPECTOR, kind="surprise", decision_no="07/QĐ-TTr", decided_on=date(2026, 3, 2),
        target_unit_id=ids["unit"], scope="Tiếp nhận, giải quyết hồ sơ đất đai", team=["Trần Thị Lan"]).id
    finding = services.inspections.record_finding(
        INSPECTOR, insp, category="harassment", severity="serious",
        description="Yêu cầu bổ sung giấy tờ ngoài quy định", occurred_on=date(2026, 2, 10),
        official_ids=[ids["officer"]], evidence=[EvidenceRef("bien-ban-01.pdf", SHA)]).finding_id
    return insp, finding


def test_every_aggregate_round_trips_with_its_types(services: Services, store: Store) -> None:
    ids = org(services)
    insp, finding_id = inspection_with_finding(services, ids)
    [rec] = services.inspections.conclude(
        INSPECTOR, insp, conclusion_no="12/KL-TTr", concluded_on=date(2026, 4, 2),
        recommendations=[RecommendationInput("Chấn chỉnh bộ phận một cửa", date(2026, 6, 30), ids["unit"])]
    ).recommendation_ids
    case = services.discipline.open_case(HOME_AFFAIRS, official_id=ids["officer"], category="harassment",
                                         nature="self_interest", severity="serious",
                                         occurred_on=date(2026, 2, 10), detected_on=date(2026, 4, 2),
                                         inspection_id=insp, finding_id=finding_id).id
    decision = services.accountability.make_decision(
        HOME_AFFAIRS, head_official_id=ids["head"], unit_id=ids["unit"], responsibility="joint",
        outcome="criticism", decided_on=date(2026, 5, 5), reason="Buông lỏng quản lý bộ phận một cửa",
        refs=[Ref("discipline_case", case), Ref("finding", finding_id, insp)]).id
    task = services.tasks.assign(HOME_AFFAIRS, plan_ref="83/KH-UBND", row_no="13",
                                 title="Xử lý thủ tục hành chính trên môi trường số",
                                 lead_unit_id=ids["unit"], responsible_official_id=ids["head"],
                                 responsibility="Chủ trì", coordinating_unit_ids=[],
                                 expected_result="Tỷ lệ hồ sơ trực tuyến ≥ 95%", assigned_on=date(2026, 6, 10),
                                 due_on=date(2026, 12, 31)).id
    figures = KpiFigures(conferences_total=30, conferences_online=20, longest_indoctrination_days=0.5,
                         longest_professional_days=1.0, longest_important_days=1.5, documents_issued=420,
                         procedures_online_pct=96.5, documents_digitised_pct=95.0,
                         electronic_sending_pct=100.0, staff_trained_pct=92.0)
    report = services.kpi.put_report(HOME_AFFAIRS, ids["unit"], "2026-H1", reported_on=date(2026, 6, 18),
                                     figures=figures).id

    # Read everything back from the store, not from memory.
    get = store.app.repository.get
    inspection = get(insp)
    found = inspection.finding(finding_id)
    assert found.category is FindingCategory.HARASSMENT
    assert found.occurred_on == date(2026, 2, 10)
    assert found.official_ids == (ids["officer"],)
    assert found.evidence == (EvidenceRef("bien-ban-01.pdf", SHA),)
    assert inspection.recommendations[str(rec)].due_on == date(2026, 6, 30)
    assert get(case).state is CaseState.OPEN
    assert get(case).official_category is OfficialCategory.CIVIL_SERVANT
    assert get(decision).refs[1] == Ref("finding", finding_id, insp)
    assert get(task).due_on == date(2026, 12, 31)
    assert get(report).figures == figures
    assert get(ids["unit"]).head_on(date(2025, 7, 1)) == ids["head"]
    # The store holds readable JSON that names the actor.
    stored = store.app.recorder.select_events(insp)[1]
    payload = json.loads(stored.state)
    assert payload["recorded_by"] == {"user_id": INSPECTOR.user_id, "role": "inspector"}
    assert payload["occurred_on"] == "2026-02-10"


def test_one_log_orders_every_aggregate(services: Services, store: Store) -> None:
    org(services)
    notifications = store.app.recorder.select_notifications(start=1, limit=100)
    assert [n.id for n in notifications] == list(range(1, len(notifications) + 1))
    assert len({n.originator_id for n in notifications}) == 3  # the unit and two officials
    assert store.position() == len(notifications) == 4  # registered ×3, head appointed


def test_long_aggregates_load_from_a_snapshot_equal_to_a_full_replay(services: Services, store: Store) -> None:
    ids = org(services)
    insp, finding_id = inspection_with_finding(services, ids)
    for n in range(55):
        services.inspections.correct_finding(INSPECTOR, insp, finding_id,
                                             changes={"description": f"Mô tả lần {n}"},
                                             reason="Bổ sung chi tiết")
    snapshots = list(store.app.snapshots.get(insp))
    assert snapshots and snapshots[-1].originator_version == 50
    from_snapshot = store.app.repository.get(insp)
    replayed = None
    for event in store.app.events.get(insp):
        replayed = event.mutate(replayed)
    assert from_snapshot.version == replayed.version == 57
    assert from_snapshot.findings == replayed.findings
    assert from_snapshot.finding(finding_id).description == "Mô tả lần 54"


def test_an_event_stored_in_the_old_shape_is_upcast(services: Services, store: Store) -> None:
    """Official.Registered v1 had `name` and no `is_leader`; v2 reads it as full_name, not a leader."""
    unit = services.organisation.register_unit(ADMIN, code="SNV", name="Sở Nội vụ", kind="department").id
    official_id = Official.id_for("OLD-1")
    v1_state = msgspec.json.encode({
        "timestamp": "2025-01-15T08:00:00Z", "originator_topic": get_topic(Official),
        "recorded_by": {"user_id": "admin", "role": "admin"}, "personnel_code": "OLD-1",
        "name": "Đỗ Văn Cũ", "category": "civil_servant", "unit_id": str(unit),
    })
    store.app.recorder.insert_events([StoredEvent(originator_id=official_id, originator_version=1,
                                                  topic=get_topic(Official.Registered), state=v1_state)])
    official = store.app.repository.get(official_id)
    assert official.full_name == "Đỗ Văn Cũ"
    assert official.is_leader is False
    assert official.category is OfficialCategory.CIVIL_SERVANT
    # and it keeps working: a new event on top of the old one
    services.organisation.change_category(ADMIN, official_id, category="public_employee",
                                          on=date(2025, 9, 1), reason="Chuyển sang đơn vị sự nghiệp")
    assert store.app.repository.get(official_id).version == 2


def test_concurrent_writers_one_wins_the_other_gets_a_conflict(services: Services, store: Store) -> None:
    ids = org(services)
    insp, _ = inspection_with_finding(services, ids)
    both_loaded = threading.Barrier(2, timeout=10)
    real_save = services.inspections.save

    def save_after_both_loaded(*aggregates):
        both_loaded.wait()
        real_save(*aggregates)

    services.inspections.save = save_after_both_loaded  # type: ignore[method-assign]
    outcomes: list[object] = []

    def write(n: int) -> None:
        try:
            outcomes.append(services.inspections.record_finding(
                INSPECTOR, insp, category="shirking", severity="serious",
                description=f"Phát hiện của người {n}", occurred_on=date(2026, 2, 20)))
        except Conflict as e:
            outcomes.append(e)

    threads = [threading.Thread(target=write, args=(n,)) for n in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    conflicts = [o for o in outcomes if isinstance(o, Conflict)]
    assert len(outcomes) == 2 and len(conflicts) == 1
    assert conflicts[0].rule == "concurrent_update"
    stored = store.app.recorder.select_events(insp)
    assert [e.originator_version for e in stored] == [1, 2, 3]  # nothing lost, nothing duplicated
    assert len(store.app.repository.get(insp).findings) == 2


def test_stale_expected_version_is_a_conflict_and_saves_nothing(services: Services, store: Store) -> None:
    ids = org(services)
    insp, _ = inspection_with_finding(services, ids)
    before = store.position()
    with pytest.raises(Conflict):
        services.inspections.record_finding(INSPECTOR, insp, category="other", severity="serious",
                                            description="x", occurred_on=date(2026, 2, 1),
                                            expected_version=1)
    assert store.position() == before


def test_a_refused_decision_stores_nothing_and_a_legal_one_notes_the_official(
        services: Services, store: Store) -> None:
    ids = org(services)
    insp, finding_id = inspection_with_finding(services, ids)
    case = services.discipline.open_case(HOME_AFFAIRS, official_id=ids["officer"], category="harassment",
                                         nature="self_interest", severity="serious",
                                         occurred_on=date(2026, 2, 10), detected_on=date(2026, 4, 2),
                                         inspection_id=insp, finding_id=finding_id).id
    before = store.position()
    with pytest.raises(RuleViolated) as caught:
        services.discipline.decide(HOME_AFFAIRS, case, form="demotion", decision_no="40/QĐ-UBND",
                                   decided_on=date(2026, 5, 4))
    assert caught.value.rule == "discipline_form_not_allowed"
    assert store.position() == before
    written = services.discipline.decide(HOME_AFFAIRS, case, form="warning", decision_no="40/QĐ-UBND",
                                         decided_on=date(2026, 5, 4))
    assert store.position() == before + 2  # the case and the official's record, in one transaction
    assert written.position == store.position()  # the answer names the log position of the write
    official = store.app.repository.get(ids["officer"])
    assert official.discipline[0].form is DisciplineForm.WARNING
    # a second violation while the warning is in force must be one level heavier
    second = services.discipline.open_case(HOME_AFFAIRS, official_id=ids["officer"], category="shirking",
                                           nature="negligence", severity="serious",
                                           occurred_on=date(2026, 6, 1), detected_on=date(2026, 6, 10)).id
    with pytest.raises(RuleViolated) as caught:
        services.discipline.decide(HOME_AFFAIRS, second, form="warning", decision_no="55/QĐ-UBND",
                                   decided_on=date(2026, 7, 1))
    assert caught.value.rule == "repeat_one_level_heavier"
    services.discipline.decide(HOME_AFFAIRS, second, form="dismissal", decision_no="55/QĐ-UBND",
                               decided_on=date(2026, 7, 1))
    decided = store.app.repository.get(second)
    assert decided.form is DisciplineForm.DISMISSAL


def test_one_violation_one_case(services: Services) -> None:
    ids = org(services)
    insp, finding_id = inspection_with_finding(services, ids)
    args = dict(official_id=ids["officer"], category="harassment", nature="self_interest",
                severity="serious", occurred_on=date(2026, 2, 10), detected_on=date(2026, 4, 2),
                inspection_id=insp, finding_id=finding_id)
    services.discipline.open_case(HOME_AFFAIRS, **args)
    with pytest.raises(Conflict) as caught:
        services.discipline.open_case(HOME_AFFAIRS, **args)
    assert caught.value.rule == "already_exists"
    with pytest.raises(RuleViolated) as caught:
        services.discipline.open_case(HOME_AFFAIRS, **{**args, "official_id": ids["head"]})
    assert caught.value.rule == "finding_does_not_name_official"


def test_decide_together_takes_the_heaviest(services: Services, store: Store) -> None:
    ids = org(services)
    open_case = services.discipline.open_case
    light = open_case(HOME_AFFAIRS, official_id=ids["officer"], category="meeting_rules", nature="negligence",
                      severity="less_serious", occurred_on=date(2026, 1, 5), detected_on=date(2026, 3, 1)).id
    heavy = open_case(HOME_AFFAIRS, official_id=ids["officer"], category="shirking", nature="negligence",
                      severity="serious", occurred_on=date(2026, 1, 20), detected_on=date(2026, 3, 1)).id
    with pytest.raises(RuleViolated) as caught:
        services.discipline.decide_together(HOME_AFFAIRS, [light, heavy], form="reprimand",
                                            decision_no="60/QĐ", decided_on=date(2026, 4, 1))
    assert caught.value.rule == "several_violations_heaviest"
    services.discipline.decide_together(HOME_AFFAIRS, [light, heavy], form="warning",
                                        decision_no="60/QĐ", decided_on=date(2026, 4, 1))
    assert {store.app.repository.get(c).form for c in (light, heavy)} == {DisciplineForm.WARNING}
    assert len(store.app.repository.get(ids["officer"]).discipline) == 2


def test_unknown_ids_and_wrong_kinds_are_not_found(services: Services) -> None:
    ids = org(services)
    with pytest.raises(NotFound) as caught:
        services.discipline.decide(HOME_AFFAIRS, uuid4(), form="warning", decision_no="1",
                                   decided_on=date(2026, 1, 1))
    assert caught.value.field == "id"
    with pytest.raises(NotFound) as caught:  # a unit id where a case is expected
        services.discipline.decide(HOME_AFFAIRS, ids["unit"], form="warning", decision_no="1",
                                   decided_on=date(2026, 1, 1))
    assert "vụ việc kỷ luật" in caught.value.message


def test_registering_the_same_code_twice_is_a_conflict(services: Services, store: Store) -> None:
    services.organisation.register_unit(ADMIN, code="STP", name="Sở Tư pháp", kind="department")
    before = store.position()
    with pytest.raises(Conflict) as caught:
        services.organisation.register_unit(ADMIN, code="stp", name="Sở Tư pháp", kind="department")
    assert caught.value.rule == "already_exists"
    assert store.position() == before


def test_head_must_work_in_the_unit(services: Services) -> None:
    ids = org(services)
    other = services.organisation.register_unit(ADMIN, code="STC", name="Sở Tài chính", kind="department").id
    with pytest.raises(RuleViolated) as caught:
        services.organisation.appoint_head(ADMIN, other, official_id=ids["officer"], since=date(2026, 1, 1))
    assert caught.value.rule == "head_not_in_unit"


class TestConfiguration:
    def test_postgres_dsn_is_split_into_the_library_settings(self) -> None:
        config = config_from_url("postgresql://tracker:bí-mật@db.local:5433/so?schema=s1")
        assert config.kind == "postgresql"
        env = config.env
        assert (env["POSTGRES_HOST"], env["POSTGRES_PORT"], env["POSTGRES_DBNAME"]) == ("db.local", "5433", "so")
        assert (env["POSTGRES_USER"], env["POSTGRES_PASSWORD"]) == ("tracker", "bí-mật")
        assert env["POSTGRES_SCHEMA"] == "s1"
        assert "POSTGRES_ENABLE_DB_FUNCTIONS" not in env

    def test_default_is_a_sqlite_file_under_var(self, tmp_path, monkeypatch) -> None:
        monkeypatch.chdir(tmp_path)
        config = config_from_url(None)
        assert config.kind == "sqlite" and config.env["SQLITE_DBNAME"] == "var/tracker.db"
        assert (tmp_path / "var").is_dir()

    def test_an_unknown_scheme_is_refused_in_vietnamese(self) -> None:
        from domain.errors import InvalidInput
        with pytest.raises(InvalidInput) as caught:
            config_from_url("mysql://x")
        assert "TRACKER_DATABASE_URL" in caught.value.message
