"""Public API contracts shared by the gateway (validation, OpenAPI) and the services
(the authoritative validation). One definition per request and response shape.

Messages a person reads are Vietnamese: ``vietnamese_messages()`` sets marshmallow's
default error messages once, at import.
"""

import re

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from platform_shared.text import nfc, nfc_paragraphs

_FIELD_MESSAGES = {
    fields.Field: {
        "required": "Trường này là bắt buộc.",
        "null": "Trường này không được để trống.",
        "validator_failed": "Giá trị không hợp lệ.",
    },
    fields.String: {"invalid": "Phải là một chuỗi ký tự.", "invalid_utf8": "Không phải chuỗi UTF-8 hợp lệ."},
    fields.Integer: {"invalid": "Phải là một số nguyên.", "too_large": "Số quá lớn."},
    fields.Boolean: {"invalid": "Phải là true hoặc false."},
    fields.Date: {"invalid": "Ngày không hợp lệ (định dạng YYYY-MM-DD).", "format": "Ngày không hợp lệ."},
    fields.DateTime: {"invalid": "Thời điểm không hợp lệ (ISO 8601).", "format": "Thời điểm không hợp lệ."},
    fields.UUID: {"invalid_uuid": "Mã định danh không hợp lệ."},
    fields.Email: {"invalid": "Địa chỉ e-mail không hợp lệ."},
    fields.List: {"invalid": "Phải là một danh sách."},
    fields.Dict: {"invalid": "Phải là một đối tượng."},
    fields.Nested: {"type": "Phải là một đối tượng."},
}


def vietnamese_messages():
    for cls, messages in _FIELD_MESSAGES.items():
        merged = dict(cls.default_error_messages)
        merged.update(messages)
        cls.default_error_messages = merged


vietnamese_messages()


def length(min=None, max=None):
    if min and max:
        msg = f"Độ dài phải từ {min} đến {max} ký tự."
    elif max:
        msg = f"Tối đa {max} ký tự."
    else:
        msg = f"Tối thiểu {min} ký tự."
    return validate.Length(min=min, max=max, error=msg)


def one_of(choices):
    return validate.OneOf(choices, error="Giá trị phải là một trong: " + ", ".join(choices) + ".")


def in_range(min=None, max=None):
    return validate.Range(min=min, max=max, error=f"Giá trị phải trong khoảng {min}–{max}.")


class Text(fields.String):
    """A string stored NFC-normalised with blanks trimmed.

    Its maximum length bounds the value as sent, its minimum the value kept: 300 blanks
    around a 255-character name are refused, as the OpenAPI document's ``maxLength`` says;
    «N» and a tab is one character (``text_pattern`` says so in the document)."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        for validator in self.validators:
            if isinstance(validator, validate.Length) and validator.max is not None and len(text) > validator.max:
                raise ValidationError(validator.error or f"Tối đa {validator.max} ký tự.")
        return nfc(text)


class Paragraphs(Text):
    """A ``Text`` written in paragraphs: its line breaks are kept (``nfc_paragraphs``), the blanks
    inside each line trimmed and collapsed as ``Text`` does."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = fields.String._deserialize(self, value, attr, data, **kwargs)
        for validator in self.validators:
            if isinstance(validator, validate.Length) and validator.max is not None and len(text) > validator.max:
                raise ValidationError(validator.error or f"Tối đa {validator.max} ký tự.")
        return nfc_paragraphs(text)


# PostgreSQL refuses a NUL character and text that is not UTF-8 (a lone surrogate, sent as
# "\\ud800") with an error, where SQLite would store them; the other control characters have
# no place in anything a person writes either. Every string field of the API runs
# ``storable`` on the value as sent (tab, line feed and carriage return excepted), so such a
# value is a 422 naming the field, never a stored NUL or a 500.
UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
UNSTORABLE_MESSAGE = "Không được chứa ký tự điều khiển hoặc ký tự không hợp lệ (ví dụ ký tự NUL)."
STORABLE_PATTERN = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f]*$"
"""What ``storable`` accepts, as the OpenAPI document says it (JSON text holds no lone surrogate)."""
# The blanks ``Text`` trims and collapses (Python's whitespace) that ``storable`` lets through,
# and the characters that are neither blank nor refused.
_BLANK = "\\t\\n\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"
_CONTROL = "\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f"
_COMBINING = "\\u0300-\\u036f"


