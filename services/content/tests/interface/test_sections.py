"""A tenant's sub-site sections through the gateway: described, moved up and down the menu,
hidden and shown again — each change recorded as ``content.site_updated`` for the public cache."""

from sqlalchemy import select

from platform_shared.contracts import content as contracts
from platform_shared.tables import outbox


def site_facts(databases):
    with databases.sessions("content").transaction() as session:
        return session.execute(select(outbox.c.payload).where(outbox.c.event_type == contracts.SITE_UPDATED)).all()


def test_a_sub_sites_menu_is_ordered_described_and_hidden_by_its_administrator(api, login, content_service, databases):
    hanoi = api.as_(login("hanoi.admin"))
    made = {}
    for key, name in (("tin-co-so", "Tin cơ sở"), ("phap-luat", "Pháp luật"), ("van-hoa", "Văn hóa")):
        answer = hanoi.post(
            "/api/v1/sections", json={"key": key, "name": name, "description": f"Mục {name} của Hà Nội"}
        )
        assert answer.status_code == 201, answer.json
        made[key] = answer.json
    assert made["tin-co-so"]["description"] == "Mục Tin cơ sở của Hà Nội"
    # Every section starts at 0: the menu is by name until one moves, then numbered 10, 20, 30.
    menu = lambda: [(e["key"], e["menu_order"]) for e in api.get("/api/v1/public/sites/ha-noi").json["menu"]]  # noqa: E731
    assert [k for k, _ in menu()] == ["phap-luat", "tin-co-so", "van-hoa"]

    moved = hanoi.patch(f"/api/v1/sections/{made['van-hoa']['id']}", json={"move": "up"})
    assert moved.status_code == 200 and moved.json["menu_order"] == 20
    assert menu() == [("phap-luat", 10), ("van-hoa", 20), ("tin-co-so", 30)]
    assert hanoi.patch(f"/api/v1/sections/{made['phap-luat']['id']}", json={"move": "up"}).status_code == 200
    assert [k for k, _ in menu()] == ["phap-luat", "van-hoa", "tin-co-so"]  # the first stays first
    hanoi.patch(f"/api/v1/sections/{made['phap-luat']['id']}", json={"move": "down"})
    assert [k for k, _ in menu()] == ["van-hoa", "phap-luat", "tin-co-so"]

    both = hanoi.patch(f"/api/v1/sections/{made['van-hoa']['id']}", json={"move": "down", "menu_order": 5})
    assert both.status_code == 422 and "move" in both.json["errors"]
    sideways = hanoi.patch(f"/api/v1/sections/{made['van-hoa']['id']}", json={"move": "left"})
    assert sideways.status_code == 422 and "move" in sideways.json["errors"]

    hidden = hanoi.patch(f"/api/v1/sections/{made['van-hoa']['id']}", json={"status": "archived", "description": None})
    assert hidden.status_code == 200 and hidden.json["description"] is None
    assert [k for k, _ in menu()] == ["phap-luat", "tin-co-so"]
    hanoi.patch(f"/api/v1/sections/{made['van-hoa']['id']}", json={"status": "active"})
    assert [k for k, _ in menu()] == ["van-hoa", "phap-luat", "tin-co-so"]  # back in its place

    danang = api.as_(login("danang.admin"))
    assert danang.patch(f"/api/v1/sections/{made['van-hoa']['id']}", json={"move": "down"}).status_code == 404

    facts = [row.payload for row in site_facts(databases)]
    assert len(facts) == 3 + 5  # three created, five changes that were applied
    for fact in facts:
        contracts.SiteUpdated().load(fact)
        assert fact["reason"] == "sections" and fact["tenant_id"] == made["tin-co-so"]["tenant_id"]
