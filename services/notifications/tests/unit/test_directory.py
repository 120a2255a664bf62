"""The accounts lookups of a handler (``operations.Directory``) against a stand-in accounts:
every page of a role, deactivated people left out, an unknown user skipped, other failures
raised (so the handler retries and parks), and a flood refused."""

import pytest

from notifications import domain
from notifications.operations import Directory, TooManyRecipients
from platform_shared.errors import NotFound, Unavailable

TENANT = "00000000-0000-4000-8000-0000000000c1"


def user(n, status="active", tenant=TENANT):
    return {"id": f"00000000-0000-4000-8000-{n:012d}", "tenant_id": tenant, "status": status}


class Accounts:
    def __init__(self, by_role=(), users=(), fail=None):
        self.by_role, self.users, self.fail, self.calls = dict(by_role), {u["id"]: u for u in users}, fail, []

    def list_users(self, actor, args):
        assert actor["system"] is True
        self.calls.append(("list_users", args["role"], args["page"]))
        if self.fail:
            raise self.fail
        everyone = self.by_role.get(args["role"], [])
        start = (args["page"] - 1) * args["per_page"]
        return {
            "items": everyone[start : start + args["per_page"]],
            "total": len(everyone),
            "per_page": args["per_page"],
        }

    def get_user(self, actor, user_id):
        assert actor["system"] is True
        if self.fail:
            raise self.fail
        if user_id not in self.users:
            raise NotFound.of("user", user_id)
        return self.users[user_id]


def test_every_page_of_every_role_once_each_without_the_deactivated():
    admins = [user(1), user(2, status="deactivated")]
    writers = [user(n) for n in range(3, 253)] + [user(1)]  # 251 contributors, one also an admin
    accounts = Accounts({"tenant_admin": admins, "contributor": writers})
    people = Directory(accounts).resolve(domain.Audience(tenant_id=TENANT, roles=("tenant_admin", "contributor")))
    assert len(people) == 251 and people[0] == domain.Person(user(1)["id"], TENANT)
    assert user(2)["id"] not in {p.user_id for p in people}
    assert [c for c in accounts.calls if c[1] == "contributor"] == [("list_users", "contributor", p) for p in (1, 2, 3)]


def test_named_users_in_their_own_tenant_and_an_unknown_one_skipped():
    elsewhere = user(7, tenant="00000000-0000-4000-8000-0000000000c2")
    accounts = Accounts(users=[elsewhere, user(8, status="deactivated"), user(9, status="invited")])
    people = Directory(accounts).resolve(
        domain.Audience(user_ids=(elsewhere["id"], user(8)["id"], user(9)["id"], user(10)["id"]))
    )
    assert people == [domain.Person(elsewhere["id"], elsewhere["tenant_id"]), domain.Person(user(9)["id"], TENANT)]


def test_an_accounts_failure_is_raised_for_the_handler_to_retry():
    down = Accounts(fail=Unavailable("Dịch vụ accounts chưa chạy."))
    with pytest.raises(Unavailable):
        Directory(down).resolve(domain.Audience(tenant_id=TENANT, roles=("tenant_admin",)))
    with pytest.raises(Unavailable):
        Directory(down).resolve(domain.Audience(user_ids=(user(1)["id"],)))


def test_an_audience_past_the_limit_is_refused_rather_than_flooded():
    accounts = Accounts({"contributor": [user(n) for n in range(1, 30)]})
    with pytest.raises(TooManyRecipients):
        Directory(accounts, max_recipients=10).resolve(domain.Audience(tenant_id=TENANT, roles=("contributor",)))
