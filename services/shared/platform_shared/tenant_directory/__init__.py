"""Each service's own copy of the accounts service's tenant directory.

content, feedback, polls and royalties need to know tenants (names, slugs, the tree,
merges) without asking accounts on every request. They keep a copy, filled from the
``accounts.tenant_created/updated/merged`` events and repaired by a periodic sync.
This package is that copy, written once:

* :class:`TenantDirectoryRow` — the columns, a declarative mixin for the service's
  ``TenantCopy`` model (a service may add its own columns, e.g. feedback's
  ``answer_days``); :func:`align_tenant_table` brings an existing table to them in a
  migration;
* :class:`TenantDirectory` — the store: get, by code/slug, follow merges, upsert,
  apply an event, record a merge, replace from a sync;
* :class:`TenantDirectoryOperations` — the use cases a service's application object
  inherits (``apply_tenant``, ``merge_tenant``, ``sync_tenants``), with two hooks for what
  the service itself does when a tenant changes or is merged;
* ``platform_shared.tenant_directory.service.TenantDirectoryEntrypoints`` — the nameko
  side (the three handlers and the sync timer), a mixin for the service class. It is
  the only module here that imports nameko.
"""

from platform_shared.tenant_directory.models import TenantDirectoryRow, align_tenant_table
from platform_shared.tenant_directory.operations import TenantDirectoryOperations
from platform_shared.tenant_directory.store import TenantChange, TenantDirectory

__all__ = [
    "TenantChange",
    "TenantDirectory",
    "TenantDirectoryOperations",
    "TenantDirectoryRow",
    "align_tenant_table",
]
