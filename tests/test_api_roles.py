"""The HTTP API's guard rails: who may call what, how errors answer, retries, versions, paging, login.

What a user notices: every route answers an anonymous caller with 401 and a caller of the wrong role
with 403 (both RFC 9457 problem details), following the table `ACCESS` below; a request that does
not validate answers 400 naming the field; a broken legal rule 422 naming the rule; an illegal
transition or a stale `If-Match` 409; nothing is stored by a refused write; a write retried with the
same `Idempotency-Key` is recorded once; list filters and limit/offset paging are consistent; every
write records the logged-in user as its actor. Every test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import jwt
import pytest
from litestar.testing import TestClient

from tests.api_support import (  # noqa: F401  (client and demo_client are fixtures)
    PASSWORD,
    ROLES,
    SECRET,
    USERS,
    assert_problem,
    client,
    demo_client,
    headers_for,
    items,
    login,
    position,
)

# -- who may call what ---------------------------------------------------------------------------------
#
# operationId → the roles let through. Anonymous callers get 401 everywhere except the public
# routes (GET /health, GET /schema…, POST /api/v1/auth/token). Every operation in the OpenAPI
# document must appear here: a new route without a decision fails test_every_route_is_guarded.

EVERYONE = ("inspector", "home_affairs", "auditor", "admin")  # api.security.READERS
ANALYSTS = ("home_affairs", "auditor", "admin")  # scorecards
AUDITORS = ("auditor", "admin")  # the audit log
ADMIN = ("admin",)  # users, units, heads, officials
INSPECTOR = ("inspector",)  # inspections and everything under them
HOME_AFFAIRS = ("home_affairs",)  # discipline, accountability, tasks, KPI reports

ACCESS: dict[str, tuple[str, ...]] = {
    # users
    "listUsers": ADMIN,
    "createUser": ADMIN,
    # units, heads and officials
    "listUnits": EVERYONE,
    "getUnit": EVERYONE,
    "createUnit": ADMIN,
    "appointHead": ADMIN,
    "listOfficials": EVERYONE,
    "getOfficial": EVERYONE,
    "createOfficial": ADMIN,
    "recogniseInitiative": HOME_AFFAIRS,
    "retireOfficial": ("home_affairs", "admin"),
    # inspections
    "listInspections": EVERYONE,
    "getInspection": EVERYONE,
    "openInspection": INSPECTOR,
    "recordFinding": INSPECTOR,
    "correctFinding": INSPECTOR,
    "retractFinding": INSPECTOR,
    "referFinding": INSPECTOR,
    "concludeInspection": INSPECTOR,
    "implementRecommendation": INSPECTOR,
    "closeInspection": INSPECTOR,
    # discipline cases
    "listCases": EVERYONE,
    "getCase": EVERYONE,
    "openCase": HOME_AFFAIRS,
    "deferCase": HOME_AFFAIRS,
    "resumeCase": HOME_AFFAIRS,
    "extendCase": HOME_AFFAIRS,
    "holdReviewMeeting": HOME_AFFAIRS,
    "conveneCouncil": HOME_AFFAIRS,
    "decideCase": HOME_AFFAIRS,
    "decideJointly": HOME_AFFAIRS,
    "requestHandling": HOME_AFFAIRS,
    "exemptCase": HOME_AFFAIRS,
    "timeBarCase": HOME_AFFAIRS,
    "withdrawCase": HOME_AFFAIRS,
    # accountability of heads
    "listAccountabilityDecisions": EVERYONE,
    "makeAccountabilityDecision": HOME_AFFAIRS,
    "revokeAccountabilityDecision": HOME_AFFAIRS,
    # tasks of the plan
    "listTasks": EVERYONE,
    "getTask": EVERYONE,
    "assignTask": HOME_AFFAIRS,
    "reportTaskProgress": HOME_AFFAIRS,
    "completeTask": HOME_AFFAIRS,
    "reassignTask": HOME_AFFAIRS,
    # Conclusion 226 KPI reports
    "getKpiReport": EVERYONE,
    "putKpiReport": HOME_AFFAIRS,
    # scorecards and deadlines
    "listScorecards": ANALYSTS,
    "getScorecard": ANALYSTS,
    "listDeadlines": EVERYONE,
    # the city's Conclusion 226 report
    "getConclusion226Report": ANALYSTS,
    # audit
    "listEvents": AUDITORS,
    "getStream": AUDITORS,
    "verifyLog": AUDITORS,
    "exportLog": AUDITORS,
}

PUBLIC = {("GET", "/health"), ("POST", "/api/v1/auth/token")}  # plus everything under /schema

PERIOD = "2026-H1"
UNKNOWN = "00000000-0000-0000-0000-00000000beef"


def operations(client: TestClient[Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(METHOD, path template, operation) for every operation in the OpenAPI document but the public ones."""
    response = client.get("/schema/openapi.json")
    assert response.status_code == 200, response.text
    out = []
    for path, path_item in response.json()["paths"].items():
        for method, operation in path_item.items():
            if method.lower() not in ("get", "post", "put", "patch", "delete"):
                continue
            if (method.upper(), path) in PUBLIC or path.startswith("/schema"):
                continue
            out.append((method.upper(), path, operation))
    return out


