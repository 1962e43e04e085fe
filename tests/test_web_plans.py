"""Sở Nội vụ's pages for plan 83/KH-UBND: tasks with their "6 rõ" followed up, and units' Conclusion 226 KPI
reports entered, refused beside the field, corrected with a reason and checked against the targets."""

from __future__ import annotations

import re
from typing import Any

from litestar.testing import TestClient

from tests.api_support import position
from tests.test_web import sign_in, web  # noqa: F401 (fixture)

TOKEN = re.compile(r'name="_csrf_token" value="([^"]+)"')


def errors(page: Any) -> dict[str, str]:
    return dict(re.findall(r'id="([\w-]+)-error" role="alert">([^<]+)<', page.text))


def form_of(page: Any) -> dict[str, str]:
    return {"_csrf_token": TOKEN.search(page.text).group(1),
            "version": re.search(r'name="version" value="(\d*)"', page.text).group(1)}


def test_a_task_is_followed_up_from_its_page(web: TestClient[Any]) -> None:
    sign_in(web, "home_affairs")
    overdue = web.get("/nhiem-vu?qua-han=1")
    assert "Quá hạn" in overdue.text and "Tháng 6 năm 2026" in overdue.text  # row 1 of Xã Định Quán
    task = re.search(r'href="/nhiem-vu/([0-9a-f-]{36})"', overdue.text).group(1)
    page = web.get(f"/nhiem-vu/{task}")
    assert "Rõ đơn vị phối hợp" in page.text and "Rõ thời gian" in page.text
    before = position(web)
    refused = web.post(f"/nhiem-vu/{task}/tien-do", data={**form_of(page), "on": "20/11/2026", "percent": "120"})
    assert refused.status_code == 400 and "tien-do-percent" in errors(refused)
    assert 'value="120"' in refused.text and position(web) == before
    saved = web.post(f"/nhiem-vu/{task}/tien-do", data={**form_of(page), "on": "20/11/2026", "percent": "85",
                                                          "note": "Đã trình ký kế hoạch."})
    assert re.search(r'id="tien-do-hien-tai">85%', saved.text)
    done = web.post(f"/nhiem-vu/{task}/hoan-thanh", data={**form_of(saved), "on": "21/11/2026",
                                                           "result": "Kế hoạch số 99/KH-UBND ngày 21/11/2026."})
    assert "hoàn thành ngày 21/11/2026" in done.text
    assert 'id="form-tien-do"' not in done.text  # a completed task takes no more follow-up
    stale = web.post(f"/nhiem-vu/{task}/tien-do", data={**form_of(page), "on": "22/11/2026", "percent": "90"})
    assert stale.status_code in (403, 409)


def test_a_units_kpi_report_is_entered_refused_beside_the_field_and_checked_against_the_targets(
        web: TestClient[Any]) -> None:
    sign_in(web, "home_affairs")
    listing = web.get("/chi-tieu?ky=2026-H1")
    url = re.search(r'href="(/chi-tieu/[0-9a-f-]{36}/2026-H1)">Nhập báo cáo', listing.text).group(1)
    page = web.get(url)
    assert "chưa gửi báo cáo" in page.text
    figures = {"reportedOn": "20/11/2026", "conferencesTotal": "10", "conferencesOnline": "6",
               "longestIndoctrinationDays": "0,5", "longestProfessionalDays": "1",
               "longestImportantDays": "2", "documentsIssued": "400", "proceduresOnlinePct": "96,5",
               "documentsDigitisedPct": "95", "electronicSendingPct": "100", "staffTrainedPct": "100"}
    before = position(web)
    refused = web.post(url, data={**form_of(page), **figures, "conferencesOnline": "11"})
    assert refused.status_code == 422 and "lớn hơn tổng số" in errors(refused)["conferencesOnline"]
    assert 'value="96,5"' in refused.text and position(web) == before
    saved = web.post(url, data={**form_of(page), **figures})
    assert saved.status_code == 200
    results = re.findall(r"<td>([^<]+)</td><td>[^<]*</td><td>[^<]*</td><td class=\"(?:fine|overdue)\">(Đạt|Không đạt)",
                         saved.text)
    assert ("Thời gian hội nghị trong giới hạn", "Không đạt") in results  # an important conference of 2 days
    assert ("Tỷ lệ hội nghị trực tuyến", "Đạt") in results  # 6 of 10 is exactly 60%
    # a correction needs a reason; with one it is a new event and the report says it was corrected
    corrected = {**figures, "longestImportantDays": "1,5"}
    no_reason = web.post(url, data={**form_of(saved), **corrected})
    assert no_reason.status_code in (400, 422) and errors(no_reason)
    fixed = web.post(url, data={**form_of(saved), **corrected, "reason": "Nhầm số ngày hội nghị tổng kết."})
    assert "đã sửa 1 lần" in fixed.text
    assert ("Thời gian hội nghị trong giới hạn", "Đạt") in re.findall(
        r"<td>([^<]+)</td><td>[^<]*</td><td>[^<]*</td><td class=\"(?:fine|overdue)\">(Đạt|Không đạt)", fixed.text)
