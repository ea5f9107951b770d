"""Settings from the environment (KEUZEHULP_*), gathered in one Settings object that is passed down."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from datetime import date
from pathlib import Path

from keuzehulp import clock

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The folder of region folders (docs/regio.md); another one only to try a region out or in tests.
REGIO_DIR = Path(os.environ.get("KEUZEHULP_REGIO_DIR") or PROJECT_ROOT / "seed" / "regio")
DEVELOPMENT_SECRET = "development-only-secret-change-me"
LOG_FORMATS = ("text", "json")


def _flag(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    """Everything the app needs to know about its environment; each field documents itself."""

    database_url: str = field(
        default=f"sqlite:///{PROJECT_ROOT / 'var' / 'keuzehulp.db'}",
        metadata={"env": "KEUZEHULP_DATABASE_URL", "help": "SQLAlchemy URL of the database."},
    )
    index_dir: Path = field(
        default=PROJECT_ROOT / "search_index",
        metadata={"env": "KEUZEHULP_INDEX_DIR", "help": "Folder of the Whoosh search index."},
    )
    secret_key: str = field(
        default=DEVELOPMENT_SECRET,
        metadata={"env": "KEUZEHULP_SECRET_KEY", "help": "Key that signs session cookies."},
    )
    environment: str = field(
        default="development",
        metadata={
            "env": "KEUZEHULP_ENV",
            "help": "development or production; production refuses the development secret.",
        },
    )
    index_poll_seconds: float = field(
        default=0.5,
        metadata={
            "env": "KEUZEHULP_INDEX_POLL_SECONDS",
            "help": "How often the app applies new change-log rows to its index (0 turns polling off).",
        },
    )

    api_rate_limit: float = field(
        default=120,
        metadata={
            "env": "KEUZEHULP_API_RATE_LIMIT",
            "help": "JSON API requests per minute per client address (0 turns the limit off).",
        },
    )

    open_data_license: str = field(
        default="CC0-1.0",
        metadata={
            "env": "KEUZEHULP_OPEN_DATA_LICENSE",
            "help": "SPDX id of the licence of the published directory data (open data).",
        },
    )

    public_url: str = field(
        default="http://127.0.0.1:8000",
        metadata={"env": "KEUZEHULP_PUBLIC_URL", "help": "Address of the site, used for links in e-mails."},
    )
    session_idle_minutes: float = field(
        default=30,
        metadata={
            "env": "KEUZEHULP_SESSION_IDLE_MINUTES",
            "help": "Minutes without activity after which a signed-in session ends.",
        },
    )
    smtp_host: str = field(
        default="",
        metadata={
            "env": "KEUZEHULP_SMTP_HOST",
            "help": "SMTP server for e-mail; empty writes .eml files to KEUZEHULP_MAIL_DIR instead.",
        },
    )
    smtp_port: int = field(
        default=587, metadata={"env": "KEUZEHULP_SMTP_PORT", "help": "SMTP port (STARTTLS is used)."}
    )
    smtp_user: str = field(default="", metadata={"env": "KEUZEHULP_SMTP_USER", "help": "SMTP user name."})
    smtp_password: str = field(
        default="", metadata={"env": "KEUZEHULP_SMTP_PASSWORD", "help": "SMTP password."}
    )
    mail_from: str = field(
        default="Keuzehulp Twente <noreply@keuzehulp.example>",
        metadata={"env": "KEUZEHULP_MAIL_FROM", "help": "Sender address of e-mails."},
    )
    mail_dir: Path = field(
        default=PROJECT_ROOT / "var" / "mail",
        metadata={"env": "KEUZEHULP_MAIL_DIR", "help": "Folder for .eml files when no SMTP server is set."},
    )
    retention_days: int = field(
        default=180,
        metadata={
            "env": "KEUZEHULP_RETENTION_DAYS",
            "help": "Days after which personal data of closed consultaties and voorkeuren is removed.",
        },
    )
    mail_send_seconds: float = field(
        default=10,
        metadata={
            "env": "KEUZEHULP_MAIL_SEND_SECONDS",
            "help": "How often the app sends queued e-mail (0 leaves it to `keuzehulp jobs run`).",
        },
    )

    trusted_proxies: str = field(
        default="",
        metadata={
            "env": "KEUZEHULP_TRUSTED_PROXIES",
            "help": "Comma-separated addresses of reverse proxies whose X-Forwarded-For and "
            "X-Forwarded-Proto are believed; empty: none (the client address is the connection's).",
        },
    )
    log_format: str = field(
        default="text",
        metadata={
            "env": "KEUZEHULP_LOG_FORMAT",
            "help": "text (uvicorn's usual lines) or json: one JSON object per line, with a line per "
            "request (request id, route, status, duration; no addresses, paths or personal data).",
        },
    )
    metrics_token: str = field(
        default="",
        metadata={
            "env": "KEUZEHULP_METRICS_TOKEN",
            "help": "Token a scraper sends as `Authorization: Bearer ...` to read /metrics; empty: only "
            "direct requests from the same machine (127.0.0.1, ::1) without X-Forwarded-For.",
        },
    )
    regios: str = field(
        default="twente,nijmegen",
        metadata={
            "env": "KEUZEHULP_REGIOS",
            "help": "Folders under seed/regio/ that `keuzehulp seed` loads (comma-separated): the regions "
            "served.",
        },
    )
    theme: str = field(
        default="twente",
        metadata={
            "env": "KEUZEHULP_THEMA",
            "help": "Folder under seed/regio/ whose tokens.json gives the name, logo text and colours.",
        },
    )
    today: str = field(
        default="",
        metadata={
            "env": "KEUZEHULP_TODAY",
            "help": "Run as if today were this date (YYYY-MM-DD), for demos and tests; empty: the real date.",
        },
    )

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides) -> Settings:
        """Read every declared KEUZEHULP_* variable; keyword overrides win."""
        environ = os.environ if environ is None else environ
        values = {}
        for f in fields(cls):
            raw = environ.get(f.metadata["env"])
            if raw is None or raw == "":
                continue
            if f.type in ("Path", Path):
                values[f.name] = Path(raw)
            elif f.type in ("int", int):
                values[f.name] = int(raw)
            elif f.type in ("float", float):
                values[f.name] = float(raw)
            elif f.type in ("bool", bool):
                values[f.name] = _flag(raw)
            else:
                values[f.name] = raw
        values.update(overrides)
        settings = cls(**values)
        settings.check()
        return settings

    def check(self, workers: int = 1) -> None:
        """Refuse settings that are unsafe in production (ValueError says what to change), and a bad
        date or log format anywhere."""
        if self.environment == "production" and (problems := self.production_problems(workers)):
            raise ValueError(
                "Onveilige instellingen voor productie (KEUZEHULP_ENV=production):\n- "
                + "\n- ".join(problems)
            )
        if self.log_format not in LOG_FORMATS:
            raise ValueError(f"KEUZEHULP_LOG_FORMAT moet text of json zijn, niet {self.log_format!r}.")
        if self.today:
            date.fromisoformat(self.today)  # ValueError names the bad date
        for slug in self.regio_slugs:
            if not (REGIO_DIR / slug / "regio.yaml").is_file():
                raise ValueError(
                    f"KEUZEHULP_REGIOS noemt {slug!r}: er is geen map seed/regio/{slug}/regio.yaml."
                )

    @property
    def regio_slugs(self) -> tuple[str, ...]:
        """The regions `keuzehulp seed` loads."""
        return tuple(slug.strip() for slug in self.regios.split(",") if slug.strip())

    def production_problems(self, workers: int = 1) -> list[str]:
        """What makes these settings unsafe for a public site served by `workers` processes."""
        problems = []
        if self.secret_key == DEVELOPMENT_SECRET:
            problems.append("KEUZEHULP_SECRET_KEY is de ontwikkelwaarde; kies een lange geheime waarde.")
        if not self.public_url.startswith("https://"):
            problems.append(f"KEUZEHULP_PUBLIC_URL moet met https:// beginnen (nu {self.public_url!r}).")
        if self.database_url.startswith("sqlite") and workers > 1:
            problems.append(
                f"Een SQLite-database kan niet met {workers} workers (of meer hosts); "
                "gebruik PostgreSQL of --workers 1."
            )
        return problems

    def apply_clock(self) -> None:
        """Move the app's clock to KEUZEHULP_TODAY when it is set."""
        if self.today:
            clock.set_today(date.fromisoformat(self.today))


def documented_settings() -> list[tuple[str, str]]:
    """(environment variable, help) for every setting, for the README test and `--help`."""
    return [(f.metadata["env"], f.metadata["help"]) for f in fields(Settings)]
