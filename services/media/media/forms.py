"""The upload form as it arrives: ``multipart/form-data`` read in one pass with werkzeug's
sans-IO decoder. No nameko here.

``POST /api/v1/media`` is a form with one ``file`` part and metadata fields (caption, alt
text, credit, source, rights) in any order. The gateway streams the body here as the client
sent it. ``UploadForm`` reads it once, front to back: the fields before the file
(``start``), the file's bytes as they come (``read``, never held whole), then the fields
after it (``finish``). The use case takes the metadata from ``finish`` — the whole form —
before anything is stored, so a field after the file counts exactly as one before it.
"""

from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.sansio.multipart import Data, Epilogue, Field, File, MultipartDecoder, NeedData

from platform_shared.errors import BadRequest, InvalidInput, PayloadTooLarge

FILE = "file"
METADATA = ("caption", "alt_text", "credit_user_id", "credit_name", "source", "rights")
READ_SIZE = 64 * 1024
MAX_FIELD_BYTES = 16 * 1024  # the longest field (caption, 2,000 characters) in UTF-8, twice over
MAX_PARTS = 100


class UploadForm:
    """One upload form being read from ``body`` (a file object; ``read(n)`` is ``b""`` at its end).

    Fields other than the metadata ones are read past and ignored; a second ``file`` part is
    refused. Raises BadRequest (a body that is not a form), InvalidInput (no file, a field
    that is not UTF-8 or too long), PayloadTooLarge (part headers or parts without end)."""

    def __init__(self, body, boundary, *, read_size=READ_SIZE):
        if not boundary:
            raise BadRequest("Thiếu boundary của multipart/form-data.", code="INVALID_MULTIPART")
        self._body, self._read_size = body, read_size
        # The limit bounds the decoder's buffer (one read plus a boundary), not the file.
        self._decoder = MultipartDecoder(
            boundary.encode("latin-1", "replace"), max_form_memory_size=4 * read_size, max_parts=MAX_PARTS
        )
        self._stage = "before"  # before the file, in it, after it, ended
        self._part = None  # the part whose data comes next: FILE, a metadata name, or None (ignored)
        self._texts = {}
        self._pending = b""
        self.filename = None

    def start(self):
        """Read up to the file part; ``filename`` is then known. The fields before it."""
        while self._stage == "before":
            self._step()
        return self.fields()

    def read(self, size=-1):
        """The file's next bytes (at most ``size``); ``b""`` once the file part has ended."""
        while not self._pending and self._stage == "file":
            self._step()
        if size is None or size < 0:
            size = len(self._pending)
        data, self._pending = self._pending[:size], self._pending[size:]
        return data

    def finish(self):
        """Read the rest of the body (whatever of the file was not read, the fields after it).
        Every metadata field of the form, wherever it came."""
        while self._stage != "ended":
            self._step()
            self._pending = b""
        return self.fields()

    def fields(self):
        """The metadata fields read so far, as text (a field sent twice: the last one)."""
        out = {}
        for name, raw in self._texts.items():
            try:
                out[name] = bytes(raw).decode("utf-8")
            except UnicodeDecodeError:
                raise InvalidInput.field(name, "Không phải chuỗi UTF-8 hợp lệ.") from None
        return out

    def _step(self):
        try:
            event = self._decoder.next_event()
            while isinstance(event, NeedData):
                self._decoder.receive_data(self._body.read(self._read_size) or None)
                event = self._decoder.next_event()
        except RequestEntityTooLarge:
            raise PayloadTooLarge(
                f"Biểu mẫu có phần đầu quá dài hoặc quá {MAX_PARTS} trường.", code="INVALID_MULTIPART"
            ) from None
        except ValueError as exc:  # a malformed body (a part header not in UTF-8 too)
            raise BadRequest(f"Biểu mẫu multipart không đọc được ({exc}).", code="INVALID_MULTIPART") from None
        if isinstance(event, (Field, File)):
            self._begin(event)
        elif isinstance(event, Data):
            self._data(event)
        elif isinstance(event, Epilogue):
            if self._stage == "before":
                raise InvalidInput.field(FILE, "Thiếu tệp: gửi tệp trong trường «file».")
            self._stage = "ended"

    def _begin(self, event):
        if event.name == FILE:
            if self._stage != "before":
                raise InvalidInput.field(FILE, "Mỗi lần chỉ gửi một tệp, trong trường «file».", code="ONE_FILE")
            if not isinstance(event, File):  # a text value, not a file
                raise InvalidInput.field(FILE, "Thiếu tệp: gửi tệp trong trường «file».")
            self.filename, self._stage, self._part = event.filename, "file", FILE
        elif event.name in METADATA:
            self._part = event.name
            self._texts[event.name] = bytearray()
        else:
            self._part = None

    def _data(self, event):
        if self._part == FILE:
            self._pending += event.data
            if not event.more_data:
                self._stage, self._part = "after", None
        elif self._part is not None:
            text = self._texts[self._part]
            text += event.data
            if len(text) > MAX_FIELD_BYTES:
                raise InvalidInput.field(self._part, "Giá trị quá dài.")
