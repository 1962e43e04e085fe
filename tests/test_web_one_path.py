"""Issue 14, item 4: the web forms write on the JSON API's command path. Every rendered form carries a
one-time key, so a double submit or a back-and-resubmit records once and shows the first result; a
domain refusal answers the status the API gives it. On SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from litestar.testing import TestClient

from tests.api_support import api_client, position
from tests.test_web_inspector import TODAY, open_inspection, sign_in, token, vn


@pytest.fixture
def web(database_url: str):
    with api_client(database_url) as client:
        yield client


def command_key(page: str) -> str:
    return re.search(r'name="_command_key" value="([0-9a-f]{32})"', page).group(1)


def test_a_finding_form_submitted_twice_records_one_finding_and_shows_the_first(web: TestClient[Any]) -> None:
    sign_in(web, "inspector")
    here = open_inspection(web)
    form = web.get(here + "/phat-hien")
    key = command_key(form.text)
    assert command_key(web.get(here + "/phat-hien").text) != key  # one key per rendered form
    fields = {"_csrf_token": token(form.text), "_command_key": key, "category": "harassment",
              "severity": "serious", "occurredOn": vn(TODAY - timedelta(days=10)),
              "description": "Yêu cầu nộp thêm giấy tờ không có trong thành phần hồ sơ."}
    before = position(web)
    first = web.post(here + "/phat-hien", data=fields, files=[], follow_redirects=False)
    assert first.status_code == 302, first.text
    again = web.post(here + "/phat-hien", data=fields, files=[], follow_redirects=False)  # back, resubmit
    assert again.status_code == 302 and again.headers["location"] == first.headers["location"]
    assert position(web) == before + 1  # one event
    assert web.get(here).text.count("Yêu cầu nộp thêm giấy tờ") == 1
    # the same rendered form sent again with other content: refused at the top, nothing recorded
    changed = web.post(here + "/phat-hien", data={**fields, "description": "Nội dung khác"}, files=[],
                       follow_redirects=False)
    assert changed.status_code == 409 and "đã được gửi với nội dung khác" in changed.text
    assert position(web) == before + 1


def test_every_post_form_carries_a_one_time_key(web: TestClient[Any]) -> None:
    sign_in(web, "home_affairs")
    for path in ("/vu-viec", "/trach-nhiem", "/nhiem-vu"):
        page = web.get(path)
        assert page.status_code == 200
        for form in re.findall(r'(<form[^>]*method="post"[^>]*>.*?</form>)', page.text, flags=re.S):
            if "_csrf_token" in form and "dang-xuat" not in form:
                assert 'name="_command_key"' in form, (path, form[:200])
