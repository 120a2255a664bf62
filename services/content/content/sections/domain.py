"""The order of a tenant's sub-site menu. No SQL, no nameko."""

# Menu positions are renumbered in steps of 10 when a section moves, so a number typed through
# the API (``menu_order``) can still slot a section between two others.
STEP = 10


def move(ordered, index, direction):
    """``ordered`` (the sections in menu order) with the one at ``index`` one place earlier
    (``up``) or later (``down``); unchanged at either end."""
    ordered = list(ordered)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(ordered):
        ordered[index], ordered[other] = ordered[other], ordered[index]
    return ordered


def positions(ordered):
    """``[(section, menu_order)]``: 10, 20, 30… in the given order (the API caps it at 1000: a
    hundred sections fit; beyond that the last share the cap and are ordered by name)."""
    return [(section, min((n + 1) * STEP, 1000)) for n, section in enumerate(ordered)]
