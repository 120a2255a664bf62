"""The only module that queries the polls database (besides the bulk writer in intake.py)."""

import uuid
from collections import defaultdict

from sqlalchemy import delete, func, or_, select, update

from platform_shared.database import as_uuid, dialect_insert, paginate
from platform_shared.errors import NotFound
from polls.models import Poll, PollAudience, PollResponse, ReceiptOutcome, Tally, TenantCopy, TextAnswer


class Tenants:
    """The service's copy of the tenant directory."""

    def __init__(self, session):
        self.session = session

    def get(self, tenant_id):
        return self.session.get(TenantCopy, as_uuid(tenant_id, "tenant")) if tenant_id else None

    def upsert(self, values):
        statement = dialect_insert(self.session, TenantCopy).values(**values)
        self.session.execute(
            statement.on_conflict_do_update(
                index_elements=["id"], set_={k: statement.excluded[k] for k in values if k != "id"}
            )
        )

    def tree(self):
        """{id: {"parent_id", "merged_into_id", "name"}} with string ids, for eligibility."""
        rows = self.session.execute(
            select(TenantCopy.id, TenantCopy.parent_id, TenantCopy.merged_into_id, TenantCopy.name, TenantCopy.status)
        ).all()
        return {
            str(r.id): {
                "parent_id": str(r.parent_id) if r.parent_id else None,
                "merged_into_id": str(r.merged_into_id) if r.merged_into_id else None,
                "name": r.name,
                "status": r.status,
            }
            for r in rows
        }


class Polls:
    def __init__(self, session):
        self.session = session

    def get(self, poll_id, *, lock=False):
        statement = select(Poll).where(Poll.id == as_uuid(poll_id, "poll"))
        if lock:
            statement = statement.with_for_update()
        poll = self.session.scalars(statement).one_or_none()
        if poll is None:
            raise NotFound("Không tìm thấy phiếu trưng cầu ý kiến.", code="POLL_NOT_FOUND")
        return poll

    def audience(self, poll_id):
        return [
            str(t)
            for t in self.session.scalars(select(PollAudience.tenant_id).where(PollAudience.poll_id == poll_id)).all()
        ]

    def audiences(self, poll_ids):
        result = defaultdict(list)
        if poll_ids:
            for row in self.session.execute(
                select(PollAudience.poll_id, PollAudience.tenant_id).where(PollAudience.poll_id.in_(list(poll_ids)))
            ):
                result[row.poll_id].append(str(row.tenant_id))
        return result

    def set_audience(self, poll_id, tenant_ids):
        self.session.execute(delete(PollAudience).where(PollAudience.poll_id == poll_id))
        for tid in sorted(set(tenant_ids)):
            self.session.add(PollAudience(poll_id=poll_id, tenant_id=uuid.UUID(tid)))

    def page(self, filters, page, per_page):
        statement = select(Poll).where(*filters).order_by(Poll.opens_at.desc(), Poll.id)
        return paginate(self.session, statement, page, per_page)

    def candidates(self, status=None):
        """Every poll (id, scope, tenant, status, audience_all): filtered for the actor in Python."""
        statement = select(Poll)
        if status:
            statement = statement.where(Poll.status == status)
        return self.session.scalars(statement.order_by(Poll.opens_at.desc(), Poll.id)).all()

    def due_to_close(self, now):
        return self.session.scalars(
            select(Poll).where(Poll.status == "open", Poll.closes_at <= now).with_for_update(skip_locked=True)
        ).all()

    def move_tenant(self, merged, into):
        """Audiences and ownership of polls still running follow the surviving tenant."""
        moved = set()
        rows = self.session.execute(select(PollAudience).where(PollAudience.tenant_id == merged)).scalars().all()
        for row in rows:
            poll = self.session.get(Poll, row.poll_id)
            if poll is None or poll.status not in ("draft", "open"):
                continue
            exists = self.session.get(PollAudience, (row.poll_id, into))
            self.session.delete(row)
            if exists is None:
                self.session.flush()
                self.session.add(PollAudience(poll_id=row.poll_id, tenant_id=into))
            moved.add(row.poll_id)
        for poll in self.session.scalars(
            select(Poll).where(Poll.tenant_id == merged, Poll.status.in_(("draft", "open")))
        ):
            poll.tenant_id = into
            moved.add(poll.id)
        return moved


class Results:
    def __init__(self, session):
        self.session = session

    def tallies(self, poll_id, tenant_ids=None):
        """{(question, row, option): count}, summed over tenants (or over ``tenant_ids``)."""
        statement = select(Tally.question_id, Tally.row_id, Tally.option_id, func.sum(Tally.count)).where(
            Tally.poll_id == poll_id
        )
        if tenant_ids is not None:
            statement = statement.where(Tally.tenant_id.in_([uuid.UUID(t) for t in tenant_ids]))
        statement = statement.group_by(Tally.question_id, Tally.row_id, Tally.option_id)
        return {(q, r, o): int(n) for q, r, o, n in self.session.execute(statement)}

    def respondents_by_tenant(self, poll_id):
        statement = select(Tally.tenant_id, Tally.count).where(
            Tally.poll_id == poll_id, Tally.question_id == "", Tally.row_id == "", Tally.option_id == ""
        )
        return {str(t): int(n) for t, n in self.session.execute(statement)}

    def respondents(self, poll_id):
        return int(
            self.session.scalar(
                select(func.coalesce(func.sum(Tally.count), 0)).where(
                    Tally.poll_id == poll_id, Tally.question_id == "", Tally.row_id == "", Tally.option_id == ""
                )
            )
        )

    def receipt(self, receipt_id):
        counted = self.session.execute(
            select(PollResponse.poll_id, PollResponse.member_id).where(PollResponse.id == receipt_id)
        ).first()
        if counted is not None:
            return {"status": "counted", "poll_id": str(counted.poll_id), "member_id": str(counted.member_id)}
        other = self.session.get(ReceiptOutcome, receipt_id)
        if other is not None:
            return {
                "status": other.status,
                "reason": other.reason,
                "poll_id": str(other.poll_id),
                "member_id": str(other.member_id),
            }
        return None

    def text_answers(self, poll_id, question_id=None, status=None, page=1, per_page=20):
        statement = select(TextAnswer).where(TextAnswer.poll_id == poll_id)
        if question_id:
            statement = statement.where(TextAnswer.question_id == question_id)
        if status:
            statement = statement.where(TextAnswer.status == status)
        return paginate(self.session, statement.order_by(TextAnswer.created_at, TextAnswer.id), page, per_page)

    def text_answer(self, poll_id, answer_id):
        answer = self.session.scalars(
            select(TextAnswer).where(TextAnswer.poll_id == poll_id, TextAnswer.id == as_uuid(answer_id, "answer"))
        ).one_or_none()
        if answer is None:
            raise NotFound("Không tìm thấy câu trả lời.", code="ANSWER_NOT_FOUND")
        return answer

    def move_tenant(self, merged, into):
        """Tallies of the merged tenant are kept as they were (history); the breakdown folds them."""
        return None


def any_of(*conditions):
    return or_(*conditions)


def touch(session, poll_id, **values):
    session.execute(update(Poll).where(Poll.id == poll_id).values(**values))
