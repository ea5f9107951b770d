"""The site's name comes from the served region's folder, not from the code."""

from __future__ import annotations

from urllib.parse import unquote

import yaml

from keuzehulp.config import REGIO_DIR
from keuzehulp.domain import regio
from keuzehulp.services.login import totp_uri


def test_de_naam_van_de_site_komt_uit_regio_yaml():
    data = yaml.safe_load((REGIO_DIR / regio.SERVED / "regio.yaml").read_text(encoding="utf-8"))
    assert regio.site_name() == f"Keuzehulp {data['regio']['naam']}" == "Keuzehulp Twente"


def test_de_authenticator_app_noemt_de_regio(monkeypatch):
    monkeypatch.setattr(regio, "regio_naam", lambda slug="twente": "Fictief")
    uri = totp_uri("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "iemand@example.nl")
    assert "issuer=Keuzehulp Fictief" in unquote(uri)


def test_een_kern_die_twee_keer_in_een_regio_staat_wordt_geweigerd(tmp_path):
    import shutil

    import pytest
    from sqlmodel import Session, SQLModel, create_engine

    from keuzehulp.domain.taxonomy import SEED_DIR, load_taxonomy

    shutil.copytree(SEED_DIR, tmp_path / "seed")
    path = tmp_path / "seed" / "regio" / regio.SERVED / "regio.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("[Zenderen,", "[Boekelo,"), encoding="utf-8")
    engine = create_engine("sqlite://")
    SQLModel.metadata.create_all(engine)
    with (
        Session(engine) as session,
        pytest.raises(ValueError, match="Kern Boekelo staat twee keer in regio Twente"),
    ):
        load_taxonomy(session, regio_dir=tmp_path / "seed" / "regio")


def test_de_authenticator_app_en_de_uitnodiging_noemen_de_regio_van_de_gebruiker(empty_world):
    from sqlmodel import Session, select

    from keuzehulp.models import Gebruiker, Regio, UitgaandBericht
    from keuzehulp.services.accounts import invite
    from tests.support.accounts import add_user

    with Session(empty_world.engine) as session:
        session.add(Regio(slug="nijmegen", naam="Regio Nijmegen"))
        session.commit()
    user_id = add_user(empty_world, "beheer@nijmegen.example", "beheerder", regio="nijmegen")
    uri = unquote(totp_uri("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "x@example.nl", "nijmegen"))
    assert "issuer=Keuzehulp Regio Nijmegen" in uri
    with Session(empty_world.engine) as session:
        invite(session, session.get(Gebruiker, user_id), "https://keuzehulp.example")
        session.flush()
        subjects = session.exec(select(UitgaandBericht.onderwerp)).all()
    assert "Uw account voor Keuzehulp Regio Nijmegen" in subjects
