"""Issue 13 through the HTTP API, on SQLite and PostgreSQL: each legal rule answers 422 with its rule
name and article in Vietnamese and stores nothing, or 2xx when the law allows the act."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from litestar.testing import TestClient

from tests.api_support import api_client, assert_problem, headers_for, position

CASES = "/api/v1/discipline-cases"


class Law:
    """A small city made through the API: one department and its officials."""

    def __init__(self, client: TestClient[Any]) -> None:
        self.client = client
        self.unit = self.post("/api/v1/units", "admin", code="S-TEST", name="Sở Thử nghiệm",
                              kind="department")["id"]

    def post(self, path: str, role: str, expect: int | None = None, **body: Any) -> Any:
        response = self.client.post(path, json=body, headers=headers_for(self.client, role))
        if expect is None:
            assert response.status_code in (200, 201), response.text
            return response.json()
        return response

    def official(self, code: str, category: str, leader: bool = False) -> str:
        return self.post("/api/v1/officials", "admin", personnelCode=code, fullName=f"Cán bộ {code}",
                         category=category, unitId=self.unit, isLeader=leader, since="2019-01-01")["id"]

    def case(self, official: str, occurred: str, detected: str, severity: str = "less_serious",
             **extra: Any) -> str:
        return self.post(CASES, "home_affairs", officialId=official, category="harassment",
                         nature="negligence", severity=severity, occurredOn=occurred, detectedOn=detected,
                         **extra)["id"]

    def act(self, case: str, action: str, **body: Any) -> Any:
        return self.client.post(f"{CASES}/{case}/{action}", json=body,
                                headers=headers_for(self.client, "home_affairs"))

    def refused(self, response: Any, rule: str, *words: str) -> dict[str, Any]:
        body = assert_problem(response, 422, rule=rule)
        for word in words:
            assert word in body["detail"], body["detail"]
        return body

    def get_case(self, case: str) -> dict[str, Any]:
        response = self.client.get(f"{CASES}/{case}", headers=headers_for(self.client, "auditor"))
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture
def law(database_url: str) -> Iterator[Law]:
    with api_client(database_url, seed=False) as client:
        yield Law(client)


def test_forms_by_post_before_2025_07_01(law: Law) -> None:
    leader = law.official("CS-L", "civil_servant", leader=True)
    employee = law.official("VC-1", "public_employee")
    case = law.case(leader, "2025-03-01", "2025-04-01")
    before = position(law.client)
    # Luật CBCC art. 79: salary step-down only for công chức holding no post
    law.refused(law.act(case, "decision", form="salary_step_down", decisionNo="1/QĐ", decidedOn="2025-06-20"),
                "discipline_form_not_allowed", "Hạ bậc lương", "Điều 79 Luật Cán bộ, công chức")
    assert position(law.client) == before  # nothing saved
    assert law.act(case, "decision", form="demotion", decisionNo="1/QĐ", decidedOn="2025-06-20").status_code == 200
    assert law.get_case(case)["regimeTitle"].startswith("Nghị định 112/2020/NĐ-CP")
    # Luật Viên chức art. 52: never salary step-down for a viên chức
    other = law.case(employee, "2025-03-01", "2025-04-01")
    law.refused(law.act(other, "decision", form="salary_step_down", decisionNo="2/QĐ", decidedOn="2025-06-20"),
                "discipline_form_not_allowed", "Điều 52 Luật Viên chức")


def test_repeat_while_in_force_branch_b(law: Law) -> None:
    staff = law.official("CS-2", "civil_servant")
    first = law.case(staff, "2026-01-05", "2026-01-10")
    assert law.act(first, "decision", form="reprimand", decisionNo="10/QĐ", decidedOn="2026-02-01").status_code == 200
    second = law.case(staff, "2026-03-01", "2026-03-10")
    # the council finds the new violation warrants a warning, heavier than the reprimand in force:
    # one level above the warning (dismissal for a non-leader under Nghị định 172/2025)
    assert law.act(second, "council", convenedOn="2026-03-20", recommendedForm="warning").status_code == 200
    law.refused(law.act(second, "decision", form="warning", decisionNo="11/QĐ", decidedOn="2026-04-01"),
                "repeat_one_level_heavier", "Buộc thôi việc", "điểm b", "172/2025")
    answer = law.act(second, "decision", form="warning", decisionNo="11/QĐ", decidedOn="2026-04-01",
                     overrideReason="Tình tiết giảm nhẹ: tự nguyện khắc phục hậu quả")
    assert answer.status_code == 200, answer.text


def test_no_limitation_ground(law: Law) -> None:
    staff = law.official("CS-3", "civil_servant")
    forged = law.case(staff, "2012-05-02", "2026-02-01", noLimitationGround="false_credentials")
    shown = law.get_case(forged)
    assert shown["limitationDeadline"] is None and shown["noLimitationGround"] == "false_credentials"
    before = position(law.client)
    law.refused(law.act(forged, "time-bar", on="2026-03-01"), "no_limitation_period", "thời hiệu")
    assert position(law.client) == before
    assert law.act(forged, "decision", form="reprimand", decisionNo="20/QĐ", decidedOn="2026-03-01").status_code == 200
    # the same old violation without a ground is past its limitation and can only be time-barred
    old = law.case(staff, "2012-05-02", "2026-02-01")
    law.refused(law.act(old, "decision", form="warning", decisionNo="21/QĐ", decidedOn="2026-03-01"),
                "limitation_period_expired")
    assert law.act(old, "time-bar", on="2026-03-01").status_code == 200
    bad = law.post(CASES, "home_affairs", expect=400, officialId=staff, category="harassment",
                   nature="negligence", severity="serious", occurredOn="2012-05-02", detectedOn="2026-02-01",
                   noLimitationGround="forever")
    assert_problem(bad, 400)


def test_a_reprimand_in_year_seven_is_past_its_limitation(law: Law) -> None:
    staff = law.official("CS-4", "civil_servant")
    case = law.case(staff, "2019-06-01", "2026-01-05", severity="serious")
    law.refused(law.act(case, "decision", form="reprimand", decisionNo="30/QĐ", decidedOn="2026-03-01"),
                "limitation_period_expired", "Khiển trách", "76/2022")
    assert law.act(case, "decision", form="warning", decisionNo="30/QĐ", decidedOn="2026-03-01").status_code == 200


def test_deferral_grounds_per_regime_and_the_written_request(law: Law) -> None:
    civil = law.official("CS-5", "civil_servant")
    employee = law.official("VC-5", "public_employee")
    case = law.case(civil, "2026-06-01", "2026-06-10")
    before = position(law.client)
    law.refused(law.act(case, "deferral", reason="annual_leave", on="2026-07-01"),
                "deferral_reason_not_allowed", "Nghỉ hằng năm", "172/2025")
    assert position(law.client) == before
    assert law.act(case, "deferral", reason="pregnancy", on="2026-07-01").status_code == 200
    # the official asks in writing to be handled: the deferral ends, the clock runs again
    assert law.act(case, "handling-request", on="2026-07-20", note="Đơn ngày 20/7/2026").status_code == 200
    shown = law.get_case(case)
    assert shown["state"] == "open" and shown["handlingRequestedOn"] == "2026-07-20"
    assert shown["deferredDays"] == 19
    law.refused(law.act(case, "deferral", reason="maternity", on="2026-08-01"), "handling_requested_in_writing")
    # Nghị định 112/2020 still governs viên chức: annual leave defers their case
    other = law.case(employee, "2026-06-01", "2026-06-10")
    assert law.act(other, "deferral", reason="annual_leave", on="2026-07-01").status_code == 200
    law.refused(law.act(other, "handling-request", on="2026-07-05"), "handling_request_not_applicable")


def test_joint_decision_and_no_second_separate_decision(law: Law) -> None:
    leader = law.official("CS-6", "civil_servant", leader=True)
    light = law.case(leader, "2026-05-01", "2026-06-01")
    heavy = law.case(leader, "2026-05-03", "2026-06-01", severity="serious")
    third = law.case(leader, "2026-05-05", "2026-06-01")
    joint = "/api/v1/discipline-cases/joint-decision"
    before = position(law.client)
    law.refused(law.post(joint, "home_affairs", expect=422, caseIds=[light, heavy], form="reprimand",
                         decisionNo="40/QĐ", decidedOn="2026-07-01"),
                "several_violations_heaviest", "Cảnh cáo", "Khoản 2 Điều 2 Nghị định 172/2025/NĐ-CP")
    assert position(law.client) == before
    answer = law.post(joint, "home_affairs", caseIds=[light, heavy], form="warning", decisionNo="40/QĐ",
                      decidedOn="2026-07-01")
    assert {item["id"] for item in answer["items"]} == {light, heavy}
    assert law.get_case(light)["form"] == law.get_case(heavy)["form"] == "warning"
    # a separate decision for the same official with the same date (or number) is refused
    law.refused(law.act(third, "decision", form="warning", decisionNo="41/QĐ", decidedOn="2026-07-01"),
                "several_violations_one_decision", "40/QĐ")
    law.refused(law.act(third, "decision", form="warning", decisionNo="40/qđ", decidedOn="2026-07-02"),
                "several_violations_one_decision")
    assert_problem(law.post(joint, "home_affairs", expect=400, caseIds=[light], form="warning",
                            decisionNo="42/QĐ", decidedOn="2026-07-03"), 400)


def test_retired_official(law: Law) -> None:
    retiree = law.official("CS-7", "civil_servant", leader=True)
    case = law.case(retiree, "2026-02-01", "2026-06-01", severity="very_serious")
    assert law.post(f"/api/v1/officials/{retiree}/retirement", "home_affairs", retiredOn="2026-05-01",
                    note="Nghỉ hưu theo Quyết định 99/QĐ-UBND")["version"] >= 2
    law.refused(law.act(case, "decision", form="dismissal", decisionNo="50/QĐ", decidedOn="2026-07-01"),
                "discipline_form_not_allowed", "nghỉ hưu", "Nghị định 172/2025/NĐ-CP")
    assert law.act(case, "decision", form="removal_of_title", decisionNo="50/QĐ",
                   decidedOn="2026-07-01").status_code == 200
    after = law.post(CASES, "home_affairs", expect=422, officialId=retiree, category="harassment",
                     nature="negligence", severity="serious", occurredOn="2026-06-01", detectedOn="2026-06-05")
    law.refused(after, "violation_after_retirement")
    shown = law.client.get(f"/api/v1/officials/{retiree}", headers=headers_for(law.client, "auditor")).json()
    assert shown["retiredOn"] == "2026-05-01"
    # the official's version follows every event of theirs (the decision noted on the record too), so
    # a write naming it with If-Match goes through
    headers = {**headers_for(law.client, "home_affairs"), "If-Match": str(shown["version"])}
    answer = law.client.post(f"/api/v1/officials/{retiree}/initiatives", headers=headers, json={
        "title": "Sổ tay nghiệp vụ", "decisionNo": "3/QĐ-HĐSK", "recognisedOn": "2026-07-10"})
    assert answer.status_code == 200, answer.text


def test_initiatives_and_criminal_referral(law: Law) -> None:
    head = law.official("CS-8", "civil_servant", leader=True)
    path = f"/api/v1/officials/{head}/initiatives"
    body = {"title": "Số hóa hồ sơ một cửa", "decisionNo": "12/QĐ-HĐSK", "recognisedOn": "2026-05-20"}
    assert_problem(law.client.post(path, json=body, headers=headers_for(law.client, "inspector")), 403)
    law.post(path, "home_affairs", **body)
    shown = law.client.get(f"/api/v1/officials/{head}", headers=headers_for(law.client, "auditor")).json()
    assert shown["initiatives"] == [{"title": "Số hóa hồ sơ một cửa", "decisionNo": "12/QĐ-HĐSK",
                                     "recognisedOn": "2026-05-20"}]
    assert_problem(law.post(path, "home_affairs", expect=400, **{**body, "title": ""}), 400)

    inspection = law.post("/api/v1/inspections", "inspector", kind="planned", decisionNo="7/QĐ-TTr",
                          decidedOn="2026-04-01", targetUnitId=law.unit, scope="Thu chi", team=["Lê Văn Hùng"])["id"]
    finding = law.post(f"/api/v1/inspections/{inspection}/findings", "inspector", category="corruption_waste",
                       severity="serious", description="Chi sai định mức", occurredOn="2026-03-01",
                       officialIds=[], evidence=[])["findingId"]
    referral = f"/api/v1/inspections/{inspection}/findings/{finding}/criminal-referral"
    law.post(referral, "inspector", referredOn="2026-06-01", agency="Cơ quan CSĐT Công an tỉnh",
             documentNo="15/TTr")
    again = law.post(referral, "inspector", expect=409, referredOn="2026-06-02", agency="Cơ quan CSĐT",
                     documentNo="16/TTr")
    assert again.status_code in (409, 422), again.text
    shown = law.client.get(f"/api/v1/inspections/{inspection}", headers=headers_for(law.client, "auditor")).json()
    assert [f["referredOn"] for f in shown["findings"]] == ["2026-06-01"]
