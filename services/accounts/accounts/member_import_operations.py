"""Use cases of member import jobs: check a file, start a job, follow it, apply it in the
background, hand its importer the credentials sheet. Mixed into ``operations.Accounts``.

The rules are in ``member_imports`` (batching, states, sealing) and ``members`` (parsing,
planning); the queries in ``member_import_store``; the files in ``member_files`` (reading CSV and
XLSX) and ``member_sheets`` (writing CSV, XLSX, PDF).

Why a job: a file of 20,000 rows applied in one request holds the page (and a database
transaction) for as long as it takes. ``start_member_import`` checks the whole file first
(nothing is applied unless every row is valid, exactly as ``import_members``), keeps its rows
with the job and answers at once; the service's timer (``apply_member_imports``) then applies
``MEMBER_IMPORT_BATCH_ROWS`` rows per transaction until the job is done.
"""

import base64
import binascii
import functools
import logging
import time
import uuid
from datetime import timedelta

from accounts import member_imports as jobs
from accounts import member_sheets as sheets
from accounts import members as rules
from accounts import policy
from accounts.member_files import file_problem, read_member_file
from accounts.member_import_store import JobQueue, MemberImportStore
from accounts.member_operations import new_member_rows, update_rows
from accounts.models import MemberImport, Tenant
from accounts.passwords import digest, new_secret
from accounts.store import MemberStore
from platform_shared import outbox
from platform_shared.actor import SYSTEM
from platform_shared.clock import VN_TZ
from platform_shared.contracts import accounts as events
from platform_shared.errors import Conflict, Forbidden, PlatformError
from platform_shared.schemas import accounts as api
from platform_shared.schemas import load

log = logging.getLogger("accounts.member_imports")

_JOB_COLUMNS = (
    "id",
    "tenant_id",
    "filename",
    "file_format",
    "state",
    "total_rows",
    "done_rows",
    "created",
    "updated",
    "unchanged",
    "reissued",
    "skipped",
    "problems",
    "sheet_expires_at",
    "created_at",
    "started_at",
    "finished_at",
)
APPLIED, LOST, FAILED_BATCH = "applied", "lost", "failed"


