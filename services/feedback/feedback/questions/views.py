"""The replies about questions, each dumped through its schema in ``platform_shared.schemas.feedback``."""

from feedback.questions import answers, domain
from platform_shared.schemas import feedback as api
from platform_shared.views import page

_receipt = api.QuestionReceipt()
_tracking = api.QuestionTracking()
_staff = api.QuestionRead()
_detail = api.QuestionDetailRead()
_staff_page = api.QuestionPage()
_public_page = api.PublicQuestionPage()
_public = api.PublicQuestionRead()
_NO_TENANT = {"name": None, "slug": None}


class _RowWith:
    """A row seen with a few attributes more (its tenant's name, what may happen next…)."""

    def __init__(self, row, **extra):
        self.__dict__.update(extra)
        self._row = row

    def __getattr__(self, name):
        return getattr(self._row, name)


def receipt(question, tenant):
    """The asker's answer: the tracking code, the tenant that received the question, its deadline."""
    return _receipt.dump(_RowWith(question, tenant=tenant))


def tracking(question, tenant):
    """What the tracking code shows: the public status, the published answer or the rejection
    reason — never the body, the asker, internal ids or notes."""
    published = question.status == "published"
    return _tracking.dump(
        {
            "tracking_code": question.tracking_code,
            "category": question.category,
            "title": question.public_title if published else None,
            "status": domain.public_status(question.status),
            "tenant_name": tenant.name if tenant else None,
            "received_at": question.received_at,
            "due_at": question.due_at,
            "answer": question.answer if published else None,
            "answer_html": answers.answer_html(question.answer) if published else None,
            "answered_at": question.published_at if published else None,
            "reject_reason": question.reject_reason if question.status == "rejected" else None,
        }
    )


def _staff_row(question, tenant, now, *, calendar=None, may=None, **extra):
    left, late = domain.time_left(question, now, calendar)
    return _RowWith(
        question,
        tenant_name=tenant.name if tenant else None,
        asker=question,
        allowed_actions=domain.allowed_actions(question.status, may),
        overdue=domain.is_overdue(question, now),
        working_days_left=left,
        days_overdue=late,
        answer_html=answers.answer_html(question.answer),
        **extra,
    )


def staff(question, tenant, now, *, calendar=None, may=None):
    """A question as the staff see it (``QuestionRead``); ``calendar`` (a ``WorkingCalendar``)
    counts the working days left, ``may(action)`` narrows the allowed actions to the reader's."""
    return _staff.dump(_staff_row(question, tenant, now, calendar=calendar, may=may))


def detail(question, tenant, now, activity, *, calendar=None, may=None, tenant_names=None):
    """A question with its history (``QuestionDetailRead``); ``tenant_names(id)`` names the
    tenant that held the question at each step."""
    names = tenant_names or (lambda _id: None)
    lines = [_RowWith(line, tenant_name=names(line.tenant_id)) for line in activity]
    return _detail.dump(_staff_row(question, tenant, now, calendar=calendar, may=may, activity=lines))


def staff_page(questions, total, args, tenants, now, *, calendar=None, may=None):
    """A page of the staff's list; ``tenants`` gives each question's tenant name."""
    rows = [_staff_row(q, tenants.get(q.tenant_id), now, calendar=calendar, may=may) for q in questions]
    return _staff_page.dump(page(rows, total, args))


def public_page(questions, total, args, tenants):
    """A page of the public Q&A, each question with its tenant's name and slug."""
    items = [
        _RowWith(q, tenant=tenants.get(q.tenant_id) or _NO_TENANT, answer_html=answers.answer_html(q.answer))
        for q in questions
    ]
    return _public_page.dump(page(items, total, args))


def public_one(question, tenant):
    """One question of the public Q&A, with its tenant's name and slug."""
    return _public.dump(
        _RowWith(question, tenant=tenant or _NO_TENANT, answer_html=answers.answer_html(question.answer))
    )
