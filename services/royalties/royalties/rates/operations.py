"""The use cases of the rate tables: list (optionally those in force on a day) and add a row.

A rate row is never edited: a new row with its own effective date. The amount is frozen
on an item when it is scored and on the ledger at approval, so a new rate never rewrites
a statement. Replies are ``RateRead`` dumps (``RateList`` for the list).
"""

from platform_shared.errors import Conflict
from platform_shared.schemas import load
from platform_shared.schemas import royalties as api
from platform_shared.views import uuid_or_none
from royalties import policy
from royalties.rates.store import Rates

RATE, RATES = api.RateRead(), api.RateList()


class RateTables:
    def __init__(self, sessions, *, clock, settings=None):
        self.sessions = sessions
        self.clock = clock

    def list(self, actor, args):
        """The rate rows with their effective dates, of one ``kind``, in force ``on`` a day (anyone signed in)."""
        policy.require_reader(actor)
        args = load(api.RateListArgs, args or {})
        with self.sessions.read() as session:
            rows = Rates(session).list(args.get("kind"), args.get("on"))
            return RATES.dump({"items": [rate_view(r) for r in rows], "total": len(rows)})

    def create(self, actor, data):
        """A new rate row; applies to items scored from now on for publications from its date.

        Royalty officers and platform admins. Raises Conflict (a row of that kind, key and
        date exists), InvalidInput, Forbidden."""
        policy.require_rate_editor(actor)
        data = load(api.RateCreate, data)
        with self.sessions.transaction() as session:
            rates = Rates(session)
            if rates.exists(data["kind"], data["key"], data["effective_from"]):
                raise Conflict(
                    "Đã có mức cho loại, khóa và ngày hiệu lực này; mức đã ban hành không sửa được, hãy thêm mức mới.",
                    code="RATE_EXISTS",
                    details={"errors": {"effective_from": ["Đã có mức từ ngày này."]}},
                )
            row = rates.add(
                kind=data["kind"],
                key=data["key"],
                effective_from=data["effective_from"],
                value=data["value"],
                min_value=data.get("min_value"),
                threshold=data.get("threshold"),
                note=data.get("note"),
                created_by=uuid_or_none(actor.user_id),
                created_at=self.clock.now(),
            )
            return RATE.dump(rate_view(row))


def rate_view(row):
    return {
        "id": row.id,
        "kind": row.kind,
        "key": row.key,
        "effective_from": row.effective_from.isoformat(),
        "value": row.value,
        "min_value": row.min_value,
        "threshold": row.threshold,
        "note": row.note,
    }
