"""RPC methods of the document library, mixed into ContentService. Thin. Callers: the gateway."""

from platform_shared import transport
from platform_shared.actor import Actor
from platform_shared.rpc import rpc

EXPECTED = transport.EXPECTED


class DocumentsRpc:
    @rpc(expected_exceptions=EXPECTED)
    def create_document(self, actor, data):
        """Issue a document (the VGCL's bodies). Raises Forbidden, Conflict (number), InvalidInput, Unavailable."""
        return self.app.documents.create(Actor.load(actor), data)

    @rpc(expected_exceptions=EXPECTED)
    def list_documents(self, actor, args=None):
        """Documents the actor's tenant issued or received (``doc_type``, ``year``, ``q``, ``unread``, ...)."""
        return self.app.documents.list(Actor.load(actor), args)

    @rpc(expected_exceptions=EXPECTED)
    def get_document(self, actor, document_id):
        """One document; records the read receipt of the actor's tenant. Raises NotFound."""
        return self.app.documents.get(Actor.load(actor), document_id)
