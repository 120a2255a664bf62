"""The rules of unit administrators, without a database: whose rights a branch bounds, what a unit
administrator may grant and to whom, the registrations file read and planned, the actor and the
token carrying the unit (old tokens without it stay valid)."""

import uuid
from types import SimpleNamespace

import pytest

from accounts import policy
from accounts import unit_admins as rules
from platform_shared.actor import Actor
from platform_shared.errors import Forbidden, InvalidInput
from platform_shared.tokens import actor_from_claims

TENANT, CANON, PX1 = str(uuid.uuid4()), uuid.uuid4(), uuid.uuid4()


def person(*roles, unit=None):
    return Actor(str(uuid.uuid4()), TENANT, frozenset(roles), unit_id=str(unit) if unit else None)


def test_only_a_unit_admin_without_a_tenant_wide_role_is_bounded_by_a_branch():
    assert policy.branch_root(person("unit_admin", unit=CANON)) == CANON
    assert policy.branch_root(person("unit_admin", "member", "contributor", unit=CANON)) == CANON
    for wide in (person("tenant_admin"), person("tenant_admin", "unit_admin", unit=CANON), person("member")):
        assert policy.branch_root(wide) is None
    assert policy.branch_root(person("platform_admin", "unit_admin", unit=CANON)) is None
    lost = policy.branch_root(person("unit_admin"))  # a token without its unit: a branch of nothing
    assert lost is not None and lost not in (CANON, PX1)


def test_a_unit_admin_grants_members_contributors_and_admins_strictly_below_it():
    admin = person("unit_admin", unit=CANON)
    assert policy.branch_grant_problem(admin, ["member", "contributor"], root_id=CANON, unit_id=CANON) is None
    assert policy.branch_grant_problem(admin, ["unit_admin"], root_id=CANON, unit_id=PX1) is None
    assert "cấp dưới" in policy.branch_grant_problem(admin, ["unit_admin"], root_id=CANON, unit_id=CANON)
    for role, label in (("tenant_admin", "Quản trị đơn vị"), ("editor", "Biên tập viên"), ("responder", "Cán bộ")):
        assert label in policy.branch_grant_problem(admin, [role, "member"], root_id=CANON, unit_id=PX1)


def test_a_unit_admin_manages_only_accounts_whose_every_role_it_could_grant():
    def user(roles, bound=None):
        return SimpleNamespace(roles=sorted(roles), admin_unit_id=bound)

    admin = person("unit_admin", unit=CANON)
    policy.require_may_manage_user(admin, user(["member"]), CANON)
    policy.require_may_manage_user(admin, user(["unit_admin"], PX1), CANON)
    for untouchable in (user(["unit_admin"], CANON), user(["tenant_admin"]), user(["member", "moderator"])):
        with pytest.raises(Forbidden):
            policy.require_may_manage_user(admin, untouchable, CANON)
    policy.require_may_manage_user(person("tenant_admin"), user(["tenant_admin"]), None)  # no branch: no bound


def test_a_tenant_administrator_role_is_needed_to_administer_and_another_tenant_is_404():
    policy.require_branch_admin_of(person("unit_admin", unit=CANON), TENANT)
    with pytest.raises(Forbidden):
        policy.require_branch_admin_of(person("contributor"), TENANT)
    with pytest.raises(Exception) as other:
        policy.require_branch_admin_of(person("unit_admin", unit=CANON), str(uuid.uuid4()))
    assert other.value.status == 404
    with pytest.raises(Forbidden):  # the tenant's own business stays its administrators'
        policy.require_admin_of(person("unit_admin", unit=CANON), TENANT)


def test_the_actor_and_the_token_carry_the_unit_and_old_tokens_stay_valid():
    admin = person("unit_admin", unit=CANON)
    assert admin.dump()["unit_id"] == str(CANON) and Actor.load(admin.dump()) == admin
    assert "unit_id" not in person("member").dump()  # the others' dicts are as they were
    claims = {"sub": "u1", "tenant_id": TENANT, "roles": ["unit_admin"], "unit": str(CANON)}
    assert actor_from_claims(claims).unit_id == str(CANON)
    old = actor_from_claims({"sub": "u1", "tenant_id": TENANT, "roles": ["member"]})
    assert old.unit_id is None and old.roles == {"member"}


def parse(text):
    lines = [line.split(",") for line in text.strip().split("\n")]
    return rules.parse_admin_table(lines[0], list(enumerate(lines[1:], start=2)))


def test_the_registrations_file_reads_vietnamese_or_english_headers_and_role_names():
    parsed = parse(
        "Mã CĐCS,Họ và tên,Thư điện tử,SĐT,Vai trò\n"
        "CDCS-A,Nguyễn Văn An,An@X.vn,0912 345.678,Đoàn viên; cong tac vien\n"
        "CDCS-B,Lê Thị Bình,binh@x.vn,,\n"
    )
    first, second = parsed.rows
    assert (first.unit_code, first.email, first.phone) == ("CDCS-A", "an@x.vn", "0912345678")
    assert first.roles == ("contributor", "member", "unit_admin") and second.roles == ("unit_admin",)
    assert parsed.errors.items == [] and parsed.names["email"] == "Thư điện tử"


def test_a_file_without_its_columns_is_refused_at_once_and_row_problems_wait_for_the_plan():
    with pytest.raises(InvalidInput) as header:
        parse("unit_code,full_name,ghi chú\nA,Ai Đó,x\n")
    assert {(e["row"], e["column"]) for e in header.value.details["errors"]} == {(1, "ghi chú"), (1, "email")}

    parsed = parse(
        "unit_code,full_name,email,phone,roles\n"
        "A,Ai Đó,ai@x.vn,12,\n"
        "B,Bê,bad-mail,,tenant_admin\n"
        "C,Cê Cê,AI@x.vn,,trưởng ban\n"
    )
    units = {c: rules.UnitInfo(uuid.uuid4(), c, f"Đơn vị {c}", "active") for c in ("A", "C")}
    with pytest.raises(InvalidInput) as refused:
        rules.plan_admins(parsed, units, set(), where="Hà Nội")
    found = [(e["row"], e["column"]) for e in refused.value.details["errors"]]
    assert found == [(2, "phone"), (3, "email"), (3, "roles"), (3, "unit_code"), (4, "roles"), (4, "email")]
    messages = [e["message"] for e in refused.value.details["errors"]]
    assert (
        "Không có đơn vị mã «B» trong Hà Nội." in messages and "chưa có tài khoản nào được tạo" in refused.value.message
    )


def test_the_plan_keeps_the_good_rows_with_their_units():
    parsed = parse("unit_code,full_name,email\nA,Ai Đó,ai@x.vn\n")
    unit = rules.UnitInfo(uuid.uuid4(), "A", "Đơn vị A", "active")
    [(row, found)] = rules.plan_admins(parsed, {"A": unit}, set(), where="Hà Nội")
    assert (row.email, found) == ("ai@x.vn", unit)
    with pytest.raises(InvalidInput):
        rules.plan_admins(parsed, {"A": unit}, {"ai@x.vn"}, where="Hà Nội")
    with pytest.raises(InvalidInput):
        archived = rules.UnitInfo(unit.id, "A", "Đơn vị A", "archived")
        rules.plan_admins(parsed, {"A": archived}, set(), where="Hà Nội")
