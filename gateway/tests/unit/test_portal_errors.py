"""A person never sees JSON: on page paths every error is a Vietnamese page with its status
(and the request id to quote); under /api/v1 errors stay JSON. Services are faked here — the
pages' own behaviour with the real services is in tests/web/."""

import pytest

from gateway.app import create_app
from gateway.settings import Settings
from platform_shared.errors import Forbidden, NotFound, RateLimited, Unavailable


class Services:
    """An RPC pool whose every call raises the exception the test chose."""

    def __init__(self):
        self.error = NotFound.of("article", "x")

    def call(self, service, method, *args, **kwargs):
        raise self.error

    def close(self):
        pass


@pytest.fixture
def services():
    return Services()


@pytest.fixture
def client(services):
    app = create_app(Settings(polls_receipt_secret="k", public_cache_ttl=0), rpc=services)
    return app.test_client()


def page_of(response, status):
    assert response.status_code == status
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert '<html lang="vi">' in html
    return html


@pytest.mark.parametrize(
    ("error", "status", "title"),
    [
        (NotFound.of("article", "x"), 404, "Không tìm thấy trang"),
        (Forbidden("Không được xem."), 403, "Không có quyền truy cập"),
        (Unavailable("Dịch vụ nội dung tạm thời không phản hồi."), 503, "Dịch vụ tạm thời gián đoạn"),
        (RuntimeError("boom"), 500, "Lỗi hệ thống"),
    ],
)
def test_errors_on_a_page_are_vietnamese_pages(client, services, error, status, title):
    services.error = error
    response = client.get("/bai-viet/mot-bai")
    html = page_of(response, status)
    assert title in html and "Mã yêu cầu" in html
    assert response.headers["X-Request-ID"] in html
    assert "boom" not in html and "Traceback" not in html
    assert response.headers["Cache-Control"] == "no-store"


def test_too_many_requests_is_a_page_with_retry_after(client, services):
    services.error = RateLimited("Bạn gửi quá nhanh. Vui lòng thử lại sau 30 giây.", details={"retry_after": 30})
    response = client.get("/bai-viet/mot-bai")
    html = page_of(response, 429)
    assert "Vui lòng thử lại sau 30 giây." in html
    assert response.headers["Retry-After"] == "30"


def test_an_unknown_address_is_the_404_page_and_the_api_keeps_json(client):
    page_of(client.get("/khong/co/dia/chi/nay"), 404)
    api = client.get("/api/v1/khong-co")
    assert api.status_code == 404 and api.is_json and api.json["code"] == "NOT_FOUND"


def test_a_wrong_method_on_a_page_is_a_page(client):
    response = client.put("/tin-tuc")
    page_of(response, 400)  # no CSRF token: refused before anything else


def test_the_home_page_renders_when_every_block_is_unavailable(client, services):
    services.error = Unavailable("Dịch vụ tạm thời không phản hồi.")
    html = page_of(client.get("/"), 200)
    assert html.count("Mục này tạm thời chưa tải được") == 7
