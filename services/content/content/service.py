"""ContentService: the nameko boundary of the content service. Thin on purpose.

One RPC mixin per aggregate (``content.<aggregate>.service``); every RPC takes ``actor``
first and returns a dump of its ``…Read`` schema. Timers publish scheduled articles and
close quota weeks (both safe with several replicas); the shared tenant directory keeps
the copy of the tenants current (handlers, a sync at start and hourly) and follows merges.
"""

from content.articles.service import ArticlesRpc
from content.dependencies import ContentApp
from content.documents.service import DocumentsRpc
from content.public.service import PublicRpc
from content.quotas.service import QuotasRpc
from content.sections.service import SectionsRpc
from platform_shared.dependencies import Database
from platform_shared.operations import ServiceOperations
from platform_shared.rpc import ServiceRpc
from platform_shared.tenant_directory.service import TenantDirectoryEntrypoints


class ContentService(
    TenantDirectoryEntrypoints, ArticlesRpc, PublicRpc, SectionsRpc, DocumentsRpc, QuotasRpc, ServiceOperations
):
    name = "content"

    db = Database()
    app = ContentApp()
    media = ServiceRpc("media")
