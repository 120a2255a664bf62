"""A tenant merge: eligibility and ownership of running polls follow the surviving tenant."""

import uuid

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

    person = str(uuid.uuid4())
    old_danang_member = api.as_(member_token("LDLD-DN", user_id=person))
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
    # A token issued before the merge names the old tenant: the merge ended its session.
    stale = wait_for(
        lambda: (r := old_danang_member.post(url, json={"answers": GOOD})).status_code != 202 and r,
        message="the merge to end the old tenant's sessions",
    )
    assert stale.status_code == 401 and stale.json["code"] == "SESSION_REVOKED"
    # Signed in again, the same member names the surviving tenant and has answered already.
    same_member = api.as_(member_token("LDLD-HN", user_id=person))

    def answered_again():
        sent = same_member.post(url, json={"answers": GOOD})
        assert sent.status_code == 202
        outcome = settled(same_member, sent.json["receipt"])
        return outcome if outcome["status"] != "rejected" else None  # polls keeps its rules a few seconds

    assert wait_for(answered_again, message="the surviving tenant's member to be judged")["status"] == "duplicate"
    # The draft of the merged tenant is now managed by the surviving tenant's admins.
    assert hanoi.post(f"/api/v1/polls/{own['id']}/open").json["status"] == "open"

    by_tenant = vgcl.get(f"/api/v1/polls/{national['id']}/results").json["by_tenant"]
    assert [row["tenant_id"] for row in by_tenant] == [hn]  # the merged tenant's answers fold into it
