"""One story per user group, told through the HTTP API only, on SQLite and on PostgreSQL.

Set-up registers the API users; everything after that — units, officials, heads, inspections,
cases, scorecards, the audit log — goes through `/api/v1` with a bearer token of the acting role.
The business dates are chosen so the stories hold whatever day the suite runs on (on or after
the dates used): the discipline case is detected late enough in 2026 that its 90-day handling
deadline falls in 2027, so no "open past its deadline" line (rule E) can appear in the 2026
scorecard while the case waits for its decision.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from litestar.testing import TestClient

from api.app import create_app
from tracker.bootstrap import Tracker

SECRET = "narratives-secret-key-0123456789abcdef"
PASSWORD = "mat-khau-du-dai-123"
USERS = {
    "quantri.an": "admin",
    "thanhtra.lan": "inspector",
    "noivu.minh": "home_affairs",
    "kiemtoan.ha": "auditor",
}
EVIDENCE_BYTES = "Biên bản làm việc ngày 10/5/2026: công dân phản ánh bị gây khó khăn khi nộp hồ sơ.".encode()
EVIDENCE_SHA = hashlib.sha256(EVIDENCE_BYTES).hexdigest()
EXTRA_EVIDENCE_BYTES = b"ghi-am-cuoc-goi-2026-05-10.m4a: bytes of a recording"
EXTRA_EVIDENCE_SHA = hashlib.sha256(EXTRA_EVIDENCE_BYTES).hexdigest()

OCCURRED_ON = "2026-05-10"
DUE_ON = "2026-09-30"           # the recommendation's due date, already past
DETECTED_ON = "2026-10-05"      # handling deadline 2027-01-03: never passed within the 2026 period
DECIDED_ON = "2026-11-16"


def without_position(answer: dict[str, Any]) -> dict[str, Any]:
    """A write's answer without the log position it names (checked on its own elsewhere)."""
    assert isinstance(answer.get("position"), int) and answer["position"] > 0
    return {k: v for k, v in answer.items() if k != "position"}


# -- helpers: one client, a token per role ---------------------------------------------------------

class Api:
    """A test client plus one bearer token per user; every call checks its status."""

    def __init__(self, client: TestClient[Any]) -> None:
        self.client = client
        self.tokens: dict[str, str] = {}

    def login(self, username: str) -> None:
        r = self.client.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD})
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["role"] == USERS[username]
        self.tokens[username] = body["accessToken"]

    def call(self, user: str, method: str, path: str, *, expect: int = 200, json: Any = None,
             params: dict[str, Any] | None = None) -> Any:
        headers = {"Authorization": f"Bearer {self.tokens[user]}"}
        r = self.client.request(method, path, json=json, params=params, headers=headers)
        assert r.status_code == expect, f"{method} {path} as {user}: {r.status_code} {r.text}"
        return r.json() if r.content else None

    def get(self, user: str, path: str, **kw: Any) -> Any:
        return self.call(user, "GET", path, **kw)

    def post(self, user: str, path: str, body: Any, *, expect: int = 200) -> Any:
        return self.call(user, "POST", path, json=body, expect=expect)


@contextmanager
def running_api(database_url: str) -> Iterator[Api]:
    tracker = Tracker(database_url)
    try:
        app = create_app(tracker, secret_key=SECRET)
        for username, role in USERS.items():
            app.state.users.add(username, role, PASSWORD)
        with TestClient(app) as client:
            api = Api(client)
            for username in USERS:
                api.login(username)
            yield api
    finally:
        tracker.close()


ADMIN, INSPECTOR, HOME_AFFAIRS, AUDITOR = "quantri.an", "thanhtra.lan", "noivu.minh", "kiemtoan.ha"


def server_today() -> date:
    return datetime.now(UTC).date()


@dataclass(frozen=True)
class Story:
    """The ids the inspector's story leaves behind for the next ones."""

    ward_id: str
    head_id: str
    official_a: str  # named in the harassment finding
    official_b: str  # named in the finding that is retracted
    inspection_id: str
    finding_id: str
    retracted_finding_id: str
    recommendation_id: str


# -- the inspector ----------------------------------------------------------------------------------

