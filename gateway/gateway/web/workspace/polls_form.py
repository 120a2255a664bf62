"""The poll builder's form, read and written without JavaScript (``/quan-tri/trung-cau/moi`` and
``…/<id>/sua``): the posted fields to ``create_poll``/``update_poll``'s data, a poll back to the
fields, the builder's own buttons (add, remove, move a question), and the service's 422 back
beside the field and the question it names.

Field names (stable for the tests): ``title``, ``description``, ``opens_at``, ``closes_at``
(``datetime-local``, Vietnam time: sent without an offset, which the service reads in
Asia/Ho_Chi_Minh), ``audience_mode`` (``all`` | ``chosen``, the VGCL only), ``audience`` (one
checkbox per tenant, ids ``dt-<tenant id>``), ``question_count`` and per question slot ``n``
(1-based): ``q<n>_text``, ``q<n>_kind``, ``q<n>_required``, ``q<n>_options`` and ``q<n>_rows``
(one per line: the choices, a matrix's columns; a matrix's rows), ``q<n>_max_choices``,
``q<n>_scale_min``, ``q<n>_scale_max``, ``q<n>_max_length``. The builder's buttons are named
``action``: ``save``, ``add``, ``remove-<n>``, ``up-<n>``, ``down-<n>``.

A slot left blank (no text, no choices, no rows) is not a question: the new form starts with
:data:`BLANK_SLOTS` of them. Ids are left to the service (``q1``, ``o1``, ``r1`` by position): a
draft has no answers yet, so renumbering on each save loses nothing.
"""

import re

from gateway.web.format import moment

KINDS = {
    "single": "Một lựa chọn",
    "multiple": "Nhiều lựa chọn",
    "rating": "Thang điểm",
    "text": "Trả lời tự do",
    "matrix": "Ma trận (mỗi dòng một lựa chọn)",
}
WITH_OPTIONS = ("single", "multiple", "matrix")
FIELDS = {
    "title": "Tiêu đề",
    "description": "Mô tả",
    "opens_at": "Thời điểm mở",
    "closes_at": "Thời điểm đóng",
    "audience": "Đối tượng",
    "questions": "Câu hỏi",
}
QUESTION_FIELDS = {
    "text": "Nội dung câu hỏi",
    "kind": "Loại câu hỏi",
    "required": "Bắt buộc trả lời",
    "options": "Phương án",
    "rows": "Các dòng",
    "max_choices": "Số lựa chọn tối đa",
    "scale_min": "Điểm thấp nhất",
    "scale_max": "Điểm cao nhất",
    "max_length": "Độ dài tối đa",
}
BLANK_SLOTS = 2
MAX_SLOTS = 100
_ACTION = re.compile(r"^(remove|up|down)-([0-9]{1,3})$")


def blank_question():
    return {
        "text": "",
        "kind": "single",
        "required": True,
        "options": "",
        "rows": "",
        "max_choices": "",
        "scale_min": "1",
        "scale_max": "5",
        "max_length": "",
    }


def new_form(slots=BLANK_SLOTS):
    return {
        "title": "",
        "description": "",
        "opens_at": "",
        "closes_at": "",
        "audience_mode": "chosen",
        "audience": [],
        "questions": [blank_question() for _ in range(slots)],
    }


def local_input(value):
    """An ISO moment as a ``datetime-local`` value in Vietnam time (``2026-12-01T08:00``)."""
    when = moment(value)
    return f"{when:%Y-%m-%dT%H:%M}" if when is not None and hasattr(when, "hour") else ""


def _lines(choices):
    return "\n".join(c["label"] for c in choices or [])


def form_of_poll(poll):
    """The builder's fields of a draft, as the service gives it."""
    questions = []
    for q in poll.get("questions") or []:
        kind = q.get("kind")
        questions.append(
            {
                **blank_question(),
                "text": q.get("text", ""),
                "kind": kind,
                "required": q.get("required", True),
                "options": _lines(q.get("options")) if kind in WITH_OPTIONS else "",
                "rows": _lines(q.get("rows")) if kind == "matrix" else "",
                "max_choices": str(q.get("max_choices") or "") if kind == "multiple" else "",
                "scale_min": str(q.get("scale_min", 1)) if kind == "rating" else "1",
                "scale_max": str(q.get("scale_max", 5)) if kind == "rating" else "5",
                "max_length": str(q.get("max_length") or "") if kind == "text" else "",
            }
        )
    audience = poll.get("audience") or {}
    return {
        "title": poll.get("title", ""),
        "description": poll.get("description", ""),
        "opens_at": local_input(poll.get("opens_at")),
        "closes_at": local_input(poll.get("closes_at")),
        "audience_mode": "all" if audience.get("all") else "chosen",
        "audience": list(audience.get("tenant_ids") or []),
        "questions": questions or [blank_question()],
    }


