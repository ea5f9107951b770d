"""Keep personal data and secrets out of logs: the access log loses client addresses, link tokens
and e-mail addresses."""

from __future__ import annotations

import logging
import re

from keuzehulp.services.mail import redact

_EMAIL = re.compile(r"[^\s/?&=]+(?:@|%40)[^\s/?&=]+", re.IGNORECASE)


def _private(text: str) -> str:
    """The text without link tokens and e-mail addresses."""
    return _EMAIL.sub("[verborgen]", redact(text))


class AccessLogPrivacy(logging.Filter):
    """For uvicorn's access log: (address, method, path, version, status) without address or tokens."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and len(record.args) == 5:
            _, method, path, version, status = record.args
            record.args = ("-", method, _private(str(path)), version, status)
        record.msg = _private(str(record.msg))
        return True


def install() -> None:
    """Attach the filter to uvicorn's access logger (idempotent)."""
    logger = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, AccessLogPrivacy) for f in logger.filters):
        logger.addFilter(AccessLogPrivacy())
