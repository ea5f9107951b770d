"""Demo accounts, one per role, and demo tarieven: only ever created together with demo data.

The passwords and the beheerder's TOTP secret are public (README, start-up output), which is fine
because demo data is fictional; `load_demo` is the only caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

from sqlmodel import Session, select

from keuzehulp.domain.twents_model import OB_SCOPES
from keuzehulp.models import Aanbieder, Contract, Gebruiker, GebruikerGemeente, Gemeente, Tarief
from keuzehulp.models.periods import current
from keuzehulp.services.accounts import hash_password
from keuzehulp.services.audit import SYSTEM, record

DEMO_TOTP_SECRET = "KEUZEHULPDEMOBEHEERTWENTE2345672"


@dataclass(frozen=True)
class DemoAccount:
    rol: str
    email: str
    password: str
    naam: str


DEMO_ACCOUNTS = (
    DemoAccount("beheerder", "beheer@demo.keuzehulp.nl", "demo-beheer-twente", "Demo beheerder"),
    DemoAccount(
        "wijkteam", "wijkteam.enschede@demo.keuzehulp.nl", "demo-wijkteam-enschede", "Demo wijkteam Enschede"
    ),
    DemoAccount("aanbieder", "aanbieder@demo.keuzehulp.nl", "demo-aanbieder-twente", "Demo aanbieder"),
)
DEMO_HOURLY = {
    "jeugd": {"A": 52_00, "B": 68_00, "C": 84_00, "D": 41_00, "E": 112_00},
    "wmo": {"A": 49_00, "B": 63_00, "C": 78_00, "D": 38_00},
}
DEMO_ETMAAL = {"0-A": 45_00, "0-B": 95_00, "1": 165_00, "2": 290_00, "3": 420_00}


@cache
def _demo_hash(password: str) -> str:
    return hash_password(password)


def demo_aanbieder(session: Session, today: date) -> Aanbieder | None:
    """The demo aanbieder account's aanbieder: the first active one with a current OB contract in
    Enschede (the demo wijkteam's gemeente), so the two demo accounts can work together."""
    query = (
        select(Aanbieder)
        .join(Contract, Contract.aanbieder_id == Aanbieder.id)
        .join(Gemeente, Gemeente.id == Contract.gemeente_id)
        .where(
            Aanbieder.status == "actief",
            Gemeente.cbs_code == "GM0153",
            Contract.product.is_not(None),
            current(Contract, today),
        )
        .order_by(Aanbieder.id)
    )
    return session.exec(query).first()


def ensure_demo_accounts(session: Session, today: date) -> list[tuple[DemoAccount, str]]:
    """Create the missing demo accounts and demo tarieven, and link the demo aanbieder account to
    an aanbieder with a current Enschede contract today; returns (account, what it is for). The
    beheerder and the wijkteam belong to Enschede's region."""
    enschede = session.exec(select(Gemeente).where(Gemeente.cbs_code == "GM0153")).first()
    if enschede is None:  # the demo accounts work in Twente, which this installation does not serve
        return []
    aanbieder = demo_aanbieder(session, today)
    created = []
    for account in DEMO_ACCOUNTS:
        if account.rol == "aanbieder" and aanbieder is None:
            continue
        user = session.exec(select(Gebruiker).where(Gebruiker.email == account.email)).first()
        if user is None:
            user = Gebruiker(
                email=account.email,
                naam=account.naam,
                rol=account.rol,
                password_hash=_demo_hash(account.password),
                totp_secret=DEMO_TOTP_SECRET if account.rol == "beheerder" else None,
                aanbieder_id=aanbieder.id if account.rol == "aanbieder" else None,
                regio_id=enschede.regio_id if account.rol != "aanbieder" else None,
            )
            session.add(user)
            session.flush()
            if account.rol == "wijkteam":
                session.add(GebruikerGemeente(gebruiker_id=user.id, gemeente_id=enschede.id))
            record(
                session,
                SYSTEM,
                "demo-account aangemaakt",
                "gebruiker",
                user.id,
                na={"rol": account.rol},
                regio_id=user.regio_id,
            )
        elif account.rol == "aanbieder" and user.aanbieder_id != aanbieder.id:  # its contract ended
            record(
                session,
                SYSTEM,
                "demo-account gekoppeld",
                "gebruiker",
                user.id,
                voor={"aanbieder_id": user.aanbieder_id},
                na={"aanbieder_id": aanbieder.id},
            )
            user.aanbieder_id = aanbieder.id
            session.add(user)
        purpose = {
            "beheerder": "regio",
            "wijkteam": "Enschede",
            "aanbieder": aanbieder.naam if aanbieder else "",
        }
        created.append((account, purpose[account.rol]))
    if session.exec(select(Tarief.id)).first() is None:
        start = date(today.year, 1, 1)
        for perceel, ob, niveau in OB_SCOPES:
            cents = DEMO_HOURLY[perceel][niveau]
            session.add(
                Tarief(
                    soort="ob", perceel=perceel, code=f"{ob}{niveau}", bedrag_centen=cents, geldig_vanaf=start
                )
            )
        for dakje, cents in DEMO_ETMAAL.items():
            session.add(Tarief(soort="dakje", code=dakje, bedrag_centen=cents, geldig_vanaf=start))
    return created
