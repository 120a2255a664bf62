"""The staff workspace under ``/quan-tri/``: one blueprint per desk's work (issue 14), on the
same web layer as the portal (cookie sessions, CSRF, Vietnamese pages, the API's RPCs)."""


def blueprints():
    from gateway.web.workspace import articles, desk, documents, home, quotas, royalties

    return [articles.bp, desk.bp, documents.bp, home.bp, quotas.bp, royalties.bp]
