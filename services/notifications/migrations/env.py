from alembic import context

from notifications.models import Base
from platform_shared.migrations import run_env

run_env(context, Base.metadata, "notifications")
