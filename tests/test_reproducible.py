"""Reproducible answers: a scorecard carries the log position and chain head it was computed at;
asking again at that position (and date) gives the same bytes, whatever was recorded since."""

from __future__ import annotations

from typing import Any

from litestar.testing import TestClient

from tests.api_support import client, headers_for  # noqa: F401  (client is a fixture)


def record_a_new_violation(client: TestClient[Any]) -> None:
    inspector = headers_for(client, "inspector")
    inspection = client.get("/api/v1/inspections?status=open&limit=1", headers=inspector).json()["items"][0]
    answer = client.post(f"/api/v1/inspections/{inspection['id']}/findings", headers=inspector, json={
        "category": "harassment", "severity": "very_serious", "description": "Gây phiền hà cho người dân",
        "occurredOn": "2026-10-01", "officialIds": [], "evidence": []})
    assert answer.status_code == 201, answer.text


def test_the_ranking_is_reproduced_byte_for_byte_at_its_position(client: TestClient[Any]) -> None:
    nv = headers_for(client, "home_affairs")
    first = client.get("/api/v1/scorecards?period=2026", headers=nv)
    assert first.status_code == 200
    body = first.json()
    assert body["position"] > 0 and len(body["chainHead"]) == 64
    assert all(item["chainHead"] == body["chainHead"] for item in body["items"])
    record_a_new_violation(client)
    live = client.get("/api/v1/scorecards?period=2026", headers=nv).json()
    assert live["position"] > body["position"] and live["chainHead"] != body["chainHead"]
    again = client.get(f"/api/v1/scorecards?period=2026&asOfPosition={body['position']}&asOfDate={body['asOfDate']}",
                       headers=nv)
    assert again.content == first.content


def test_one_scorecard_is_reproduced_and_its_chain_head_is_the_seal_at_that_position(
        client: TestClient[Any]) -> None:
    nv = headers_for(client, "home_affairs")
    head_id = client.get("/api/v1/scorecards?period=2026-H1&limit=1", headers=nv).json()["items"][0]["officialId"]
    first = client.get(f"/api/v1/scorecards/{head_id}?period=2026-H1", headers=nv)
    card = first.json()
    verified = client.get("/api/v1/audit/verify", headers=headers_for(client, "auditor")).json()
    assert verified["ok"] and verified["head"] == card["chainHead"]  # nothing recorded since
    record_a_new_violation(client)
    again = client.get(f"/api/v1/scorecards/{head_id}?period=2026-H1&asOfPosition={card['position']}"
                       f"&asOfDate={card['asOfDate']}", headers=nv)
    assert again.content == first.content
