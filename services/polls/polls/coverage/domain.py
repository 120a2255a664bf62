"""Rules of the grassroots coverage tracker: shares, folding merged tenants, the national table.

Plain Python (no nameko, no SQL). Periods, slices and merges are the reports' own
(``polls.reports.domain``): a half-year in Asia/Ho_Chi_Minh, and a tenant merged into another on
day *m* counts for the survivor from *m* on.

**Shares** are percentages with one decimal, rounded half up (``12.25`` → ``12.3``, never the
banker's ``12.2``), of the federation's grassroots units (units with an activated administrator,
with registered members, that contributed an item) or of its registered members (members who
answered a poll). A federation without grassroots units (or members) has no share: ``None``, shown
as «chưa có» — not 0 %, which would read as a failure, and not 100 %.
"""

from decimal import ROUND_HALF_UP, Decimal

from platform_shared import text

UNIT_KEYS = ("grassroots", "with_admin", "with_members", "contributing")
COUNT_KEYS = (*UNIT_KEYS, "members", "respondents")
SHARES = {  # share key: (part, whole)
    "with_admin_share": ("with_admin", "grassroots"),
    "with_members_share": ("with_members", "grassroots"),
    "contributing_share": ("contributing", "grassroots"),
    "respondents_share": ("respondents", "members"),
}
# The national table's ``sort``: a column people compare federations by.
SORTS = {
    "name": None,
    "grassroots": "grassroots",
    "admin": "with_admin_share",
    "members": "with_members_share",
    "contributing": "contributing_share",
    "respondents": "respondents_share",
}
ORDERS = ("asc", "desc")
UNAVAILABLE_NOTE = "chưa có số liệu"


def share(part, whole):
    """``part`` of ``whole`` in percent, one decimal, rounded half up; None when ``whole`` is 0."""
    if not whole:
        return None
    value = (Decimal(int(part)) * 100 / Decimal(int(whole))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return float(value)


def with_shares(counts):
    """The counts with their shares added."""
    result = {key: int(counts.get(key) or 0) for key in COUNT_KEYS}
    for key, (part, whole) in SHARES.items():
        result[key] = share(result[part], result[whole])
    return result


def fold(pieces):
    """One federation's counts from its slices' (its own and its merged tenants')."""
    return {key: sum(int((piece or {}).get(key) or 0) for piece in pieces) for key in COUNT_KEYS}


def figures(counts):
    """The coverage part of a report or a page: the counts, their shares, ``available``."""
    return {"available": True, **with_shares(counts)}


def unavailable():
    return {"available": False, "note": UNAVAILABLE_NOTE}


def totals(rows):
    """The national row: sums of the federations' counts; shares of the sums (not means of shares,
    so that a federation of 2,000 units weighs more than one of 20)."""
    return with_shares(fold(rows))


def sort_rows(rows, sort="name", order="asc"):
    """Rows ordered by ``sort`` (``SORTS``) then by name; rows without a share last either way."""
    key = SORTS.get(sort)
    by_name = sorted(rows, key=_by_name)
    if key is None:
        return by_name if order == "asc" else list(reversed(by_name))
    known = [r for r in by_name if r.get(key) is not None]
    unknown = [r for r in by_name if r.get(key) is None]
    known.sort(key=lambda r: r[key], reverse=order == "desc")  # stable: ties stay by name
    return known + unknown


def _by_name(row):
    """Vietnamese order of names: letters first (case and diacritics aside: «Thành phố Hồ Chí Minh»
    after «thành phố Hà Nội»), then the exact name and the code."""
    name = row.get("tenant_name") or ""
    return text.fold(name), name, row.get("tenant_code") or ""


def authors_by_tenant(pieces, answers):
    """``{tenant id: [user id]}`` for accounts: each slice's tenant gets the authors of every slice
    of the same report (its units may have moved to the survivor with the merge; a unit counts once
    wherever it lives now, only for the federation whose slices name the author).

    ``pieces``: ``{report tenant id: [Slice]}``; ``answers``: ``{(starts, ends): {tenant id: [user
    id]}}`` — content's ``contributors_in_period`` per distinct range (``ranges``)."""
    result = {}
    for slices in pieces.values():
        users = set()
        for piece in slices:
            users.update((answers.get((piece.starts, piece.ends)) or {}).get(piece.tenant_id) or ())
        for piece in slices:
            result.setdefault(piece.tenant_id, set()).update(users)
    return {tenant_id: sorted(users) for tenant_id, users in result.items()}


def ranges(pieces):
    """``{(starts, ends): [tenant id]}``: the slices grouped by their days, one content call each
    (usually one range: the whole half-year; merged tenants add their merge day's)."""
    result = {}
    for slices in pieces.values():
        for piece in slices:
            tenants = result.setdefault((piece.starts, piece.ends), [])
            if piece.tenant_id not in tenants:
                tenants.append(piece.tenant_id)
    return result
