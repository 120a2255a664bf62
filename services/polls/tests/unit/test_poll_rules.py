"""The plain rules of polls: answer checks, eligibility over the tenant tree, results with
small groups suppressed, the workflow, and local times."""

from collections import Counter
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from platform_shared.errors import Conflict, InvalidInput
from platform_shared.schemas import load
from platform_shared.schemas.polls import AnswerProblem, PollCreate, check_answers
from polls import domain

QUESTIONS = domain.normalise_questions(
    [
        {"text": "Một", "kind": "single", "options": [{"label": "A"}, {"label": "B"}]},
        {
            "text": "Nhiều",
            "kind": "multiple",
            "max_choices": 2,
            "options": [{"label": "A"}, {"label": "B"}, {"label": "C"}],
        },
        {"text": "Thang", "kind": "rating"},
        {"text": "Tự do", "kind": "text", "required": False},
        {
            "text": "Ma trận",
            "kind": "matrix",
            "rows": [{"label": "X"}, {"label": "Y"}],
            "options": [{"label": "Tốt"}, {"label": "Kém"}],
        },
    ]
)
GOOD = {"q1": "o2", "q2": ["o1", "o3"], "q3": 3, "q5": {"r1": "o1", "r2": "o2"}}


def test_a_well_formed_response_is_kept_as_it_is():
    assert check_answers(QUESTIONS, {**GOOD, "q4": "  Cần   nhà trẻ  "}) == {**GOOD, "q4": "Cần nhà trẻ"}


@pytest.mark.parametrize(
    "change, question",
    [
        ({"q1": "o7"}, "q1"),
        ({"q1": ["o1"]}, "q1"),
        ({"q2": ["o1", "o2", "o3"]}, "q2"),
        ({"q2": ["o1", "o1"]}, "q2"),
        ({"q3": 0}, "q3"),
        ({"q3": True}, "q3"),
        ({"q3": "4"}, "q3"),
        ({"q4": 5}, "q4"),
        ({"q4": "x" * 2001}, "q4"),
        ({"q5": {"r1": "o1"}}, "q5"),
        ({"q5": {"r1": "o1", "r3": "o1"}}, "q5"),
        ({"q5": {"r1": "o1", "r2": "o9"}}, "q5"),
        ({"q1": None}, "q1"),
        ({"q2": []}, "q2"),
    ],
)
def test_a_wrong_answer_is_refused_naming_its_question(change, question):
    with pytest.raises(AnswerProblem) as refused:
        check_answers(QUESTIONS, {**GOOD, **change})
    assert list(refused.value.errors) == [f"answers.{question}"]
    assert f"({question})" in refused.value.message


def test_every_wrong_question_is_named_at_once():
    with pytest.raises(AnswerProblem) as refused:
        check_answers(QUESTIONS, {"q1": "o9", "q9": 1})
    assert set(refused.value.errors) == {"answers.q1", "answers.q2", "answers.q3", "answers.q5", "answers.q9"}


def test_a_definition_is_checked_by_question_kind():
    base = {"title": "Phiếu", "opens_at": "2026-12-01T08:00:00", "closes_at": "2026-12-10T17:00:00"}
    with pytest.raises(InvalidInput) as refused:
        load(PollCreate, {**base, "questions": [{"text": "?", "kind": "single", "options": [{"label": "A"}]}]})
    assert "options" in str(refused.value.details["errors"]["questions"])
    with pytest.raises(InvalidInput):
        load(PollCreate, {**base, "questions": [{"text": "?", "kind": "text", "max_choices": 2}]})
    with pytest.raises(InvalidInput) as backwards:
        load(PollCreate, {**base, "closes_at": "2026-11-30T08:00:00", "questions": [{"text": "?", "kind": "text"}]})
    assert "closes_at" in backwards.value.details["errors"]
    loaded = load(PollCreate, {**base, "questions": [{"text": "?", "kind": "rating", "scale_max": 10}]})
    assert loaded["opens_at"] == datetime(2026, 12, 1, 1, 0, tzinfo=UTC)  # 08:00 in Hà Nội is 01:00 UTC


TREE = {
    "tld": {"parent_id": None},
    "hn": {"parent_id": "tld"},
    "hn-kcn": {"parent_id": "hn"},
    "dn": {"parent_id": "tld"},
    "old": {"parent_id": "tld", "merged_into_id": "hn"},
}


def test_eligibility_covers_the_subtree_and_merged_tenants_whose_survivor_is_in_it():
    assert domain.eligible_tenants(TREE, ["hn"]) == {"hn", "hn-kcn", "old"}
    assert domain.eligible_tenants(TREE, ["old"]) == {"hn", "hn-kcn", "old"}
    assert domain.eligible_tenants(TREE, ["dn"]) == {"dn"}
    assert domain.eligible_tenants(TREE, ["tld"]) == set(TREE)


