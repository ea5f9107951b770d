"""The loops a worker runs beside its requests: the index catching up with the change log,
and sending the outbox."""

from __future__ import annotations

import logging
import threading
import time

from sqlalchemy import Engine

from keuzehulp.config import Settings
from keuzehulp.search.index import SearchIndex
from keuzehulp.services.mail import send_pending

log = logging.getLogger(__name__)

HEALTH_CHECK_SECONDS = 10
SHUTDOWN_WAIT_SECONDS = 30


def sync_loop(index: SearchIndex, interval: float, stop: threading.Event) -> None:
    """Follow the change log; check the index is whole every few seconds and rebuild it when not
    (or at once after a search could not read it)."""
    checked = 0.0
    while not stop.wait(interval):
        try:
            if index.broken or time.monotonic() - checked > HEALTH_CHECK_SECONDS:
                checked = time.monotonic()
                index.heal()
            index.refresh()
            index.sync()
        except Exception as error:  # the next round checks the index and heals it
            log.warning("Bijwerken van de zoekindex mislukt (%s)", type(error).__name__)
            index.report_broken()


def mail_loop(engine: Engine, settings: Settings, stop: threading.Event) -> None:
    while not stop.wait(settings.mail_send_seconds):
        try:
            send_pending(engine, settings)
        except Exception:  # the outbox keeps every message; the next round retries
            log.exception("Versturen van e-mail mislukt")
