"""The document library: the VGCL's bodies issue documents to tenants, who read them
(the first reader of each tenant leaves a read receipt the issuer sees)."""

import uuid

from content import policy
from content.assets import Assets, References
from content.documents import facts, views
from content.documents.models import Document
from content.documents.store import DocumentStore
from platform_shared import outbox, search
from platform_shared.errors import Conflict, InvalidInput
from platform_shared.schemas import content as api
from platform_shared.schemas import load
from platform_shared.views import uuid_or_none


class DocumentLibrary:
    def __init__(self, sessions, *, clock, tenants, assets=None):
        self.sessions = sessions
        self.clock = clock
        self.tenants = tenants  # session -> the tenant directory
        self.assets = assets or Assets()

    def create(self, actor, data):
        """Issue a document to recipient tenants (the VGCL and its departments); with ``public``,
        also to the portal's public library (``content.document_published``, in the same
        transaction: the gateway's public cache and media follow it).

        Raises Forbidden, Conflict (number taken), InvalidInput (recipients, the file)."""
        data = load(api.DocumentCreate, data)
        if data["asset_id"]:
            with self.sessions.read() as session:  # the same checks as below, before asking media
                self._issuer(session, actor, data)
            self.assets.check(actor, [data["asset_id"]])
        now = self.clock.now()
        with self.sessions.transaction() as session:
            own = self._issuer(session, actor, data)
            document = Document(
                tenant_id=own.id,
                number=data["number"],
                doc_type=data["doc_type"],
                issuer=data["issuer"] or own.name,
                abstract=data["abstract"],
                issued_on=data["issued_on"],
                effective_on=data["effective_on"],
                asset_id=data["asset_id"],
                all_tenants=data["all_tenants"],
                public=data["public"],
                status="active",
                created_by=uuid_or_none(actor.user_id),
                created_at=now,
                updated_at=now,
            )
            document.search_exact, document.search_folded = search.search_columns(
                data["number"], data["abstract"], document.issuer
            )
            DocumentStore(session, actor).add(document, dict.fromkeys(data["recipients"]))
            if document.public:
                outbox.add(session, *facts.published(document, now), aggregate_id=document.id, now=now)
            view = views.document(document)
        if data["asset_id"]:
            # Published for media whether or not the document is public: recipients of other
            # tenants download the file, and media lets another tenant read published assets only.
            reference = {"kind": "document", "id": str(document.id), "published": True}
            self.assets.tell(References(actor.dump(), reference, [str(data["asset_id"])]))
        return view

    def _issuer(self, session, actor, data):
        """The actor's tenant, when it may issue this document."""
        tenants = self.tenants(session)
        own = tenants.get(actor.tenant_id) if actor.tenant_id else None
        policy.require_document_issuer(actor, own.kind if own else None)
        if own is None:
            raise InvalidInput("Tài khoản không thuộc đơn vị nào để ban hành văn bản.", code="NO_TENANT")
        if DocumentStore(session, actor).number_taken(own.id, data["number"]):
            raise Conflict.taken("number", data["number"], "Số/ký hiệu văn bản", "DOCUMENT_NUMBER_TAKEN")
        unknown = [str(t) for t in data["recipients"] if tenants.get(t) is None]
        if unknown:
            raise InvalidInput.field(
                "recipients", "Không có đơn vị: " + ", ".join(unknown) + ".", code="UNKNOWN_RECIPIENT"
            )
        return own

    def list(self, actor, args):
        """Documents the actor's tenant issued or received, newest first."""
        policy.require_signed_in(actor)
        args = load(api.DocumentListArgs, args or {})
        own = uuid.UUID(actor.tenant_id) if actor.tenant_id else None
        with self.sessions.read() as session:
            items, total = DocumentStore(session, actor).page(
                page=args["page"],
                per_page=args["per_page"],
                doc_type=args.get("doc_type"),
                year=args.get("year"),
                issued_by=own if args.get("issued_by_me") else None,
                unread_by=own if args.get("unread") else None,
                query=search.parse_query(args["q"]) if args.get("q") else None,
            )
            return views.page(items, total, args)

    def get(self, actor, document_id):
        """One document; opening it records the read receipt of the actor's tenant (once).
        Its issuer (and platform admins) also see every recipient's receipt."""
        policy.require_signed_in(actor)
        now = self.clock.now()
        with self.sessions.transaction() as session:
            documents = DocumentStore(session, actor)
            document = documents.get(document_id)
            if actor.tenant_id and str(document.tenant_id) != actor.tenant_id:
                receipt = documents.recipient(document.id, uuid.UUID(actor.tenant_id))
                if receipt is None and document.all_tenants:
                    receipt = documents.add_receipt(document.id, uuid.UUID(actor.tenant_id))
                if receipt is not None and receipt.read_at is None:
                    receipt.read_at, receipt.read_by = now, uuid_or_none(actor.user_id)
            if not (actor.is_platform_admin or str(document.tenant_id) == actor.tenant_id):
                return views.document(document)
            tenants = self.tenants(session)
            receipts = [(r, getattr(tenants.get(r.tenant_id), "name", None)) for r in documents.recipients(document.id)]
            return views.document(document, receipts)