def test_the_audiences_reaching_a_tenant_are_those_that_make_it_eligible():
    assert domain.audiences_reaching(TREE, "hn-kcn") == {"hn-kcn", "hn", "tld", "old"}
    assert domain.audiences_reaching(TREE, "old") == {"old", "hn", "tld"}
    assert domain.audiences_reaching(TREE, "dn") == {"dn", "tld"}
    assert domain.audiences_reaching(TREE, "unknown") == {"unknown"}
    assert domain.audiences_reaching(TREE, None) == set()


IDS = ("a", "b", "c", "d", "e", "f")


@st.composite
def trees(draw):
    """Small tenant copies with any parents (cycles and dangling ids included) and merges that,
    as in the accounts service, never come back to a tenant (a merge goes to a later id here)."""
    known = draw(st.lists(st.sampled_from(IDS), unique=True, max_size=len(IDS)))
    parent = st.one_of(st.none(), st.sampled_from(IDS))
    return {
        t: {
            "parent_id": draw(parent),
            "merged_into_id": draw(st.one_of(st.none(), st.sampled_from(IDS[IDS.index(t) + 1 :] or (None,)))),
        }
        for t in known
    }


@settings(max_examples=300, deadline=None)
@given(trees(), st.sampled_from(IDS))
def test_a_tenant_is_eligible_exactly_for_the_audiences_reaching_it(tree, tenant):
    reaching = domain.audiences_reaching(tree, tenant)
    for audience in IDS:
        assert (tenant in domain.eligible_tenants(tree, [audience])) == (audience in reaching), audience


def test_results_suppress_questions_and_tenants_under_five_respondents():
    tallies = Counter()
    for i in range(6):
        domain.tally_response(tallies, "hn" if i < 4 else "dn", QUESTIONS, {**GOOD, "q1": "o1" if i % 3 else "o2"})
    overall = Counter()
    for (_, q, r, o), n in tallies.items():
        overall[(q, r, o)] += n
    poll = {"id": "p", "title": "T", "status": "open", "opens_at": "", "closes_at": "", "questions": QUESTIONS}
    now = datetime(2026, 12, 1, tzinfo=UTC)
    results = domain.build_results(poll, overall, by_tenant=[("hn", "Hà Nội", 4), ("dn", "Đà Nẵng", 2)], now=now)
    single = results["questions"][0]
    assert results["respondents"] == 6 and single["suppressed"] is False
    assert [(o["count"], o["percent"]) for o in single["options"]] == [(4, 66.7), (2, 33.3)]
    assert results["questions"][2]["mean"] == 3.0
    # nobody wrote free text: a group under five shows no count at all
    assert results["questions"][3]["suppressed"] is True and results["questions"][3]["text_answers"] is None
    assert all(row["suppressed"] and row["respondents"] is None for row in results["by_tenant"])
    assert results["generated_at"].endswith("+07:00")

    few_tallies = Counter({("", "", ""): 3, ("q1", "", ""): 3, ("q1", "", "o1"): 3})
    few = domain.build_results(poll, few_tallies, now=now)
    assert few["questions"][0]["suppressed"] is True and few["questions"][0]["respondents"] is None
    assert [o["count"] for o in few["questions"][0]["options"]] == [None, None]
    assert few["respondents"] == 3 and few["suppressed"] is False  # the poll's own total is public
    # One federation's subtree (the VGCL's ?tenant=): its total under five is not shown either,
    # as its row of the breakdown is not.
    scoped = domain.build_results(poll, few_tallies, scoped=True, now=now)
    assert scoped["respondents"] is None and scoped["suppressed"] is True


def test_the_workflow_moves_draft_open_closed_published_only():
    now = datetime(2026, 12, 1, tzinfo=UTC)
    poll = SimpleNamespace(status="draft", closes_at=now + timedelta(days=1), version=1, updated_at=None)
    with pytest.raises(Conflict):
        domain.transition(poll, "publish", now=now)
    domain.transition(poll, "open", now=now)
    domain.transition(poll, "close", now=now + timedelta(hours=1))
    assert poll.closes_at == now + timedelta(hours=1)  # an early close ends the window there
    domain.transition(poll, "publish", now=now + timedelta(hours=2))
    assert poll.status == "published" and poll.version == 4


def test_a_response_received_while_open_counts_even_when_written_after_the_close():
    opens, closes = datetime(2026, 12, 1, tzinfo=UTC), datetime(2026, 12, 2, tzinfo=UTC)
    assert domain.accepting("closed", opens, closes, closes - timedelta(seconds=1)) is None
    assert domain.accepting("closed", opens, closes, closes) == "closed"
    assert domain.accepting("open", opens, closes, opens - timedelta(seconds=1)) == "not_yet_open"
    assert domain.accepting("draft", opens, closes, opens) == "not_open"
