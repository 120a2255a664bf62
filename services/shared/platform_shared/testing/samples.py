"""Sample data the tests and benchmarks share: a poll of every question kind and its window."""

from datetime import UTC, datetime, timedelta

from platform_shared.clock import VN_TZ

# One question of each kind (single, multiple, rating, free text, matrix); q4 is optional.
POLL_QUESTIONS = [
    {
        "text": "Anh/chị có hài lòng với hoạt động công đoàn?",
        "kind": "single",
        "options": [{"label": "Hài lòng"}, {"label": "Bình thường"}, {"label": "Chưa hài lòng"}],
    },
    {
        "text": "Những hoạt động nào cần tăng cường?",
        "kind": "multiple",
        "max_choices": 2,
        "options": [{"label": "Chăm lo đời sống"}, {"label": "Đối thoại"}, {"label": "Văn hóa, thể thao"}],
    },
    {"text": "Chấm điểm bữa ăn ca", "kind": "rating"},
    {"text": "Ý kiến khác", "kind": "text", "required": False},
    {
        "text": "Đánh giá từng mặt",
        "kind": "matrix",
        "rows": [{"label": "Tiền lương"}, {"label": "Nhà ở"}],
        "options": [{"label": "Tốt"}, {"label": "Chưa tốt"}],
    },
]


def poll_window(hours_before=1, hours_after=48):
    """``opens_at``/``closes_at`` around now, as a poll's author types them (Vietnam time, no offset)."""
    now = datetime.now(UTC)
    return {
        "opens_at": (now - timedelta(hours=hours_before)).astimezone(VN_TZ).replace(tzinfo=None).isoformat(),
        "closes_at": (now + timedelta(hours=hours_after)).astimezone(VN_TZ).replace(tzinfo=None).isoformat(),
    }
