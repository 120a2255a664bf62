"""``GET /me`` and ``GET /tenants`` kept in the gateway (issue 18, DESIGN §9): answered from the
cache with an ETag (304 to a matching If-None-Match) while the token is still checked on every
request; a change made through the same gateway process is seen at once, one made through
another process when accounts' fact arrives; an actor never gets another's answer; with the
cache off (``ACCOUNTS_CACHE_TTL_SECONDS=0``) the answers are the same."""

import time

import jwt
import pytest

from platform_shared.testing.waiting import wait_for

DEADLINE = 10.0  # a fact travels outbox → relay → broker → every gateway


@pytest.fixture
def gateway(make_gateway, client_of):
    """``gateway(**settings)`` → (ApiClient, its app) with the cache of /me and /tenants on (whatever
    the test gateway's default); the public topics stay off as elsewhere."""

    def make(**settings):
        app = make_gateway(**{"sessions_catch_up_interval": 3600, "accounts_cache_ttl": 300, **settings})
        return client_of(app), app

    return make


def listening(client, app, *tokens):
    """Make a signed-in request (which starts the cache's listener), wait until it listens; the cache."""
    for tokens_ in tokens:
        assert client.as_(tokens_).get("/api/v1/me").status_code == 200
    cache = app.extensions["public_cache"]
    wait_for(lambda: cache.connected, message="the gateway's cache to listen to accounts")
    return cache


def cached_me(client, cache, tokens, attempts=20):
    """``GET /me`` twice; the second answered from the cache. Its JSON.

    A fact still on its way may rightly drop the entry between the two: with a relay running,
    each sign-in's ``accounts.user_updated`` (its ``last_login_at``) reaches the cache whenever the
    relay gets to it. So the pair is tried again after a pause until the second is a hit; an entry
    that is never served from the cache still fails."""
    for _ in range(attempts):
        first = client.as_(tokens).get("/api/v1/me")
        hits = cache.hits
        again = client.as_(tokens).get("/api/v1/me")
        assert again.status_code == 200
        if cache.hits == hits + 1:
            assert again.json == first.json
            return again.json
        time.sleep(0.25)
    raise AssertionError(f"the second /me never came from the cache in {attempts} tries")


def claims(tokens):
    return jwt.decode(tokens["access_token"], options={"verify_signature": False})