class MemberImportOperations:
    # -- checking and starting ---------------------------------------------------------------

    def _read_upload(self, actor, upload, options):
        """``(tenant, ParsedFile, format, filename)`` of an uploaded file, or InvalidInput."""
        upload = load(api.MemberFileUpload, upload or {})
        try:
            content = base64.b64decode(upload["content_b64"], validate=True)
        except (binascii.Error, ValueError):
            raise file_problem("Tệp gửi lên không đọc được; hãy chọn lại tệp và gửi lại.") from None
        with self.sessions.read() as session:
            tenant = self._admin_tenant(session, actor, options["tenant_id"], branch=True)
        today = self.clock.now().astimezone(VN_TZ).date()
        # Parsing a large workbook takes seconds: a real thread, not the service's event loop.
        read = functools.partial(read_member_file, max_rows=self.settings.member_import_max_rows, today=today)
        parsed, fmt = self.offload(read, content)
        return tenant, parsed, fmt, (upload["filename"] or f"doan-vien.{fmt}")[:255]

    def check_member_import(self, actor, upload, options=None):
        """What applying a member file would do, after checking every row; nothing is written."""
        options = load(api.MemberImportArgs, options or {})
        tenant, parsed, fmt, filename = self._read_upload(actor, upload, options)
        with self.sessions.read() as session:
            plan, _ = self._checked_plan(MemberStore(session, actor), tenant, parsed, reissue=options["reissue"])
        return {
            "filename": filename,
            "format": fmt,
            "rows": len(parsed.rows),
            "create": len(plan.create),
            "update": len(plan.update),
            "unchanged": len(plan.unchanged),
            "reissue": len(plan.reissue),
        }

    def start_member_import(self, actor, upload, options=None):
        """Check a member file and, when every row is valid, keep it as a job the service applies
        in the background. ``options['request_key']``: the form's one-time key — the same key from
        the same person answers the job it already started."""
        options = load(api.MemberImportJobArgs, options or {})
        created_by = uuid.UUID(actor.user_id) if actor.user_id else None
        key = jobs.request_key_digest(options["request_key"]) if created_by else None
        if key:
            found = self._job_of_key(actor, created_by, key)
            if found is not None:
                return found
        tenant, parsed, fmt, filename = self._read_upload(actor, upload, options)
        now = self.clock.now()
        job_id = uuid.uuid4()
        sealer = jobs.Sealer.of_signer(self.signer)
        with self.sessions.transaction() as session:
            tenant = self._admin_tenant(session, actor, tenant.id, branch=True)
            plan, _ = self._checked_plan(MemberStore(session, actor), tenant, parsed, reissue=options["reissue"])
            unit_ids = {row.row: rules.unit_id_of(row, plan.units) for row in parsed.rows if row.unit_code}
            rows = self.offload(_job_rows, job_id, parsed.rows, unit_ids, tenant.slug, sealer.for_job(job_id))
            job = MemberImport(
                id=job_id,
                tenant_id=tenant.id,
                unit_id=policy.branch_root(actor),
                created_by=created_by,
                request_key=key,
                filename=filename,
                file_format=fmt,
                state=jobs.PENDING,
                total_rows=len(rows),
                done_rows=0,
                created=0,
                updated=0,
                unchanged=0,
                reissued=0,
                skipped=0,
                reissue=options["reissue"],
                carried=rules.carried_fields(parsed.names),
                problems=[],
                seal_kid=sealer.current,
                tokens_expire_at=now + timedelta(hours=self.settings.member_activation_ttl_hours),
                failures=0,
                created_at=now,
                updated_at=now,
            )
            MemberImportStore(session, actor).add(job, rows)
            return self._job_view(actor, job)

    def _job_of_key(self, actor, created_by, key):
        with self.sessions.read() as session:
            job = MemberImportStore(session, actor).by_request_key(created_by, key)
            return None if job is None else self._job_view(actor, job)

    # -- following a job -------------------------------------------------------------------------

    def get_member_import(self, actor, job_id):
        """A job of the actor's tenant with its progress (tenant admins; platform admins: any)."""
        with self.sessions.read() as session:
            job = MemberImportStore(session, actor).get(job_id)
            policy.require_branch_admin_of(actor, job.tenant_id)
            return self._job_view(actor, job)

    def list_member_imports(self, actor, args=None):
        """A tenant's import jobs, newest first (``state``: one state, or ``open``)."""
        args = load(api.MemberImportJobListArgs, args or {})
        with self.sessions.read() as session:
            tenant_id = policy.acting_tenant(actor, args.pop("tenant_id", None))
            policy.require_branch_admin_of(actor, tenant_id)
            items, total = MemberImportStore(session, actor).list(tenant_id=tenant_id, **args)
            return [self._job_view(actor, job) for job in items], total, args

    def _job_view(self, actor, job):
        """A job as ``MemberImportJobRead`` shows it to ``actor``."""
        now = self.clock.now()
        sheet = (
            job.state in (jobs.DONE, jobs.FAILED)
            and job.sheet_purged_at is None
            and job.sheet_expires_at is not None
            and job.sheet_expires_at > now
            and job.created + job.reissued > 0
        )
        view = {name: getattr(job, name) for name in _JOB_COLUMNS}
        return {
            **view,
            "percent": jobs.percent(job.done_rows, job.total_rows),
            "mine": job.created_by is not None and str(job.created_by) == actor.user_id,
            "sheet_available": bool(sheet),
        }

    # -- the credentials sheet and the template ----------------------------------------------------

    def export_member_import_sheet(self, actor, job_id, args):
        """The activation codes a job issued, as CSV, XLSX or a PDF of printable slips — for the
        administrator who started it only, until ``MEMBER_IMPORT_SHEET_TTL_HOURS`` after it ended."""
        args = load(api.MemberSheetArgs, args or {})
        now = self.clock.now()
        with self.sessions.read() as session:
            store = MemberImportStore(session, actor)
            job = store.get(job_id)
            policy.require_branch_admin_of(actor, job.tenant_id)
            if job.created_by is None or str(job.created_by) != actor.user_id:
                raise Forbidden(
                    "Chỉ người đã nhập tệp này tải được bảng mã kích hoạt của lần nhập.", code="SHEET_OWNER_ONLY"
                )
            if job.state in jobs.OPEN:
                raise Conflict(
                    "Lần nhập chưa xong; bảng mã kích hoạt có khi thanh tiến độ đạt 100%.", code="IMPORT_NOT_FINISHED"
                )
            if job.sheet_purged_at is not None or job.sheet_expires_at is None or job.sheet_expires_at <= now:
                raise Conflict(
                    "Bảng mã kích hoạt của lần nhập này đã hết hạn tải (giữ "
                    f"{self.settings.member_import_sheet_ttl_hours} giờ sau khi nhập xong). Để cấp mã mới cho đoàn "
                    "viên chưa kích hoạt, hãy nhập lại tệp và chọn «Cấp lại mã kích hoạt».",
                    code="SHEET_EXPIRED",
                )
            if job.created + job.reissued == 0:
                raise Conflict(
                    "Lần nhập này không tạo đoàn viên mới nào nên không có mã kích hoạt để tải.", code="SHEET_EMPTY"
                )
            seal = jobs.Sealer.of_signer(self.signer).for_job(job.id, job.seal_kid)
            if seal is None:
                raise Conflict(
                    "Khóa niêm phong của bảng mã đã được thay; hãy nhập lại tệp và chọn «Cấp lại mã kích hoạt».",
                    code="SHEET_KEY_ROTATED",
                )
            rows = store.issued_rows(job.id)
            units = store.unit_names(job.tenant_id, {r.unit_id for r in rows if r.unit_id})
            tenant = session.get(Tenant, job.tenant_id)
        entries = []
        for row in rows:
            token = seal.open(row.seq, row.sealed_token)
            if token is None:
                continue
            entries.append(
                {
                    "member_number": row.number,
                    "full_name": row.full_name,
                    "unit": units.get(row.unit_id, ""),
                    "username": row.username,
                    "activation_token": token,
                    "expires_at": job.tokens_expire_at,
                }
            )
        fmt, url = args["format"], args["activate_url"]
        if fmt == "csv":
            content = sheets.credentials_csv(entries, activate_url=url)
        elif fmt == "xlsx":
            content = self.offload(functools.partial(sheets.credentials_xlsx, activate_url=url), entries)
        else:
            render = functools.partial(
                sheets.credentials_pdf,
                tenant_name=tenant.name,
                activate_url=url,
                font_dir=self.settings.member_sheet_font_dir,
            )
            content = self.offload(render, entries)
        day = job.created_at.astimezone(VN_TZ).strftime("%Y-%m-%d")
        return {
            "filename": f"ma-kich-hoat-doan-vien-{day}.{fmt}",
            "content_type": sheets.file_type(fmt),
            "content": content,
        }

    def member_import_template(self, actor, fmt):
        """The blank member file with its header and two example rows (CSV or XLSX)."""
        policy.require_signed_in(actor)
        if fmt not in sheets.TEMPLATE_FORMATS:
            raise file_problem("Tệp mẫu có dạng csv hoặc xlsx.")
        content = sheets.template_csv() if fmt == "csv" else sheets.template_xlsx()
        return {"filename": f"mau-nhap-doan-vien.{fmt}", "content_type": sheets.file_type(fmt), "content": content}

    # -- the background worker ---------------------------------------------------------------------

    def apply_member_imports(self):
        """Apply open jobs, one batch per transaction, for up to ``MEMBER_IMPORT_TICK_SECONDS`` (at
        least one batch), then forget expired sheets. Called by the service's timer; returns how
        many batches were applied. A failed batch ends the tick: it is tried again at the next."""
        deadline = time.monotonic() + self.settings.member_import_tick_seconds
        applied = 0
        while True:
            outcome = self.apply_next_batch()
            if outcome is None or outcome == FAILED_BATCH:
                break
            applied += outcome == APPLIED
            if time.monotonic() >= deadline:
                break
        self.purge_expired_sheets()
        return applied

    def apply_next_batch(self):
        """One batch of the oldest open job: ``"applied"``, ``"lost"`` (another worker took it),
        ``"failed"`` (rolled back, counted on the job), or None when no job is open."""
        with self.sessions.read() as session:
            found = JobQueue(session).next_open()
        if found is None:
            return None
        job_id, done = found
        try:
            return APPLIED if self._apply_batch(job_id, done) else LOST
        except PlatformError as exc:
            message = f"{exc.code}: {exc.message}"
        except Exception as exc:  # a bug or the database: counted, retried by the next tick
            log.exception("member import %s: a batch from row %s failed", job_id, done)
            message = f"{type(exc).__name__}: {exc}"
        self._record_failure(job_id, done, message)
        return FAILED_BATCH

    def _apply_batch(self, job_id, done):
        now = self.clock.now()
        with self.sessions.transaction() as session:
            queue = JobQueue(session)
            job = queue.job(job_id)
            span = jobs.batch_range(done, job.total_rows, self.settings.member_import_batch_rows)
            if span is None:
                return False
            first, stop = span
            claimed = queue.claim(
                job_id,
                done,
                {
                    "done_rows": stop,
                    "state": jobs.DONE if stop >= job.total_rows else jobs.RUNNING,
                    "failures": 0,
                    "started_at": job.started_at or now,
                    "updated_at": now,
                },
            )
            if not claimed:
                return False
            session.refresh(job)
            tenant = session.get(Tenant, job.tenant_id)
            tally, problems = self._apply_rows(session, job, tenant, queue.rows(job_id, first, stop), now)
            for name in ("created", "updated", "unchanged", "reissued", "skipped"):
                setattr(job, name, getattr(job, name) + getattr(tally, name))
            if problems:
                job.problems = (list(job.problems) + problems)[: jobs.MAX_PROBLEMS]
            if job.state == jobs.DONE:
                self._finish(session, job, now)
            return True

    def _apply_rows(self, session, job, tenant, rows, now):
        """Write one batch: new members with their precomputed tokens, changed records, re-issued
        tokens. Planned against the register as it is now. Returns ``(Tally, problems)``."""
        store = MemberStore(session, SYSTEM)
        by_number = {r.number: r for r in rows}
        existing = store.existing(tenant.id, list(by_number))
        outside = []
        if job.unit_id is not None:
            # A unit administrator's job: a number registered outside its branch since the check is left alone.
            branch = JobQueue(session).branch_unit_ids(tenant.id, job.unit_id)
            outside = [n for n, m in existing.items() if m.unit_id not in branch]
            rows = [r for r in rows if r.number not in outside]
            for number in outside:
                del existing[number]
        unit_ids = {r.row: r.unit_id for r in rows if r.unit_id}
        plan = rules.plan_resolved(
            [jobs.member_row(r) for r in rows], unit_ids, existing, list(job.carried), reissue=job.reissue
        )
        taken = store.usernames_taken([by_number[r.number].username for r in plan.create])
        outcomes = {r.id: {"id": r.id, "outcome": jobs.UNCHANGED, "issued": False} for r in rows}
        users, roles, register, tokens, problems = [], [], [], [], []
        for number in outside:
            stored = by_number[number]
            outcomes[stored.id] = {"id": stored.id, "outcome": jobs.SKIPPED, "issued": False}
            problems.append(
                {
                    "row": stored.row,
                    "column": None,
                    "message": f"Số thẻ «{number}» đã được đăng ký ở một đơn vị ngoài nhánh của bạn; dòng này "
                    "không được nhập.",
                }
            )

        def token(stored, user_id):
            tokens.append(
                {
                    "id": uuid.uuid4(),
                    "tenant_id": tenant.id,
                    "user_id": user_id,
                    "token_hash": stored.token_hash,
                    "created_at": now,
                    "expires_at": job.tokens_expire_at,
                    "used_at": None,
                    "revoked_at": None,
                }
            )
            outcomes[stored.id]["issued"] = True

        created = 0
        for row in plan.create:
            stored = by_number[row.number]
            if stored.username in taken:
                outcomes[stored.id]["outcome"] = jobs.SKIPPED
                problems.append(
                    {
                        "row": stored.row,
                        "column": None,
                        "message": f"Tên đăng nhập «{stored.username}» đã thuộc một tài khoản khác; dòng này "
                        "không được nhập.",
                    }
                )
                continue
            user_id = uuid.uuid4()
            user, role, member = new_member_rows(tenant.id, user_id, stored.unit_id, stored.username, row, now)
            users.append(user)
            roles.append(role)
            register.append(member)
            token(stored, user_id)
            outcomes[stored.id]["outcome"] = jobs.CREATED
            created += 1
        store.insert_many(users, roles, register, tokens)

        member_updates, user_updates = update_rows(plan.update, list(job.carried), now)
        store.update_many(member_updates, user_updates)
        for current, _ in plan.update:
            outcomes[by_number[current.number].id]["outcome"] = jobs.UPDATED

        tokens.clear()
        if plan.reissue:
            store.revoke_open_activations([m.user_id for m in plan.reissue], now)
            for current in plan.reissue:
                token(by_number[current.number], current.user_id)
            store.insert_many([], [], [], tokens)
        JobQueue(session).set_outcomes(list(outcomes.values()))
        tally = jobs.Tally(
            created=created,
            updated=len(plan.update),
            unchanged=len(plan.unchanged),
            reissued=len(plan.reissue),
            skipped=len(plan.create) - created + len(outside),
        )
        return tally, problems

    def _finish(self, session, job, now):
        """The job's end: when the sheet expires, and its one ``accounts.members_imported`` fact."""
        job.finished_at = now
        job.sheet_expires_at = now + timedelta(hours=self.settings.member_import_sheet_ttl_hours)
        counts = {name: getattr(job, name) for name in ("created", "updated", "unchanged", "reissued")}
        outbox.add(
            session,
            events.MEMBERS_IMPORTED,
            {"tenant_id": str(job.tenant_id), **counts},
            aggregate_id=job.tenant_id,
            now=now,
        )

    def _record_failure(self, job_id, done, message):
        now = self.clock.now()
        try:
            with self.sessions.transaction() as session:
                job = JobQueue(session).record_failure(job_id, done, message, give_up_after=jobs.MAX_FAILURES)
                if job is not None:
                    job.updated_at = now
                    if job.state == jobs.FAILED:
                        log.error("member import %s failed for good at row %s: %s", job_id, done, message)
                        self._finish(session, job, now)
        except Exception:
            log.exception("member import %s: could not record a failure", job_id)

    def purge_expired_sheets(self):
        """Forget the rows, and so the sealed activation tokens, of jobs whose sheet has expired."""
        now = self.clock.now()
        with self.sessions.read() as session:  # the timer's usual case: nothing to forget, no transaction
            expired = JobQueue(session).expired_sheets(now)
        if expired:
            with self.sessions.transaction() as session:
                queue = JobQueue(session)
                for job_id in expired:
                    queue.purge(job_id, now)


def _job_rows(job_id, rows, unit_ids, tenant_slug, seal):
    """The kept rows of a new job: each with its user name, the SHA-256 of the activation token it
    will get if it creates a member, and that token sealed (run in a thread: 20,000 tokens)."""
    kept = []
    for seq, row in enumerate(rows):
        secret = new_secret()
        kept.append(
            {
                "id": uuid.uuid4(),
                "job_id": job_id,
                "seq": seq,
                "row": row.row,
                "number": row.number,
                "full_name": row.full_name,
                "birth_date": row.birth_date,
                "gender": row.gender,
                "phone": row.phone,
                "email": row.email,
                "unit_id": unit_ids.get(row.row),
                "joined_on": row.joined_on,
                "username": rules.member_username(row.number, tenant_slug),
                "token_hash": digest(secret),
                "sealed_token": seal.seal(seq, secret),
                "outcome": None,
                "issued": False,
            }
        )
    return kept
