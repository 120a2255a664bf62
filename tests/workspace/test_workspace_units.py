"""A member organisation's unit tree in the workspace: the nested tree, a unit added under a
parent, renamed, re-coded and moved with its branch, archived and reactivated; bad input beside
the field with nothing changed; another organisation's unit 404; who may. Real accounts."""

import re
import uuid

import pytest

from tests.workspace.conftest import csrf_of

TREE = "/quan-tri/don-vi"


def text(response):
    return response.get_data(as_text=True)


@pytest.fixture
def hanoi(staff_as):
    return staff_as("hanoi.admin")


@pytest.fixture
def units(api, login, demo):
    """The demo units by code: ``{code: id}`` (Hà Nội's and Đà Nẵng's)."""
    found = {}
    for who in ("hanoi.admin", "danang.admin"):
        for unit in api.as_(login(who)).get("/api/v1/units?per_page=100").json["items"]:
            found[unit["code"]] = unit["id"]
    return found


def unit_of(api, login, unit_id):
    return api.as_(login("hanoi.admin")).get(f"/api/v1/units/{unit_id}").json


def post_form(client, path, form_path=None, **data):
    page = client.get(form_path or path)
    assert page.status_code == 200, text(page)[:300]
    return client.post(path, data={"csrf_token": csrf_of(page), **data})


def test_the_tree_is_nested_and_a_unit_is_added_under_a_parent(hanoi, units):
    html = text(hanoi.get(TREE))
    tree = re.search(r'<ul id="cay-don-vi".*', html, re.S).group(0)
    kcn = tree.index(f'id="don-vi-{units["KCN-TL"]}"')
    canon = tree.index(f'id="don-vi-{units["CDCS-CANON"]}"')
    may10 = tree.index(f'id="don-vi-{units["CDCS-MAY10"]}"')
    assert kcn < canon < may10  # Canon inside the industrial zones' branch, siblings by name
    assert "<details open>" in tree[kcn:canon] and "1 đơn vị trực thuộc" in tree[kcn:canon]
    assert "CDCS-DAMAN" not in html  # Đà Nẵng's tree is not Hà Nội's

    child = text(hanoi.get(f"{TREE}/moi?cap-tren={units['CDCS-CANON']}"))
    assert f'<option value="{units["CDCS-CANON"]}" selected>' in child
    assert '<option value="trade_union_group" selected>' in child  # a grassroots union's child: a union group
    done = post_form(
        hanoi,
        f"{TREE}/moi",
        name="Tổ công đoàn Phân xưởng 1",
        code="TCD-PX1",
        kind="trade_union_group",
        parent_id=units["CDCS-CANON"],
    )
    assert done.status_code == 303 and done.headers["Location"].startswith(f"{TREE}#don-vi-")
    after = text(hanoi.get(TREE))
    assert "Đã thêm «Tổ công đoàn Phân xưởng 1» vào cây đơn vị." in after
    tree = after[after.index('id="cay-don-vi"') :]
    assert tree.index("Công ty TNHH Canon") < tree.index("Tổ công đoàn Phân xưởng 1") < tree.index("May 10")
    found = text(hanoi.get(f"{TREE}?q=ph%C3%A2n+x%C6%B0%E1%BB%9Fng"))
    assert 'id="bang-tim-don-vi"' in found and "TCD-PX1" in found and "May 10" not in found
    branch = text(hanoi.get(f"{TREE}?nhanh={units['KCN-TL']}"))
    assert "Đang xem nhánh" in branch and "Phân xưởng 1" in branch and "May 10" not in branch