def demo_ids(client: TestClient[Any]) -> dict[str, str]:
    """A real id for every path parameter, taken from the demo data."""
    concluded = items(client, "/api/v1/inspections", status="concluded", limit=50)
    inspection = next(i for i in concluded if i["findingsCount"] > 0)
    detail = client.get(f"/api/v1/inspections/{inspection['id']}", headers=headers_for(client, "admin")).json()
    assert detail["findings"] and detail["recommendations"], detail
    snv = next(u for u in items(client, "/api/v1/units", limit=500) if u["code"] == "SNV")
    cards = items(client, "/api/v1/scorecards", period=PERIOD)
    return {
        "unit_id": snv["id"],  # reported its 2026-H1 KPI figures
        "official_id": cards[0]["officialId"],  # a head with a 2026-H1 scorecard
        "inspection_id": inspection["id"],
        "finding_id": detail["findings"][0]["id"],
        "recommendation_id": detail["recommendations"][0]["id"],
        "case_id": items(client, "/api/v1/discipline-cases", state="open")[0]["id"],
        "decision_id": items(client, "/api/v1/accountability-decisions")[0]["id"],
        "task_id": items(client, "/api/v1/tasks")[0]["id"],
        "aggregate_id": snv["id"],
        "period": PERIOD,
    }


QUERY_VALUES = {"period": PERIOD}  # required query parameters


