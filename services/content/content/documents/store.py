"""Queries of the document library; scoped by the actor."""

from sqlalchemy import func, or_, select

from content.documents.models import Document, DocumentRecipient
from platform_shared import search
from platform_shared.database import as_uuid, paginate
from platform_shared.errors import NotFound


class DocumentStore:
    """What the actor may see: their tenant's own documents, those addressed to it or to all
    tenants (platform admins: every document)."""

    def __init__(self, session, actor):
        self.session, self.actor = session, actor

    def _visible(self):
        if self.actor.is_platform_admin:
            return select(Document)
        tenant = as_uuid(self.actor.tenant_id, "tenant")
        addressed = select(DocumentRecipient.document_id).where(DocumentRecipient.tenant_id == tenant)
        return select(Document).where(
            or_(Document.tenant_id == tenant, Document.all_tenants.is_(True), Document.id.in_(addressed))
        )

    def get(self, document_id):
        document = self.session.scalars(self._visible().where(Document.id == as_uuid(document_id, "document"))).first()
        if document is None:
            raise NotFound.of("document", document_id)
        return document

    def page(self, *, page, per_page, doc_type=None, year=None, issued_by=None, unread_by=None, query=None):
        """Newest first: of a type, issued in a year, by a tenant, not yet read by a tenant, matching a
        search ``query`` (``platform_shared.search.Query``)."""
        stmt = self._visible()
        if doc_type:
            stmt = stmt.where(Document.doc_type == doc_type)
        if year:
            stmt = stmt.where(func.extract("year", Document.issued_on) == year)
        if issued_by is not None:
            stmt = stmt.where(Document.tenant_id == issued_by)
        if unread_by is not None:
            unread = select(DocumentRecipient.document_id).where(
                DocumentRecipient.tenant_id == unread_by, DocumentRecipient.read_at.is_(None)
            )
            stmt = stmt.where(Document.id.in_(unread))
        if query is not None:
            stmt = stmt.where(search.where_clause(query, Document.search_exact, Document.search_folded))
        return paginate(self.session, stmt.order_by(Document.issued_on.desc(), Document.number), page, per_page)

    def recipients(self, document_id):
        return self.session.scalars(select(DocumentRecipient).where(DocumentRecipient.document_id == document_id)).all()

    def recipient(self, document_id, tenant_id):
        return self.session.get(DocumentRecipient, (document_id, tenant_id))

    def number_taken(self, tenant_id, number):
        """A tenant's document numbers are unique."""
        return (
            self.session.scalars(
                select(Document.id).where(Document.tenant_id == tenant_id, Document.number == number)
            ).first()
            is not None
        )

    def add(self, document, recipient_ids):
        self.session.add(document)
        self.session.flush()
        for tenant_id in recipient_ids:
            self.session.add(DocumentRecipient(document_id=document.id, tenant_id=tenant_id))
        return document

    def add_receipt(self, document_id, tenant_id):
        """A recipient row for a document addressed to every tenant, made when a tenant first opens it."""
        receipt = DocumentRecipient(document_id=document_id, tenant_id=tenant_id)
        self.session.add(receipt)
        return receipt
