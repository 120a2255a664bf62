from alembic import context

from platform_shared.migrations import run_env
from polls.models import Base

run_env(context, Base.metadata, "polls")
