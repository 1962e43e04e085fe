"""The legal rules of issue 13 in the browser, driven over HTTP on both backends: the deferral form offers
only the grounds of the regime in force and shows a refused one beside the field; the written request to
be handled exists only under Nghị định 172/2025; a retired official's decision form offers only the
forms open to retired officials; one joint decision for several cases; regime titles, never codes; cases
without a limitation period; an official's page with initiatives and retirement; the inspector's
criminal referral of a finding; per-group quota flags on the ranking. Then every new page and form by
role, and hostile input into every new field."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from litestar.testing import TestClient

from tests.api_support import api_client, demo_client, headers_for, items, position  # noqa: F401
from tests.test_web_inspector import (
    assert_every_input_labelled,
    error_beside,
    open_inspection,
    sign_in,
    token,
    version,
    vn,
)

TODAY = datetime.now(UTC).date()
ND172_TITLE = "Nghị định 172/2025/NĐ-CP về xử lý kỷ luật cán bộ, công chức"


@pytest.fixture
def web(database_url: str):
    with api_client(database_url) as client:
        yield client


# -- set-up through the JSON API -------------------------------------------------------------------

def unit_id(client: TestClient[Any], code: str = "P-BIENHOA") -> str:
    return {u["code"]: u["id"] for u in items(client, "/api/v1/units", "admin", limit=100)}[code]


def new_official(client: TestClient[Any], code: str, name: str, *, category: str = "civil_servant",
                 leader: bool = False, since: date = date(2025, 7, 1)) -> str:
    answer = client.post("/api/v1/officials", headers=headers_for(client, "admin"), json={
        "personnelCode": code, "fullName": name, "category": category, "unitId": unit_id(client),
        "isLeader": leader, "since": since.isoformat()})
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


def new_case(client: TestClient[Any], official_id: str, *, occurred: date, detected: date,
             severity: str = "less_serious", category: str = "late_handling", **more: Any) -> str:
    answer = client.post("/api/v1/discipline-cases", headers=headers_for(client, "home_affairs"), json={
        "officialId": official_id, "category": category, "nature": "negligence", "severity": severity,
        "occurredOn": occurred.isoformat(), "detectedOn": detected.isoformat(), **more})
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


def get_case(client: TestClient[Any], case_id: str) -> dict[str, Any]:
    answer = client.get(f"/api/v1/discipline-cases/{case_id}", headers=headers_for(client, "admin"))
    assert answer.status_code == 200, answer.text
    return answer.json()


def select_options(text: str, select_id: str) -> list[tuple[str, str]]:
    body = re.search(r'<select[^>]*id="' + re.escape(select_id) + r'"[^>]*>(.*?)</select>', text, re.S)
    assert body, f"no select {select_id}"
    found = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)<', body.group(1))
    return [(v, html.unescape(t).strip()) for v, t in found]


def assert_well_formed(text: str) -> None:
    """Every id once (a label must point at its field), every input labelled."""
    ids = re.findall(r'\sid="([^"]+)"', text.split('<template')[0])
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    assert_every_input_labelled(text)


def post_form(client: TestClient[Any], path: str, page_text: str, action: str, **fields: Any) -> Any:
    return client.post(path, data={"_csrf_token": token(page_text), "version": version(page_text, action),
                                   **fields}, follow_redirects=False)


# -- deferral --------------------------------------------------------------------------------------

def test_the_deferral_form_offers_only_the_grounds_of_nd172_and_a_refused_ground_saves_nothing(
        web: TestClient[Any]) -> None:
    official = new_official(web, "BH-9001", "Lý Thị Thu")
    here = "/vu-viec/" + new_case(web, official, occurred=TODAY - timedelta(days=40),
                                  detected=TODAY - timedelta(days=20))
    sign_in(web, "home_affairs")
    page = web.get(here)
    assert_well_formed(page.text)
    grounds = dict(select_options(page.text, "tam-hoan-reason"))
    assert "annual_leave" not in grounds and "permitted_leave" not in grounds  # ND 112 had them, ND 172 has not
    assert grounds == {"": "— Chọn lý do —", "illness": "Ốm đau, điều trị nội trú", "pregnancy": "Đang mang thai",
                       "maternity": "Nghỉ thai sản", "child_under_12_months": "Nuôi con dưới 12 tháng tuổi",
                       "prosecution": "Bị tạm giữ, tạm giam, khởi tố"}
    rule = html.unescape(re.search(r'id="tam-hoan-reason-rule">([^<]*)<', page.text).group(1))
    assert "Nghị định 172/2025/NĐ-CP" in rule and vn(TODAY) in rule
    # the script asks again when the date changes: before 01/07/2025 a civil servant was under ND 112
    before = web.get(here + "/ly-do-tam-hoan", params={"ngay": "01/03/2025"}).json()
    assert "annual_leave" in {g["value"] for g in before["forms"]} and "112/2020" in before["rule"]
    assert web.get(here + "/ly-do-tam-hoan", params={"ngay": "hôm qua"}).status_code == 400

    # a ground the regime has not, sent anyway (an old page, a crafted post): refused beside the field
    at = position(web)
    refused = post_form(web, here + "/tam-hoan", page.text, here + "/tam-hoan", reason="annual_leave",
                        on=vn(TODAY - timedelta(days=5)), note="Nghỉ phép năm 2026")
    assert refused.status_code == 422
    message = error_beside(refused.text, "tam-hoan-reason")
    assert message.startswith("'Nghỉ hằng năm' không phải là trường hợp chưa xem xét xử lý kỷ luật")
    assert "Nghị định 172/2025/NĐ-CP" in message
    assert "Nghỉ phép năm 2026" in refused.text and f'value="{vn(TODAY - timedelta(days=5))}"' in refused.text
    assert "deferral_reason_not_allowed" not in refused.text
    assert position(web) == at and get_case(web, here.rsplit("/", 1)[1])["state"] == "open"

    # maternity is a ground; under ND 172 the official may ask in writing to be handled
    assert "Cán bộ có văn bản đề nghị xem xét xử lý kỷ luật" in page.text
    deferred = post_form(web, here + "/tam-hoan", page.text, here + "/tam-hoan", reason="maternity",
                         on=vn(TODAY - timedelta(days=10)))
    assert deferred.status_code == 302, deferred.text
    page = web.get(here)
    asked = post_form(web, here + "/de-nghi-xu-ly", page.text, here + "/de-nghi-xu-ly",
                      on=vn(TODAY - timedelta(days=3)), note="Đơn ngày " + vn(TODAY - timedelta(days=3)))
    assert asked.status_code == 302, asked.text
    page = web.get(here)
    assert "Đã ghi nhận văn bản đề nghị xem xét xử lý kỷ luật" in page.text
    assert re.search(r"<dt>Ngày cán bộ có văn bản đề nghị xử lý</dt><dd>" + re.escape(vn(TODAY - timedelta(days=3))),
                     page.text)
    assert "Đang xử lý" in page.text and 'action="' + here + '/de-nghi-xu-ly"' not in page.text  # once only
    assert "Cán bộ có văn bản đề nghị xem xét xử lý kỷ luật" in page.text  # the history names the event


def test_the_written_request_is_not_offered_under_nd112(web: TestClient[Any]) -> None:
    employee = new_official(web, "BH-9002", "Tạ Văn Bình", category="public_employee")
    here = "/vu-viec/" + new_case(web, employee, occurred=TODAY - timedelta(days=40),
                                  detected=TODAY - timedelta(days=20))
    sign_in(web, "home_affairs")
    page = web.get(here)
    assert "/de-nghi-xu-ly" not in page.text  # viên chức stay under ND 112, which has no such request
    assert "annual_leave" in dict(select_options(page.text, "tam-hoan-reason"))
    # posted anyway: the domain's refusal is shown, nothing saved
    at = position(web)
    refused = post_form(web, here + "/de-nghi-xu-ly", page.text, here + "/tam-hoan", on=vn(TODAY))
    assert refused.status_code == 422
    assert "không quy định việc cán bộ có văn bản đề nghị" in html.unescape(refused.text)
    assert position(web) == at


# -- decisions -------------------------------------------------------------------------------------

def test_a_retired_officials_decision_form_offers_only_the_three_forms(web: TestClient[Any]) -> None:
    leader = new_official(web, "BH-9003", "Mạc Đăng Khoa", leader=True)
    here = "/vu-viec/" + new_case(web, leader, occurred=TODAY - timedelta(days=60), detected=TODAY - timedelta(days=20))
    sign_in(web, "home_affairs")
    before = [t for _, t in select_options(web.get(here).text, "quyet-dinh-form")]
    assert "Cách chức" in before and "Buộc thôi việc" in before and "Xóa tư cách chức vụ đã đảm nhiệm" not in before

    # Sở Nội vụ records the retirement on the official's page, linked from the case
    official_page = web.get(f"/can-bo/{leader}")
    assert official_page.status_code == 200 and f'href="/can-bo/{leader}"' in web.get(here).text
    retired = post_form(web, f"/can-bo/{leader}/nghi-huu", official_page.text, f"/can-bo/{leader}/nghi-huu",
                        retiredOn=vn(TODAY - timedelta(days=10)), note="Quyết định nghỉ hưu số 12/QĐ-UBND")
    assert retired.status_code == 302, retired.text
    shown = web.get(f"/can-bo/{leader}")
    assert "Đã ghi nhận cán bộ nghỉ hưu, nghỉ việc." in shown.text
    assert f"Từ ngày {vn(TODAY - timedelta(days=10))}" in shown.text and "/nghi-huu" not in shown.text

    page = web.get(here)
    assert [t for _, t in select_options(page.text, "quyet-dinh-form")] == [
        "Khiển trách", "Cảnh cáo", "Xóa tư cách chức vụ đã đảm nhiệm"]
    rule = html.unescape(re.search(r'id="quyet-dinh-form-rule">([^<]*)<', page.text).group(1))
    assert "đã nghỉ hưu, nghỉ việc" in rule and "Điểm b khoản 2 Điều 1 Nghị định 172/2025/NĐ-CP" in rule
    # the script's answer for the date says the same
    answer = web.get(here + "/hinh-thuc", params={"ngay": vn(TODAY)}).json()
    assert [f["value"] for f in answer["forms"]] == ["reprimand", "warning", "removal_of_title"]
    # before the retirement, the forms of a serving leader
    serving = web.get(here + "/hinh-thuc", params={"ngay": vn(TODAY - timedelta(days=15))}).json()
    assert "removal_from_post" in {f["value"] for f in serving["forms"]}
    decided = post_form(web, here + "/quyet-dinh", page.text, here + "/quyet-dinh", form="removal_of_title",
                        decisionNo="77/QĐ-UBND", decidedOn=vn(TODAY))
    assert decided.status_code == 302, decided.text
    assert "Xóa tư cách chức vụ đã đảm nhiệm" in web.get(here).text


def test_a_retired_official_without_a_post_gets_reprimand_or_warning(web: TestClient[Any]) -> None:
    clerk = new_official(web, "BH-9004", "Hồ Thị Lài")
    here = "/vu-viec/" + new_case(web, clerk, occurred=TODAY - timedelta(days=60), detected=TODAY - timedelta(days=20))
    web.post(f"/api/v1/officials/{clerk}/retirement", headers=headers_for(web, "home_affairs"),
             json={"retiredOn": (TODAY - timedelta(days=5)).isoformat()}).raise_for_status()
    sign_in(web, "home_affairs")
    assert [v for v, _ in select_options(web.get(here).text, "quyet-dinh-form")] == ["reprimand", "warning"]


def test_the_joint_decision_page_decides_two_cases_with_one_decision(web: TestClient[Any]) -> None:
    official = new_official(web, "BH-9005", "Khúc Văn Thành")
    first = new_case(web, official, occurred=TODAY - timedelta(days=80), detected=TODAY - timedelta(days=30))
    second = new_case(web, official, occurred=TODAY - timedelta(days=70), detected=TODAY - timedelta(days=25),
                      severity="serious", category="document_rules")
    sign_in(web, "home_affairs")
    case_page = web.get(f"/vu-viec/{first}")
    assert f'href="/vu-viec/{first}/quyet-dinh-chung"' in case_page.text and "còn 1 vụ việc khác" in case_page.text
    here = f"/vu-viec/{first}/quyet-dinh-chung"
    page = web.get(here)
    assert page.status_code == 200 and "Khúc Văn Thành" in page.text
    assert_well_formed(page.text)
    boxes = re.findall(r'<input type="checkbox"[^>]*name="caseIds" value="([^"]+)"([^>]*)>', page.text)
    assert {b for b, _ in boxes} == {first, second}
    assert [b for b, rest in boxes if "checked" in rest] == [first]
    assert "Hình thức nặng nhất trong các vi phạm (Khoản 2 Điều 2 Nghị định 172/2025/NĐ-CP)" in page.text

    at = position(web)
    alone = web.post(here, data={"_csrf_token": token(page.text), "caseIds": [first], "form": "warning",
                                 "decisionNo": "90/QĐ-SNV", "decidedOn": vn(TODAY)})
    assert alone.status_code == 400
    assert "ít nhất hai vụ việc" in html.unescape(alone.text) and 'value="90/QĐ-SNV"' in alone.text
    light = web.post(here, data={"_csrf_token": token(page.text), "caseIds": [first, second], "form": "reprimand",
                                 "decisionNo": "90/QĐ-SNV", "decidedOn": vn(TODAY)})
    assert light.status_code == 422  # the serious one warrants a warning: the heaviest applies
    assert "phải áp dụng hình thức 'Cảnh cáo'" in error_beside(light.text, "chung-form")
    assert position(web) == at

    done = web.post(here, data={"_csrf_token": token(page.text), "caseIds": [first, second], "form": "warning",
                                "decisionNo": "90/QĐ-SNV", "decidedOn": vn(TODAY)}, follow_redirects=False)
    assert done.status_code == 302 and done.headers["location"] == f"/vu-viec/{first}", done.text
    assert "Đã ghi nhận quyết định kỷ luật chung số 90/QĐ-SNV cho 2 vụ việc." in web.get(f"/vu-viec/{first}").text
    for case_id in (first, second):
        case = get_case(web, case_id)
        assert (case["state"], case["form"], case["decisionNo"]) == ("decided", "warning", "90/QĐ-SNV")
    # the decisions are noted on the official's record (two more events): the official's forms still save
    page = web.get(f"/can-bo/{official}")
    assert "phiên bản 3" in page.text
    noted = post_form(web, f"/can-bo/{official}/sang-kien", page.text, f"/can-bo/{official}/sang-kien",
                      title="Mẫu biên bản điện tử", decisionNo="18/QĐ-HĐSK", recognisedOn=vn(TODAY))
    assert noted.status_code == 302, noted.text


def test_the_case_page_names_the_regime_and_says_when_no_limitation_applies(web: TestClient[Any]) -> None:
    official = new_official(web, "BH-9006", "Đàm Quốc Hưng", since=date(2010, 1, 4))
    case_id = new_case(web, official, occurred=date(2012, 5, 10), detected=TODAY - timedelta(days=20),
                       category="other", noLimitationGround="false_credentials")
    sign_in(web, "home_affairs")
    page = web.get(f"/vu-viec/{case_id}")
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert ("Không áp dụng thời hiệu (Sử dụng văn bằng, chứng chỉ, giấy chứng nhận, xác nhận giả hoặc không hợp "
            "pháp)") in text
    assert 'data-clock="limitation"' not in page.text
    listing = web.get("/vu-viec")
    assert listing.status_code == 200 and "Không áp dụng" in listing.text
    assert web.get("/tong-quan").status_code == 200  # the deadlines of the home page skip the missing one
    assert web.get(f"/can-bo/{official}").status_code == 200
    decided = post_form(web, f"/vu-viec/{case_id}/quyet-dinh", page.text, f"/vu-viec/{case_id}/quyet-dinh",
                        form="warning", decisionNo="91/QĐ-SNV", decidedOn=vn(TODAY))
    assert decided.status_code == 302, decided.text
    page = web.get(f"/vu-viec/{case_id}")
    assert f"<dt>Văn bản áp dụng</dt><dd>{ND172_TITLE}</dd>" in html.unescape(page.text)
    assert "nd172_2025" not in page.text and "nd112_2020" not in page.text
    assert get_case(web, case_id)["regime"] == "nd172_2025"  # the code stays in the data
    assert web.get(f"/vu-viec/{case_id}?phien-ban=1").status_code == 200  # the as-of view compares with it


# -- the official's page ---------------------------------------------------------------------------

def test_the_initiative_form_records_one_and_the_official_page_lists_it(web: TestClient[Any]) -> None:
    official = new_official(web, "BH-9007", "Lục Thị Ngân")
    here = f"/can-bo/{official}"
    sign_in(web, "home_affairs")
    page = web.get(here)
    assert "Chưa có sáng kiến nào được ghi nhận." in page.text
    assert_well_formed(page.text)
    at = position(web)
    future = post_form(web, here + "/sang-kien", page.text, here + "/sang-kien", title="Số hóa hồ sơ hộ tịch",
                       decisionNo="15/QĐ-HĐSK", recognisedOn=vn(TODAY + timedelta(days=3)))
    assert future.status_code == 422
    assert error_beside(future.text, "sang-kien-recognisedOn") == (
        f"Ngày {vn(TODAY + timedelta(days=3))} nằm trong tương lai; chỉ ghi nhận sự việc đã xảy ra.")
    assert "Số hóa hồ sơ hộ tịch" in future.text and position(web) == at
    recorded = post_form(web, here + "/sang-kien", page.text, here + "/sang-kien", title="Số hóa hồ sơ hộ tịch",
                         decisionNo="15/QĐ-HĐSK", recognisedOn=vn(TODAY - timedelta(days=2)))
    assert recorded.status_code == 302 and recorded.headers["location"] == here + "#sang-kien", recorded.text
    page = web.get(here)
    assert "Đã ghi nhận sáng kiến theo quyết định số 15/QĐ-HĐSK." in page.text
    row = page.text.split('id="ds-sang-kien"')[1].split("</table>")[0]
    assert "Số hóa hồ sơ hộ tịch" in row and "15/QĐ-HĐSK" in row and vn(TODAY - timedelta(days=2)) in row
    assert "Công nhận sáng kiến" in page.text  # in the official's history
    again = post_form(web, here + "/sang-kien", page.text, here + "/sang-kien", title="Lần nữa",
                      decisionNo="15/qđ-hđsk", recognisedOn=vn(TODAY))
    assert again.status_code == 409 and "Sáng kiến theo quyết định 15/qđ-hđsk đã được ghi nhận." in html.unescape(
        again.text)
    api = web.get(f"/api/v1/officials/{official}", headers=headers_for(web, "admin")).json()
    assert [i["decisionNo"] for i in api["initiatives"]] == ["15/QĐ-HĐSK"]


# -- the inspector's referral ----------------------------------------------------------------------

def test_an_inspector_refers_a_finding_to_the_investigating_agency(web: TestClient[Any]) -> None:
    sign_in(web, "inspector")
    here = open_inspection(web, "151/QĐ-TTTP")
    form = web.get(here + "/phat-hien")
    made = web.post(here + "/phat-hien", data={
        "_csrf_token": token(form.text), "version": version(form.text, here + "/phat-hien"),
        "category": "corruption_waste", "severity": "very_serious", "occurredOn": vn(TODAY - timedelta(days=40)),
        "description": "Nhận tiền của người dân để giải quyết hồ sơ nhanh."}, files=[], follow_redirects=False)
    assert made.status_code == 302, made.text
    finding = made.headers["location"].split("#phat-hien-")[1]
    action = f"{here}/phat-hien/{finding}/chuyen-dieu-tra"
    page = web.get(here)
    assert f'action="{action}"' in page.text
    assert_well_formed(page.text)
    at = position(web)
    early = post_form(web, action, page.text, action, referredOn=vn(TODAY - timedelta(days=50)),
                      agency="Cơ quan Cảnh sát điều tra Công an thành phố", documentNo="25/TTTP-PCTN")
    assert early.status_code == 422
    assert "trước ngày xảy ra vi phạm" in error_beside(early.text, f"cd-{finding}-referredOn")
    assert 'value="25/TTTP-PCTN"' in early.text and position(web) == at
    sent = post_form(web, action, page.text, action, referredOn=vn(TODAY - timedelta(days=1)),
                     agency="Cơ quan Cảnh sát điều tra Công an thành phố", documentNo="25/TTTP-PCTN")
    assert sent.status_code == 302, sent.text
    page = web.get(here)
    article = page.text.split(f'id="phat-hien-{finding}"')[1].split("</article>")[0]
    assert (f"Đã chuyển cơ quan điều tra</strong> ngày {vn(TODAY - timedelta(days=1))}: "
            "Cơ quan Cảnh sát điều tra Công an thành phố") in article
    assert f'action="{action}"' not in page.text  # referred once


# -- the ranking and the scorecard -----------------------------------------------------------------

def test_the_ranking_flags_quotas_per_group_and_the_scorecard_names_the_regime(demo_client: TestClient[Any]) -> None:
    web = demo_client
    sign_in(web, "home_affairs")
    ranking = web.get("/xep-hang?ky=2026")
    table = html.unescape(ranking.text.split('id="bang-ty-le"')[1].split("</table>")[0])
    groups = re.findall(r'<tr data-group="([a-z_]+)">\s*<th scope="row">([^<]+)</th>', table)
    assert {g for g, _ in groups} <= {"department", "commune", "public_service_unit"} and len(groups) >= 2
    assert "20%" in ranking.text and "15%" in ranking.text
    link = re.search(r'href="(/xep-hang/[0-9a-f-]{36}\?ky=2026&amp;don-vi=[0-9a-f-]{36})"', ranking.text).group(1)
    card = web.get(html.unescape(link))
    assert card.status_code == 200
    regime = html.unescape(re.search(r'id="can-cu-xep-loai">([^<]*)<', card.text).group(1))
    assert regime.startswith("Nghị định ") and "nd335" not in card.text and "nd90_2020" not in card.text
    official = re.search(r'<h1>Phiếu đánh giá: <a href="(/can-bo/[0-9a-f-]{36})">', card.text).group(1)
    assert web.get(official).status_code == 200


def test_the_scorecard_says_why_no_emulation_title(demo_client: TestClient[Any]) -> None:
    web = demo_client
    sign_in(web, "home_affairs")
    ranking = web.get("/xep-hang?ky=2026")
    reasons = []
    for link in re.findall(r'href="(/xep-hang/[0-9a-f-]{36}\?ky=2026&amp;don-vi=[0-9a-f-]{36})"', ranking.text):
        card = web.get(html.unescape(link)).text
        if 'id="ly-do-thi-dua"' in card:
            reasons.append(html.unescape(card.split('id="ly-do-thi-dua"')[1].split("</ul>")[0]))
    assert reasons, "no scorecard explains a missing emulation title"
    assert any("Luật Thi đua, khen thưởng" in r or "Nghị định 98/2023" in r for r in reasons)


# -- roles -----------------------------------------------------------------------------------------

NEW_PAGES = [  # (path template, roles that may open it)
    ("/vu-viec/{case}/quyet-dinh-chung", ("home_affairs",)),
    ("/vu-viec/{case}/ly-do-tam-hoan?ngay=01/12/2026", ("inspector", "home_affairs", "auditor", "admin")),
    ("/can-bo/{official}", ("inspector", "home_affairs", "auditor", "admin")),
]
NEW_FORMS = [  # (path template, roles that may send it)
    ("/vu-viec/{case}/quyet-dinh-chung", ("home_affairs",)),
    ("/vu-viec/{case}/de-nghi-xu-ly", ("home_affairs",)),
    ("/can-bo/{official}/sang-kien", ("home_affairs",)),
    ("/can-bo/{official}/nghi-huu", ("home_affairs", "admin")),
    ("/thanh-tra/{inspection}/phat-hien/{finding}/chuyen-dieu-tra", ("inspector",)),
]


def demo_ids(client: TestClient[Any]) -> dict[str, str]:
    case = items(client, "/api/v1/discipline-cases", "admin", state="open", limit=1)[0]
    inspection = next(i for i in items(client, "/api/v1/inspections", "admin", limit=100) if i["status"] == "open")
    detail = client.get(f"/api/v1/inspections/{inspection['id']}", headers=headers_for(client, "admin")).json()
    return {"case": case["id"], "official": case["officialId"], "inspection": inspection["id"],
            "finding": detail["findings"][0]["id"]}


@pytest.mark.parametrize("role", ["inspector", "home_affairs", "auditor", "admin", None])
def test_each_new_page_and_form_by_role(demo_client: TestClient[Any], role: str | None) -> None:
    web = demo_client
    ids = demo_ids(web)
    web.cookies.clear()
    if role:
        sign_in(web, role)
    csrf = token(web.get("/dang-nhap" if role is None else "/tong-quan").text)
    before = position(web)
    for template, roles in NEW_PAGES:
        answer = web.get(template.format(**ids), follow_redirects=False)
        if role is None:
            assert answer.status_code == 302 and answer.headers["location"].startswith("/dang-nhap"), template
        elif role in roles:
            assert answer.status_code == 200, (template, role, answer.text[:300])
        else:
            assert answer.status_code == 403 and "Không có quyền" in answer.text, (template, role)
    for template, roles in NEW_FORMS:
        answer = web.post(template.format(**ids), data={"_csrf_token": csrf}, follow_redirects=False)
        if role is None:
            assert answer.status_code in (302, 403), (template, answer.status_code)  # sign-in, or CSRF refusal
        elif role in roles:  # an empty form: refused beside its fields, nothing saved
            assert answer.status_code in (400, 422), (template, role, answer.status_code)
            assert 'class="error"' in answer.text
        else:
            assert answer.status_code == 403 and "Không có quyền" in answer.text, (template, role)
    assert position(web) == before
    # the forms appear only to the roles that may send them
    if role:
        official = web.get(f"/can-bo/{ids['official']}").text
        assert ('action="/can-bo/' + ids["official"] + '/sang-kien"' in official) is (role == "home_affairs")
        assert ('/nghi-huu"' in official) is (role in ("home_affairs", "admin"))


# -- hostile input ---------------------------------------------------------------------------------

HOSTILE_TEXTS = ["A\x00B", "\x1b[31mđỏ\x1b[0m", "x" * 5000, "ký tự\u0085điều khiển"]
HOSTILE_DATES = ["31/02/2026", "99/99/99999", "2026-13-01", "<script>", "\x00", "1/1/1"]


def test_hostile_input_into_the_new_forms_is_refused_beside_the_field_and_saves_nothing(web: TestClient[Any]) -> None:
    official = new_official(web, "BH-9008", "Nông Văn Thái")
    first = new_case(web, official, occurred=TODAY - timedelta(days=40),
                                  detected=TODAY - timedelta(days=20))
    second = new_case(web, official, occurred=TODAY - timedelta(days=30), detected=TODAY - timedelta(days=15))
    sign_in(web, "home_affairs")
    at = position(web)
    page = web.get(f"/can-bo/{official}")
    case_page = web.get(f"/vu-viec/{first}")

    def send(path: str, text: str, action: str, **fields: Any) -> Any:
        answer = post_form(web, path, text, action, **fields)
        assert answer.status_code in (400, 409, 422), (path, fields, answer.status_code, answer.text[:500])
        assert "\x00" not in answer.text and "<script>" not in answer.text
        return answer

    initiative = f"/can-bo/{official}/sang-kien"
    for bad in HOSTILE_TEXTS:
        answer = send(initiative, page.text, initiative, title=bad, decisionNo="16/QĐ-HĐSK", recognisedOn=vn(TODAY))
        assert error_beside(answer.text, "sang-kien-title")
        answer = send(initiative, page.text, initiative, title="Sáng kiến", decisionNo=bad, recognisedOn=vn(TODAY))
        assert error_beside(answer.text, "sang-kien-decisionNo")
    for bad in HOSTILE_DATES:
        answer = send(initiative, page.text, initiative, title="Sáng kiến", decisionNo="16/QĐ-HĐSK", recognisedOn=bad)
        assert error_beside(answer.text, "sang-kien-recognisedOn")
    answer = send(initiative, page.text, initiative, title="Sáng kiến", decisionNo="16", recognisedOn=vn(TODAY),
                  version="một")
    retire = f"/can-bo/{official}/nghi-huu"
    for bad in HOSTILE_TEXTS[:2]:
        answer = send(retire, page.text, retire, retiredOn=vn(TODAY), note=bad)
        assert error_beside(answer.text, "nghi-huu-note")
    for bad in HOSTILE_DATES:
        send(retire, page.text, retire, retiredOn=bad)

    here = f"/vu-viec/{first}"
    for bad in HOSTILE_DATES:
        send(here + "/de-nghi-xu-ly", case_page.text, here + "/tam-hoan", on=bad)
        send(here + "/tam-hoan", case_page.text, here + "/tam-hoan", reason="illness", on=bad)
    for bad in ["<script>alert(1)</script>", "illness\x00", "'; DROP TABLE rm_cases; --", "x" * 5000]:
        send(here + "/tam-hoan", case_page.text, here + "/tam-hoan", reason=bad, on=vn(TODAY))
    send(here + "/de-nghi-xu-ly", case_page.text, here + "/tam-hoan", on=vn(TODAY), note="A\x00B")

    joint = here + "/quyet-dinh-chung"
    joint_page = web.get(joint).text
    for ids in ([first, "not-a-uuid"], [first, "'; DROP TABLE rm_cases; --"], [first, first],
                [first, "00000000-0000-4000-8000-000000000000"], [first, second + "\x00"]):
        answer = web.post(joint, data={"_csrf_token": token(joint_page), "caseIds": ids, "form": "warning",
                                       "decisionNo": "92/QĐ-SNV", "decidedOn": vn(TODAY)})
        assert answer.status_code in (400, 404, 422), (ids, answer.status_code, answer.text[:300])
    for bad in ["<script>", "removal_of_everything", "x" * 5000]:
        answer = web.post(joint, data={"_csrf_token": token(joint_page), "caseIds": [first, second], "form": bad,
                                       "decisionNo": "92/QĐ-SNV", "decidedOn": vn(TODAY)})
        assert answer.status_code in (400, 422) and "<script>" not in answer.text
    for bad in HOSTILE_TEXTS[:2]:
        answer = web.post(joint, data={"_csrf_token": token(joint_page), "caseIds": [first, second], "form": "warning",
                                       "decisionNo": bad, "decidedOn": vn(TODAY)})
        assert answer.status_code == 400 and error_beside(answer.text, "chung-decisionNo")
    for bad in ["<script>", "\x00", "32/01/2026"]:
        assert web.get(here + "/ly-do-tam-hoan", params={"ngay": bad}).status_code == 400
    assert position(web) == at

    # text that only looks like markup is kept as text and shown escaped
    done = post_form(web, initiative, page.text, initiative, title="<b>Đậm</b> & \"nháy\"", decisionNo="17/QĐ-HĐSK",
                     recognisedOn=vn(TODAY))
    assert done.status_code == 302
    assert "&lt;b&gt;Đậm&lt;/b&gt; &amp; &#34;nháy&#34;" in web.get(f"/can-bo/{official}").text


def test_hostile_input_into_the_referral_form(web: TestClient[Any]) -> None:
    sign_in(web, "inspector")
    here = open_inspection(web, "152/QĐ-TTTP")
    form = web.get(here + "/phat-hien")
    made = web.post(here + "/phat-hien", data={
        "_csrf_token": token(form.text), "version": version(form.text, here + "/phat-hien"),
        "category": "corruption_waste", "severity": "serious", "occurredOn": vn(TODAY - timedelta(days=40)),
        "description": "Sử dụng xe công sai mục đích."}, files=[], follow_redirects=False)
    finding = made.headers["location"].split("#phat-hien-")[1]
    action = f"{here}/phat-hien/{finding}/chuyen-dieu-tra"
    page = web.get(here)
    at = position(web)
    for field in ("agency", "documentNo"):
        for bad in HOSTILE_TEXTS:
            fields = {"referredOn": vn(TODAY), "agency": "Công an thành phố", "documentNo": "26/TTTP", field: bad}
            answer = post_form(web, action, page.text, action, **fields)
            assert answer.status_code == 400 and "\x00" not in answer.text
            assert error_beside(answer.text, f"cd-{finding}-{field}")
    for bad in HOSTILE_DATES:
        answer = post_form(web, action, page.text, action, referredOn=bad, agency="Công an", documentNo="26/TTTP")
        assert answer.status_code in (400, 422) and error_beside(answer.text, f"cd-{finding}-referredOn")
    missing = web.post(f"{here}/phat-hien/00000000-0000-4000-8000-000000000000/chuyen-dieu-tra",
                       data={"_csrf_token": token(page.text), "referredOn": vn(TODAY), "agency": "Công an",
                             "documentNo": "26"})
    assert missing.status_code == 404
    assert position(web) == at