def test_a_unit_is_renamed_recoded_and_moved_with_its_branch(hanoi, units, api, login):
    path = f"{TREE}/{units['KCN-TL']}"
    form = text(hanoi.get(path))
    assert f'value="{units["CDCS-CANON"]}"' not in form  # its own branch is not offered as a parent
    moved = post_form(
        hanoi,
        path,
        name="Công đoàn KCN Thăng Long",
        code="KCN-TL2",
        kind="upper_grassroots",
        parent_id=units["CDCS-MAY10"],
    )
    assert moved.status_code == 303
    saved = unit_of(api, login, units["KCN-TL"])
    assert (saved["name"], saved["code"], saved["depth"]) == ("Công đoàn KCN Thăng Long", "KCN-TL2", 1)
    assert unit_of(api, login, units["CDCS-CANON"])["depth"] == 2  # the branch moved along

    back = post_form(
        hanoi, path, name="Công đoàn KCN Thăng Long", code="KCN-TL2", kind="upper_grassroots", parent_id=""
    )
    assert back.status_code == 303 and unit_of(api, login, units["KCN-TL"])["depth"] == 0


def test_bad_input_and_a_code_in_use_are_beside_the_field_and_nothing_changes(hanoi, units, api, login):
    path = f"{TREE}/{units['CDCS-CANON']}"
    bad = post_form(hanoi, path, name="X", code="sai mã!", kind="grassroots", parent_id=units["KCN-TL"])
    html = text(bad)
    assert bad.status_code == 422 and 'id="loi-name"' in html and 'id="loi-code"' in html
    assert 'value="sai mã!"' in html and bad.headers["Cache-Control"] == "private, no-store"
    taken = post_form(hanoi, path, name="Canon", code="CDCS-MAY10", kind="grassroots", parent_id=units["KCN-TL"])
    assert taken.status_code == 409 and 'id="loi-code"' in text(taken) and "đã được dùng" in text(taken)
    created = post_form(hanoi, f"{TREE}/moi", name="Trùng mã", code="CDCS-MAY10", kind="grassroots", parent_id="")
    assert created.status_code == 409 and 'id="loi-code"' in text(created)
    assert unit_of(api, login, units["CDCS-CANON"])["name"] == "Công đoàn cơ sở Công ty TNHH Canon Việt Nam"


def test_a_unit_is_archived_and_reactivated(hanoi, units, api, login):
    path = f"{TREE}/{units['CDCS-MAY10']}"
    archived = post_form(hanoi, f"{path}/trang-thai", path, status="archived")
    assert archived.status_code == 303 and "đã ngừng hoạt động" in text(hanoi.get(path))
    tree = text(hanoi.get(TREE))
    assert "Ngừng hoạt động" in tree
    assert f'<option value="{units["CDCS-MAY10"]}"' not in text(hanoi.get(f"{TREE}/moi"))  # not a parent any more
    assert post_form(hanoi, f"{path}/trang-thai", path, status="active").status_code == 303
    assert unit_of(api, login, units["CDCS-MAY10"])["status"] == "active"


def test_another_organisations_unit_is_404_and_only_administrators_with_the_token(
    staff_as, hanoi, units, demo, api, login
):
    assert hanoi.get(f"{TREE}/{units['CDCS-DAMAN']}").status_code == 404
    assert hanoi.get(f"{TREE}/{uuid.uuid4()}").status_code == 404
    danang_id = api.as_(login("danang.admin")).get("/api/v1/me").json["tenant"]["id"]
    assert hanoi.get(f"{TREE}?don-vi-thanh-vien={danang_id}").status_code == 404
    office = staff_as("admin")
    other = text(office.get(f"{TREE}?don-vi-thanh-vien={danang_id}"))  # the VGCL Office manages any tree
    assert "CDCS-DAMAN" in other and 'id="form-chon-don-vi-thanh-vien"' in other
    assert f"/quan-tri/don-vi/moi?don-vi-thanh-vien={danang_id}" in other
    assert staff_as("hanoi.contributor").get(TREE).status_code == 403
    forged = hanoi.post(f"{TREE}/{units['CDCS-MAY10']}/trang-thai", data={"status": "archived"})
    assert forged.status_code == 400
    assert unit_of(api, login, units["CDCS-MAY10"])["status"] == "active"
