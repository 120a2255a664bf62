"""Tables of the content service, one module per aggregate, all listed here.

Every tenant-owned row has ``tenant_id``. Two exceptions, on purpose: ``tenant``
is this service's copy of the accounts service's tenant directory (kept from
events, the shared kit's columns), and the three *central* sections belong to the
platform (their desk is named by ``desk_code``), not to a tenant.
"""

from content.articles.models import Article, ArticleActivity, ArticleRevision
from content.base import Base
from content.documents.models import Document, DocumentRecipient
from content.quotas.models import QuotaClosure, QuotaRule
from content.sections.models import Section
from platform_shared.tenant_directory import TenantDirectoryRow


class TenantCopy(TenantDirectoryRow, Base):
    """What content needs to know of a tenant (from ``accounts.tenant_*`` events and a periodic sync)."""

    __tablename__ = "tenant"


__all__ = [
    "Article",
    "ArticleActivity",
    "ArticleRevision",
    "Base",
    "Document",
    "DocumentRecipient",
    "QuotaClosure",
    "QuotaRule",
    "Section",
    "TenantCopy",
]
