"""What the gateway passes on is what it validated; a gateway without a receipt key does not start."""

import uuid

import pytest
from flask import Flask
from marshmallow import fields

from gateway.api import common
from gateway.app import create_app
from gateway.intake import ReceiptSigner
from gateway.settings import Settings
from platform_shared.errors import ConfigurationError
from platform_shared.schemas import StrictSchema, Text


class Note(StrictSchema):
    title = Text(required=True)
    pinned = fields.Boolean(load_default=False)
    due = fields.DateTime()
    tags = fields.List(fields.UUID(), load_default=list)


class Flags(StrictSchema):
    pinned = fields.Boolean(load_default=False)


@pytest.fixture
def client():
    from flask_smorest import Api

    app = Flask(__name__)
    app.config.update(API_TITLE="t", API_VERSION="v1", OPENAPI_VERSION="3.0.3")
    api = Api(app)
    blp = common.Blueprint("notes", __name__, url_prefix="/notes")

    @blp.route("", methods=["POST"])
    @blp.arguments(Note())
    def post(data):
        return {"seen": data}

    @blp.route("/quiet", methods=["POST"])
    @blp.arguments(Flags(), required=False)
    def quiet(data):
        return {"seen": data}

    api.register_blueprint(blp)
    return app.test_client()


def test_a_json_body_reaches_the_view_as_the_document_the_schema_validated(client):
    tag = str(uuid.uuid4())
    sent = {"title": "  Co\u0301ng đoàn  ", "due": "2027-05-01T08:00:00+07:00", "tags": [tag.upper()]}
    seen = client.post("/notes", json=sent).json["seen"]
    # trimmed and NFC, the default filled, the time and the id in their canonical JSON form
    assert seen == {"title": "Cóng đoàn", "pinned": False, "due": "2027-05-01T08:00:00+07:00", "tags": [tag]}


def test_unknown_fields_are_still_refused_before_anything_is_passed_on(client):
    answer = client.post("/notes", json={"title": "x", "owner": "me"})
    assert answer.status_code == 422


def test_an_optional_body_left_out_is_passed_on_with_its_defaults(client):
    assert client.post("/notes/quiet").json["seen"] == {"pinned": False}


class _Rpc:
    def __init__(self):
        self.calls = []

    def call(self, service, method, *args, **kwargs):
        self.calls.append((service, method, args))
        return {"id": "p1"}

    def close(self):
        pass


def test_the_polls_view_forwards_the_validated_poll(monkeypatch):
    import gateway.api.polls as polls_api

    rpc = _Rpc()
    app = create_app(Settings(amqp_uri="amqp://guest:guest@127.0.0.1:1//", polls_receipt_secret="k"), rpc=rpc)
    actor = {"user_id": str(uuid.uuid4()), "tenant_id": str(uuid.uuid4()), "roles": ["tenant_admin"]}
    monkeypatch.setattr(polls_api, "current_actor", lambda required=True: actor)
    body = {
        "title": "  Ý kiến về bữa ăn ca  ",
        "opens_at": "2027-05-01T08:00:00",
        "closes_at": "2027-05-02T08:00:00+07:00",
        "questions": [{"text": "Hài lòng?", "kind": "rating"}],
    }
    answer = app.test_client().post("/api/v1/polls", json=body)
    assert answer.status_code == 201
    (service, method, (sent_actor, data)) = rpc.calls[-1]
    assert (service, method, sent_actor) == ("polls", "create_poll", actor)
    assert data["title"] == "Ý kiến về bữa ăn ca"
    assert data["opens_at"] == "2027-05-01T08:00:00+07:00"  # a time without offset is Vietnam's
    assert data["description"] == "" and data["audience"] is None
    assert data["questions"] == [{"text": "Hài lòng?", "kind": "rating", "required": True}]


def test_a_gateway_without_a_receipt_key_does_not_start():
    with pytest.raises(ConfigurationError, match="POLLS_RECEIPT_SECRET"):
        create_app(Settings(amqp_uri="amqp://guest:guest@127.0.0.1:1//", polls_receipt_secret=None))


def test_a_receipt_reads_back_only_with_the_key_that_signed_it():
    ids = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    signer = ReceiptSigner("one key")
    receipt = signer.sign(*ids)
    assert signer.read(receipt) == tuple(str(i) for i in ids)
    assert ReceiptSigner("one key").read(receipt) == tuple(str(i) for i in ids)  # another process
    assert ReceiptSigner("another key").read(receipt) is None
    body, _, signature = receipt.partition(".")
    assert signer.read(body[:-2] + "AA." + signature) is None
    assert signer.read("garbage") is None and signer.read("") is None and signer.read("x" * 500) is None
