"""Tables of the semiannual reports (registered on the polls service's Base)."""

from polls.models import Base  # noqa: F401
