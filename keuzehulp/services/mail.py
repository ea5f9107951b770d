"""E-mail through an outbox: writers queue a row in their own transaction, the sender delivers it.

Delivery is SMTP when KEUZEHULP_SMTP_HOST is set, otherwise an `.eml` file per message in
KEUZEHULP_MAIL_DIR. A failed message stays in the outbox and is retried later with back-off;
nothing is deleted. Once sent, single-use links in the stored copy are replaced. Logs name
message ids only, never addresses or contents.
"""

from __future__ import annotations

import logging
import re
import smtplib
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from sqlalchemy import Engine
from sqlmodel import Session, select

from keuzehulp import clock
from keuzehulp.config import Settings
from keuzehulp.models import UitgaandBericht

log = logging.getLogger(__name__)
MAX_BACKOFF = timedelta(hours=6)
SECRET_LINKS = re.compile(r"(/wachtwoord/instellen/)[^\s\"?#]+")


def redact(text: str) -> str:
    """The text with single-use tokens in links replaced (for logs and sent messages)."""
    return SECRET_LINKS.sub(r"\1[verborgen]", text)


def queue_mail(session: Session, to: str, subject: str, body: str) -> UitgaandBericht:
    """Put an e-mail in the outbox (sent after the transaction commits, by the sender)."""
    message = UitgaandBericht(aan=to, onderwerp=subject, tekst=body)
    session.add(message)
    session.flush()
    return message


def build_message(row: UitgaandBericht, sender: str) -> EmailMessage:
    """The outbox row as an RFC 5322 message."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = row.aan
    message["Subject"] = row.onderwerp
    message["Message-ID"] = make_msgid(idstring=f"outbox-{row.id}")
    message.set_content(row.tekst)
    return message


def deliver(message: EmailMessage, row_id: int, settings: Settings) -> None:
    """Send one message by SMTP, or write it as an .eml file."""
    if settings.smtp_host:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=20) as smtp:
            smtp.starttls()
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password)
            smtp.send_message(message)
        return
    settings.mail_dir.mkdir(parents=True, exist_ok=True)
    (settings.mail_dir / f"{row_id:06d}.eml").write_bytes(bytes(message))


def send_pending(
    engine: Engine, settings: Settings, now: datetime | None = None, limit: int = 100
) -> tuple[int, int]:
    """Send due outbox messages; returns (sent, failed). Failures are retried later.

    Each message is claimed with `FOR UPDATE SKIP LOCKED` in its own transaction, so several app
    processes on PostgreSQL never send the same message twice (SQLite has one writer anyway).
    """
    now = now or clock.now()
    sent = failed = 0
    due = (
        select(UitgaandBericht)
        .where(UitgaandBericht.verzonden_op.is_(None), UitgaandBericht.volgende_poging <= now)
        .order_by(UitgaandBericht.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    with Session(engine) as session:
        for _ in range(limit):
            row = session.exec(due).first()
            if row is None:
                break
            row.pogingen += 1
            try:
                deliver(build_message(row, settings.mail_from), row.id, settings)
            except Exception as error:  # any transport error: keep the message, try again later
                row.laatste_fout = type(error).__name__
                row.volgende_poging = now + min(timedelta(minutes=2**row.pogingen), MAX_BACKOFF)
                failed += 1
                log.warning(
                    "E-mail %s niet verzonden (poging %s): %s", row.id, row.pogingen, type(error).__name__
                )
            else:
                row.verzonden_op = now
                row.laatste_fout = ""
                row.tekst = redact(row.tekst)  # a stored copy never holds a usable link
                sent += 1
            session.add(row)
            session.commit()
    return sent, failed
