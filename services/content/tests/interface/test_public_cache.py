"""The gateway answers public pages from its cache, and a publication event clears it."""

import pytest

from platform_shared.testing.waiting import wait_for

NEWS = {
    "section": "news",
    "genre": "news",
    "title": "Tổng Liên đoàn phát động Tháng Công nhân 2027",
    "body": "<p>Chủ đề năm nay: Đoàn kết, đổi mới, phát triển.</p>",
}


@pytest.fixture
def cached_api(make_gateway, client_of):
    app = make_gateway(public_cache_ttl=300)
    return client_of(app), app.extensions["public_cache"]
    app.extensions["rpc"].close()


def publish(api, login, title):
    contributor, editor = api.as_(login("hanoi.contributor")), api.as_(login("laodong.editor"))
    article = contributor.post("/api/v1/articles", json={**NEWS, "title": title}).json
    contributor.post(f"/api/v1/articles/{article['id']}/submit")
    for action in ("open", "approve", "publish"):
        editor.post(f"/api/v1/articles/{article['id']}/{action}")
    return article


def test_public_lists_are_served_from_the_cache_until_a_publication(api, login, content_service, relay, cached_api):
    public, cache = cached_api
    relay("content")
    first = publish(api, login, "Tổng Liên đoàn phát động Tháng Công nhân 2027")
    public.get("/api/v1/public/articles")  # the listener starts with the first public request
    wait_for(lambda: cache.connected, message="the cache to listen to content's events")
    wait_for(lambda: public.get("/api/v1/public/articles").json["total"] == 1, message="the first item")

    def from_the_cache():
        # The first publication's fact may still be on its way (the listener can connect after
        # the relay read the outbox, the answer already showing the item): a repeat is a hit
        # once nothing more is heard.
        hits = cache.hits
        answer = public.get("/api/v1/public/articles")
        return answer.json["total"] == 1 and cache.hits == hits + 1 and answer  # no RPC: the cached answer

    again = wait_for(from_the_cache, message="a repeat answered from the cache")
    assert public.get("/api/v1/public/articles", headers={"If-None-Match": again.headers["ETag"]}).status_code == 304

    publish(api, login, "Công đoàn Hà Nội trao 1.000 suất quà cho công nhân")
    listed = wait_for(
        lambda: (r := public.get("/api/v1/public/articles").json)["total"] == 2 and r,
        message="the cache to be cleared by the publication",
    )
    assert listed["items"][1]["id"] == first["id"]
    new = public.get("/api/v1/public/articles")
    assert new.headers["ETag"] != again.headers["ETag"]