def request_of(method: str, template: str, operation: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    """The URL, query and body to call an operation with: real ids, required query values, and an
    empty JSON object as body (a guard that lets the caller through then answers 400)."""
    url = template
    params = {}
    for parameter in operation.get("parameters", []):
        name = parameter["name"]
        if parameter["in"] == "path":
            assert name in ids, f"no demo id for path parameter {name!r} of {method} {template}"
            url = url.replace("{" + name + "}", ids[name])
        elif parameter["in"] == "query" and parameter.get("required"):
            assert name in QUERY_VALUES, f"no value for required query parameter {name!r} of {method} {template}"
            params[name] = QUERY_VALUES[name]
    assert "{" not in url, url
    request: dict[str, Any] = {"method": method, "url": url, "params": params}
    if method != "GET":
        request["json"] = {}
    return request


def test_every_route_is_guarded_by_the_role_table(demo_client: TestClient[Any]) -> None:
    client = demo_client
    ops = operations(client)
    in_schema = {op["operationId"] for _, _, op in ops}
    assert len(in_schema) == len(ops), "operationIds must be unique"
    assert in_schema - set(ACCESS) == set(), "routes without a decision in ACCESS"
    assert set(ACCESS) - in_schema == set(), "ACCESS names routes the API no longer has"

    ids = demo_ids(client)
    before = position(client)
    for method, template, operation in ops:
        op_id = operation["operationId"]
        request = request_of(method, template, operation, ids)
        where = f"{op_id} ({method} {request['url']})"

        anonymous = client.request(**request)
        assert_problem(anonymous, 401, rule="not_authenticated")
        assert anonymous.headers.get("www-authenticate") == "Bearer", where

        for role in ROLES:
            response = client.request(**request, headers=headers_for(client, role))
            if role not in ACCESS[op_id]:
                assert_problem(response, 403, rule="forbidden")
                continue
            assert response.status_code not in (401, 403), f"{where} refused {role}: {response.text}"
            assert response.status_code < 500, f"{where} as {role}: {response.text}"
            if method == "GET":
                assert response.status_code == 200, f"{where} as {role}: {response.text}"
            else:  # the guard let the caller through to validation of the empty body
                assert_problem(response, 400, rule="invalid_input")
    assert position(client) == before, "a refused or invalid write stored something"


# -- problem details -----------------------------------------------------------------------------------

def finding_body(**changes: Any) -> dict[str, Any]:
    body = {"category": "shirking", "severity": "less_serious", "description": "Chậm trả hồ sơ cho dân.",
            "occurredOn": "2026-10-01", "officialIds": [], "evidence": []}
    body.update(changes)
    return body


def open_inspection(client: TestClient[Any]) -> dict[str, Any]:
    inspection = items(client, "/api/v1/inspections", status="open")[0]
    return client.get(f"/api/v1/inspections/{inspection['id']}", headers=headers_for(client, "admin")).json()


def test_bodies_and_queries_that_do_not_validate_answer_400_naming_the_field(demo_client: TestClient[Any]) -> None:
    client = demo_client
    inspector, admin = headers_for(client, "inspector"), headers_for(client, "admin")
    url = f"/api/v1/inspections/{open_inspection(client)['id']}/findings"
    before = position(client)

    body = assert_problem(client.post(url, json=finding_body(category="bogus"), headers=inspector), 400,
                          rule="invalid_input", field="category")
    assert "category" in body["detail"]
    assert body["errors"][0]["field"] == "category"
    assert_problem(client.post(url, json=finding_body(occurredOn="2026-13-45"), headers=inspector), 400,
                   rule="invalid_input", field="occurredOn")
    assert_problem(client.post(url, json=finding_body(severity="deadly"), headers=inspector), 400,
                   field="severity")
    assert_problem(client.post(url, json=finding_body(evidence=[{"name": "a.pdf", "sha256": "xyz"}]),
                               headers=inspector), 400, field="evidence[0].sha256")
    malformed = client.post(url, content=b"{not json", headers={**inspector, "content-type": "application/json"})
    assert_problem(malformed, 400)

    assert_problem(client.get("/api/v1/scorecards", params={"period": "2026-Q3"}, headers=admin), 400,
                   rule="invalid_input", field="period")
    assert_problem(client.get("/api/v1/inspections", params={"year": "abc"}, headers=admin), 400, field="year")
    assert_problem(client.get("/api/v1/discipline-cases", params={"clock": "late"}, headers=admin), 400,
                   field="clock")
    assert_problem(client.get("/api/v1/scorecards", params={"period": PERIOD, "band": "superb"},
                              headers=admin), 400, field="band")
    assert_problem(client.get("/api/v1/units", params={"asOf": "yesterday"}, headers=admin), 400, field="asOf")
    window = assert_problem(client.get("/api/v1/reports/conclusion-226", params={"period": PERIOD, "window": "q2"},
                                       headers=admin), 400, rule="invalid_input", field="window")
    assert "Điều 12 Nghị định 09/2019/NĐ-CP" in window["detail"]  # the choices, in Vietnamese
    assert_problem(client.post(url, json=finding_body(), headers={**inspector, "If-Match": "three"}), 400,
                   field="If-Match")
    assert position(client) == before


@pytest.mark.parametrize("case", [
    "finding without category",
    "login without password",
    "scorecards without period",
])
def test_a_missing_required_field_is_named(demo_client: TestClient[Any], case: str) -> None:
    client = demo_client
    if case == "finding without category":
        body = finding_body()
        del body["category"]
        url = f"/api/v1/inspections/{open_inspection(client)['id']}/findings"
        response, field = client.post(url, json=body, headers=headers_for(client, "inspector")), "category"
    elif case == "login without password":
        response, field = client.post("/api/v1/auth/token", json={"username": USERS["admin"]}), "password"
    else:
        response, field = client.get("/api/v1/scorecards", headers=headers_for(client, "admin")), "period"
    assert_problem(response, 400, rule="invalid_input", field=field)


def test_unauthenticated_requests_answer_401(demo_client: TestClient[Any]) -> None:
    client = demo_client
    url = "/api/v1/units"
    username = USERS["admin"]
    now = datetime.now(UTC)

    def claims(**changes: Any) -> dict[str, Any]:
        payload = {"sub": username, "iat": int(now.timestamp()), "exp": int((now + timedelta(hours=1)).timestamp()),
                   "extras": {"role": "admin"}}
        payload.update(changes)
        return payload

    good = jwt.encode(claims(), SECRET, algorithm="HS256")
    assert client.get(url, headers={"Authorization": f"Bearer {good}"}).status_code == 200  # the baseline

    expired = jwt.encode(claims(iat=int((now - timedelta(hours=2)).timestamp()),
                                exp=int((now - timedelta(seconds=5)).timestamp())), SECRET, algorithm="HS256")
    forged = jwt.encode(claims(), "a-wrong-secret-that-is-long-enough-0123456789", algorithm="HS256")
    promoted = client.app.state.jwt_auth.create_token(identifier=USERS["inspector"],
                                                      token_extras={"role": "admin"})  # role is not theirs
    ghost = client.app.state.jwt_auth.create_token(identifier="no.such.user", token_extras={"role": "admin"})
    for headers in ({}, {"Authorization": f"Bearer {expired}"}, {"Authorization": f"Bearer {forged}"},
                    {"Authorization": f"Bearer {promoted}"}, {"Authorization": f"Bearer {ghost}"},
                    {"Authorization": "Bearer not.a.token"}):
        response = client.get(url, headers=headers)
        assert_problem(response, 401, rule="not_authenticated")
        assert response.headers.get("www-authenticate") == "Bearer"

    before = position(client)
    unit = {"code": "X-NEW", "name": "Đơn vị mới", "kind": "department"}
    assert_problem(client.post(url, json=unit, headers={"Authorization": f"Bearer {expired}"}), 401)
    assert_problem(client.post(url, json=unit, headers={"Authorization": f"Bearer {forged}"}), 401)
    assert position(client) == before


def test_refused_writes_answer_problems_and_store_nothing(client: TestClient[Any]) -> None:
    home_affairs, inspector = headers_for(client, "home_affairs"), headers_for(client, "inspector")
    open_case = next(c for c in items(client, "/api/v1/discipline-cases", state="open")
                     if c["officialCategory"] == "civil_servant")
    decided_case = items(client, "/api/v1/discipline-cases", state="decided")[0]
    decision = {"form": "reprimand", "decisionNo": "99/QĐ-UBND", "decidedOn": "2026-11-20"}
    before = position(client)

    # 403: an inspector does not decide discipline
    assert_problem(client.post(f"/api/v1/discipline-cases/{open_case['id']}/decision", json=decision,
                               headers=inspector), 403, rule="forbidden")
    # 404: unknown ids, read and written
    assert_problem(client.get(f"/api/v1/discipline-cases/{UNKNOWN}", headers=inspector), 404, rule="not_found")
    assert_problem(client.get(f"/api/v1/inspections/{UNKNOWN}", headers=inspector), 404)
    assert_problem(client.get(f"/api/v1/tasks/{UNKNOWN}", headers=inspector), 404)
    assert_problem(client.post(f"/api/v1/discipline-cases/{UNKNOWN}/decision", json=decision,
                               headers=home_affairs), 404, rule="not_found")
    assert_problem(client.post(f"/api/v1/inspections/{UNKNOWN}/findings", json=finding_body(),
                               headers=inspector), 404)
    assert_problem(client.get("/api/v1/no-such-route", headers=inspector), 404)
    # 409: deciding a case that is already decided
    body = assert_problem(client.post(f"/api/v1/discipline-cases/{decided_case['id']}/decision", json=decision,
                                      headers=home_affairs), 409)
    assert body["rule"] and body["rule"] != "conflict"
    # 409: a stale If-Match
    stale = {**home_affairs, "If-Match": str(open_case["version"] - 1)}
    assert_problem(client.post(f"/api/v1/discipline-cases/{open_case['id']}/decision", json=decision,
                               headers=stale), 409, rule="conflict", field="version")
    # 422: salary step-down is no longer a form for civil servants in 2026 (Nghị định 172/2025)
    body = assert_problem(client.post(f"/api/v1/discipline-cases/{open_case['id']}/decision",
                                      json={**decision, "form": "salary_step_down"}, headers=home_affairs),
                          422, rule="discipline_form_not_allowed", field="form")
    assert body["value"] == "salary_step_down"

    assert position(client) == before
    after = client.get(f"/api/v1/discipline-cases/{open_case['id']}", headers=home_affairs).json()
    assert (after["state"], after["version"]) == ("open", open_case["version"])


# -- Idempotency-Key -----------------------------------------------------------------------------------

def inspection_body(unit_id: str, decision_no: str = "501/QĐ-TTTP") -> dict[str, Any]:
    return {"kind": "surprise", "decisionNo": decision_no, "decidedOn": "2026-11-20", "targetUnitId": unit_id,
            "scope": "Việc tiếp nhận và trả hồ sơ hành chính.", "team": ["Nguyễn Văn A", "Trần Thị B"]}


def test_a_retried_write_is_recorded_once(client: TestClient[Any]) -> None:
    inspector = headers_for(client, "inspector")
    unit = items(client, "/api/v1/units")[0]["id"]
    keyed = {**inspector, "Idempotency-Key": "mo-thanh-tra-501"}
    p0 = position(client)

    first = client.post("/api/v1/inspections", json=inspection_body(unit), headers=keyed)
    assert first.status_code == 201, first.text
    p1 = position(client)
    assert p1 > p0
    again = client.post("/api/v1/inspections", json=inspection_body(unit), headers=keyed)
    assert again.status_code == 201, again.text
    assert again.json() == first.json()
    assert position(client) == p1
    listed = items(client, "/api/v1/inspections", unitId=unit, limit=500)
    assert [i["id"] for i in listed].count(first.json()["id"]) == 1
    assert sum(1 for i in listed if i["decisionNo"] == "501/QĐ-TTTP") == 1

    # the same key for another request is refused, and stores nothing
    other = client.post("/api/v1/inspections", json=inspection_body(unit, "502/QĐ-TTTP"), headers=keyed)
    assert_problem(other, 422, rule="idempotency_key_reused", field="Idempotency-Key")
    path_differs = client.post(f"/api/v1/inspections/{first.json()['id']}/findings", json=finding_body(),
                               headers=keyed)
    assert_problem(path_differs, 422, rule="idempotency_key_reused")
    assert position(client) == p1

    # a key whose request failed was not used up: nothing was recorded, so it may be retried
    failing = {**inspector, "Idempotency-Key": "se-that-bai"}
    assert_problem(client.post("/api/v1/inspections", json=inspection_body(UNKNOWN), headers=failing), 404)
    assert position(client) == p1
    retried = client.post("/api/v1/inspections", json=inspection_body(unit, "503/QĐ-TTTP"), headers=failing)
    assert retried.status_code == 201, retried.text

    # a key too long is refused
    too_long = {**inspector, "Idempotency-Key": "k" * 201}
    assert_problem(client.post("/api/v1/inspections", json=inspection_body(unit), headers=too_long), 422,
                   rule="idempotency_key_invalid")


def test_idempotency_keys_are_per_user(client: TestClient[Any]) -> None:
    client.app.state.users.add("api.thanhtra2", "inspector", PASSWORD)
    unit = items(client, "/api/v1/units")[0]["id"]
    key = {"Idempotency-Key": "cung-mot-khoa"}
    p0 = position(client)
    mine = client.post("/api/v1/inspections", json=inspection_body(unit),
                       headers={**headers_for(client, "inspector"), **key})
    p1 = position(client)
    assert mine.status_code == 201, mine.text
    assert p1 > p0
    theirs = {**login(client, "api.thanhtra2"), **key}
    # the same key and body from another user is not a replay of my answer: it runs, and the
    # decision number is taken
    same = client.post("/api/v1/inspections", json=inspection_body(unit), headers=theirs)
    assert_problem(same, 409, rule="already_exists")
    # nor is the same key with another body a reuse of my key
    other = client.post("/api/v1/inspections", json=inspection_body(unit, "502/QĐ-TTTP"), headers=theirs)
    assert other.status_code == 201, other.text
    assert other.json()["id"] != mine.json()["id"]
    assert position(client) > p1
    # while my key still replays my answer
    replay = client.post("/api/v1/inspections", json=inspection_body(unit),
                         headers={**headers_for(client, "inspector"), **key})
    assert replay.json() == mine.json()


# -- If-Match --------------------------------------------------------------------------------------------

def test_if_match_guards_against_lost_updates(client: TestClient[Any]) -> None:
    inspector = headers_for(client, "inspector")
    inspection = open_inspection(client)
    url = f"/api/v1/inspections/{inspection['id']}"
    version = inspection["version"]

    written = client.post(f"{url}/findings", json=finding_body(), headers={**inspector, "If-Match": str(version)})
    assert written.status_code == 201, written.text
    assert written.json()["version"] == version + 1
    reread = client.get(url, headers=inspector).json()
    assert reread["version"] == version + 1
    assert written.json()["findingId"] in [f["id"] for f in reread["findings"]]

    before = position(client)
    stale = client.post(f"{url}/findings", json=finding_body(description="Lần hai."),
                        headers={**inspector, "If-Match": str(version)})
    assert_problem(stale, 409, rule="conflict", field="version")
    assert position(client) == before
    assert client.get(url, headers=inspector).json()["findingsCount"] == reread["findingsCount"]

    # an ETag-style value and "*" are understood as well
    quoted = client.post(f"{url}/findings", json=finding_body(description="Lần ba."),
                         headers={**inspector, "If-Match": f'W/"{version + 1}"'})
    assert quoted.status_code == 201 and quoted.json()["version"] == version + 2, quoted.text
    star = client.post(f"{url}/findings", json=finding_body(description="Lần bốn."),
                       headers={**inspector, "If-Match": "*"})
    assert star.status_code == 201 and star.json()["version"] == version + 3, star.text


# -- filters and paging ----------------------------------------------------------------------------------

def page_through(client: TestClient[Any], path: str, size: int, role: str = "admin",
                 **params: Any) -> tuple[list[str], int]:
    """Every id of a list, read `size` at a time; the total must not change between pages."""
    ids: list[str] = []
    totals = set()
    offset = 0
    while True:
        response = client.get(path, params={**params, "limit": size, "offset": offset},
                              headers=headers_for(client, role))
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["limit"], body["offset"]) == (size, offset)
        totals.add(body["total"])
        key = "officialId" if path.endswith("scorecards") else "id"
        ids += [item[key] for item in body["items"]]
        assert len(body["items"]) <= size
        if not body["items"]:
            break
        offset += size
    assert len(totals) == 1, totals
    return ids, totals.pop()


