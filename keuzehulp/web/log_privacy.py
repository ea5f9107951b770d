"""Keep personal data and secrets out of logs: the access log loses client addresses and link tokens."""

from __future__ import annotations

import logging

from keuzehulp.services.mail import redact


class AccessLogPrivacy(logging.Filter):
    """For uvicorn's access log: (address, method, path, version, status) without address or tokens."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and len(record.args) == 5:
            _, method, path, version, status = record.args
            record.args = ("-", method, redact(str(path)), version, status)
        record.msg = redact(str(record.msg))
        return True


def install() -> None:
    """Attach the filter to uvicorn's access logger (idempotent)."""
    logger = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, AccessLogPrivacy) for f in logger.filters):
        logger.addFilter(AccessLogPrivacy())