def inspector_story(api: Api) -> Story:
    # 1. The administrator registers a ward, its chairman (appointed head) and two civil servants.
    ward = api.post(ADMIN, "/api/v1/units", {"code": "P-TANMAI", "name": "UBND phường Tân Mai",
                                             "kind": "commune"}, expect=201)
    ward_id = ward["id"]
    assert ward["version"] == 1

    def official(code: str, name: str, category: str, leader: bool) -> str:
        body = api.post(ADMIN, "/api/v1/officials", {
            "personnelCode": code, "fullName": name, "category": category, "unitId": ward_id,
            "isLeader": leader, "since": "2020-01-01"}, expect=201)
        return body["id"]

    head_id = official("TM-0001", "Lê Văn Hòa", "cadre", True)
    official_a = official("TM-0101", "Phạm Thị Ngọc", "civil_servant", False)
    official_b = official("TM-0102", "Đỗ Quang Vinh", "civil_servant", False)
    appointed = api.post(ADMIN, f"/api/v1/units/{ward_id}/heads", {"officialId": head_id, "since": "2024-01-01"})
    assert appointed["id"] == ward_id and appointed["version"] == 2
    unit = api.get(INSPECTOR, f"/api/v1/units/{ward_id}")
    assert unit["headOfficialId"] == head_id and unit["headSince"] == "2024-01-01"
    assert [h["officialId"] for h in unit["heads"]] == [head_id]

    # 2. The inspector opens a surprise inspection of the ward.
    opened = api.post(INSPECTOR, "/api/v1/inspections", {
        "kind": "surprise", "decisionNo": "27/QĐ-TTTP", "decidedOn": "2026-06-01", "targetUnitId": ward_id,
        "scope": "Việc tiếp nhận, giải quyết hồ sơ thủ tục hành chính tại bộ phận một cửa",
        "team": ["Nguyễn Thị Lan", "Trần Minh Đức"]}, expect=201)
    inspection_id = opened["id"]
    assert opened["version"] == 1
    base = f"/api/v1/inspections/{inspection_id}"

    # 3. A harassment finding naming official A, with evidence pinned by the SHA-256 of its bytes.
    recorded = api.post(INSPECTOR, f"{base}/findings", {
        "category": "harassment", "severity": "less_serious",
        "description": "Yêu cầu công dân bổ sung giấy tờ không có trong quy định",
        "occurredOn": OCCURRED_ON, "officialIds": [official_a],
        "evidence": [{"name": "bien-ban-10-05-2026.pdf", "sha256": EVIDENCE_SHA}]}, expect=201)
    finding_id = recorded["findingId"]
    assert recorded["id"] == inspection_id and recorded["version"] == 2

    # 4. A second finding, about official B, later found to be unfounded.
    second = api.post(INSPECTOR, f"{base}/findings", {
        "category": "late_handling", "severity": "less_serious",
        "description": "Trả kết quả hồ sơ chậm 3 ngày", "occurredOn": "2026-05-20",
        "officialIds": [official_b], "evidence": []}, expect=201)
    retracted_finding_id = second["findingId"]
    assert retracted_finding_id != finding_id and second["version"] == 3

    # 5. The inspector corrects the harassment finding (more serious, one more piece of evidence).
    corrected = api.post(INSPECTOR, f"{base}/findings/{finding_id}/corrections", {
        "reason": "Bổ sung ghi âm cuộc gọi cho thấy hành vi lặp lại nhiều lần",
        "severity": "serious",
        "evidence": [{"name": "bien-ban-10-05-2026.pdf", "sha256": EVIDENCE_SHA},
                     {"name": "ghi-am-10-05-2026.m4a", "sha256": EXTRA_EVIDENCE_SHA}]})
    assert without_position(corrected) == {"id": inspection_id, "version": 4}

    # 6. …and retracts the second one, with a reason.
    retracted = api.post(INSPECTOR, f"{base}/findings/{retracted_finding_id}/retraction",
                         {"reason": "Hồ sơ được gia hạn hợp lệ theo yêu cầu của công dân"})
    assert without_position(retracted) == {"id": inspection_id, "version": 5}

    # 7. The inspection is concluded with one recommendation, due on a date already past.
    concluded = api.post(INSPECTOR, f"{base}/conclusion", {
        "conclusionNo": "41/KL-TTTP", "concludedOn": "2026-07-15",
        "recommendations": [{"text": "Chấn chỉnh bộ phận một cửa, kiểm điểm trách nhiệm cá nhân",
                             "dueOn": DUE_ON, "responsibleUnitId": ward_id}]})
    assert concluded["id"] == inspection_id and concluded["version"] == 6
    [recommendation_id] = concluded["recommendationIds"]

    # 8. The inspection reads back as recorded: corrected finding, retracted finding, overdue recommendation.
    detail = api.get(INSPECTOR, base)
    assert detail["status"] == "concluded" and detail["conclusionNo"] == "41/KL-TTTP"
    assert detail["kind"] == "surprise" and detail["version"] == 6 and detail["findingsCount"] == 2
    findings = {f["id"]: f for f in detail["findings"]}
    harassment = findings[finding_id]
    assert harassment["severity"] == "serious" and harassment["category"] == "harassment"
    assert harassment["officialIds"] == [official_a] and not harassment["retracted"]
    assert [e["sha256"] for e in harassment["evidence"]] == [EVIDENCE_SHA, EXTRA_EVIDENCE_SHA]
    assert harassment["note"] == "Bổ sung ghi âm cuộc gọi cho thấy hành vi lặp lại nhiều lần"
    assert findings[retracted_finding_id]["retracted"] is True
    assert findings[retracted_finding_id]["note"] == "Hồ sơ được gia hạn hợp lệ theo yêu cầu của công dân"
    [rec] = detail["recommendations"]
    assert rec["id"] == recommendation_id and rec["dueOn"] == DUE_ON and rec["implementedOn"] is None
    assert rec["overdue"] is True

    # 9. The overdue recommendation is on the deadlines list, with the days it is late.
    deadlines = api.get(INSPECTOR, "/api/v1/deadlines", params={"withinDays": 0})
    mine = [d for d in deadlines if d["kind"] == "recommendation" and d["id"] == recommendation_id]
    assert len(mine) == 1, deadlines
    assert mine[0]["aggregateId"] == inspection_id and mine[0]["unitId"] == ward_id
    assert mine[0]["dueOn"] == DUE_ON
    assert mine[0]["daysLeft"] < 0
    assert mine[0]["daysLeft"] == (date.fromisoformat(DUE_ON) - server_today()).days

    # 10. An inspector cannot open a discipline case: that is Sở Nội vụ's work.
    api.post(INSPECTOR, "/api/v1/discipline-cases", {
        "officialId": official_a, "inspectionId": inspection_id, "findingId": finding_id,
        "category": "harassment", "nature": "self_interest", "severity": "serious",
        "occurredOn": OCCURRED_ON, "detectedOn": DETECTED_ON}, expect=403)

    return Story(ward_id, head_id, official_a, official_b, inspection_id, finding_id, retracted_finding_id,
                 recommendation_id)


