"""The only module of the results part that queries the database (the intake writes these tables)."""

import uuid

from sqlalchemy import func, select

from platform_shared.database import as_uuid, paginate
from platform_shared.errors import NotFound
from polls.models import PollResponse, ReceiptOutcome, Tally, TextAnswer
from polls.results import policy

# The poll-level rows of poll_tally: respondents of the poll per respondent's tenant.
_POLL_ROWS = (Tally.question_id == "", Tally.row_id == "", Tally.option_id == "")


class Results:
    """Counts and free-text answers of one poll (a poll the actor sees: its store answered it)."""

    def __init__(self, session, poll):
        self.session, self.poll_id = session, poll.id

    def tallies(self, tenant_ids=None):
        """{(question, row, option): count}, summed over tenants (or over ``tenant_ids``)."""
        statement = select(Tally.question_id, Tally.row_id, Tally.option_id, func.sum(Tally.count)).where(
            Tally.poll_id == self.poll_id
        )
        if tenant_ids is not None:
            statement = statement.where(Tally.tenant_id.in_([uuid.UUID(t) for t in tenant_ids]))
        statement = statement.group_by(Tally.question_id, Tally.row_id, Tally.option_id)
        return {(q, r, o): int(n) for q, r, o, n in self.session.execute(statement)}

    def respondents_by_tenant(self):
        """{respondent's tenant id: respondents}."""
        statement = select(Tally.tenant_id, Tally.count).where(Tally.poll_id == self.poll_id, *_POLL_ROWS)
        return {str(t): int(n) for t, n in self.session.execute(statement)}

    def respondents(self):
        return int(
            self.session.scalar(
                select(func.coalesce(func.sum(Tally.count), 0)).where(Tally.poll_id == self.poll_id, *_POLL_ROWS)
            )
        )

    def text_answers(self, *, question_id=None, status=None, page=1, per_page=20):
        """One page of the poll's free-text answers, oldest first; (items, total)."""
        statement = select(TextAnswer).where(TextAnswer.poll_id == self.poll_id)
        if question_id:
            statement = statement.where(TextAnswer.question_id == question_id)
        if status:
            statement = statement.where(TextAnswer.status == status)
        return paginate(self.session, statement.order_by(TextAnswer.created_at, TextAnswer.id), page, per_page)

    def text_answer(self, answer_id):
        """One free-text answer of the poll, or NotFound."""
        answer = self.session.scalars(
            select(TextAnswer).where(TextAnswer.poll_id == self.poll_id, TextAnswer.id == as_uuid(answer_id, "answer"))
        ).one_or_none()
        if answer is None:
            raise NotFound("Không tìm thấy câu trả lời.", code="ANSWER_NOT_FOUND")
        return answer


def respondents_of(session, poll_ids):
    """{poll id: respondents} of several polls in one query (polls without any are left out)."""
    if not poll_ids:
        return {}
    statement = (
        select(Tally.poll_id, func.sum(Tally.count))
        .where(Tally.poll_id.in_(list(poll_ids)), *_POLL_ROWS)
        .group_by(Tally.poll_id)
    )
    return {poll_id: int(n) for poll_id, n in session.execute(statement)}


class Receipts:
    """What became of the responses the actor sent (the system: of any response)."""

    def __init__(self, session, actor):
        self.session, self.actor = session, actor

    def outcome(self, receipt_id):
        """``{"status": "counted", "poll_id"}``, ``{"status", "reason", "poll_id"}`` or None (not written yet)."""
        counted = self.session.scalar(
            select(PollResponse.poll_id).where(
                PollResponse.id == receipt_id, policy.own_receipts(self.actor, PollResponse)
            )
        )
        if counted is not None:
            return {"status": "counted", "poll_id": str(counted)}
        other = self.session.scalars(
            select(ReceiptOutcome).where(
                ReceiptOutcome.id == receipt_id, policy.own_receipts(self.actor, ReceiptOutcome)
            )
        ).one_or_none()
        if other is not None:
            return {"status": other.status, "reason": other.reason, "poll_id": str(other.poll_id)}
        return None