@pytest.mark.parametrize("path, params", [
    ("/api/v1/units", {}), ("/api/v1/officials", {}), ("/api/v1/inspections", {}),
    ("/api/v1/discipline-cases", {}), ("/api/v1/tasks", {}), ("/api/v1/accountability-decisions", {}),
    ("/api/v1/scorecards", {"period": PERIOD}),
])
def test_paging_is_consistent(demo_client: TestClient[Any], path: str, params: dict[str, str]) -> None:
    client = demo_client
    everything = items(client, path, limit=500, **params)
    key = "officialId" if path.endswith("scorecards") else "id"
    paged, total = page_through(client, path, 3, **params)
    assert len(paged) == len(set(paged)) == total == len(everything) > 3
    assert paged == [item[key] for item in everything]  # the same order, page after page

    admin = headers_for(client, "admin")
    for limit in (0, 501, -1):
        assert_problem(client.get(path, params={**params, "limit": limit}, headers=admin), 400,
                       rule="invalid_input", field="limit")
    assert_problem(client.get(path, params={**params, "offset": -1}, headers=admin), 400, field="offset")
    beyond = client.get(path, params={**params, "offset": total}, headers=admin).json()
    assert beyond["items"] == [] and beyond["total"] == total


def test_inspection_filters(demo_client: TestClient[Any]) -> None:
    client = demo_client
    everything = items(client, "/api/v1/inspections", limit=500)
    unit = everything[0]["targetUnitId"]
    checks = [({"unitId": unit}, lambda i: i["targetUnitId"] == unit),
              ({"kind": "planned"}, lambda i: i["kind"] == "planned"),
              ({"status": "concluded"}, lambda i: i["status"] == "concluded"),
              ({"year": 2025}, lambda i: i["decidedOn"].startswith("2025-")),
              ({"year": 2026, "status": "closed"}, lambda i: i["decidedOn"].startswith("2026-")
               and i["status"] == "closed")]
    for params, wanted in checks:
        expected = [i["id"] for i in everything if wanted(i)]
        assert expected, f"the demo has no inspection for {params}"
        got, total = page_through(client, "/api/v1/inspections", 2, **params)
        assert got == expected and total == len(expected), params
    assert items(client, "/api/v1/inspections", year=1999) == []