def test_inspector_records_corrects_retracts_and_concludes(database_url: str) -> None:
    with running_api(database_url) as api:
        inspector_story(api)


# -- Sở Nội vụ (home_affairs) -----------------------------------------------------------------------

@dataclass(frozen=True)
class CaseStory:
    case_id: str
    decided_version: int
    line_before_case: dict[str, Any]
    line_after_decision: dict[str, Any]


def c_lines(card: dict[str, Any]) -> list[dict[str, Any]]:
    return [line for line in card["lines"] if line["rule"] == "C"]


def cites(line: dict[str, Any], aggregate_id: str) -> bool:
    return any(e["aggregateId"] == aggregate_id for e in line["evidence"])


def home_affairs_story(api: Api, story: Story) -> CaseStory:
    scorecard = f"/api/v1/scorecards/{story.head_id}"

    # 1. Before any case: the concluded finding (serious harassment, doubled) weighs on the head.
    before_case = api.get(HOME_AFFAIRS, scorecard, params={"period": "2026"})
    assert before_case["officialId"] == story.head_id and before_case["unitId"] == story.ward_id
    assert before_case["period"] == "2026" and before_case["policyVersion"] == "v1"
    finding_lines = [line for line in c_lines(before_case) if cites(line, story.inspection_id)]
    assert len(finding_lines) == 1, before_case["lines"]  # the retracted finding counts for nothing
    assert finding_lines[0]["points"] == -8
    # The overdue recommendation is there too (rule F).
    assert any(line["rule"] == "F" and line["points"] == -3 for line in before_case["lines"])

    # 2. Sở Nội vụ opens a discipline case from that finding.
    opened = api.post(HOME_AFFAIRS, "/api/v1/discipline-cases", {
        "officialId": story.official_a, "inspectionId": story.inspection_id, "findingId": story.finding_id,
        "category": "harassment", "nature": "self_interest", "severity": "serious",
        "occurredOn": OCCURRED_ON, "detectedOn": DETECTED_ON}, expect=201)
    case_id = opened["id"]
    assert opened["version"] == 1
    case = api.get(HOME_AFFAIRS, f"/api/v1/discipline-cases/{case_id}")
    assert case["state"] == "open" and case["unitId"] == story.ward_id
    assert case["officialCategory"] == "civil_servant"
    assert case["inspectionId"] == story.inspection_id and case["findingId"] == story.finding_id

    # 3. With a case open, the finding no longer counts on its own and the case does not count yet.
    pending = api.get(HOME_AFFAIRS, scorecard, params={"period": "2026"})
    assert not [line for line in c_lines(pending) if cites(line, story.inspection_id) or cites(line, case_id)]
    assert not [line for line in pending["lines"] if line["rule"] == "E"]

    # 4. The case is decided: a warning, dated in 2026.
    decided = api.post(HOME_AFFAIRS, f"/api/v1/discipline-cases/{case_id}/decision", {
        "form": "warning", "decisionNo": "318/QĐ-UBND", "decidedOn": DECIDED_ON})
    assert without_position(decided) == {"id": case_id, "version": 2}

    # 5. The case reads as decided, with its handling deadline 90 days after detection.
    case = api.get(HOME_AFFAIRS, f"/api/v1/discipline-cases/{case_id}")
    assert case["state"] == "decided" and case["form"] == "warning"
    assert case["decisionNo"] == "318/QĐ-UBND" and case["decidedOn"] == DECIDED_ON
    assert case["detectedOn"] == DETECTED_ON
    assert case["handlingDeadline"] == (date.fromisoformat(DETECTED_ON) + timedelta(days=90)).isoformat()
    assert case["late"] is False and case["version"] == 2

    # 6. The scorecard now has a new C line citing the Decided event, and the score fell by its points.
    after = api.get(HOME_AFFAIRS, scorecard, params={"period": "2026"})
    new_lines = [line for line in after["lines"] if line not in pending["lines"]]
    assert len(new_lines) == 1, (pending["lines"], after["lines"])
    [line] = new_lines
    assert line["rule"] == "C" and line["points"] == -8  # serious (−4), doubled for harassment
    [cited] = line["evidence"]
    assert cited["aggregateId"] == case_id and cited["version"] == decided["version"]
    assert [old for old in after["lines"] if old != line] == pending["lines"]
    assert after["score"] == round(pending["score"] + line["points"], 2)
    assert after["position"] >= cited["position"] > pending["position"]

    # 7. The cited position is the Decided event of the case's stream (seen by an auditor).
    stream = api.get(AUDITOR, f"/api/v1/audit/streams/{case_id}")
    decided_event = stream[-1]
    assert decided_event["eventType"] == "Decided" and decided_event["aggregateType"] == "DisciplineCase"
    assert (decided_event["position"], decided_event["aggregateId"], decided_event["version"]) == (
        cited["position"], cited["aggregateId"], cited["version"])
    assert decided_event["actorId"] == HOME_AFFAIRS and decided_event["actorRole"] == "home_affairs"

    # 8. The list of cases for the ward shows it decided.
    listed = api.get(HOME_AFFAIRS, "/api/v1/discipline-cases", params={"unitId": story.ward_id})
    assert [(c["id"], c["state"]) for c in listed["items"]] == [(case_id, "decided")]

    return CaseStory(case_id, decided["version"], finding_lines[0], line)


