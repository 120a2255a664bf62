"""Who reads the library, how bytes are served, what a file name may carry: pure rules."""

import unicodedata
import uuid
from datetime import UTC, datetime

import pytest

from media import delivery, inspection, policy
from media.models import Asset, AssetReference
from platform_shared.actor import ROLES, SYSTEM, Actor
from platform_shared.errors import Forbidden, InvalidInput, Unauthorized
from platform_shared.schemas import UNSTORABLE_MESSAGE

TENANT = str(uuid.uuid4())
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def actor(*roles, tenant=TENANT, user=None):
    return Actor(user_id=user or str(uuid.uuid4()), tenant_id=tenant, roles=frozenset(roles))


def asset(kind="document", content_type="application/pdf", filename="Quyết định 1197.pdf", published=False, **kw):
    renditions = {"original": {"key": "k", "content_type": content_type, "sha256": "0" * 64}}
    if kind == "image":
        renditions |= {name: {"key": "k", "content_type": content_type} for name in ("medium", "thumb")}
    refs = [AssetReference(ref_kind="article", ref_id="a", published=True, released_at=None)] if published else []
    return Asset(
        id=uuid.uuid4(),
        tenant_id=uuid.UUID(TENANT),
        kind=kind,
        format={"application/pdf": "pdf", DOCX: "docx"}.get(content_type, content_type.split("/")[1]),
        content_type=content_type,
        filename=filename,
        renditions=renditions,
        references=refs,
        **kw,
    )


# -- the staff set ---------------------------------------------------------------------


@pytest.mark.parametrize("role", [r for r in ROLES if r not in ("member", "unit_admin")])
def test_every_role_but_member_is_staff_and_reads_the_library(role):
    assert policy.is_staff(actor(role))
    policy.require_library_reader(actor(role))
    assert policy.may_read_privately(actor(role), asset())


@pytest.mark.parametrize("role", ["member", "unit_admin"])
def test_a_member_is_not_staff_and_is_told_so_for_the_list(role):
    # A unit administrator administers its branch in accounts; the tenant's library is not its.
    member = actor(role)
    assert not policy.is_staff(member) and not policy.may_read_privately(member, asset())
    with pytest.raises(Forbidden) as refused:
        policy.require_library_reader(member)
    assert "cán bộ" in refused.value.message
    with pytest.raises(Unauthorized):
        policy.require_library_reader(Actor.anonymous())


def test_staff_of_another_tenant_and_anonymous_readers_read_nothing_privately():
    assert not policy.may_read_privately(actor("editor", tenant=str(uuid.uuid4())), asset())
    assert not policy.may_read_privately(None, asset()) and not policy.may_read_privately(Actor.anonymous(), asset())
    assert policy.may_read_privately(actor("platform_admin", tenant=None), asset())
    assert policy.may_read_privately(SYSTEM, asset())


def test_a_member_may_attach_only_what_is_public():
    assert not policy.may_attach(actor("member"), asset())
    assert policy.may_attach(actor("member"), asset(published=True))
    assert policy.may_attach(actor("contributor"), asset())


def test_an_uploader_demoted_to_member_no_longer_edits_their_upload():
    user = str(uuid.uuid4())
    mine = asset(uploaded_by=uuid.UUID(user))
    policy.require_may_edit(actor("contributor", user=user), mine)
    with pytest.raises(Forbidden):
        policy.require_may_edit(actor("member", user=user), mine)
    with pytest.raises(Forbidden):
        policy.require_may_edit(actor("moderator"), mine)
    policy.require_may_edit(actor("editor"), mine)


# -- the desk reviewing an item ----------------------------------------------------------

DESK = str(uuid.uuid4())


def under_review(desk=DESK, released=False, **kw):
    """A photo of TENANT that an article submitted to ``desk``'s section uses."""
    reference = AssetReference(
        ref_kind="article",
        ref_id="a-1",
        published=False,
        reviewer_tenant_id=uuid.UUID(desk) if desk else None,
        released_at=datetime.now(UTC) if released else None,
    )
    photo = asset(kind="image", content_type="image/jpeg", uploaded_by=uuid.uuid4(), **kw)
    photo.references = [reference]
    return photo


def test_the_reviewing_desks_editors_read_the_photo_privately_and_nothing_more():
    photo = under_review()
    desk_editor = actor("editor", tenant=DESK)
    assert policy.reviews(desk_editor, photo) and policy.may_read_privately(desk_editor, photo)
    assert not policy.owns(desk_editor, photo) and not policy.sees_uploader(desk_editor, photo)
    assert not policy.may_attach(desk_editor, photo)  # it stays the federation's photo
    with pytest.raises(Forbidden):
        policy.require_may_edit(desk_editor, photo)
    # Another role of the desk tenant, another desk, a desk whose reference was released, a
    # reference without a desk: nothing.
    for outsider, item in (
        (actor("contributor", "tenant_admin", tenant=DESK), photo),
        (actor("royalty_officer", tenant=DESK), photo),
        (actor("editor", tenant=str(uuid.uuid4())), photo),
        (desk_editor, under_review(released=True)),
        (desk_editor, under_review(desk=None)),
        (Actor.anonymous(), photo),
        (None, photo),
    ):
        assert not policy.reviews(outsider, item) and not policy.may_read_privately(outsider, item), outsider
    # The owning tenant's own people keep what they had.
    assert policy.may_read_privately(actor("contributor"), photo) and policy.sees_uploader(actor("moderator"), photo)
    policy.require_may_edit(actor("editor"), photo)


