"""RoyaltiesService: the nameko boundary of the royalties service. Thin on purpose.

Every RPC takes ``actor`` first and returns a schema dump. Each aggregate brings its RPC
methods (and handlers) as a mixin: items (with content's publication events in), rates,
statements, reconciliation. The tenant copy's handlers, timer and ``sync_tenants`` RPC
come from the shared kit's ``TenantDirectoryEntrypoints``.
"""

from platform_shared.dependencies import Database
from platform_shared.operations import ServiceOperations
from platform_shared.tenant_directory.service import TenantDirectoryEntrypoints
from royalties.dependencies import RoyaltiesApp
from royalties.items.service import ItemsRpc
from royalties.rates.service import RatesRpc
from royalties.reconciliation.service import ReconciliationRpc
from royalties.statements.service import StatementsRpc


class RoyaltiesService(
    TenantDirectoryEntrypoints, ItemsRpc, RatesRpc, StatementsRpc, ReconciliationRpc, ServiceOperations
):
    name = "royalties"

    db = Database()
    app = RoyaltiesApp()
