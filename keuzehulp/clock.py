"""The app's one clock: every "today" and "now" is read here, so a setting or a test can move it.

`KEUZEHULP_TODAY` (a date) shifts the clock to that day; time keeps running from there, so
timeouts and ages still work. "Today" is the date in the Netherlands, not in UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

DUTCH_TIME = ZoneInfo("Europe/Amsterdam")
_offset = timedelta(0)


def now() -> datetime:
    """Timezone-aware now (UTC), for timestamps."""
    return wall_now() + _offset


def wall_now() -> datetime:
    """The real time, never moved: for what must match other clocks (TOTP codes on a phone)."""
    return datetime.now(UTC)


def today() -> date:
    """Today's date in the Netherlands."""
    return now().astimezone(DUTCH_TIME).date()


def set_today(day: date | None) -> None:
    """Move the clock so that today() is `day` (None: back to the real date)."""
    global _offset
    _offset = timedelta(0)
    if day is not None:
        _offset = timedelta(days=(day - today()).days)
