"""Tables of the polls service (the platform tables live in platform_shared.tables)."""

from platform_shared.database import make_base

Base = make_base()

# The report tables live in their own module but on the same metadata (one database).
from polls.reports import models as _report_models  # noqa: E402,F401
