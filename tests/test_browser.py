"""End-to-end journeys in a real browser (Debian's Chromium, headless, driven by Playwright) against a
`tracker serve --demo` process on a free port, on SQLite and on PostgreSQL: one journey per role, a rule
refused beside its field, and a conflict between two people editing the same case; then the pages of issue
13 (deferral grounds by regime and date, joint decision, an official's page, quota flags per group, the
criminal referral of a finding)."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tests.browser_support import TABLET, backend, browser, server, shot, sign_in  # noqa: F401 (fixtures)
from tracker.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser: Any) -> Any:
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def today_vn() -> str:
    return date.today().strftime("%d/%m/%Y")


def open_cases(page: Any, base: str) -> list[str]:
    page.goto(base + "/vu-viec?trang-thai=open")
    return [re.search(r"/vu-viec/([0-9a-f-]{36})", href).group(1)
            for href in page.locator("table a[href^='/vu-viec/']").evaluate_all("els => els.map(e => e.href)")]


def test_sign_in_page_lists_the_demo_users_and_each_role_sees_its_menus(page: Any, server: str,
                                                                         backend: str) -> None:
    page.goto(server + "/")
    expect(page).to_have_url(re.compile(r"/dang-nhap$"))
    expect(page.get_by_role("heading", name="Tài khoản dùng thử")).to_be_visible()
    expect(page.get_by_role("cell", name="noivu.minh")).to_be_visible()
    shot(page, "01-dang-nhap", backend)
    # a wrong password: the message beside the field, the username kept
    page.get_by_label("Tên đăng nhập").fill("thanhtra.lan")
    page.get_by_label("Mật khẩu").fill("sai")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator("#password-error")).to_have_text("Sai tên đăng nhập hoặc mật khẩu.")
    expect(page.get_by_label("Tên đăng nhập")).to_have_value("thanhtra.lan")
    menus = {"thanhtra.lan": ({"Tổng quan", "Cuộc thanh tra"}, {"Xếp hạng người đứng đầu", "Nhật ký sự kiện"}),
             "noivu.minh": ({"Vụ việc kỷ luật", "Quyết định trách nhiệm", "Xếp hạng người đứng đầu", "Biểu đồ"},
                            {"Cuộc thanh tra", "Nhật ký sự kiện"}),
             "kiemtoan.ha": ({"Nhật ký sự kiện", "Xác minh và xuất", "Vụ việc kỷ luật"},
                             {"Cuộc thanh tra", "Quyết định trách nhiệm"})}
    for username, (sees, hidden) in menus.items():
        sign_in(page, server, username)
        nav = set(page.get_by_role("navigation", name="Chức năng").get_by_role("link").all_inner_texts())
        assert sees <= nav and not hidden & nav, (username, nav)
        page.get_by_role("button", name="Đăng xuất").click()
        expect(page).to_have_url(re.compile(r"/dang-nhap$"))
    # signed out: the pages send you back to sign in
    page.goto(server + "/vu-viec")
    expect(page).to_have_url(re.compile(r"/dang-nhap"))


def test_inspector_journey(page: Any, server: str, backend: str, tmp_path: Any) -> None:
    sign_in(page, server, "thanhtra.lan")
    page.get_by_role("link", name="Cuộc thanh tra").click()
    expect(page.get_by_role("heading", name="Kiến nghị quá hạn", exact=False)).to_be_visible()
    shot(page, "14-thanh-tra", backend)
    # open a surprise inspection of a ward
    page.get_by_role("link", name="Mở cuộc thanh tra mới").click()
    page.get_by_label("Loại").select_option(label="Thanh tra đột xuất")
    page.get_by_label("Số quyết định thanh tra").fill("E2E-01/QĐ-TTTP")
    page.get_by_label("Ngày quyết định").fill("02/11/2026")
    page.get_by_label("Đơn vị được thanh tra").select_option(label="Phường Long Bình")
    page.get_by_label("Phạm vi, nội dung thanh tra").fill("Việc tiếp nhận, giải quyết hồ sơ đất đai năm 2026.")
    page.get_by_label("Đoàn thanh tra").fill("Trần Thị Lan (Trưởng đoàn)\nPhạm Minh Đức")
    page.get_by_role("button", name="Mở cuộc thanh tra").click()
    expect(page.locator(".flash")).to_be_visible()
    here = page.url
    # a finding: the official picked by search, two evidence files hashed on the server
    page.get_by_role("link", name="Ghi nhận phát hiện").click()
    page.get_by_label("Nhóm hành vi").select_option(label="Nhũng nhiễu")
    page.get_by_label("Mức độ").select_option(label="Nghiêm trọng")
    page.get_by_label("Mô tả phát hiện").fill("Yêu cầu người dân bổ sung giấy tờ ngoài quy định để kéo dài thời gian.")
    page.get_by_label("Ngày xảy ra").fill("15/10/2026")
    page.get_by_label("Tìm theo họ tên hoặc mã cán bộ").fill("Cao Thị")
    page.get_by_role("button", name=re.compile("Cao Thị Yến")).click()
    expect(page.get_by_role("list", name="Cán bộ đã chọn")).to_contain_text("Cao Thị Yến")
    files = {"bien-ban.txt": "Biên bản làm việc ngày 20/10/2026".encode(), "ho-so.txt": b"ho so 0421"}
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    page.get_by_label("Chọn tệp chứng cứ").set_input_files([str(tmp_path / n) for n in files])
    shot(page, "15-ghi-nhan-phat-hien", backend)
    page.get_by_role("button", name="Ghi nhận phát hiện").click()
    expect(page.locator(".flash")).to_be_visible()
    finding = page.locator("article.finding").last
    expect(finding).to_contain_text("Cao Thị Yến")
    for content in files.values():
        expect(finding).to_contain_text(hashlib.sha256(content).hexdigest())
    # correct it with a reason
    finding.get_by_role("link", name=re.compile("Sửa")).first.click()
    page.get_by_label("Mức độ").select_option(label="Rất nghiêm trọng")
    page.get_by_label("Lý do sửa").fill("Đối chiếu lại hồ sơ: 12 trường hợp, không phải 3.")
    page.get_by_role("button", name="Lưu bản sửa").click()
    expect(page.locator("article.finding").last).to_contain_text("Rất nghiêm trọng")
    # conclude with two recommendations, the second row added by the button
    page.get_by_role("link", name="Kết luận thanh tra").click()
    page.get_by_label("Số kết luận").fill("E2E-01/KL-TTTP")
    page.get_by_label("Ngày kết luận").fill("20/11/2026")
    rows = page.locator("#kien-nghi-dong > *")
    first_rows = rows.count()
    page.get_by_role("button", name="Thêm một kiến nghị").click()
    expect(rows).to_have_count(first_rows + 1)
    for i, (text, due) in enumerate((("Kiểm điểm cán bộ vi phạm.", "31/12/2026"),
                                     ("Công khai quy trình hồ sơ đất đai.", "15/01/2027"))):
        page.locator(f"[id='recommendations[{i}].text']").fill(text)
        page.locator(f"[id='recommendations[{i}].dueOn']").fill(due)
        page.locator(f"[id='recommendations[{i}].responsibleUnitId']").select_option(label="Phường Long Bình")
    page.get_by_role("button", name="Ghi nhận kết luận").click()
    expect(page.locator("#trang-thai")).to_have_text(re.compile("kết luận", re.I))
    # one recommendation implemented, then the inspection closed
    page.get_by_text("Ghi nhận kiến nghị này đã được thực hiện").first.click()
    page.get_by_label("Ngày thực hiện").first.fill("25/11/2026")
    page.get_by_role("button", name="Ghi nhận đã thực hiện").first.click()
    expect(page.locator(".flash")).to_be_visible()
    shot(page, "16-cuoc-thanh-tra", backend)
    page.goto(here)
    page.get_by_role("button", name="Kết thúc cuộc thanh tra").click()
    expect(page.locator("#trang-thai")).to_have_text(re.compile("kết thúc", re.I))


def test_home_affairs_journey(page: Any, server: str, backend: str) -> None:
    sign_in(page, server, "noivu.minh")
    shot(page, "02-tong-quan", backend)
    # the cases with their legal clocks, colour-coded
    page.get_by_role("link", name="Vụ việc kỷ luật").click()
    expect(page.locator("td.overdue").first).to_be_visible()
    shot(page, "03-vu-viec", backend)
    case_id = open_cases(page, server)[0]
    page.goto(f"{server}/vu-viec/{case_id}")
    expect(page.get_by_role("heading", name="Thời hạn theo luật", exact=False)).to_be_visible()
    expect(page.locator("[data-clock=handling]")).to_have_class(re.compile(r"overdue|soon|fine"))
    # only the forms legal on the decision date are offered: before 1/7/2025 a civil servant could be
    # given a salary step-down; today that form no longer exists
    forms = page.locator("#quyet-dinh-form")
    decided_on = page.locator("#quyet-dinh-decidedOn")
    decided_on.fill("01/03/2025")
    decided_on.dispatch_event("change")
    expect(forms.locator("option", has_text="Hạ bậc lương")).to_have_count(1)
    decided_on.fill(today_vn())
    decided_on.dispatch_event("change")
    expect(forms.locator("option", has_text="Hạ bậc lương")).to_have_count(0)
    expect(page.locator("#quyet-dinh-form-rule")).to_contain_text("172/2025")
    shot(page, "04-vu-viec-chi-tiet", backend)
    forms.select_option(label="Khiển trách")
    page.locator("#quyet-dinh-decisionNo").fill("45/QĐ-SNV")
    page.get_by_role("button", name="Quyết định kỷ luật").click()
    expect(page.locator(".flash")).to_have_text("Đã ghi nhận quyết định kỷ luật.")
    expect(page.locator(".badge")).to_have_text("Đã quyết định kỷ luật")
    expect(page.locator(".timeline li").last).to_contain_text("Quyết định kỷ luật")
    # the ranking for a period, filtered, and a head's scorecard with its lines and chart
    page.get_by_role("link", name="Xếp hạng người đứng đầu").click()
    page.get_by_label("Kỳ đánh giá").fill("2026")
    page.get_by_role("button", name="Xem").click()
    rows = page.locator("#bang-xep-hang tbody tr")
    assert rows.count() > 5
    shot(page, "05-xep-hang", backend)
    page.get_by_label("Mức trần").select_option(label="Không hoàn thành nhiệm vụ")
    page.get_by_role("button", name="Xem").click()
    expect(rows).to_have_count(1)  # the head whose unit had corruption handled in 2026: capped at KHTNV
    rows.first.get_by_role("link").click()
    expect(page.get_by_role("heading", name="Các dòng cộng, trừ điểm", exact=False)).to_be_visible()
    expect(page.locator("#muc-tran")).to_contain_text("Không hoàn thành nhiệm vụ")
    expect(page.locator("svg.chart polyline, svg.chart circle").first).to_be_visible()
    shot(page, "06-phieu-danh-gia", backend)
    # each line names the events behind it; reading them in the audit log is for auditors and administrators
    expect(page.locator("#dong-diem span[title^='Đối tượng']").first).to_have_text(re.compile(r"^#\d+$"))
    expect(page.locator("#dong-diem a[href^='/su-kien/']")).to_have_count(0)
    # the charts
    page.get_by_role("link", name="Biểu đồ").click()
    expect(page.locator("svg.chart rect").first).to_be_visible()
    shot(page, "07-bieu-do", backend)
    # an accountability decision about a head
    page.get_by_role("link", name="Quyết định trách nhiệm").click()
    before = page.locator("#ds-quyet-dinh tbody tr").count()
    head = page.locator("#headOfficialId option").nth(1)
    unit_name = head.inner_text().split(" — ")[1]
    page.get_by_label("Đơn vị").select_option(label=unit_name)
    page.get_by_label("Người đứng đầu").select_option(value=head.get_attribute("value"))
    page.get_by_label("Loại trách nhiệm").select_option(label="Trách nhiệm liên đới")
    page.get_by_label("Hình thức").select_option(label="Nhắc nhở")
    page.locator("#decidedOn").fill(today_vn())
    page.get_by_label("Lý do, căn cứ").fill("Chậm chỉ đạo xử lý kiến nghị sau thanh tra.")
    page.get_by_role("button", name="Ghi nhận quyết định").click()
    expect(page.locator(".flash")).to_contain_text("Đã ghi nhận quyết định")
    expect(page.locator("#ds-quyet-dinh tbody tr")).to_have_count(before + 1)
    shot(page, "08-trach-nhiem", backend)
    # the Conclusion 226 report for the first half of 2026, read on the page and downloaded
    page.get_by_role("link", name="Báo cáo Kết luận 226").click()
    page.get_by_label("Kỳ báo cáo").fill("2026-H1")
    page.get_by_role("button", name="Xem báo cáo").click()
    expect(page.locator("#thong-tin")).to_contain_text("6 tháng đầu năm 2026")
    # the plan asks no 2026-H1 report (footnote 2); the page shows its data window (Nghị định 09/2019)
    expect(page.locator("#chot-so-lieu-ky")).to_contain_text("15/12/2025 – 14/06/2026")
    shot(page, "17-bao-cao", backend)
    for link, name in (("#tai-xlsx", "bao-cao-ket-luan-226-2026-H1.xlsx"), ("#tai-docx", "bao-cao-ket-luan-226-2026-H1.docx")):
        with page.expect_download() as download:
            page.locator(link).click()
        assert download.value.suggested_filename == name
        assert Path(download.value.path()).stat().st_size > 5000


def test_a_rule_refusal_is_shown_beside_its_field_and_keeps_what_was_typed(page: Any, server: str,
                                                                           backend: str) -> None:
    sign_in(page, server, "noivu.thao")
    case_id = open_cases(page, server)[-1]
    page.goto(f"{server}/vu-viec/{case_id}")
    version = page.locator("#form-quyet-dinh input[name=version]").input_value()
    page.locator("#quyet-dinh-decidedOn").fill("01/01/2024")  # before the case was detected
    page.locator("#quyet-dinh-decidedOn").dispatch_event("change")
    expect(page.locator("#quyet-dinh-form option").first).to_be_attached()
    page.locator("#quyet-dinh-decisionNo").fill("99/QĐ-SNV")
    page.locator("#quyet-dinh-form").select_option(index=0)
    page.get_by_role("button", name="Quyết định kỷ luật").click()
    error = page.locator("#quyet-dinh-decidedOn-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("phát hiện")
    expect(page.locator("#quyet-dinh-decidedOn")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#quyet-dinh-decisionNo")).to_have_value("99/QĐ-SNV")
    expect(page.locator("#quyet-dinh-decidedOn")).to_have_value("01/01/2024")
    shot(page, "09-loi-quy-tac", backend)
    page.goto(f"{server}/vu-viec/{case_id}")
    assert page.locator("#form-quyet-dinh input[name=version]").input_value() == version  # nothing saved


def test_a_conflict_says_someone_else_changed_the_case_and_offers_to_reload(browser: Any, server: str,
                                                                           backend: str) -> None:
    first = browser.new_context(locale="vi-VN").new_page()
    second = browser.new_context(locale="vi-VN", viewport=TABLET).new_page()  # the second one works on a tablet
    try:
        sign_in(first, server, "noivu.minh")
        sign_in(second, server, "noivu.thao")
        case_id = open_cases(first, server)[-1]
        for p in (first, second):
            p.goto(f"{server}/vu-viec/{case_id}")
        # the first defers the case…
        first.locator("#tam-hoan-reason").select_option(label="Ốm đau, điều trị nội trú")
        first.locator("#tam-hoan-on").fill(today_vn())
        first.locator("#form-tam-hoan").get_by_role("button").click()
        expect(first.locator(".flash")).to_contain_text("Đã tạm hoãn")
        # …while the second, on the page as it was, withdraws it: refused, what was typed is kept
        second.locator("#rut-on").fill(today_vn())
        second.locator("#rut-reason").fill("Người bị xem xét đã nghỉ hưu.")
        second.locator("#form-rut").get_by_role("button").click()
        banner = second.locator(".conflict")
        expect(banner).to_contain_text("Dữ liệu đã bị người khác thay đổi")
        expect(second.locator("#rut-reason")).to_have_value("Người bị xem xét đã nghỉ hưu.")
        shot(second, "10-xung-dot-may-tinh-bang", backend)
        banner.get_by_role("link", name="Tải lại trang").click()
        expect(second.locator(".badge")).to_have_text("Tạm hoãn")
        expect(second.locator(".conflict")).to_have_count(0)
    finally:
        first.context.close()
        second.context.close()


def test_auditor_journey(page: Any, server: str, backend: str, tmp_path: Any) -> None:
    sign_in(page, server, "kiemtoan.ha")
    # the log as a timeline, filtered by who recorded
    page.get_by_role("link", name="Nhật ký sự kiện").click()
    expect(page.locator("h3.day").first).to_be_visible()
    shot(page, "11-nhat-ky", backend)
    page.get_by_label("Người ghi (tên đăng nhập)").fill("noivu.minh")
    page.get_by_role("button", name="Lọc").click()
    actors = page.locator("main a[href^='/nhat-ky?nguoi-ghi=']").all_inner_texts()
    assert actors and set(actors) == {"noivu.minh"}
    # a malformed date is refused beside its field
    page.get_by_label("Ghi từ ngày").fill("31/02/2026")
    page.get_by_role("button", name="Lọc").click()
    expect(page.locator("#tu-ngay-error")).to_be_visible()
    expect(page.get_by_label("Ghi từ ngày")).to_have_value("31/02/2026")
    # one event: who, when, what was stored, and its seal
    page.goto(server + "/nhat-ky?loai=DisciplineCase.Decided")
    page.get_by_role("link", name=re.compile(r"Xem sự kiện #\d+")).first.click()
    expect(page.locator("#digest")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    expect(page.locator("pre.payload").first).to_contain_text("decision_no")
    # the case as it stood at its first version, with what changed since highlighted
    page.get_by_role("link", name="Xem vụ việc tại phiên bản này").click()
    slider = page.locator("#phien-ban")
    slider.fill("1")  # moving the slider submits its form
    page.wait_for_url(re.compile(r"phien-ban=1"))
    expect(page.locator("#so-sanh")).to_be_visible()
    assert page.locator("#so-sanh tr.changed").count() >= 2  # state and decision number at least
    expect(page.locator("#so-sanh tr.changed").first).to_contain_text("Đang xử lý")
    shot(page, "12-vu-viec-theo-thoi-diem", backend)
    page.get_by_label("Hoặc chọn ngày").fill("01/01/2020")
    page.get_by_role("button", name="Xem theo ngày").click()
    expect(page.locator("#ngay-error")).to_contain_text("chưa được ghi nhận")
    # verify the chain, then download the export and find the same head in its header
    page.get_by_role("link", name="Xác minh và xuất").click()
    page.get_by_role("button", name="Xác minh ngay").click()
    expect(page.locator("#ket-qua")).to_contain_text("toàn vẹn")
    head = page.locator("#head").inner_text().strip()
    shot(page, "13-xac-minh", backend)
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải tệp xuất nhật ký (NDJSON)").click()
    saved = tmp_path / "export.ndjson"
    download.value.save_as(saved)
    header = json.loads(saved.read_text().splitlines()[0])
    assert header["head"] == head and download.value.suggested_filename.endswith(".ndjson")


# -- issue 13: only what the regime allows, decrees by title -----------------------------------------

def test_home_affairs_sees_only_what_the_regime_allows(page: Any, server: str, backend: str) -> None:
    # two new violations of a civil servant (opened through the API): Nghị định 172/2025 applies today
    token = httpx.post(server + "/api/v1/auth/token",
                       json={"username": "noivu.minh", "password": DEMO_PASSWORD}).json()["accessToken"]
    auth = {"Authorization": f"Bearer {token}"}
    official_id = httpx.get(server + "/api/v1/officials", params={"q": "DQ-0014"},  # Đoàn Văn Sang, công chức
                            headers=auth).json()["items"][0]["id"]
    cases = []
    for days, category in ((40, "document_rules"), (30, "meeting_rules")):
        opened = httpx.post(server + "/api/v1/discipline-cases", headers=auth, json={
            "officialId": official_id, "category": category, "nature": "negligence", "severity": "serious",
            "occurredOn": (date.today() - timedelta(days=days)).isoformat(),
            "detectedOn": (date.today() - timedelta(days=days - 20)).isoformat()})
        assert opened.status_code == 201, opened.text
        cases.append(opened.json()["id"])
    sign_in(page, server, "noivu.minh")
    page.goto(f"{server}/vu-viec/{cases[0]}")
    expect(page.locator("#tam-hoan-reason-rule")).to_contain_text("172/2025")
    grounds = page.locator("#tam-hoan-reason")
    expect(grounds.locator("option", has_text="Nghỉ hằng năm")).to_have_count(0)
    deferred_on = page.locator("#tam-hoan-on")
    deferred_on.fill("01/03/2025")
    deferred_on.dispatch_event("change")
    expect(grounds.locator("option", has_text="Nghỉ hằng năm")).to_have_count(1)
    expect(page.locator("#tam-hoan-reason-rule")).to_contain_text("112/2020")
    expect(grounds.locator("option").first).to_have_text("— Chọn lý do —")
    deferred_on.fill(today_vn())
    deferred_on.dispatch_event("change")
    expect(grounds.locator("option", has_text="Nghỉ hằng năm")).to_have_count(0)
    expect(page.get_by_role("heading", name="Cán bộ có văn bản đề nghị xem xét xử lý kỷ luật")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("nd172_2025")
    shot(page, "20-vu-viec-nd172", backend)

    # a decided case names its decree
    page.goto(server + "/vu-viec?trang-thai=decided")
    page.locator("table a[href^='/vu-viec/']").first.click()
    expect(page.locator("#facts-title + dl.facts")).to_contain_text("Nghị định")
    assert not re.search(r"nd1\d\d_20\d\d", page.locator("main").inner_text())

    # the second violation of the same official: the joint decision page
    page.goto(f"{server}/vu-viec/{cases[0]}")
    page.get_by_role("link", name="Quyết định chung cho nhiều vi phạm").click()
    expect(page.locator(f"input[name=caseIds][value='{cases[1]}']")).to_have_count(1)
    expect(page.locator("#chung-form-rule")).to_contain_text("Nghị định")
    expect(page.locator("main")).to_contain_text("Hình thức nặng nhất trong các vi phạm")
    shot(page, "21-quyet-dinh-chung", backend)

    # the official's page: record an initiative
    page.goto(f"{server}/vu-viec/{cases[0]}")
    page.locator("h1 a[href^='/can-bo/']").click()
    expect(page.get_by_role("heading", name="Sáng kiến được công nhận", exact=False)).to_be_visible()
    page.get_by_label("Tên sáng kiến").fill("Sổ tay điện tử hướng dẫn thủ tục hành chính")
    page.get_by_label("Số quyết định công nhận").fill("201/QĐ-HĐSK")
    page.get_by_role("button", name="Ghi nhận sáng kiến").click()
    expect(page.locator(".flash")).to_contain_text("Đã ghi nhận sáng kiến")
    expect(page.locator("#ds-sang-kien")).to_contain_text("201/QĐ-HĐSK")
    shot(page, "22-can-bo", backend)

    # the ranking flags the caps per group; the scorecard names the appraisal decree
    page.goto(server + "/xep-hang?ky=2026")
    expect(page.locator("#bang-ty-le tbody tr").first).to_be_visible()
    shot(page, "23-xep-hang-ty-le", backend)
    page.locator("#bang-xep-hang tbody a").first.click()
    expect(page.locator("#can-cu-xep-loai")).to_contain_text("Nghị định")
    shot(page, "24-phieu-danh-gia", backend)


def test_an_inspector_sees_the_referral_form_on_a_finding(page: Any, server: str, backend: str) -> None:
    sign_in(page, server, "thanhtra.lan")
    page.goto(server + "/thanh-tra?pham-vi=tat-ca&trang-thai=open")
    page.locator("table a[href^='/thanh-tra/']").first.click()
    summary = page.locator("summary", has_text="Chuyển cơ quan điều tra").first
    summary.click()
    expect(page.get_by_label("Cơ quan điều tra nhận hồ sơ").first).to_be_visible()
    shot(page, "25-chuyen-dieu-tra", backend)
