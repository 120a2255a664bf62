"""Rules of the workers' questions: the workflow, tracking codes, deadlines passed. No nameko, no SQL.

The workflow is applied one action at a time to a question (any object with the
question's attributes: the ORM row, or a plain object in a unit test). :func:`apply` checks
the action is allowed from the question's status, changes the question and returns a
:class:`Step`: the line for the question's history and the facts to record in the outbox.
"""

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime

from feedback.questions import answers
from platform_shared.contracts import feedback as events
from platform_shared.errors import Conflict, InvalidInput
from platform_shared.search import search_columns

OPEN = ("received", "assigned", "transferred")
"""Waiting for a first answer: the deadline runs and escalation applies."""
UNFINISHED = (*OPEN, "answered", "approved")
"""Not yet published or rejected: moves with a tenant merge."""

TRANSITIONS = {
    # action: (allowed from, to)
    "assign": (("received", "assigned", "transferred"), "assigned"),
    "answer": (("received", "assigned", "transferred", "answered"), "answered"),
    "approve": (("answered",), "approved"),
    "publish": (("approved",), "published"),
    "unpublish": (("published",), "approved"),
    "reject": (("received", "assigned", "transferred", "answered", "approved"), "rejected"),
    "transfer": (("received", "assigned", "transferred"), "transferred"),
}

MERGE_NOTE = "Đơn vị hợp nhất; câu hỏi chuyển sang đơn vị tiếp nhận"


def allowed_actions(status, may=None):
    """The actions the status allows, in the workflow's order; ``may(action)``: only those the
    reader may do too (their role), else every one."""
    return [
        action for action, (sources, _) in TRANSITIONS.items() if status in sources and (may is None or may(action))
    ]


def check_transition(status, action):
    """The status ``action`` leads to from ``status``; Conflict naming the allowed actions otherwise."""
    sources, target = TRANSITIONS[action]
    if status not in sources:
        allowed = allowed_actions(status)
        raise Conflict(
            f"Không thể thực hiện «{action}» với câu hỏi ở trạng thái «{status}».",
            code="TRANSITION_NOT_ALLOWED",
            details={"allowed_actions": allowed},
        )
    return target


def public_status(status):
    """The asker is not shown the internal review steps: a drafted or approved answer is 'in progress'."""
    return "assigned" if status in ("answered", "approved") else status


def is_overdue(question, now):
    """Still waiting for its first answer after its deadline."""
    return question.status in OPEN and question.due_at < now


def time_left(question, now, calendar):
    """``(working days left, days overdue)`` of a question still waiting for its first answer,
    over ``calendar`` (a ``WorkingCalendar``); ``(None, None)`` once answered or closed.

    Working days left: those after today up to the last day allowed (0: the last day is
    today). Days overdue: calendar days since the last day allowed (the question is late
    from the midnight that ends it)."""
    if question.status not in OPEN or calendar is None:
        return None, None
    if is_overdue(question, now):
        return None, calendar.days_overdue(now, question.due_at)
    return calendar.working_days_left(now, question.due_at), None


# -- what one step does -------------------------------------------------------------------------


@dataclass(frozen=True)
class Destination:
    """Where a transfer sends a question: the tenant chosen (merges followed) and the full
    deadline the question gets there."""

    tenant_id: uuid.UUID
    name: str
    active: bool
    due_at: datetime


@dataclass(frozen=True)
class Step:
    """What one action did: the history line (``action``, ``from_status`` → ``to_status``,
    ``note``) and the facts to record, ``(event type, payload)`` pairs."""

    action: str
    from_status: str | None
    to_status: str
    note: str | None = None
    facts: tuple = ()


def fact(question, **fields):
    """The payload of a question's fact: what every question fact carries, and ``fields``.

    Never the asker's name, phone or e-mail (see ``platform_shared.contracts.feedback``)."""
    return {
        "tenant_id": str(question.tenant_id),
        "question_id": str(question.id),
        "category": question.category,
        "received_at": question.received_at.isoformat(),
        "due_at": question.due_at.isoformat(),
        **fields,
    }


def receive(question, *, from_member):
    """A question was asked: its first history line and the ``question_received`` fact."""
    received = fact(question, from_member=from_member)
    return Step("receive", None, question.status, facts=((events.QUESTION_RECEIVED, received),))


def apply(question, action, payload, *, actor_id, now, destination=None):
    """``action`` (one of ``TRANSITIONS``) done to ``question`` by ``actor_id`` at ``now``; the Step.

    ``payload`` is the action's loaded input (``platform_shared.schemas.feedback``);
    ``destination`` is where a ``transfer`` goes (None: no such tenant). Raises Conflict
    when the question's status does not allow the action (naming those it allows), then
    InvalidInput: nobody to assign, a transfer to an unknown, inactive or the same tenant.
    """
    before = question.status
    target = check_transition(before, action)
    note, facts = _STEPS[action](question, payload, actor_id=actor_id, now=now, destination=destination)
    question.status, question.updated_at = target, now
    return Step(action, before, target, note, tuple(facts))


def _assign(question, payload, *, actor_id, now, **_):
    """To the responder named, or to the actor themselves; the ``question_assigned`` fact tells
    the notifications service whom to tell."""
    question.assigned_to = payload.get("responder_id") or actor_id
    if question.assigned_to is None:
        raise InvalidInput.field("responder_id", "Cần chọn cán bộ trả lời.", code="RESPONDER_REQUIRED")
    assigned = fact(
        question,
        assigned_to=str(question.assigned_to),
        assigned_by=None if actor_id is None else str(actor_id),
        assigned_at=now.isoformat(),
    )
    return None, ((events.QUESTION_ASSIGNED, assigned),)


