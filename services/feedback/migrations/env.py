from alembic import context

from feedback.models import Base
from platform_shared.migrations import run_env

run_env(context, Base.metadata, "feedback")