def test_home_affairs_decides_a_case_and_the_scorecard_cites_it(database_url: str) -> None:
    with running_api(database_url) as api:
        story = inspector_story(api)  # set-up, through HTTP as the inspector
        home_affairs_story(api, story)


# -- the auditor ------------------------------------------------------------------------------------

def test_auditor_reads_the_whole_history_and_cannot_write(database_url: str) -> None:
    with running_api(database_url) as api:
        story = inspector_story(api)  # set-up, through HTTP
        case = home_affairs_story(api, story)

        # 1. The whole history in order: positions strictly increasing, every event signed by its actor.
        everything = api.get(AUDITOR, "/api/v1/audit/events", params={"after": 0, "limit": 500})
        events = everything["items"]
        assert everything["after"] == 0 and everything["nextAfter"] is None
        positions = [e["position"] for e in events]
        assert positions == sorted(set(positions)) and positions[0] >= 1
        assert everything["position"] == positions[-1]
        assert all(e["actorId"] and e["actorRole"] for e in events)
        assert {e["actorId"] for e in events} == {ADMIN, INSPECTOR, HOME_AFFAIRS}
        assert all(e["payload"] is not None for e in events)

        # 2. Paging with `after` and `nextAfter` gives back the same history, page by page.
        paged: list[dict[str, Any]] = []
        after, pages = 0, 0
        while True:
            page = api.get(AUDITOR, "/api/v1/audit/events", params={"after": after, "limit": 4})
            pages += 1
            assert len(page["items"]) <= 4 and all(e["position"] > after for e in page["items"])
            paged += page["items"]
            if page["nextAfter"] is None:
                break
            assert page["nextAfter"] == page["items"][-1]["position"]
            after = page["nextAfter"]
        assert paged == events and pages >= len(events) // 4

        # 3. Filtering by actor and by event type.
        by_inspector = api.get(AUDITOR, "/api/v1/audit/events",
                               params={"after": 0, "limit": 500, "actor": INSPECTOR})["items"]
        assert by_inspector == [e for e in events if e["actorId"] == INSPECTOR]
        assert {e["aggregateId"] for e in by_inspector} == {story.inspection_id}
        assert {e["actorRole"] for e in by_inspector} == {"inspector"}
        corrections = api.get(AUDITOR, "/api/v1/audit/events",
                              params={"after": 0, "limit": 500, "eventType": "FindingCorrected"})["items"]
        assert [e["aggregateId"] for e in corrections] == [story.inspection_id]
        assert corrections[0]["reason"] == "Bổ sung ghi âm cuộc gọi cho thấy hành vi lặp lại nhiều lần"

        # 4. One aggregate's stream, version by version, with the payloads as recorded.
        stream = api.get(AUDITOR, f"/api/v1/audit/streams/{story.inspection_id}")
        assert [e["version"] for e in stream] == [1, 2, 3, 4, 5, 6]
        assert [e["eventType"] for e in stream] == [
            "Opened", "FindingRecorded", "FindingRecorded", "FindingCorrected", "FindingRetracted", "Concluded"]
        assert stream == [e for e in events if e["aggregateId"] == story.inspection_id]
        assert EVIDENCE_SHA in str(stream[1]["payload"])
        assert EXTRA_EVIDENCE_SHA in str(stream[3]["payload"])
        assert story.finding_id in str(stream[3]["payload"])
        assert "Hồ sơ được gia hạn hợp lệ" in str(stream[4]["payload"])

        # 5. The case as it stood before its decision, and at the decision.
        case_stream = api.get(AUDITOR, f"/api/v1/audit/streams/{case.case_id}")
        assert [e["eventType"] for e in case_stream] == ["Opened", "Decided"]
        decided_at = case_stream[-1]["position"]
        earlier = api.get(AUDITOR, f"/api/v1/discipline-cases/{case.case_id}",
                          params={"asOfPosition": decided_at - 1})
        assert earlier["state"] == "open" and earlier["form"] is None and earlier["version"] == 1
        assert earlier["asOfPosition"] == decided_at - 1
        at_decision = api.get(AUDITOR, f"/api/v1/discipline-cases/{case.case_id}",
                              params={"asOfPosition": decided_at})
        assert at_decision["state"] == "decided" and at_decision["form"] == "warning"
        assert at_decision["version"] == case.decided_version
        api.get(AUDITOR, f"/api/v1/discipline-cases/{case.case_id}",
                params={"asOfPosition": case_stream[0]["position"] - 1}, expect=404)

        # 6. The auditor reads everything and writes nothing.
        forbidden = [
            ("/api/v1/units", {"code": "X-MOI", "name": "Xã Mới", "kind": "commune"}),
            ("/api/v1/inspections", {"kind": "planned", "decisionNo": "1/QĐ", "decidedOn": "2026-06-01",
                                     "targetUnitId": story.ward_id, "scope": "x", "team": ["A"]}),
            (f"/api/v1/discipline-cases/{case.case_id}/withdrawal", {"on": DECIDED_ON, "reason": "thử"}),
            (f"/api/v1/inspections/{story.inspection_id}/closure", {"closedOn": "2026-11-01"}),
        ]
        for path, body in forbidden:
            problem = api.post(AUDITOR, path, body, expect=403)
            assert problem["status"] == 403
        api.call(AUDITOR, "PUT", f"/api/v1/units/{story.ward_id}/kpi-reports/2026-H1", expect=403, json={
            "reportedOn": "2026-07-10", "figures": {
                "conferencesTotal": 1, "conferencesOnline": 1, "longestIndoctrinationDays": 0.5,
                "longestProfessionalDays": 1, "longestImportantDays": 1, "documentsIssued": 1,
                "proceduresOnlinePct": 99, "documentsDigitisedPct": 99, "electronicSendingPct": 100,
                "staffTrainedPct": 100}})
        # Nothing was written by those attempts.
        assert api.get(AUDITOR, "/api/v1/audit/events", params={"after": 0, "limit": 500})["items"] == events

