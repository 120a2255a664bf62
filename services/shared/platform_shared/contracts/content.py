"""Events published by the content service (exchange ``content.events``)."""

from marshmallow import EXCLUDE, Schema, fields

from platform_shared.contracts import EventSchema

ARTICLE_SUBMITTED = "content.article_submitted"
ARTICLE_RETURNED = "content.article_returned"
ARTICLE_PUBLISHED = "content.article_published"
ARTICLE_UNPUBLISHED = "content.article_unpublished"
ARTICLE_CORRECTED = "content.article_corrected"
QUOTA_MISSED = "content.quota_missed"
SITE_UPDATED = "content.site_updated"
DOCUMENT_PUBLISHED = "content.document_published"


class _Part(Schema):
    class Meta:
        unknown = EXCLUDE


class Author(_Part):
    user_id = fields.String(required=True)
    pen_name = fields.String(required=True)
    share = fields.Integer(required=True)


class PhotoCredit(_Part):
    asset_id = fields.String(required=True)
    user_id = fields.String(allow_none=True, load_default=None)
    name = fields.String(allow_none=True, load_default=None)


class _ArticleFact(EventSchema):
    tenant_id = fields.String(required=True)
    article_id = fields.String(required=True)
    revision = fields.Integer(required=True)
    section = fields.String(required=True)
    genre = fields.String(required=True)
    title = fields.String(required=True)
    site = fields.String(required=True, metadata={"description": "portal or component"})
    asset_ids = fields.List(
        fields.String(), required=True, metadata={"description": "media the article uses; [] when none"}
    )


class ArticleSubmitted(_ArticleFact):
    submitted_at = fields.String(required=True)


class ArticleReturned(_ArticleFact):
    """The desk returned an article to its writers for changes (schema_version 1). Notifications
    tell its authors and the person who created it; ``comment`` is the editor's request."""

    returned_at = fields.String(required=True)
    comment = fields.String(allow_none=True, load_default=None, metadata={"description": "what to change"})
    authors = fields.List(fields.Nested(Author), required=True)
    created_by = fields.String(allow_none=True, load_default=None, metadata={"description": "who wrote the draft"})


class ArticlePublished(_ArticleFact):
    """An article went out (or out again). Royalties open one item per payee of ``revision``."""

    published_at = fields.String(required=True)
    slug = fields.String(required=True)
    authors = fields.List(fields.Nested(Author), required=True)
    photo_credits = fields.List(fields.Nested(PhotoCredit), required=True)
    word_count = fields.Integer(required=True)
    first_publication = fields.Boolean(required=True)


class ArticleUnpublished(_ArticleFact):
    unpublished_at = fields.String(required=True)
    reason = fields.String(required=True)


class ArticleCorrected(_ArticleFact):
    """A published article was corrected: ``revision`` is the new published revision."""

    corrected_at = fields.String(required=True)
    previous_revision = fields.Integer(required=True)
    new_work = fields.Boolean(required=True, metadata={"description": "the desk counts it as a new work (pay)"})
    authors = fields.List(fields.Nested(Author), required=True)
    photo_credits = fields.List(fields.Nested(PhotoCredit), required=True)
    word_count = fields.Integer(required=True)


class QuotaMissed(EventSchema):
    tenant_id = fields.String(required=True)
    week = fields.String(required=True)
    rule = fields.String(required=True)
    required = fields.Integer(required=True)
    submitted = fields.Integer(required=True)


class SiteUpdated(EventSchema):
    """What the public sees of a tenant changed without an article event (a merge, a rename, its
    sub-site's menu: ``reason`` merged, renamed or sections)."""

    tenant_id = fields.String(required=True)
    reason = fields.String(required=True)


class DocumentPublished(EventSchema):
    """A document entered the portal's public library (issued with ``public``). The gateway's
    public cache clears the library's pages; media makes the file (``asset_ids``) readable by
    everyone. Schema version 1."""

    tenant_id = fields.String(required=True, metadata={"description": "the issuing tenant"})
    document_id = fields.String(required=True)
    number = fields.String(required=True)
    doc_type = fields.String(required=True)
    issuer = fields.String(required=True)
    issued_on = fields.String(required=True, metadata={"description": "ISO date"})
    published_at = fields.String(required=True)
    asset_ids = fields.List(
        fields.String(), required=True, metadata={"description": "the document's file; [] when it has none"}
    )


SCHEMAS = {
    ARTICLE_SUBMITTED: ArticleSubmitted,
    ARTICLE_RETURNED: ArticleReturned,
    ARTICLE_PUBLISHED: ArticlePublished,
    ARTICLE_UNPUBLISHED: ArticleUnpublished,
    ARTICLE_CORRECTED: ArticleCorrected,
    QUOTA_MISSED: QuotaMissed,
    SITE_UPDATED: SiteUpdated,
    DOCUMENT_PUBLISHED: DocumentPublished,
}
