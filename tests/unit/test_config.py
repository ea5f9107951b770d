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
    assert Settings.from_env({"KEUZEHULP_ENV": "production", "KEUZEHULP_SECRET_KEY": "s" * 40}).secret_key


def test_elke_instelling_staat_in_de_readme():
    readme = (PROJECT_ROOT / "README.md").read_text()
    for name, _help in documented_settings():
        assert name in readme, f"{name} ontbreekt in README.md"


def test_migratie_maakt_de_map_van_een_sqlite_database(tmp_path):
    from keuzehulp.db import upgrade

    path = tmp_path / "nieuw" / "sub" / "keuzehulp.db"
    upgrade(f"sqlite:///{path}")
    assert path.exists()