def test_the_reviewing_desk_reads_by_id_but_its_library_list_is_unchanged():
    desk_editor = actor("editor", tenant=DESK)
    readable = str(policy.readable_assets(desk_editor).compile(compile_kwargs={"literal_binds": True}))
    listed = str(policy.visible_assets(desk_editor).compile(compile_kwargs={"literal_binds": True}))
    assert "reviewer_tenant_id" in readable and "released_at IS NULL" in readable
    assert "reviewer_tenant_id" not in listed
    for nobody in (actor("contributor", tenant=DESK), Actor.anonymous(), SYSTEM):
        assert "reviewer_tenant_id" not in str(policy.reviewed_assets(nobody))


# -- serving -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type, filename, name",
    [
        ("application/pdf", "Quyết định 1197.pdf", "Quyết định 1197.pdf"),
        ("application/pdf", "trang.html", "trang.html.pdf"),  # never opens as a web page
        (DOCX, None, None),
        ("video/mp4", "clip.MP4", "clip.mp4"),
    ],
)
def test_documents_and_videos_are_sandboxed_attachments(content_type, filename, name):
    item = asset(kind="video" if content_type.startswith("video") else "document", content_type=content_type)
    item.filename = filename
    headers = delivery.headers(item, "original")
    name = name or f"{item.id}.docx"
    assert headers["Content-Type"] == content_type
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["Content-Security-Policy"] == "sandbox"
    disposition = headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="')
    assert disposition.endswith("; filename*=UTF-8''" + delivery.quote(name, safe=""))
    fallback = disposition.split('"')[1]
    assert fallback.isascii() and '"' not in fallback and "\\" not in fallback


def test_photos_stay_inline_with_the_name_of_their_rendition():
    photo = asset(kind="image", content_type="image/jpeg", filename="Đại hội.jpeg")
    headers = delivery.headers(photo, "thumb")
    assert headers["Content-Disposition"] == (
        "inline; filename=\"Dai hoi-thumb.jpg\"; filename*=UTF-8''%C4%90%E1%BA%A1i%20h%E1%BB%99i-thumb.jpg"
    )
    assert headers["X-Content-Type-Options"] == "nosniff" and "Content-Security-Policy" not in headers


def test_a_presigned_s3_url_carries_the_same_disposition():
    item = asset()
    assert delivery.presign_overrides(item, "original") == {
        "response-content-disposition": delivery.content_disposition(item, "original"),
        "response-content-type": "application/pdf",
    }


# -- file names --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "given, kept",
    [
        ("<script>alert(1)</script>.jpg", "alert(1).jpg"),
        ('<img src=x onerror="alert(1)">ảnh.png', "ảnh.png"),
        ("Quyết định <i>số</i> 1.pdf", "Quyết định số 1.pdf"),
        ("a<b>c.pdf", "ac.pdf"),
        ("ảnh\u202egpj.exe", "ảnhgpj.exe"),  # a right-to-left override would show "exe.jpg"
        ("Ảnh   Đại hội.jpg", "Ảnh Đại hội.jpg"),
        (unicodedata.normalize("NFD", "Ảnh Đại hội.jpg"), "Ảnh Đại hội.jpg"),
        ("<b></b>", None),
    ],
)
def test_file_names_lose_their_markup_and_keep_their_vietnamese(given, kept):
    assert inspection.check_filename(given) == kept


@pytest.mark.parametrize("name", ["ảnh\x00.jpg", "a\x1b[31m.jpg", "x\x85.pdf", "<i>..</i>/a.jpg", "é" * 256])
def test_control_characters_and_paths_hidden_in_markup_are_refused(name):
    with pytest.raises(InvalidInput) as refused:
        inspection.check_filename(name)
    assert refused.value.code == "INVALID_FILE_NAME" and "file" in refused.value.details["errors"]


UNSTORABLE_NAMES = ["ảnh\x00.jpg", "a\x01b.jpg", "a\x1b[31m.jpg", "\x1f", "CC\x7f.png", "ảnh\ud800.jpg", "\udfff.pdf"]


@pytest.mark.parametrize("name", UNSTORABLE_NAMES)
def test_a_name_the_platform_cannot_store_is_refused_by_the_kits_check_not_stripped(name):
    with pytest.raises(InvalidInput) as refused:
        inspection.check_filename(name)
    assert refused.value.code == "INVALID_FILE_NAME"
    assert refused.value.details["errors"] == {"file": ["Tên tệp không hợp lệ. " + UNSTORABLE_MESSAGE]}


@pytest.mark.parametrize("name", ["a\tb.jpg", "a\nb.jpg", "a\rb.jpg", "x\x85.pdf", "x\x9b.pdf"])
def test_other_control_characters_are_refused_too_a_name_is_one_line(name):
    with pytest.raises(InvalidInput) as refused:
        inspection.check_filename(name)
    assert refused.value.code == "INVALID_FILE_NAME" and "file" in refused.value.details["errors"]