def test_me_comes_from_the_cache_with_an_etag_and_a_304_and_the_token_is_still_checked(gateway, login):
    client, app = gateway()
    member = login("hanoi.member")
    cache = listening(client, app, member)
    me = cached_me(client, cache, member)
    assert me["user"]["username"] == "hanoi.member"
    answer = client.as_(member).get("/api/v1/me")
    etag = answer.headers["ETag"]
    assert answer.headers["Cache-Control"] == "private, no-cache" and "Authorization" in answer.headers["Vary"]
    unchanged = client.as_(member).get("/api/v1/me", headers={"If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged.headers["ETag"] == etag and not unchanged.data
    # The ETag is no key: without a good token the answer is 401, cached or not.
    assert client.get("/api/v1/me", headers={"If-None-Match": etag}).status_code == 401
    forged = member["access_token"][:-4] + ("AAAA" if not member["access_token"].endswith("AAAA") else "BBBB")
    assert client.as_(forged).get("/api/v1/me", headers={"If-None-Match": etag}).status_code == 401


def test_a_profile_change_through_this_gateway_is_seen_at_once(gateway, login):
    """No relay runs: no fact reaches the gateway; its own write drops the entry."""
    client, app = gateway()
    member, admin = login("hanoi.member"), login("hanoi.admin")
    cache = listening(client, app, member, admin)
    me = cached_me(client, cache, member)
    etag = client.as_(member).get("/api/v1/me").headers["ETag"]
    renamed = client.as_(admin).patch(
        f"/api/v1/users/{me['user']['id']}", json={"full_name": "Đỗ Thị Lan Anh", "phone": "0912 345 678"}
    )
    assert renamed.status_code == 200
    after = client.as_(member).get("/api/v1/me", headers={"If-None-Match": etag})
    assert after.status_code == 200 and after.headers["ETag"] != etag
    assert (after.json["user"]["full_name"], after.json["user"]["phone"]) == ("Đỗ Thị Lan Anh", "0912 345 678")


def test_a_sign_in_through_this_gateway_shows_its_time_at_once(gateway, demo):
    client, app = gateway()
    first = client.login("hanoi.member", demo["demo"])
    cache = listening(client, app, first)
    before = cached_me(client, cache, first)["user"]["last_login_at"]
    second = client.login("hanoi.member", demo["demo"])
    for tokens in (first, second):
        assert client.as_(tokens).get("/api/v1/me").json["user"]["last_login_at"] > before


def test_a_tenant_rename_through_this_gateway_is_seen_at_once_in_me_and_the_lists(gateway, login):
    client, app = gateway()
    admin, office = login("hanoi.admin"), login("admin")
    cache = listening(client, app, admin, office)
    tenant = cached_me(client, cache, admin)["tenant"]
    assert client.as_(admin).get("/api/v1/tenants").json["items"][0]["name"] == tenant["name"]
    office_list = client.as_(office).get("/api/v1/tenants?per_page=100").json
    assert tenant["id"] in [t["id"] for t in office_list["items"]]
    renamed = client.as_(admin).patch(f"/api/v1/tenants/{tenant['id']}", json={"name": "Liên đoàn Lao động Thủ đô"})
    assert renamed.status_code == 200
    assert client.as_(admin).get("/api/v1/me").json["tenant"]["name"] == "Liên đoàn Lao động Thủ đô"
    assert client.as_(admin).get("/api/v1/tenants").json["items"][0]["name"] == "Liên đoàn Lao động Thủ đô"
    names = {t["id"]: t["name"] for t in client.as_(office).get("/api/v1/tenants?per_page=100").json["items"]}
    assert names[tenant["id"]] == "Liên đoàn Lao động Thủ đô"


def test_changes_made_through_another_gateway_are_seen_by_accounts_facts(gateway, login, relay):
    reader, reader_app = gateway()
    writer, _ = gateway()
    relay("accounts")
    member, admin, office = login("hanoi.member"), login("hanoi.admin"), login("admin")
    cache = listening(reader, reader_app, member, admin, office)
    me = cached_me(reader, cache, member)
    user_id, tenant_id = me["user"]["id"], me["tenant"]["id"]
    reader.as_(office).get("/api/v1/tenants?per_page=100")
    assert reader.as_(office).get("/api/v1/tenants?per_page=100").status_code == 200

    # A profile change: accounts.user_updated.
    assert writer.as_(admin).patch(f"/api/v1/users/{user_id}", json={"full_name": "Đỗ Lan"}).status_code == 200
    wait_for(
        lambda: reader.as_(member).get("/api/v1/me").json["user"]["full_name"] == "Đỗ Lan",
        timeout=DEADLINE,
        message="the other gateway to drop the renamed user's /me",
    )
    # The tenant renamed: accounts.tenant_updated, in /me and in every list.
    assert writer.as_(admin).patch(f"/api/v1/tenants/{tenant_id}", json={"name": "LĐLĐ Thủ đô"}).status_code == 200
    wait_for(
        lambda: reader.as_(member).get("/api/v1/me").json["tenant"]["name"] == "LĐLĐ Thủ đô",
        timeout=DEADLINE,
        message="the other gateway to drop /me after the tenant's rename",
    )
    listed = reader.as_(office).get("/api/v1/tenants?per_page=100").json["items"]
    assert {t["id"]: t["name"] for t in listed}[tenant_id] == "LĐLĐ Thủ đô"

    # New roles: the old token is refused (the session check runs before the cache) and the
    # renewed token's /me shows the new roles.
    assert cached_me(reader, cache, member)["user"]["roles"] == ["member"]
    promoted = writer.as_(admin).patch(f"/api/v1/users/{user_id}", json={"roles": ["member", "contributor"]})
    assert promoted.status_code == 200
    wait_for(lambda: reader.as_(member).get("/api/v1/me").status_code == 401, timeout=DEADLINE, message="401")
    renewed = reader.post("/api/v1/auth/refresh", json={"refresh_token": member["refresh_token"]}).json
    assert reader.as_(renewed).get("/api/v1/me").json["user"]["roles"] == ["contributor", "member"]

    # A deactivation: refused at once, however fresh the cached answer.
    assert cached_me(reader, cache, renewed)["user"]["status"] == "active"
    assert writer.as_(admin).patch(f"/api/v1/users/{user_id}", json={"status": "deactivated"}).status_code == 200
    refused = wait_for(
        lambda: (r := reader.as_(renewed).get("/api/v1/me")).status_code == 401 and r,
        timeout=DEADLINE,
        message="the deactivated user's token to be refused",
    )
    assert refused.json["code"] == "SESSION_REVOKED"


def test_an_actor_never_gets_another_actors_cached_answer(gateway, login):
    client, app = gateway()
    people = ["hanoi.member", "hanoi.admin", "danang.admin", "admin"]
    tokens = {who: login(who) for who in people}
    cache = listening(client, app, *tokens.values())
    for _ in range(2):  # the second round from the cache
        for who in people:
            me = client.as_(tokens[who]).get("/api/v1/me").json
            assert me["user"]["username"] == who and me["user"]["id"] == claims(tokens[who])["sub"]
            assert me["tenant"]["id"] == claims(tokens[who])["tenant_id"]
    lists = {who: client.as_(tokens[who]).get("/api/v1/tenants").json for who in people}
    again = {who: client.as_(tokens[who]).get("/api/v1/tenants").json for who in people}
    assert again == lists and cache.hits >= 2 * len(people)
    for who in ("hanoi.member", "hanoi.admin", "danang.admin"):
        assert [t["id"] for t in lists[who]["items"]] == [claims(tokens[who])["tenant_id"]]
    assert lists["admin"]["total"] > 2
    etag = client.as_(tokens["admin"]).get("/api/v1/tenants").headers["ETag"]
    assert client.as_(tokens["admin"]).get("/api/v1/tenants", headers={"If-None-Match": etag}).status_code == 304
    # Another tenant's administrator showing that ETag gets its own list, not a 304.
    other = client.as_(tokens["hanoi.admin"]).get("/api/v1/tenants", headers={"If-None-Match": etag})
    assert other.status_code == 200 and other.json == lists["hanoi.admin"]
    # One query's answer is not another's.
    first, second = (client.as_(tokens["admin"]).get(f"/api/v1/tenants?per_page=2&page={p}").json for p in (1, 2))
    assert first["page"] == 1 and second["page"] == 2 and first["items"] != second["items"]
    assert client.as_(tokens["admin"]).get("/api/v1/tenants?bogus=1").status_code == 422


def test_with_the_cache_off_the_answers_are_the_same(gateway, login):
    on, on_app = gateway()
    off, off_app = gateway(accounts_cache_ttl=0)
    member, office = login("hanoi.member"), login("admin")
    cache = listening(on, on_app, member)
    for path in ("/api/v1/me", "/api/v1/tenants?per_page=5&kind=provincial_federation", "/api/v1/tenants"):
        for tokens in (member, office):
            on.as_(tokens).get(path)
            cached, direct = on.as_(tokens).get(path), off.as_(tokens).get(path)
            assert cached.status_code == direct.status_code == 200
            assert cached.json == direct.json and cached.headers["ETag"] == direct.headers["ETag"], path
    assert cache.hits > 0 and off_app.extensions["public_cache"].hits == 0
    etag = off.as_(member).get("/api/v1/me").headers["ETag"]
    assert off.as_(member).get("/api/v1/me", headers={"If-None-Match": etag}).status_code == 304
