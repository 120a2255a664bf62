"""Tables of the royalties service (the platform tables live in platform_shared.tables)."""

from platform_shared.database import make_base

Base = make_base()