def form_of_request(posted):
    """The builder's fields as posted (every slot kept as typed, blank ones too)."""
    try:
        count = int(posted.get("question_count", "0"))
    except ValueError:
        count = 0
    count = max(1, min(count, MAX_SLOTS))
    questions = []
    for n in range(1, count + 1):
        kind = posted.get(f"q{n}_kind", "single")
        questions.append(
            {
                "text": posted.get(f"q{n}_text", ""),
                "kind": kind if kind in KINDS else "single",
                "required": posted.get(f"q{n}_required") == "1",
                "options": posted.get(f"q{n}_options", ""),
                "rows": posted.get(f"q{n}_rows", ""),
                "max_choices": posted.get(f"q{n}_max_choices", ""),
                "scale_min": posted.get(f"q{n}_scale_min", "1"),
                "scale_max": posted.get(f"q{n}_scale_max", "5"),
                "max_length": posted.get(f"q{n}_max_length", ""),
            }
        )
    return {
        "title": posted.get("title", ""),
        "description": posted.get("description", ""),
        "opens_at": posted.get("opens_at", ""),
        "closes_at": posted.get("closes_at", ""),
        "audience_mode": "all" if posted.get("audience_mode") == "all" else "chosen",
        "audience": posted.getlist("audience"),
        "questions": questions,
    }


def rearrange(form, action):
    """Apply one of the builder's buttons to the slots; returns the slot to bring into view
    (1-based), or None when ``action`` is not one of them (``save``)."""
    questions = form["questions"]
    if action == "add":
        if len(questions) < MAX_SLOTS:
            questions.append(blank_question())
        return len(questions)
    found = _ACTION.match(action or "")
    if not found:
        return None
    verb, n = found.group(1), int(found.group(2))
    i = n - 1
    if not 0 <= i < len(questions):
        return 1
    if verb == "remove":
        questions.pop(i)
        if not questions:
            questions.append(blank_question())
        return min(n, len(questions))
    j = i - 1 if verb == "up" else i + 1
    if 0 <= j < len(questions):
        questions[i], questions[j] = questions[j], questions[i]
        return j + 1
    return n


def _blank(q):
    return not (q["text"].strip() or q["options"].strip() or q["rows"].strip())


def _choices(text):
    return [{"label": line.strip()} for line in (text or "").splitlines() if line.strip()]


def _number(value):
    value = (value or "").strip()
    return value or None


def request_of(form, *, may_address_all):
    """``(data, slots)``: the RPC's data, and for each question sent the slot it came from."""
    questions, slots = [], []
    for n, q in enumerate(form["questions"], start=1):
        if _blank(q):
            continue
        kind = q["kind"]
        item = {"text": q["text"], "kind": kind, "required": q["required"]}
        if kind in WITH_OPTIONS:
            item["options"] = _choices(q["options"])
        if kind == "matrix":
            item["rows"] = _choices(q["rows"])
        extra = {
            "multiple": ("max_choices",),
            "rating": ("scale_min", "scale_max"),
            "text": ("max_length",),
        }.get(kind, ())
        for name in extra:
            if _number(q[name]) is not None:
                item[name] = _number(q[name])
        questions.append(item)
        slots.append(n)
    if may_address_all and form["audience_mode"] == "all":
        audience = {"all": True, "tenant_ids": []}
    else:
        audience = {"all": False, "tenant_ids": list(form["audience"])}
    data = {
        "title": form["title"],
        "description": form["description"],
        "opens_at": form["opens_at"].strip() or None,
        "closes_at": form["closes_at"].strip() or None,
        "audience": audience,
        "questions": questions,
    }
    return data, slots


def _text(messages):
    if isinstance(messages, dict):
        return " ".join(_text(m) for m in messages.values())
    if isinstance(messages, (list, tuple)):
        return " ".join(map(str, messages))
    return str(messages)


def _choice_messages(messages, noun):
    """A list field's messages: the list's own, or «Phương án 3: …» for one item (the service
    numbers them from 0)."""
    if not isinstance(messages, dict):
        return _text(messages)
    parts = []
    for key in sorted(messages, key=lambda k: int(k) if str(k).isdigit() else -1):
        inner = _text(messages[key])
        parts.append(f"{noun} {int(key) + 1}: {inner}" if str(key).isdigit() else inner)
    return " ".join(parts)


def errors_of(exc, slots, form):
    """``(errors, question errors, problem)`` of the service's InvalidInput: ``{field: message}``
    for the poll's fields, ``{slot: {field: message}}`` for the questions (``slots``: from
    :func:`request_of`), and what belongs above the form (a message about no field it has)."""
    errors, by_slot, problem = {}, {}, []

    def add(target, name, text):
        target[name] = f"{target[name]} {text}" if name in target else text

    for name, messages in ((exc.details or {}).get("errors") or {}).items():
        top = str(name).split(".", 1)[0]
        if top == "questions" and isinstance(messages, dict):
            for index, inner in messages.items():
                try:
                    slot = slots[int(index)]
                except (ValueError, IndexError):
                    add(errors, "questions", _text(inner))
                    continue
                matrix = form["questions"][slot - 1]["kind"] == "matrix"
                for field, text in (inner if isinstance(inner, dict) else {"text": inner}).items():
                    field = field if field in QUESTION_FIELDS else "text"
                    if field == "options":
                        text = _choice_messages(text, "Cột" if matrix else "Phương án")
                    elif field == "rows":
                        text = _choice_messages(text, "Dòng")
                    else:
                        text = _text(text)
                    add(by_slot.setdefault(slot, {}), field, text)
        elif top in FIELDS:
            add(errors, top, _text(messages))
        else:
            problem.append(_text(messages))
    if not errors and not by_slot and not problem:
        problem.append(exc.message)
    return errors, by_slot, " ".join(problem) or None