def _answer(question, payload, *, actor_id, now, **_):
    """A draft answer (the editor's markup sanitised); the first one stops the deadline clock
    (later ones only rewrite it)."""
    question.answer, question.answered_by = answers.clean_answer(payload["answer"]), actor_id
    if question.answered_at is not None:
        return None, ()
    question.answered_at = now
    answered = fact(question, answered_at=now.isoformat(), on_time=now <= question.due_at)
    return None, ((events.QUESTION_ANSWERED, answered),)


def _approve(question, payload, *, now, **_):
    question.approved_at = now
    return None, ()


def _publish(question, payload, *, now, **_):
    """Out under the tenant's name; with ``public`` also on the public Q&A, where it is found
    by its public text (the question with personal details removed) and its answer."""
    question.public = payload.get("public", True)
    question.public_title = payload.get("public_title") or question.title
    question.public_body = payload.get("public_body") or question.body
    question.published_at = now
    question.search_exact, question.search_folded = search_columns(
        question.public_title, question.public_body, answers.answer_text(question.answer)
    )
    published = fact(question, published_at=now.isoformat(), public=question.public)
    return None, ((events.QUESTION_PUBLISHED, published),)


def _unpublish(question, payload, *, now, **_):
    question.public = False
    return None, ((events.QUESTION_UNPUBLISHED, fact(question, unpublished_at=now.isoformat())),)


def _reject(question, payload, **_):
    question.reject_reason = payload["reason"]
    return payload["reason"], ()


def _transfer(question, payload, *, destination, **_):
    """To another tenant: the history travels with the question, the new tenant gets a full deadline."""
    if destination is None or not destination.active:
        raise InvalidInput.field("tenant_id", "Không có đơn vị này để chuyển tới.", code="UNKNOWN_TENANT")
    if destination.tenant_id == question.tenant_id:
        raise InvalidInput.field("tenant_id", "Câu hỏi đã thuộc đơn vị này.", code="SAME_TENANT")
    question.tenant_id = destination.tenant_id
    question.assigned_to = None
    question.escalated_to_id = question.overdue_at = None
    question.due_at = destination.due_at
    return payload.get("note") or f"Chuyển tới {destination.name}", ()


_STEPS = {
    "assign": _assign,
    "answer": _answer,
    "approve": _approve,
    "publish": _publish,
    "unpublish": _unpublish,
    "reject": _reject,
    "transfer": _transfer,
}
assert set(_STEPS) == set(TRANSITIONS)


def escalate(question, parent, now):
    """An open question past its deadline, flagged once; ``parent`` (id and name, or None) now sees it too."""
    question.overdue_at = now
    question.escalated_to_id = parent.id if parent else None
    note = f"Quá hạn trả lời; chuyển lên {parent.name}" if parent else "Quá hạn trả lời"
    overdue = fact(
        question,
        escalated_to_tenant_id=None if parent is None else str(parent.id),
        assigned_to=None if question.assigned_to is None else str(question.assigned_to),
    )
    return Step("escalate", question.status, question.status, note, ((events.QUESTION_OVERDUE, overdue),))


# -- tracking codes ----------------------------------------------------------------------

# Crockford-like alphabet without I, L, O, U: read over the phone without confusion.
CHECK_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def tracking_code(day, number, suffix=None):
    """``HD-20261126-000042-7KQX``: the local day, that day's sequence number, and four random
    characters so that a code cannot be guessed from its neighbours (the sequence alone would
    let anyone walk a day's questions on the tracking page)."""
    suffix = suffix or "".join(secrets.choice(CHECK_ALPHABET) for _ in range(4))
    return f"HD-{day:%Y%m%d}-{number:06d}-{suffix}"


def normalise_tracking_code(value):
    return (value or "").strip().upper()


# -- who may ask how often -------------------------------------------------------------------


@dataclass(frozen=True)
class AskingLimits:
    """Questions allowed per window: per contact (a guest's phone or e-mail), per account (a
    signed-in member) and per client address. The address limit is much higher than the
    others: a factory's workers ask from behind one NAT address, and it only stops a flood
    that changes contacts on every request."""

    contact: int = 5
    account: int = 5
    address: int = 200
    seconds: int = 3600


def contacts(guest):
    """The ways a guest can be reached, in one canonical form each: a phone number as dialled
    at home (``+84912…`` and ``0912 …`` are one number), an e-mail in lower case without its
    ``+tag``."""
    if not guest:
        return []
    found = []
    if guest.get("phone"):
        digits = "".join(ch for ch in guest["phone"] if ch.isdigit() or ch == "+")
        found.append("phone:" + ("0" + digits[3:] if digits.startswith("+84") else digits))
    if guest.get("email"):
        local, _, host = guest["email"].strip().lower().partition("@")
        found.append(f"email:{local.split('+', 1)[0]}@{host}")
    return found


def asking_keys(limits, *, client_address, user_id=None, guest=None):
    """The counters one question counts against, as ``(key, limit, seconds)``: its address,
    and its account or its guest's contacts. Contacts are kept as digests: the counters
    table holds no phone number or e-mail address."""
    keys = [(f"question:addr:{client_address or 'unknown'}", limits.address, limits.seconds)]
    if user_id:
        keys.append((f"question:account:{user_id}", limits.account, limits.seconds))
    for contact in contacts(guest):
        digest = hashlib.sha256(contact.encode()).hexdigest()[:32]
        keys.append((f"question:contact:{digest}", limits.contact, limits.seconds))
    return keys
