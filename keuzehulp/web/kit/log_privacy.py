"""Keep personal data and secrets out of logs: the access log loses client addresses, link tokens
and e-mail addresses; the JSON-lines format (KEUZEHULP_LOG_FORMAT=json) logs requests by route
template only."""

from __future__ import annotations

import json
import logging
import re
import sys
import traceback
from datetime import UTC, datetime

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


class JsonLines(logging.Formatter):
    """One JSON object per line: time, level, logger and either the request's fields (set by the
    metrics middleware) or the message without tokens and e-mail addresses. An exception adds its
    type and where it was raised, never its message (that can hold what someone typed)."""

    def format(self, record: logging.LogRecord) -> str:
        moment = datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
        entry = {"time": moment, "level": record.levelname.lower(), "logger": record.name}
        fields = getattr(record, "request", None)
        if fields is not None:
            entry |= fields
        else:
            entry["message"] = _private(record.getMessage())
        if record.exc_info and record.exc_info[0] is not None:
            entry["error"] = record.exc_info[0].__name__
            entry["stack"] = [
                f"{frame.filename}:{frame.lineno} {frame.name}"
                for frame in traceback.extract_tb(record.exc_info[2])
            ]
        return json.dumps(entry, ensure_ascii=False)


def use_json_lines(stream=None) -> None:
    """Send every log record (the app's and uvicorn's) as JSON lines to stderr; the per-request
    lines replace uvicorn's access log (idempotent)."""
    root = logging.getLogger()
    if not any(isinstance(handler.formatter, JsonLines) for handler in root.handlers):
        handler = logging.StreamHandler(stream or sys.stderr)
        handler.setFormatter(JsonLines())
        root.handlers = [handler]
    root.setLevel(logging.INFO)
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers = []
        logging.getLogger(name).propagate = True
    access = logging.getLogger("uvicorn.access")
    access.handlers, access.propagate, access.disabled = [], False, True