def test_case_filters(demo_client: TestClient[Any]) -> None:
    client = demo_client
    everything = items(client, "/api/v1/discipline-cases", limit=500)
    unit = everything[0]["unitId"]
    for params, wanted in [({"unitId": unit}, lambda c: c["unitId"] == unit),
                           ({"state": "decided"}, lambda c: c["state"] == "decided"),
                           ({"state": "open", "unitId": unit}, lambda c: c["state"] == "open"
                            and c["unitId"] == unit)]:
        expected = {c["id"] for c in everything if wanted(c)}
        got, total = page_through(client, "/api/v1/discipline-cases", 2, **params)
        assert set(got) == expected and total == len(expected) == len(got), params

    # the legal clocks split the running cases (open or deferred) by the nearer of the two deadlines
    today = date.fromisoformat(client.get("/api/v1/scorecards", params={"period": PERIOD},
                                          headers=headers_for(client, "admin")).json()["asOfDate"])
    running = {c["id"]: c for c in everything if c["state"] in ("open", "deferred")}
    by_clock = {clock: items(client, "/api/v1/discipline-cases", clock=clock, limit=500)
                for clock in ("overdue", "due_soon", "on_time")}
    assert by_clock["overdue"], "the demo has an overdue case"
    seen = [c["id"] for listed in by_clock.values() for c in listed]
    assert sorted(seen) == sorted(running), "each running case has exactly one clock"
    for clock, listed in by_clock.items():
        for case in listed:
            left = (min(date.fromisoformat(case["handlingDeadline"]),
                        date.fromisoformat(case["limitationDeadline"])) - today).days
            assert {"overdue": left < 0, "due_soon": 0 <= left <= 15, "on_time": left > 15}[clock], (clock, case)
    got, total = page_through(client, "/api/v1/discipline-cases", 1, clock="overdue")
    assert got == [c["id"] for c in by_clock["overdue"]] and total == len(got)


