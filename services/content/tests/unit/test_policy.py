"""The articles' access table (``content.policy.ARTICLES``), decided in full without a database:
every kind of person × every action × the article's state → allowed, 403 or 404.

The article is a Hà Nội news item (the central ``news`` section, reviewed by the Lao Động
desk) written by a Hà Nội contributor with a co-author."""

import uuid

import pytest

from content import policy
from content.articles.models import Article
from platform_shared.actor import ROLES, SYSTEM, Actor
from platform_shared.errors import Forbidden, NotFound

HANOI, DANANG, LAODONG, TUYENGIAO, OFFICE = (str(uuid.uuid4()) for _ in range(5))
AUTHOR, COAUTHOR = str(uuid.uuid4()), str(uuid.uuid4())
NEWS_DESK = policy.Desk("news", "central", LAODONG)


def person(tenant, *roles, user=None):
    return Actor(user or str(uuid.uuid4()), tenant, frozenset(roles))


PEOPLE = {
    "platform admin": person(OFFICE, "platform_admin"),
    "tenant admin": person(HANOI, "tenant_admin"),
    "editor of the tenant": person(HANOI, "editor"),
    "editor of the desk": person(LAODONG, "editor"),
    "editor of the other desk": person(TUYENGIAO, "editor"),
    "contributor, author": person(HANOI, "contributor", user=AUTHOR),
    "contributor, co-author": person(HANOI, "contributor", user=COAUTHOR),
    "contributor, other": person(HANOI, "contributor"),
    "member": person(HANOI, "member"),
    "responder": person(HANOI, "responder"),
    "moderator": person(HANOI, "moderator"),
    "royalty officer": person(HANOI, "royalty_officer"),
    "another tenant's admin": person(DANANG, "tenant_admin"),
    "another tenant's editor": person(DANANG, "editor"),
}

# Each column: an action, on the article in a state where the workflow allows it.
COLUMNS = [
    ("get", "draft"),
    ("get", "submitted"),
    ("get", "published"),
    ("revisions", "draft"),
    ("revisions", "submitted"),
    ("revisions", "published"),
    ("update", "draft"),
    ("update", "in_review"),
    ("submit", "draft"),
    ("open", "submitted"),
    ("return", "in_review"),
    ("reject", "in_review"),
    ("approve", "in_review"),
    ("schedule", "approved"),
    ("publish", "approved"),
    ("unpublish", "published"),
    ("correct", "published"),
]
# A: allowed, F: 403 (may read it, may not do this), N: 404 (may not read it: no answer tells it exists).
DECIDED = """
                          get  revisions  update  submit  open return reject approve schedule publish unpublish correct
                          d s p  d s p    d  r    d       s    r      r      r       a        a       p         p
platform admin            A A A  A A A    F  F    F       F    F      F      F       F        F       F         F
tenant admin              A A A  A A A    A  F    A       F    F      F      F       F        F       F         F
editor of the tenant      A A A  A A A    A  F    A       F    F      F      F       F        F       F         F
editor of the desk        N A A  N A A    N  A    N       A    A      A      A       A        A       A         A
editor of the other desk  N N N  N N N    N  N    N       N    N      N      N       N        N       N         N
contributor, author       A A A  A A A    A  F    A       F    F      F      F       F        F       F         F
contributor, co-author    A A A  A A A    A  F    A       F    F      F      F       F        F       F         F
contributor, other        N N A  N N F    N  N    N       N    N      N      N       N        N       F         F
member                    N N A  N N F    N  N    N       N    N      N      N       N        N       F         F
responder                 N N A  N N F    N  N    N       N    N      N      N       N        N       F         F
moderator                 N N A  N N F    N  N    N       N    N      N      N       N        N       F         F
royalty officer           N N A  N N F    N  N    N       N    N      N      N       N        N       F         F
another tenant's admin    N N N  N N N    N  N    N       N    N      N      N       N        N       N         N
another tenant's editor   N N N  N N N    N  N    N       N    N      N      N       N        N       N         N
"""
OUTCOME = {"A": "allowed", "F": "forbidden", "N": "not_found"}


def article(status, tenant=HANOI, created_by=AUTHOR):
    return Article(
        id=uuid.uuid4(),
        tenant_id=uuid.UUID(tenant),
        status=status,
        created_by=uuid.UUID(created_by),
        authors=[
            {"user_id": AUTHOR, "pen_name": "Trần Văn Bình", "share": 60},
            {"user_id": COAUTHOR, "pen_name": "Lê Minh", "share": 40},
        ],
    )


def decided():
    """``{who: {(action, status): outcome}}`` read from ``DECIDED`` (the status line: d draft,
    s submitted, p published, r in review, a approved)."""
    rows = {}
    for line in DECIDED.strip("\n").splitlines()[2:]:
        who, codes = line[:26].strip(), line[26:].split()
        rows[who] = {column: OUTCOME[code] for column, code in zip(COLUMNS, codes, strict=True)}
    return rows


def test_the_table_names_everyone():
    assert set(decided()) == set(PEOPLE)


@pytest.mark.parametrize("who", list(PEOPLE))
def test_the_decided_table(who):
    actor = PEOPLE[who]
    found = {
        (action, status): policy.decide(actor, action, policy.relation(actor, article(status), NEWS_DESK))
        for action, status in COLUMNS
    }
    assert found == decided()[who]


@pytest.mark.parametrize("who", list(PEOPLE))
def test_a_list_shows_what_get_reads_and_a_diff_follows_the_revisions(who):
    actor = PEOPLE[who]
    for status in ("draft", "submitted", "in_review", "returned", "rejected", "approved", "published", "unpublished"):
        rel = policy.relation(actor, article(status), NEWS_DESK)
        assert policy.may(actor, "list", rel) == policy.may(actor, "get", rel), status
        assert policy.decide(actor, "diff", rel) == policy.decide(actor, "revisions", rel), status


