"""The document library page, with the real services: public documents only, filters by type,
issuer, year and words (with or without diacritics), each document's page with its file to
download; a filter the service refuses is shown beside its field, never a 500."""

import io
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "services" / "media" / "tests"))
import samples  # noqa: E402


@pytest.fixture
def library(api, login, content_service):
    tuyengiao = api.as_(login("tuyengiao.editor"))
    office = api.as_(login("admin"))
    form = {"file": (io.BytesIO(samples.pdf()), "Chi-thi-1197.pdf", "application/pdf")}
    file_id = tuyengiao.post("/api/v1/media", data=form, content_type="multipart/form-data").json["id"]
    documents = [
        tuyengiao.post(
            "/api/v1/documents",
            json={
                "number": "1197/CT-TLĐ",
                "doc_type": "directive",
                "issued_on": "2026-11-20",
                "effective_on": "2026-11-20",
                "abstract": "Về việc tổ chức chăm lo Tết Nguyên đán cho đoàn viên, người lao động năm 2027",
                "all_tenants": True,
                "asset_id": file_id,
                "public": True,
            },
        ),
        office.post(
            "/api/v1/documents",
            json={
                "number": "25/KH-TLĐ",
                "doc_type": "plan",
                "issued_on": "2025-03-02",
                "abstract": "Kế hoạch tổ chức Tháng Công nhân năm 2025",
                "all_tenants": True,
                "public": True,
            },
        ),
        office.post(
            "/api/v1/documents",
            json={
                "number": "1200/TLĐ",
                "doc_type": "directive",
                "issued_on": "2026-11-21",
                "abstract": "Danh sách nội bộ chăm lo Tết",
                "all_tenants": True,
            },
        ),
    ]
    for response in documents:
        assert response.status_code == 201, response.json
    return {"directive": documents[0].json, "plan": documents[1].json, "internal": documents[2].json, "file": file_id}


def html_of(response, status=200):
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    return response.get_data(as_text=True)


def test_the_library_lists_public_documents_newest_first_with_their_files(pages, library):
    html = html_of(pages.get("/van-ban"))
    assert "Văn bản chỉ đạo – điều hành" in html and "2 văn bản" in html
    assert html.index("1197/CT-TLĐ") < html.index("25/KH-TLĐ")
    assert "1200/TLĐ" not in html and "Danh sách nội bộ" not in html  # not public
    assert f'href="/api/v1/media/{library["file"]}/content?rendition=original" download' in html
    assert "20/11/2026" in html and "Chỉ thị" in html and "Kế hoạch" in html
    assert '<option value="Ban Tuyên giáo Tổng Liên đoàn">' in html  # the issuer filter


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("q=cham+lo+tet", "1197/CT-TLĐ", "25/KH-TLĐ"),  # without diacritics
        ("q=Tháng+Công+nhân", "25/KH-TLĐ", "1197/CT-TLĐ"),
        ("loai=plan", "25/KH-TLĐ", "1197/CT-TLĐ"),
        ("nam=2026", "1197/CT-TLĐ", "25/KH-TLĐ"),
        ("co-quan=Văn+phòng+Tổng+Liên+đoàn", "25/KH-TLĐ", "1197/CT-TLĐ"),
    ],
)
def test_the_library_filters(pages, library, query, shown, hidden):
    html = html_of(pages.get(f"/van-ban?{query}"))
    assert f">{shown}</a>" in html and f">{hidden}</a>" not in html


@pytest.mark.parametrize(("query", "field"), [("nam=1800", "nam"), ("nam=abc", "nam"), ("loai=thu-tay", "loai")])
def test_a_refused_filter_is_shown_beside_its_field(pages, library, query, field):
    html = html_of(pages.get(f"/van-ban?{query}"), status=422)
    assert f'aria-describedby="loi-{field}"' in html and f'id="loi-{field}"' in html
    assert "Văn bản chỉ đạo – điều hành" in html


def test_a_documents_page_has_its_facts_and_its_file_and_only_public_ones_exist(pages, library):
    html = html_of(pages.get(f"/van-ban/{library['directive']['id']}"))
    assert "Chỉ thị số 1197/CT-TLĐ" in html and "Ban Tuyên giáo Tổng Liên đoàn" in html
    assert "Tải văn bản" in html
    plan = html_of(pages.get(f"/van-ban/{library['plan']['id']}"))
    assert "Văn bản này chưa có tệp đính kèm." in plan
    for missing in (library["internal"]["id"], "khong-phai-ma", "6f1c1c1c-1c1c-4c1c-8c1c-1c1c1c1c1c1c"):
        assert "Không tìm thấy trang" in html_of(pages.get(f"/van-ban/{missing}"), status=404)


def test_the_file_of_a_public_document_downloads_for_anyone(pages, library):
    response = pages.get(f"/api/v1/media/{library['file']}/content?rendition=original")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