def test_scorecard_filters(demo_client: TestClient[Any]) -> None:
    client = demo_client
    everything = items(client, "/api/v1/scorecards", period=PERIOD, limit=500)
    assert everything and all(c["period"] == PERIOD for c in everything)
    assert all(c["period"] == "2025" for c in items(client, "/api/v1/scorecards", period="2025", limit=500))
    for params, wanted in [({"band": "excellent"}, lambda c: c["ratingCeiling"] == "excellent"),
                           ({"band": "good"}, lambda c: c["ratingCeiling"] == "good"),
                           ({"unitKind": "commune"}, lambda c: c["unitKind"] == "commune"),
                           ({"unitKind": "department", "band": "good"},
                            lambda c: c["unitKind"] == "department" and c["ratingCeiling"] == "good")]:
        expected = [c["officialId"] for c in everything if wanted(c)]
        assert expected, params
        got, total = page_through(client, "/api/v1/scorecards", 2, period=PERIOD, **params)
        assert got == expected and total == len(expected), params


# -- logging in and who wrote what ----------------------------------------------------------------------

def test_login_answers_an_expiring_token_for_the_users_role(demo_client: TestClient[Any]) -> None:
    client = demo_client
    for body in ({"username": USERS["admin"], "password": "wrong-password"},
                 {"username": "no.such.user", "password": PASSWORD}):
        assert_problem(client.post("/api/v1/auth/token", json=body), 401, rule="not_authenticated")
    assert_problem(client.post("/api/v1/auth/token", json={"username": USERS["admin"]}), 400, rule="invalid_input")

    response = client.post("/api/v1/auth/token", json={"username": USERS["auditor"].upper(), "password": PASSWORD})
    assert response.status_code == 200, response.text
    token = response.json()
    assert (token["tokenType"], token["role"], token["username"]) == ("Bearer", "auditor", USERS["auditor"])
    assert token["expiresIn"] > 0
    claims = jwt.decode(token["accessToken"], SECRET, algorithms=["HS256"])
    assert claims["sub"] == USERS["auditor"] and claims["extras"]["role"] == "auditor"
    assert abs(claims["exp"] - claims["iat"] - token["expiresIn"]) <= 1

    # the token's role is what the guards see
    auditor = {"Authorization": f"Bearer {token['accessToken']}"}
    assert client.get("/api/v1/audit/events", params={"limit": 1}, headers=auditor).status_code == 200
    assert_problem(client.get("/api/v1/users", headers=auditor), 403)
    assert client.get("/api/v1/users", headers=headers_for(client, "admin")).status_code == 200
    assert_problem(client.get("/api/v1/audit/events", headers=headers_for(client, "inspector")), 403)


