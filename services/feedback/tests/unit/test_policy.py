"""Who may do what with feedback: the rules of policy.py on their own."""

import uuid

import pytest

from feedback import policy
from platform_shared.actor import SYSTEM, Actor
from platform_shared.errors import Forbidden, Unauthorized

HN, DN = str(uuid.uuid4()), str(uuid.uuid4())


def actor(tenant, *roles):
    return Actor(user_id=str(uuid.uuid4()), tenant_id=tenant, roles=frozenset(roles))


def test_the_semiannual_figures_are_for_the_system_platform_admins_and_the_tenants_own_admin():
    policy.require_figures_reader(SYSTEM, HN)
    policy.require_figures_reader(actor(None, "platform_admin"), HN)
    policy.require_figures_reader(actor(HN, "tenant_admin"), HN)
    for someone in (actor(DN, "tenant_admin"), actor(HN, "responder"), actor(HN, "member")):
        with pytest.raises(Forbidden):
            policy.require_figures_reader(someone, HN)
    with pytest.raises(Unauthorized):
        policy.require_figures_reader(Actor.anonymous(), HN)


def test_approving_answers_is_for_tenant_admins_not_responders():
    policy.require_approver(actor(HN, "tenant_admin"))
    with pytest.raises(Forbidden):
        policy.require_approver(actor(HN, "responder"))


def test_members_and_moderators_do_not_work_questions():
    for roles in (("member",), ("moderator",), ("editor",)):
        with pytest.raises(Forbidden):
            policy.require_question_staff(actor(HN, *roles))


def test_comment_settings_central_for_platform_admins_sub_sites_for_their_own_admin():
    assert policy.may_set_comment_section(actor(None, "platform_admin"), "portal")
    assert not policy.may_set_comment_section(actor(HN, "tenant_admin"), "portal")
    assert policy.may_set_comment_section(actor(HN, "tenant_admin"), HN)
    assert not policy.may_set_comment_section(actor(DN, "tenant_admin"), HN)
    assert not policy.may_set_comment_section(actor(HN, "moderator"), HN)


def test_approving_publishing_and_unpublishing_are_the_admins_other_steps_any_staffs():
    for action in ("approve", "publish", "unpublish"):
        policy.require_question_action(actor(HN, "tenant_admin"), action)
        with pytest.raises(Forbidden):
            policy.require_question_action(actor(HN, "responder"), action)
    for action in ("assign", "answer", "reject", "transfer"):
        policy.require_question_action(actor(HN, "responder"), action)
        with pytest.raises(Forbidden):
            policy.require_question_action(actor(HN, "moderator"), action)


def test_only_an_active_responder_or_admin_of_the_questions_tenant_is_assigned():
    def user(tenant=HN, status="active", roles=("responder",)):
        return {"tenant_id": tenant, "status": status, "roles": list(roles)}

    assert policy.may_answer_for(user(), HN)
    assert policy.may_answer_for(user(roles=("tenant_admin",)), uuid.UUID(HN))
    for someone in (None, user(tenant=DN), user(status="locked"), user(roles=("member", "moderator"))):
        assert not policy.may_answer_for(someone, HN)


def test_anyone_signed_in_comments_a_guest_only_where_the_section_allows_guests():
    assert policy.may_comment(actor(HN, "member"), guests_allowed=False)
    assert not policy.may_comment(Actor.anonymous(), guests_allowed=False)
    assert policy.may_comment(Actor.anonymous(), guests_allowed=True)