def test_every_role_has_its_row_and_every_cell_names_a_known_action():
    assert set(policy.ARTICLES) == set(ROLES)
    for role, row in policy.ARTICLES.items():
        assert set(row) <= set(policy.ACTIONS), role
        assert row["get"] is row["list"], role
        assert row["get"].where is not None, role  # reading is also an SQL filter
    assert set(policy.REFUSALS) == set(policy.ACTIONS) - {"get", "list"}


@pytest.mark.parametrize(
    "status, allowed",
    [
        ("draft", ["update", "submit"]),
        ("returned", ["update", "submit"]),
        ("submitted", ["update", "submit"]),  # the workflow then says 409
        ("in_review", ["submit"]),  # the desk has it
        ("published", ["update", "submit"]),
    ],
)
def test_the_author_side_writes_until_the_desk_has_the_article(status, allowed):
    author = PEOPLE["contributor, author"]
    rel = policy.relation(author, article(status), NEWS_DESK)
    assert [a for a in policy.AUTHORING if policy.may(author, a, rel)] == allowed


@pytest.mark.parametrize(
    "status, may_edit", [("draft", False), ("returned", False), ("submitted", True), ("in_review", True)]
)
def test_the_desk_edits_what_was_submitted_to_it_never_what_is_back_with_the_author(status, may_edit):
    rel = policy.Relation(status=status, own_tenant=False, author=False, desk=True)
    assert policy.may(PEOPLE["editor of the desk"], "update", rel) is may_edit


def test_a_tenants_editors_are_the_desk_of_its_own_sub_site_sections():
    sub_site = policy.Desk("tin-co-so", "component", HANOI)
    editor, admin = PEOPLE["editor of the tenant"], PEOPLE["tenant admin"]
    for action in policy.REVIEWING:
        rel = policy.relation(editor, article("submitted"), sub_site)
        assert policy.decide(editor, action, rel) == "allowed"
        assert policy.decide(admin, action, policy.relation(admin, article("submitted"), sub_site)) == "forbidden"
    central_editor = PEOPLE["editor of the desk"]
    assert policy.decide(central_editor, "get", policy.relation(central_editor, article("submitted"), sub_site)) == (
        "not_found"
    )


def test_authorship_is_the_creator_or_a_listed_author_of_the_same_tenant():
    foreign_coauthor = person(DANANG, "contributor", user=COAUTHOR)  # listed, but of another tenant
    assert policy.relation(foreign_coauthor, article("draft"), NEWS_DESK).author is False
    assert policy.decide(foreign_coauthor, "get", policy.relation(foreign_coauthor, article("draft"), NEWS_DESK)) == (
        "not_found"
    )
    creator = person(HANOI, "contributor")
    assert policy.relation(creator, article("draft", created_by=creator.user_id), NEWS_DESK).author is True


def test_roles_add_up():
    writer_and_member = person(HANOI, "member", "contributor", user=AUTHOR)
    rel = policy.relation(writer_and_member, article("draft"), NEWS_DESK)
    assert [a for a in policy.ACTIONS if policy.may(writer_and_member, a, rel)] == [
        "get",
        "list",
        "revisions",
        "diff",
        "update",
        "submit",
    ]
    nobody = person(HANOI)
    assert policy.decide(nobody, "get", policy.relation(nobody, article("published"), NEWS_DESK)) == "not_found"


def test_the_system_may_do_anything():
    rel = policy.relation(SYSTEM, article("draft"), NEWS_DESK)
    assert all(policy.decide(SYSTEM, action, rel) == "allowed" for action in policy.ACTIONS)


def test_require_raises_404_or_403_with_the_refusal_of_the_action():
    draft, in_review, published = article("draft"), article("in_review"), article("published")
    with pytest.raises(NotFound) as hidden:
        policy.require(PEOPLE["member"], "get", draft, NEWS_DESK)
    assert hidden.value.code == "ARTICLE_NOT_FOUND"
    with pytest.raises(Forbidden) as other:
        policy.require(PEOPLE["contributor, other"], "revisions", published, NEWS_DESK)
    assert other.value.code == "REVISIONS_NOT_ALLOWED"
    with pytest.raises(Forbidden) as colleague:
        policy.require(PEOPLE["editor of the tenant"], "update", in_review, NEWS_DESK)
    assert colleague.value.code == "DESK_EDITOR_REQUIRED"
    with pytest.raises(Forbidden) as admin:
        policy.require(PEOPLE["tenant admin"], "publish", article("approved"), NEWS_DESK)
    assert admin.value.code == "DESK_EDITOR_REQUIRED"
    with pytest.raises(Forbidden) as operator:
        policy.require(PEOPLE["platform admin"], "submit", draft, NEWS_DESK)
    assert operator.value.code == "AUTHOR_SIDE_REQUIRED"
    assert policy.require(PEOPLE["contributor, co-author"], "submit", draft, NEWS_DESK).author is True


@pytest.mark.parametrize("who", list(PEOPLE))
def test_the_reading_filter_is_sql_for_every_person(who):
    """Compiles for both databases (its agreement with ``get`` is shown end to end, in tests/api)."""
    from sqlalchemy.dialects import postgresql, sqlite

    clause = policy.visible_articles(PEOPLE[who], [uuid.uuid4()])
    for dialect in (postgresql.dialect(), sqlite.dialect()):
        assert str(clause.compile(dialect=dialect))
