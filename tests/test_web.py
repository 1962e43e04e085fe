"""The web UI's first slice: sign-in with CSRF, role menus, expiring sessions, the ranking page.
(Browser journeys come with the rest of issue 6; these drive the pages over HTTP.)"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from litestar.testing import TestClient

from tests.api_support import PASSWORD, SECRET, USERS, api_client


@pytest.fixture
def web(database_url: str):
    with api_client(database_url) as client:
        yield client


def csrf(client: TestClient[Any]) -> str:
    page = client.get("/dang-nhap")
    return re.search(r'name="_csrf_token" value="([^"]+)"', page.text).group(1)


def sign_in(client: TestClient[Any], role: str) -> Any:
    return client.post("/dang-nhap", data={"username": USERS[role], "password": PASSWORD,
                                           "_csrf_token": csrf(client)}, follow_redirects=False)


def test_the_site_opens_on_a_vietnamese_sign_in_page(web: TestClient[Any]) -> None:
    first = web.get("/", follow_redirects=False)
    assert first.status_code == 302 and first.headers["location"] == "/dang-nhap"
    page = web.get("/dang-nhap")
    assert page.status_code == 200 and 'lang="vi"' in page.text
    assert '<label for="username">Tên đăng nhập</label>' in page.text
    assert '<label for="password">Mật khẩu</label>' in page.text


def test_a_wrong_password_is_shown_beside_the_field_and_keeps_the_username(web: TestClient[Any]) -> None:
    answer = web.post("/dang-nhap", data={"username": USERS["inspector"], "password": "sai-mat-khau",
                                          "_csrf_token": csrf(web)})
    assert answer.status_code == 400
    assert 'id="password-error">Sai tên đăng nhập hoặc mật khẩu.' in answer.text
    assert f'value="{USERS["inspector"]}"' in answer.text
    assert "stn_session" not in answer.headers.get("set-cookie", "")


def test_a_form_without_its_csrf_token_is_refused(web: TestClient[Any]) -> None:
    web.get("/dang-nhap")
    answer = web.post("/dang-nhap", data={"username": USERS["inspector"], "password": PASSWORD})
    assert answer.status_code == 403
    assert "stn_session" not in answer.headers.get("set-cookie", "")


@pytest.mark.parametrize("role,sees_ranking", [("inspector", False), ("home_affairs", True), ("auditor", True),
                                               ("admin", True)])
def test_each_role_sees_only_its_menus(web: TestClient[Any], role: str, sees_ranking: bool) -> None:
    signed = sign_in(web, role)
    assert signed.status_code == 302 and signed.headers["location"] == "/tong-quan"
    cookie = signed.headers["set-cookie"]
    assert "stn_session=" in cookie and "HttpOnly" in cookie and "samesite=lax" in cookie.lower()
    home = web.get("/tong-quan")
    assert home.status_code == 200 and "Xin chào" in home.text
    assert ('href="/xep-hang"' in home.text) is sees_ranking
    ranking = web.get("/xep-hang?ky=2026-H1")
    if sees_ranking:
        assert "Xếp hạng người đứng đầu" in ranking.text and ranking.text.count("<tr>") > 5
    else:
        assert "Không có quyền" in ranking.text


def test_an_expired_session_goes_back_to_sign_in(web: TestClient[Any]) -> None:
    past = datetime.now(UTC) - timedelta(hours=1)
    token = jwt.encode({"sub": USERS["home_affairs"], "exp": past, "iat": past - timedelta(hours=8),
                        "extras": {"role": "home_affairs"}}, SECRET, algorithm="HS256")
    web.cookies.set("stn_session", token)
    answer = web.get("/tong-quan", follow_redirects=False)
    assert answer.status_code == 302 and answer.headers["location"].startswith("/dang-nhap")
    assert "hết hạn" in web.get(answer.headers["location"]).text


def test_signing_out_ends_the_session(web: TestClient[Any]) -> None:
    sign_in(web, "home_affairs")
    token = re.search(r'name="_csrf_token" value="([^"]+)"', web.get("/tong-quan").text).group(1)
    out = web.post("/dang-xuat", data={"_csrf_token": token}, follow_redirects=False)
    assert out.status_code == 302
    assert web.get("/tong-quan", follow_redirects=False).headers["location"].startswith("/dang-nhap")


def test_a_bad_period_is_explained_beside_the_field(web: TestClient[Any]) -> None:
    sign_in(web, "home_affairs")
    page = web.get("/xep-hang?ky=2026-Q3")
    assert re.search(r'id="ky-error"[^>]*>Kỳ báo cáo không hợp lệ', page.text)
    assert 'value="2026-Q3"' in page.text


def test_cases_show_their_legal_clocks_colour_coded(web: TestClient[Any]) -> None:
    sign_in(web, "home_affairs")
    page = web.get("/vu-viec")
    assert page.status_code == 200 and "Vụ việc kỷ luật" in page.text
    assert "Nhũng nhiễu" in page.text or "Đùn đẩy, né tránh" in page.text  # categories in Vietnamese
    assert 'class="overdue"' in page.text  # the demo has an open case past its extended deadline
    open_only = web.get("/vu-viec?trang-thai=open")
    assert "Đã quyết định kỷ luật" not in open_only.text.split("<tbody>")[1]
    bad = web.get("/vu-viec?trang-thai=unknown")
    assert 'id="trang-thai-error"' in bad.text
