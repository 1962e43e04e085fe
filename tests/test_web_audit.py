"""The auditors' pages over HTTP, on SQLite and PostgreSQL: the log as a filtered timeline, one object's
stream, one event with its payload and seal, verification (and tampering found), the NDJSON download,
and who may open what."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from html import unescape
from typing import Any

import pytest
from litestar.testing import TestClient

from api.users import ROLE_LABELS
from tests.api_support import PASSWORD, USERS, api_client, demo_client, headers_for, items, position  # noqa: F401
from tests.test_tamper import events_table, stored, tamper

VIETNAM = timezone(timedelta(hours=7))


def sign_in(client: TestClient[Any], role: str) -> None:
    form = client.get("/dang-nhap").text
    token = re.search(r'name="_csrf_token" value="([^"]+)"', form).group(1)
    answer = client.post("/dang-nhap", data={"username": USERS[role], "password": PASSWORD, "_csrf_token": token},
                         follow_redirects=False)
    assert answer.status_code == 302, answer.text


def positions(html: str) -> list[int]:
    return [int(p) for p in re.findall(r'data-position="(\d+)"', html)]


def api_events(client: TestClient[Any], **params: Any) -> list[dict[str, Any]]:
    return items(client, "/api/v1/audit/events", role="auditor", limit=500, **params)


def error_beside(html: str, field: str) -> str:
    found = re.search(rf'<p class="error" id="{field}-error"[^>]*>([^<]+)</p>', html)
    assert found, f"no error beside {field}"
    return unescape(found.group(1))


def test_the_log_is_a_vietnamese_timeline_by_record_day_paged_forward(demo_client: TestClient[Any]) -> None:
    sign_in(demo_client, "auditor")
    first = demo_client.get("/nhat-ky")
    assert first.status_code == 200 and "<h1>Nhật ký sự kiện</h1>" in first.text
    total = position(demo_client)
    assert total > 200  # the demo city fills three pages
    assert positions(first.text) == list(range(1, 101))  # oldest first, 100 a page
    assert "Đăng ký đơn vị" in first.text and "Bổ nhiệm người đứng đầu" in first.text
    recorded = datetime.fromisoformat(api_events(demo_client)[0]["recordedAt"].replace("Z", "+00:00"))
    assert f"Ngày ghi {recorded.astimezone(VIETNAM):%d/%m/%Y}" in first.text
    assert "Quản trị" in first.text  # the recording role in Vietnamese
    assert 'href="/su-kien/1"' in first.text and 'href="/nhat-ky/doi-tuong/' in first.text
    more = re.search(r'<a class="button" href="([^"]+)" rel="next">Xem tiếp</a>', first.text)
    assert more and unescape(more.group(1)) == "/nhat-ky?sau=100"
    second = demo_client.get(unescape(more.group(1)))
    assert positions(second.text) == list(range(101, 201))
    shown, html = positions(first.text) + positions(second.text), second.text
    while (more := re.search(r'href="([^"]+)" rel="next"', html)) is not None:
        html = demo_client.get(unescape(more.group(1))).text
        assert 0 < len(positions(html)) <= 100
        shown += positions(html)
    assert shown == list(range(1, total + 1)) and "Xem tiếp" not in html
    last_page = set(positions(html))
    [corrected, *_] = [e for e in api_events(demo_client) if e["reason"] and e["position"] in last_page]
    assert f"Lý do: {corrected['reason']}" in unescape(html)


def test_the_log_filters_by_actor_event_type_and_object(demo_client: TestClient[Any]) -> None:
    sign_in(demo_client, "auditor")
    minh = demo_client.get("/nhat-ky", params={"nguoi-ghi": "noivu.minh"})
    expected = [e["position"] for e in api_events(demo_client, actor="noivu.minh")]
    assert expected and positions(minh.text) == expected
    assert 'value="noivu.minh"' in minh.text
    assert minh.text.count("noivu.minh</a> (Sở Nội vụ)") == len(expected)

    decided = demo_client.get("/nhat-ky", params={"loai": "DisciplineCase.Decided"})
    expected = [e["position"] for e in api_events(demo_client, eventType="Decided")
                if e["aggregateType"] == "DisciplineCase"]
    assert expected and positions(decided.text) == expected
    assert decided.text.count("· Quyết định kỷ luật</strong>") == len(expected)
    assert '<option value="DisciplineCase.Decided" selected>Quyết định kỷ luật</option>' in decided.text

    # the same event name on two kinds of object is told apart
    registered = api_events(demo_client, eventType="Registered")
    units = positions(demo_client.get("/nhat-ky", params={"loai": "Unit.Registered"}).text)
    officials = positions(demo_client.get("/nhat-ky", params={"loai": "Official.Registered"}).text)
    assert units == [e["position"] for e in registered if e["aggregateType"] == "Unit"]
    assert officials == [e["position"] for e in registered if e["aggregateType"] == "Official"]
    assert units and officials and "Đăng ký cán bộ" in demo_client.get("/nhat-ky?loai=Official.Registered").text

    one = api_events(demo_client)[0]["aggregateId"]
    stream = demo_client.get("/nhat-ky", params={"doi-tuong": one})
    assert positions(stream.text) == [e["position"] for e in api_events(demo_client) if e["aggregateId"] == one]


def test_the_log_filters_by_record_dates_in_vietnam_time(demo_client: TestClient[Any]) -> None:
    sign_in(demo_client, "auditor")
    recorded = datetime.fromisoformat(api_events(demo_client)[0]["recordedAt"].replace("Z", "+00:00"))
    day = recorded.astimezone(VIETNAM).date()
    same_day = demo_client.get("/nhat-ky", params={"tu-ngay": f"{day:%d/%m/%Y}", "den-ngay": f"{day:%d/%m/%Y}"})
    assert positions(same_day.text)[:1] == [1]
    before = demo_client.get("/nhat-ky", params={"tu-ngay": "01/01/2020", "den-ngay": "31/12/2020"})
    assert before.status_code == 200 and positions(before.text) == []
    assert "Không có sự kiện nào khớp điều kiện lọc." in before.text
    after = demo_client.get("/nhat-ky", params={"tu-ngay": f"{day + timedelta(days=1):%d/%m/%Y}"})
    assert positions(after.text) == []
    # paging keeps the filters
    more = re.search(r'href="([^"]+)" rel="next"', same_day.text)
    if more:
        assert "tu-ngay=" in unescape(more.group(1)) and "sau=100" in unescape(more.group(1))


def test_a_malformed_filter_is_explained_beside_its_field_and_kept(demo_client: TestClient[Any]) -> None:
    sign_in(demo_client, "auditor")
    bad = demo_client.get("/nhat-ky", params={"tu-ngay": "31/02/2026", "den-ngay": "hôm qua",
                                               "doi-tuong": "abc", "nguoi-ghi": "noivu.minh"})
    assert bad.status_code == 400
    assert "dd/mm/yyyy" in error_beside(bad.text, "tu-ngay") and "31/02/2026" in error_beside(bad.text, "tu-ngay")
    assert "hôm qua" in error_beside(bad.text, "den-ngay")
    assert "không hợp lệ" in error_beside(bad.text, "doi-tuong")
    assert 'value="31/02/2026"' in bad.text and 'value="hôm qua"' in bad.text and 'value="noivu.minh"' in bad.text
    assert re.search(r'id="tu-ngay"[^>]*aria-invalid="true" aria-describedby="tu-ngay-error', bad.text)
    assert positions(bad.text) == []
    backwards = demo_client.get("/nhat-ky", params={"tu-ngay": "02/01/2026", "den-ngay": "01/01/2026"})
    assert "sau" in error_beside(backwards.text, "den-ngay")
    unknown = demo_client.get("/nhat-ky", params={"loai": "Unit.Exploded"})
    assert error_beside(unknown.text, "loai")


def test_a_cases_stream_links_each_version_to_the_case_as_it_stood(demo_client: TestClient[Any]) -> None:
    sign_in(demo_client, "auditor")
    cases: dict[str, list[dict[str, Any]]] = {}
    for e in api_events(demo_client):
        if e["aggregateType"] == "DisciplineCase":
            cases.setdefault(e["aggregateId"], []).append(e)
    case_id, events = max(cases.items(), key=lambda item: len(item[1]))
    assert len(events) >= 3
    page = demo_client.get(f"/nhat-ky/doi-tuong/{case_id}")
    assert page.status_code == 200 and "<h1>Vụ việc kỷ luật" in page.text
    for e in events:
        assert f'href="/vu-viec/{case_id}?phien-ban={e["version"]}#thoi-diem"' in page.text
        assert f'href="/su-kien/{e["position"]}"' in page.text
    versions = [int(v) for v in re.findall(r'<li id="phien-ban-(\d+)">', page.text)]
    assert versions == sorted(versions) == list(range(1, len(events) + 1))
    assert "Mở vụ việc kỷ luật" in page.text and "Nội dung đã lưu" in page.text
    missing = demo_client.get("/nhat-ky/doi-tuong/00000000-0000-4000-8000-000000000000")
    assert missing.status_code == 404 and "Không tìm thấy" in missing.text


def test_an_event_shows_its_payload_and_the_link_sealing_it(demo_client: TestClient[Any]) -> None:
    sign_in(demo_client, "auditor")
    [decided, *_] = [e for e in api_events(demo_client, eventType="Decided") if e["aggregateType"] == "DisciplineCase"]
    position = decided["position"]
    page = demo_client.get(f"/su-kien/{position}")
    assert page.status_code == 200 and f"Sự kiện #{position}: Quyết định kỷ luật" in page.text
    payload = unescape(re.search(r'<pre class="mono payload"[^>]*>(.*?)</pre>', page.text, re.S).group(1))
    assert json.loads(payload) == decided["payload"]  # the stored JSON, pretty-printed
    assert '\n  "' in payload
    tracker = demo_client.app.state.tracker
    [sealed] = tracker.db.query("SELECT digest FROM tracker_chain WHERE position = ?", (position,))
    assert re.search(r'id="digest">([0-9a-f]{64})<', page.text).group(1) == sealed["digest"]
    assert f'href="/vu-viec/{decided["aggregateId"]}?phien-ban={decided["version"]}#thoi-diem"' in page.text
    assert f"<dd>{decided['actorId']}</dd>" in page.text and f"<dd>{ROLE_LABELS[decided['actorRole']]}</dd>" in page.text
    assert demo_client.get("/su-kien/999999").status_code == 404
    assert "Không tìm thấy" in demo_client.get("/su-kien/0").text


def test_verification_shows_ok_and_the_head_the_api_reports(demo_client: TestClient[Any]) -> None:
    sign_in(demo_client, "auditor")
    idle = demo_client.get("/xac-minh")
    assert idle.status_code == 200 and "Xác minh ngay" in idle.text and "data-result" not in idle.text
    assert 'href="/xac-minh/xuat"' in idle.text and "Tải tệp xuất nhật ký (NDJSON)" in idle.text
    assert "tracker import" in idle.text
    page = demo_client.get("/xac-minh", params={"chay": "1"})
    assert 'data-result="ok"' in page.text and 'class="fine"' in page.text
    api = demo_client.get("/api/v1/audit/verify", headers=headers_for(demo_client, "auditor")).json()
    assert api["ok"] and re.search(r'id="head">([0-9a-f]{64})<', page.text).group(1) == api["head"]
    assert f"<dd>{api['checked']}</dd>" in page.text and api["checked"] == position(demo_client)
    assert "giây" in page.text


def test_the_download_is_the_ndjson_export_whose_head_is_the_verified_head(demo_client: TestClient[Any]) -> None:
    sign_in(demo_client, "admin")
    answer = demo_client.get("/xac-minh/xuat")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/x-ndjson")
    total = position(demo_client)
    assert answer.headers["content-disposition"] == f'attachment; filename="so-trach-nhiem-{total}.ndjson"'
    lines = answer.text.splitlines()
    header = json.loads(lines[0])
    assert header["count"] == total == len(lines) - 1
    head = re.search(r'id="head">([0-9a-f]{64})<', demo_client.get("/xac-minh?chay=1").text).group(1)
    assert header["head"] == head == json.loads(lines[-1])["digest"]
    api = demo_client.get("/api/v1/audit/export", headers=headers_for(demo_client, "auditor"))
    assert api.text == answer.text


@pytest.mark.parametrize("path", ["/nhat-ky", "/nhat-ky/doi-tuong/00000000-0000-4000-8000-000000000000",
                                  "/xac-minh", "/xac-minh?chay=1", "/xac-minh/xuat", "/su-kien/1"])
def test_an_inspector_gets_the_refusal_page(demo_client: TestClient[Any], path: str) -> None:
    sign_in(demo_client, "inspector")
    answer = demo_client.get(path)
    assert answer.status_code == 403 and "Không có quyền" in answer.text


def test_home_affairs_reads_no_part_of_the_log_as_in_the_api(demo_client: TestClient[Any]) -> None:
    sign_in(demo_client, "home_affairs")
    event = demo_client.get("/su-kien/120")
    assert event.status_code == 403 and "Sự kiện #120" not in event.text  # payloads and seals are the auditors'
    for path in ("/nhat-ky", "/xac-minh", "/xac-minh/xuat"):
        assert demo_client.get(path).status_code == 403
    home = demo_client.get("/tong-quan").text
    assert 'href="/nhat-ky"' not in home and 'href="/xac-minh"' not in home


def test_the_pages_ask_for_sign_in(demo_client: TestClient[Any]) -> None:
    demo_client.cookies.clear()
    for path in ("/nhat-ky", "/su-kien/1", "/xac-minh", "/xac-minh/xuat"):
        answer = demo_client.get(path, follow_redirects=False)
        assert answer.status_code == 302 and answer.headers["location"].startswith("/dang-nhap")


def test_verification_names_the_first_tampered_position(database_url: str) -> None:
    with api_client(database_url) as client:
        sign_in(client, "auditor")
        assert 'data-result="ok"' in client.get("/xac-minh?chay=1").text
        tracker = client.app.state.tracker
        table, col = events_table(tracker)
        state = bytes(stored(tracker, 120)["state"])
        tamper(tracker, (f"UPDATE {table} SET state = ? WHERE {col} = ?", (state.replace(b'"', b"'", 1), 120)))
        page = client.get("/xac-minh", params={"chay": "1"})
        assert 'data-result="mismatch"' in page.text and 'class="overdue"' in page.text
        assert re.search(r'id="vi-tri-sai">(\d+)<', page.text).group(1) == "120"
        assert "bị sửa" in page.text and 'href="/su-kien/120"' in page.text
        assert "<dd>119</dd>" in page.text  # events checked before the mismatch
