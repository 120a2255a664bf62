from alembic import context

from content.models import Base
from platform_shared.migrations import run_env

run_env(context, Base.metadata, "content")
