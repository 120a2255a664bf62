"""A tenant merge: eligibility and ownership of running polls follow the surviving tenant."""

from platform_shared.testing.waiting import wait_for
from tests.api.test_polls import GOOD, QUESTIONS, _window, open_poll, settled


def test_eligibility_and_ownership_follow_the_surviving_tenant(
    make_polls_gateway, polls_service, login, member_token, relay, client_of
):
    api = client_of(make_polls_gateway(polls_definition_ttl=300))
    vgcl, hanoi, danang = (api.as_(login(u)) for u in ("admin", "hanoi.admin", "danang.admin"))
    hn, dn = member_token.tenants["LDLD-HN"], member_token.tenants["LDLD-DN"]
    national = open_poll(vgcl, audience={"tenant_ids": [dn]})
    own = danang.post("/api/v1/polls", json={"title": "Phiếu của Đà Nẵng", "questions": QUESTIONS, **_window()}).json

    old_danang_member = api.as_(member_token("LDLD-DN"))
    hanoi_member = api.as_(member_token("LDLD-HN"))
    before = old_danang_member.post(f"/api/v1/polls/{national['id']}/responses", json={"answers": GOOD})
    assert before.status_code == 202
    assert settled(old_danang_member, before.json["receipt"])["status"] == "counted"
    url = f"/api/v1/polls/{national['id']}/responses"
    assert hanoi_member.post(url, json={"answers": GOOD}).status_code == 404
    assert hanoi.post(f"/api/v1/polls/{own['id']}/open").status_code == 404

    relay("accounts", "polls")
    assert vgcl.post(f"/api/v1/tenants/{dn}/merge", json={"into": hn}).status_code == 200

    # The gateway's cached definition is dropped by the polls.poll_changed fact.
    wait_for(lambda: hanoi_member.post(url, json={"answers": GOOD}).status_code == 202, message="Hà Nội eligible")
    assert vgcl.get(f"/api/v1/polls/{national['id']}").json["audience"]["tenant_ids"] == [hn]
    # A token issued before the merge still names the old tenant: its member is still eligible
    # (and has answered already: a duplicate).
    again = old_danang_member.post(url, json={"answers": GOOD})
    assert again.status_code == 202
    assert settled(old_danang_member, again.json["receipt"])["status"] == "duplicate"
    # The draft of the merged tenant is now managed by the surviving tenant's admins.
    assert hanoi.post(f"/api/v1/polls/{own['id']}/open").json["status"] == "open"

    by_tenant = vgcl.get(f"/api/v1/polls/{national['id']}/results").json["by_tenant"]
    assert [row["tenant_id"] for row in by_tenant] == [hn]  # the merged tenant's answers fold into it
