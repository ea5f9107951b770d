from pathlib import Path

import pytest

from keuzehulp.config import PROJECT_ROOT, Settings, documented_settings


def test_settings_komen_uit_de_omgeving():
    settings = Settings.from_env(
        {
            "KEUZEHULP_DATABASE_URL": "sqlite:///x.db",
            "KEUZEHULP_INDEX_DIR": "/tmp/ix",
            "KEUZEHULP_INDEX_POLL_SECONDS": "2",
        }
    )
    assert settings.database_url == "sqlite:///x.db"
    assert settings.index_dir == Path("/tmp/ix")
    assert settings.index_poll_seconds == 2.0


def test_productie_weigert_het_ontwikkelgeheim():
    with pytest.raises(ValueError, match="KEUZEHULP_SECRET_KEY"):
        Settings.from_env({"KEUZEHULP_ENV": "production"})
    assert Settings.from_env(PRODUCTION | {"KEUZEHULP_SECRET_KEY": "s" * 40}).secret_key


PRODUCTION = {
    "KEUZEHULP_ENV": "production",
    "KEUZEHULP_PUBLIC_URL": "https://keuzehulp.example",
    "KEUZEHULP_DATABASE_URL": "postgresql+psycopg://kh@db/kh",
}


def test_productie_weigert_een_adres_zonder_https():
    safe = PRODUCTION | {"KEUZEHULP_SECRET_KEY": "s" * 40}
    with pytest.raises(ValueError, match="KEUZEHULP_PUBLIC_URL moet met https://"):
        Settings.from_env(safe | {"KEUZEHULP_PUBLIC_URL": "http://keuzehulp.example"})
    development = {k: v for k, v in safe.items() if k != "KEUZEHULP_ENV"}
    assert Settings.from_env(development | {"KEUZEHULP_PUBLIC_URL": "http://127.0.0.1:8000"}).public_url


def test_productie_weigert_sqlite_met_meer_workers():
    settings = Settings.from_env(
        PRODUCTION | {"KEUZEHULP_SECRET_KEY": "s" * 40}, database_url="sqlite:///x.db"
    )
    settings.check(workers=1)  # one process on one host: the embedded database is fine
    with pytest.raises(ValueError, match="SQLite-database kan niet met 4 workers"):
        settings.check(workers=4)
    Settings.from_env(PRODUCTION | {"KEUZEHULP_SECRET_KEY": "s" * 40}).check(workers=4)  # PostgreSQL


def test_productie_noemt_elk_probleem_tegelijk():
    with pytest.raises(ValueError) as refused:
        Settings(environment="production").check(workers=2)
    message = str(refused.value)
    assert "KEUZEHULP_SECRET_KEY" in message and "KEUZEHULP_PUBLIC_URL" in message and "SQLite" in message


def test_onbekend_logformaat_wordt_geweigerd():
    with pytest.raises(ValueError, match="KEUZEHULP_LOG_FORMAT"):
        Settings.from_env({"KEUZEHULP_LOG_FORMAT": "xml"})


def test_elke_instelling_staat_in_de_readme():
    readme = (PROJECT_ROOT / "README.md").read_text()
    for name, _help in documented_settings():
        assert name in readme, f"{name} ontbreekt in README.md"


def test_migratie_maakt_de_map_van_een_sqlite_database(tmp_path):
    from keuzehulp.db import upgrade

    path = tmp_path / "nieuw" / "sub" / "keuzehulp.db"
    upgrade(f"sqlite:///{path}")
    assert path.exists()
