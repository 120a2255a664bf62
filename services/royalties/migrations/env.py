from alembic import context

from platform_shared.migrations import run_env
from royalties.models import Base

run_env(context, Base.metadata, "royalties")
