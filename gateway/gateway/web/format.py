"""How the portal writes dates, times and numbers: the Vietnamese way, in Vietnam's time zone.

«Thứ Tư, 02/12/2026 16:45», «02/12/2026», «1.234.567» — pure functions, registered as
Jinja filters by ``gateway.web.register``.
"""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")


def moment(value):
    """An aware datetime in Vietnam's time from an ISO string or a datetime (naive = UTC); None passes."""
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:  # a day alone stays a day (Python would read "2026-06-30" as midnight UTC)
            value = (
                date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value.replace("Z", "+00:00"))
            )
        except ValueError:
            return None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(VIETNAM)
    if isinstance(value, date):
        return value
    return None


def weekday_datetime(value):
    """«Thứ Tư, 02/12/2026 16:45»."""
    when = moment(value)
    if when is None:
        return ""
    if not isinstance(when, datetime):
        return day(when)
    return f"{WEEKDAYS[when.weekday()]}, {when:%d/%m/%Y %H:%M}"


def day(value):
    """«02/12/2026»."""
    when = moment(value)
    return "" if when is None else f"{when:%d/%m/%Y}"


def day_time(value):
    """«02/12/2026 16:45»."""
    when = moment(value)
    if when is None:
        return ""
    return f"{when:%d/%m/%Y %H:%M}" if isinstance(when, datetime) else day(when)


def iso(value):
    """The machine form (``datetime`` attributes, sitemaps, structured data), with its offset."""
    when = moment(value)
    return "" if when is None else when.isoformat()


def rfc822(value):
    """RSS 2.0 dates: «Wed, 02 Dec 2026 09:45:00 +0000» (English names, as the standard says)."""
    when = moment(value)
    if when is None:
        return ""
    if not isinstance(when, datetime):
        when = datetime(when.year, when.month, when.day, tzinfo=VIETNAM)
    from email.utils import format_datetime

    return format_datetime(when.astimezone(UTC))


def number(value):
    """«1.234.567»: dots group the thousands, a comma marks decimals («12,5»)."""
    if value is None:
        return ""
    if isinstance(value, float) and not value.is_integer():
        whole, _, fraction = f"{value:,.1f}".partition(".")
        return whole.replace(",", ".") + "," + fraction
    return f"{int(value):,}".replace(",", ".")


FILTERS = {
    "weekday_datetime": weekday_datetime,
    "day": day,
    "day_time": day_time,
    "iso": iso,
    "rfc822": rfc822,
    "number": number,
}