def text_pattern(min_length):
    """What a ``Text`` of at least ``min_length`` characters accepts, for the OpenAPI document: the
    length is counted after blanks are trimmed and collapsed and accents composed (NFC), so
    ``min_length`` characters that are neither blanks nor combining accents, and nothing
    ``storable`` refuses."""
    word = f"[{_BLANK}{_COMBINING}]*[^{_BLANK}{_COMBINING}{_CONTROL}]"
    return f"^({word}){{{min_length}}}[^{_CONTROL}]*$"


def is_storable(text):
    """False when ``text`` holds a character the platform does not store (controls, lone surrogates)."""
    return not (isinstance(text, str) and UNSTORABLE.search(text))


def storable(text):
    """The validator of every string the API takes: ValidationError for what ``is_storable`` refuses."""
    if not is_storable(text):
        raise ValidationError(UNSTORABLE_MESSAGE)
    return True


def years_pattern(first, last):
    """A regular expression of the four-digit years ``first``..``last`` (``(19[5-9][0-9]|20[0-9]{2}|2100)``
    for 1950–2100): the OpenAPI document's way of saying which years a date field takes."""
    parts, year = [], first
    while year <= last:
        if year % 100 == 0 and year + 99 <= last:
            parts.append(f"{year // 100}[0-9]{{2}}")
            year += 100
        elif year % 10 == 0 and year + 9 <= last:
            run = year
            while run + 19 <= last and (run + 10) % 100 != 0:
                run += 10
            tens = f"{year // 10 % 10}" if run == year else f"[{year // 10 % 10}-{run // 10 % 10}]"
            parts.append(f"{year // 100}{tens}[0-9]")
            year = run + 10
        else:
            parts.append(str(year))
            year += 1
    return "(" + "|".join(parts) + ")"


class Storable:
    """String field mixin: the value as sent passes ``storable`` before anything else looks at it
    (``Text`` would turn some control characters into spaces). The OpenAPI document says so
    with ``STORABLE_PATTERN`` (the gateway's ``described``)."""

    def _deserialize(self, value, attr, data, **kwargs):
        storable(value)
        return super()._deserialize(value, attr, data, **kwargs)


class StrictSchema(Schema):
    """Unknown fields are refused by name; messages are Vietnamese."""

    class Meta:
        unknown = RAISE

    error_messages = {
        "unknown": "Trường này không được chấp nhận.",
        "type": "Dữ liệu gửi lên phải là một đối tượng JSON.",
    }


class PageArgs(StrictSchema):
    page = fields.Integer(load_default=1, validate=in_range(1, 100000))
    per_page = fields.Integer(load_default=20, validate=in_range(1, 100))


class ErrorSchema(Schema):
    code = fields.String(required=True, metadata={"description": "stable machine code"})
    message = fields.String(required=True, metadata={"description": "Vietnamese, says what to do"})
    errors = fields.Dict(metadata={"description": "per-field messages"})
    request_id = fields.String()


def page_of(item_schema):
    """A paginated list envelope of ``item_schema``."""

    class _Page(Schema):
        items = fields.List(fields.Nested(item_schema), required=True)
        total = fields.Integer(required=True)
        page = fields.Integer(required=True)
        per_page = fields.Integer(required=True)

    _Page.__name__ = f"{item_schema.__name__}Page"
    return _Page


_INSTANCES = {}


def load(schema, data, *, partial=False):
    """Validate input with a public schema (class or instance); every field error becomes one
    ``InvalidInput`` (422) whose ``errors`` names the fields."""
    from platform_shared.errors import InvalidInput

    if not isinstance(data, dict):
        raise InvalidInput("Dữ liệu gửi lên phải là một đối tượng JSON.", code="INVALID_BODY")
    if isinstance(schema, type):
        schema = _INSTANCES.get(schema) or _INSTANCES.setdefault(schema, schema())  # no per-call state
    try:
        return schema.load(data, partial=partial)
    except ValidationError as exc:
        messages = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
        raise InvalidInput(
            f"Dữ liệu không hợp lệ ở: {', '.join(sorted(messages))}.",
            code="VALIDATION_ERROR",
            details={"errors": messages},
        ) from None
