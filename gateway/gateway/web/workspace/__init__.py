"""The staff workspace under ``/quan-tri/``: one blueprint per kind of work (issues 14 and 15),
on the same web layer as the portal (cookie sessions, CSRF, Vietnamese pages, the API's RPCs)."""

MODULES = (
    "home",
    "articles",
    "desk",
    "documents",
    "quotas",
    "royalties",
    "questions",
    "moderation",
    "polls",
    "members",
    "members_imports",
    "reports",
    "coverage",
    "tenants",
    "units",
    "unit_admins",
    "users",
    "personnel",
    "media",
    "site",
    "notifications",
)


def blueprints():
    from importlib import import_module

    return [import_module(f"gateway.web.workspace.{name}").bp for name in MODULES]
