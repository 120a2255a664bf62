"""The queries of member import jobs (``member_imports`` has the rules). Built with the actor:
a job of another tenant is NotFound. The background worker uses ``JobQueue`` (no actor: it
applies the jobs of every tenant, which their administrators started)."""

from sqlalchemy import delete, select, update

from accounts import policy
from accounts.member_imports import DONE, FAILED, OPEN
from accounts.models import MemberImport, MemberImportRow, Unit
from accounts.store import _Branch
from platform_shared.database import as_uuid, bulk_insert, bulk_update
from platform_shared.errors import NotFound


class MemberImportStore(_Branch):
    def __init__(self, session, actor):
        self.session, self.actor = session, actor

    def _visible(self):
        return policy.visible_member_imports(self.actor, self.branch_path())

    def add(self, job, rows):
        """A new job and its checked rows (dicts of ``MemberImportRow`` columns)."""
        self.session.add(job)
        self.session.flush()
        bulk_insert(self.session, MemberImportRow.__table__, rows)

    def by_request_key(self, created_by, request_key):
        """The job a person already started with this form's key (a submit sent twice), or None."""
        return self.session.scalars(
            select(MemberImport).where(MemberImport.created_by == created_by, MemberImport.request_key == request_key)
        ).one_or_none()

    def get(self, job_id):
        """A job of the actor's tenant (any for platform admins; a unit administrator's branch), or NotFound."""
        job = self.session.scalars(
            select(MemberImport).where(self._visible(), MemberImport.id == as_uuid(job_id, "member_import"))
        ).one_or_none()
        if job is None:
            raise NotFound.of("member_import", job_id)
        return job

    def list(self, *, tenant_id, page, per_page, state=None):
        """A tenant's jobs, newest first, and how many there are."""
        from sqlalchemy import func

        stmt = select(MemberImport).where(self._visible(), MemberImport.tenant_id == tenant_id)
        if state == "open":
            stmt = stmt.where(MemberImport.state.in_(OPEN))
        elif state:
            stmt = stmt.where(MemberImport.state == state)
        total = self.session.scalar(select(func.count()).select_from(stmt.subquery()))
        items = self.session.scalars(
            stmt.order_by(MemberImport.created_at.desc(), MemberImport.id).limit(per_page).offset((page - 1) * per_page)
        ).all()
        return items, total

    def issued_rows(self, job_id):
        """The rows of a job that were given an activation token, in file order."""
        return self.session.scalars(
            select(MemberImportRow)
            .where(MemberImportRow.job_id == job_id, MemberImportRow.issued.is_(True))
            .order_by(MemberImportRow.seq)
        ).all()

    def unit_names(self, tenant_id, unit_ids):
        """Unit id → name, for the units of the tenant among ``unit_ids``."""
        if not unit_ids:
            return {}
        rows = self.session.execute(
            select(Unit.id, Unit.name).where(Unit.tenant_id == tenant_id, Unit.id.in_(list(unit_ids)))
        ).all()
        return dict(rows)


class JobQueue:
    """What the background worker reads and writes: the next open job, a batch's rows, the job's
    progress (a conditional update, so two workers never apply one batch), expired sheets."""

    def __init__(self, session):
        self.session = session

    def next_open(self):
        """``(id, done_rows)`` of the oldest pending or running job, or None."""
        return self.session.execute(
            select(MemberImport.id, MemberImport.done_rows)
            .where(MemberImport.state.in_(OPEN))
            .order_by(MemberImport.created_at, MemberImport.id)
            .limit(1)
        ).first()

    def claim(self, job_id, done, values):
        """Move a job from ``done`` rows to ``values`` (its new progress, counts, state) — only if
        nobody did meanwhile. The UPDATE comes first in the batch's transaction: it takes the
        row's lock (PostgreSQL) or the database's (SQLite), so a second worker waits for the
        first to commit, then finds ``done_rows`` moved on and gives up (False)."""
        result = self.session.execute(
            update(MemberImport)
            .where(MemberImport.id == job_id, MemberImport.done_rows == done, MemberImport.state.in_(OPEN))
            .values(**values)
        )
        return result.rowcount == 1

    def job(self, job_id):
        return self.session.get(MemberImport, job_id)

    def branch_unit_ids(self, tenant_id, root_id):
        """The ids of the units under ``root_id`` (itself included) as the tree is now: a unit
        administrator's job applies rows of its branch only."""
        path = self.session.scalar(select(Unit.path).where(Unit.id == root_id, Unit.tenant_id == tenant_id))
        if path is None:
            return set()
        return set(
            self.session.scalars(select(Unit.id).where(Unit.tenant_id == tenant_id, Unit.path.startswith(path))).all()
        )

    def rows(self, job_id, first, stop):
        return self.session.scalars(
            select(MemberImportRow)
            .where(MemberImportRow.job_id == job_id, MemberImportRow.seq >= first, MemberImportRow.seq < stop)
            .order_by(MemberImportRow.seq)
        ).all()

    def set_outcomes(self, outcomes):
        """``[{id, outcome, issued}]`` of a batch's rows."""
        bulk_update(self.session, MemberImportRow.__table__, outcomes)

    def record_failure(self, job_id, done, message, *, give_up_after):
        """A batch of the job failed: counted; the job fails once it has failed ``give_up_after`` times."""
        job = self.session.get(MemberImport, job_id, with_for_update=True)
        if job is None or job.done_rows != done or job.state not in OPEN:
            return None
        job.failures += 1
        job.last_error = message[:500]
        if job.failures >= give_up_after:
            job.state = FAILED
        return job

    def expired_sheets(self, now, limit=20):
        return self.session.scalars(
            select(MemberImport.id)
            .where(
                MemberImport.state.in_((DONE, FAILED)),
                MemberImport.sheet_purged_at.is_(None),
                MemberImport.sheet_expires_at <= now,
            )
            .limit(limit)
        ).all()

    def purge(self, job_id, now):
        """Forget a job's rows (and so the sealed tokens): its sheet has expired."""
        self.session.execute(delete(MemberImportRow).where(MemberImportRow.job_id == job_id))
        self.session.execute(update(MemberImport).where(MemberImport.id == job_id).values(sheet_purged_at=now))