def test_every_write_records_the_logged_in_user(client: TestClient[Any]) -> None:
    unit = items(client, "/api/v1/units")[0]["id"]
    task = items(client, "/api/v1/tasks", limit=500)
    open_task = next(t for t in task if t["completedOn"] is None)
    before = position(client)
    writes = [
        ("admin", "POST", "/api/v1/units", {"code": "X-MOI", "name": "Đơn vị thử", "kind": "department"}),
        ("inspector", "POST", "/api/v1/inspections", inspection_body(unit)),
        ("home_affairs", "POST", f"/api/v1/tasks/{open_task['id']}/progress",
         {"on": "2026-11-20", "percent": 60, "note": "Đang thực hiện."}),
    ]
    for role, method, url, body in writes:
        start = position(client)
        response = client.request(method, url, json=body, headers=headers_for(client, role))
        assert response.status_code in (200, 201), response.text
        log = client.get("/api/v1/audit/events", params={"after": start},
                         headers=headers_for(client, "auditor")).json()["items"]
        assert log, f"{method} {url} recorded nothing"
        assert {(e["actorId"], e["actorRole"]) for e in log} == {(USERS[role], role)}, log
        assert log[-1]["aggregateId"] == response.json()["id"]
    assert position(client) == before + len(writes)


def test_a_writes_answer_names_its_log_position(client: TestClient[Any]) -> None:
    """A client that reads its own write elsewhere (a replica, another process) waits for this position."""
    answer = client.post("/api/v1/units", json={"code": "VI-TRI", "name": "Đơn vị thử", "kind": "commune"},
                         headers=headers_for(client, "admin"))
    assert answer.status_code == 201, answer.text
    assert answer.json()["position"] == position(client)
