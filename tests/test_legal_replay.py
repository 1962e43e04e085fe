"""Replaying history applies the rules of its time: a decision stored before issue 13's corrections —
one today's rules would refuse — still loads, projects and reports as it was decided."""

from __future__ import annotations

from datetime import date

import msgspec
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic

from domain import legal
from domain.discipline import DisciplineCase
from domain.enums import CaseState, DisciplineForm
from domain.legal import REGIME_TITLES
from projections.queries import ReadModel
from tests.conftest import ADMIN, HOME_AFFAIRS
from tracker.bootstrap import Tracker


def test_a_salary_step_down_of_a_public_employee_stored_under_nd112_still_replays(database_url: str) -> None:
    with Tracker(database_url) as tracker:
        s = tracker.services
        unit = s.organisation.register_unit(ADMIN, code="TT-1", name="Trung tâm Y tế", kind="public_service_unit").id
        employee = s.organisation.register_official(ADMIN, personnel_code="VC-OLD", full_name="Lý Văn Xưa",
                                                    category="public_employee", unit_id=unit, is_leader=False).id
        case_id = s.discipline.open_case(HOME_AFFAIRS, official_id=employee, category="other", nature="negligence",
                                         severity="serious", occurred_on=date(2024, 2, 1),
                                         detected_on=date(2024, 3, 1)).id
        # As the product recorded it in 2024 (before forms by post were corrected), in the event's shape
        # of then: no repeat_branch, no official_retired.
        old_decided = msgspec.json.encode({
            "timestamp": "2024-05-02T03:00:00Z", "originator_topic": get_topic(DisciplineCase),
            "recorded_by": {"user_id": "noivu.minh", "role": "home_affairs"},
            "form": "salary_step_down", "decision_no": "33/QĐ-SYT", "decided_on": "2024-05-02",
            "regime": "nd112_2020_nd71_2023", "article": "Điều 15 Nghị định 112/2020/NĐ-CP",
            "official_category": "public_employee", "official_is_leader": False,
            "handling_deadline": "2024-05-30", "late": False, "in_force_until": "2025-05-01",
            "repeat_of_case_id": None, "repeat_required_form": None, "override_reason": None,
            "decided_together_with": [],
        })
        s.store.app.recorder.insert_events([StoredEvent(
            originator_id=case_id, originator_version=2, topic=get_topic(DisciplineCase.Decided),
            state=old_decided)])

        case = s.store.app.repository.get(case_id)
        assert (case.state, case.form) == (CaseState.DECIDED, DisciplineForm.SALARY_STEP_DOWN)

        tracker.projector.catch_up()
        reads = ReadModel(tracker.db, tracker.projector)
        row = reads.case(str(case_id), reads.as_of())
        assert (row["form"], row["regime"], row["decision_no"]) == ("salary_step_down", "nd112_2020_nd71_2023",
                                                                   "33/QĐ-SYT")
        assert REGIME_TITLES[row["regime"]].startswith("Nghị định 112/2020/NĐ-CP")
        # today's rules would refuse the same decision (Luật Viên chức art. 52): history is not rewritten
        assert DisciplineForm.SALARY_STEP_DOWN not in legal.allowed_forms(case.official_category, False,
                                                                          date(2024, 5, 2))
