"""The legal rate tables the service starts with, ensured at every start (idempotent).

They are data with effective dates, never constants in the rules: a row missing from
the table is inserted, a row already there is left as the operators set it, and a new
decree is a new row posted through ``POST /api/v1/royalties/rates``.
"""

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from royalties.models import Rate

DECREE_18 = date(2014, 6, 1)  # Decree 18/2014/NĐ-CP in force
NOTE = "Nghị định 18/2014/NĐ-CP"

DEFAULT_RATES = (
    # kind, key, effective from, value, min value, threshold, note
    ("unit_value", "", date(2019, 7, 1), 149_000, None, None, "10% lương cơ sở 1.490.000 đ"),
    ("unit_value", "", date(2023, 7, 1), 180_000, None, None, "10% lương cơ sở 1.800.000 đ"),
    ("unit_value", "", date(2024, 7, 1), 234_000, None, None, "10% lương cơ sở 2.340.000 đ"),
    ("coefficient_cap", "", DECREE_18, 50, None, None, NOTE),
    ("genre_max", "news", DECREE_18, 10, None, None, NOTE),
    ("genre_max", "reply_to_readers", DECREE_18, 10, None, None, NOTE),
    ("genre_max", "photo", DECREE_18, 10, None, None, NOTE),
    ("genre_max", "article", DECREE_18, 30, None, None, NOTE),
    ("genre_max", "commentary", DECREE_18, 30, None, None, NOTE),
    ("genre_max", "reportage", DECREE_18, 30, None, None, NOTE),
    ("genre_max", "interview", DECREE_18, 30, None, None, NOTE),
    ("genre_max", "photo_story", DECREE_18, 30, None, None, NOTE),
    ("genre_max", "video", DECREE_18, 30, None, None, NOTE),
    ("adjustment", "translation", DECREE_18, 65, 40, None, NOTE),
    ("adjustment", "children_or_minorities", DECREE_18, 20, 10, None, NOTE),
    ("adjustment", "difficult_conditions", DECREE_18, 100, 0, None, NOTE),
    ("subsite_share", "*", DECREE_18, 20, None, None, "Trang thông tin thành phần: 20% mức của cổng"),
    ("withholding", "", DECREE_18, 10, None, 2_000_000, "Khấu trừ thuế TNCN 10% khoản chi từ 2.000.000 đ"),
)


def ensure(sessions, now):
    with sessions.transaction() as session:
        known = {(r.kind, r.key, r.effective_from) for r in session.scalars(select(Rate)).all()}
        for kind, key, since, value, low, threshold, note in DEFAULT_RATES:
            if (kind, key, since) in known:
                continue
            session.add(
                Rate(
                    kind=kind,
                    key=key,
                    effective_from=since,
                    value=Decimal(value),
                    min_value=None if low is None else Decimal(low),
                    threshold=threshold,
                    note=note,
                    created_at=now,
                )
            )
