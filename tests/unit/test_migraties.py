"""Migrations that change data: what existing rows become, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import text

from keuzehulp.db import alembic_config, make_engine


def test_0007_maakt_van_een_ob_tarief_een_tarief_per_perceel_dat_die_ob_heeft(database_factory):
    url = database_factory.blank_url()
    config = alembic_config(url)
    command.upgrade(config, "0006")
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO tarief (soort, code, bedrag_centen, geldig_vanaf, geldig_tot) VALUES "
                "('ob', '1A', 5200, '2026-01-01', NULL), ('ob', '2D', 4100, '2026-01-01', '2026-06-30'), "
                "('ob', '3B', 6800, '2026-01-01', NULL), ('ob', '4E', 11200, '2026-01-01', NULL), "
                "('dakje', '1', 16500, '2026-01-01', NULL)"
            )
        )
    query = text("SELECT soort, perceel, code, bedrag_centen, geldig_tot IS NULL FROM tarief")
    try:
        command.upgrade(config, "0007")
        with engine.connect() as connection:
            rows = sorted(((*row[:4], bool(row[4])) for row in connection.execute(query)), key=str)
        assert rows == sorted(
            [
                ("dakje", None, "1", 16500, True),  # a dakje keeps one tarief for jeugd and Wmo
                ("ob", "jeugd", "1A", 5200, True),
                ("ob", "wmo", "1A", 5200, True),
                ("ob", "jeugd", "2D", 4100, False),
                ("ob", "wmo", "2D", 4100, False),
                ("ob", "jeugd", "3B", 6800, True),  # OB3 and OB4: jeugd only
                ("ob", "jeugd", "4E", 11200, True),
            ],
            key=str,
        )
        command.downgrade(config, "0006")
        with engine.connect() as connection:
            codes = sorted(connection.execute(text("SELECT code FROM tarief")).scalars())
        assert codes == ["1", "1A", "2D", "3B", "4E"]
    finally:
        engine.dispose()


def test_0008_telt_verder_vanaf_het_hoogste_volgnummer_en_terug_kan_ook(database_factory):
    from sqlmodel import Session

    from keuzehulp.domain.changelog import record_change

    url = database_factory.blank_url()
    config = alembic_config(url)
    command.upgrade(config, "0007")
    engine = make_engine(url)
    insert_without_seq = text(
        "INSERT INTO changelog (aanbieder_id, reden, created_at) VALUES (1, 'oud', '2026-01-01 00:00:00')"
    )
    try:
        with engine.begin() as connection:
            for _ in range(3):
                connection.execute(insert_without_seq)
        command.upgrade(config, "0008")
        with Session(engine) as session:
            record_change(session, 1, "nieuw")
            session.commit()
        with engine.connect() as connection:
            rows = list(connection.execute(text("SELECT seq, reden FROM changelog ORDER BY seq")))
        assert [tuple(row) for row in rows] == [(1, "oud"), (2, "oud"), (3, "oud"), (4, "nieuw")]
        command.downgrade(config, "0007")
        with engine.begin() as connection:
            connection.execute(insert_without_seq)
            assert connection.execute(text("SELECT MAX(seq) FROM changelog")).scalar() == 5
    finally:
        engine.dispose()


def test_0009_een_kern_is_uniek_per_gemeente_en_terug_kan_ook(database_factory):
    """Two gemeenten may each have a kern of the same name (Beuningen in Losser, gemeente Beuningen);
    one gemeente may not have it twice."""
    import pytest
    from sqlalchemy.exc import IntegrityError

    url = database_factory.blank_url()
    config = alembic_config(url)
    command.upgrade(config, "0009")
    engine = make_engine(url)
    gemeente = (
        "INSERT INTO gemeente (id, cbs_code, naam, slug, regio_id, lat, lon, toegang_naam, toegang_telefoon, "
        "toegang_email, toegang_website) VALUES (:id, :code, :naam, :slug, 1, 52, 6, 'Wijkteam', '', '', '')"
    )
    kern = "INSERT INTO kern (slug, naam, gemeente_id, lat, lon) VALUES ('beuningen', 'Beuningen', :g, 52, 6)"
    try:
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO regio (id, slug, naam) VALUES (1, 'twente', 'Twente')"))
            connection.execute(
                text(gemeente), {"id": 1, "code": "GM0168", "naam": "Losser", "slug": "losser"}
            )
            connection.execute(
                text(gemeente), {"id": 2, "code": "GM0209", "naam": "Beuningen", "slug": "beuningen"}
            )
            connection.execute(text(kern), {"g": 1})
            connection.execute(text(kern), {"g": 2})
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(text(kern), {"g": 1})
        with engine.begin() as connection:
            connection.execute(text("DELETE FROM kern WHERE gemeente_id = 2"))
        command.downgrade(config, "0008")
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(text(kern), {"g": 2})  # before 0009 a slug was unique in the country
    finally:
        engine.dispose()


def test_0010_geeft_beheerders_wijkteams_imports_en_logboek_een_regio_en_terug_kan_ook(database_factory):
    """Beheerders, import batches and audit lines get Twente, a wijkteam the region of its gemeenten,
    aanbieder staff none."""
    url = database_factory.blank_url()
    config = alembic_config(url)
    command.upgrade(config, "0009")
    engine = make_engine(url)
    gemeente = (
        "INSERT INTO gemeente (id, cbs_code, naam, slug, regio_id, lat, lon, toegang_naam, toegang_telefoon, "
        "toegang_email, toegang_website) "
        "VALUES (:id, :code, :naam, :slug, :regio, 52, 6, 'Wijkteam', '', '', '')"
    )
    user = (
        "INSERT INTO gebruiker (id, email, naam, rol, actief, created_at) "
        "VALUES (:id, :email, '', :rol, true, '2026-01-01 00:00:00')"
    )
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO regio (id, slug, naam) "
                    "VALUES (1, 'nijmegen', 'Regio Nijmegen'), (2, 'twente', 'Twente')"
                )
            )
            connection.execute(
                text(gemeente),
                {"id": 1, "code": "GM0153", "naam": "Enschede", "slug": "enschede", "regio": 2},
            )
            connection.execute(
                text(gemeente),
                {"id": 2, "code": "GM0268", "naam": "Nijmegen", "slug": "nijmegen", "regio": 1},
            )
            for id_, email, rol in (
                (1, "beheer@twente.nl", "beheerder"),
                (2, "wijkteam@enschede.nl", "wijkteam"),
                (3, "wijkteam@nijmegen.nl", "wijkteam"),
                (4, "staf@aanbieder.nl", "aanbieder"),
            ):
                connection.execute(text(user), {"id": id_, "email": email, "rol": rol})
            connection.execute(
                text("INSERT INTO gebruikergemeente (gebruiker_id, gemeente_id) VALUES (2, 1), (3, 2)")
            )
            connection.execute(
                text(
                    "INSERT INTO importbatch (soort, bestandsnaam, inhoud, gebruiker_id, created_at) "
                    "VALUES ('contracten', 'register.csv', :inhoud, 1, '2026-01-01 00:00:00')"
                ),
                {"inhoud": b"kvk;naam"},
            )
            connection.execute(
                text(
                    "INSERT INTO auditregel "
                    "(at, gebruiker_id, wie, actie, object_soort, object_id, omschrijving) "
                    "VALUES ('2026-01-01 00:00:00', 4, 'staf@aanbieder.nl', 'profiel opgeslagen', "
                    "'aanbieder', 'a', '')"
                )
            )
        command.upgrade(config, "0010")
        with engine.connect() as connection:
            users = dict(connection.execute(text("SELECT email, regio_id FROM gebruiker")).all())
            batches = connection.execute(text("SELECT regio_id FROM importbatch")).scalars().all()
            lines = connection.execute(text("SELECT regio_id FROM auditregel")).scalars().all()
        assert users == {
            "beheer@twente.nl": 2,
            "wijkteam@enschede.nl": 2,
            "wijkteam@nijmegen.nl": 1,  # the region of its gemeente, not the first one
            "staf@aanbieder.nl": None,
        }
        assert batches == [2]
        assert lines == [2]  # made while the installation served Twente only
        command.downgrade(config, "0009")
        with engine.connect() as connection:
            for table in ("gebruiker", "importbatch", "auditregel"):
                columns = connection.execute(text(f"SELECT * FROM {table}")).keys()
                assert "regio_id" not in columns
            assert connection.execute(text("SELECT COUNT(*) FROM gebruiker")).scalar() == 4
    finally:
        engine.dispose()


def test_0011_een_contract_noemt_de_codes_van_het_inkoopmodel_en_terug_kan_ook(database_factory):
    """OB 2 niveau B becomes product '2' variant 'B' (Twente's data unchanged), dyslexie keeps
    neither; going back gives the numbers again."""
    url = database_factory.blank_url()
    config = alembic_config(url)
    command.upgrade(config, "0009")
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO regio (id, slug, naam) VALUES (1, 'twente', 'Twente')"))
            connection.execute(
                text(
                    "INSERT INTO gemeente (id, cbs_code, naam, slug, regio_id, lat, lon, toegang_naam, "
                    "toegang_telefoon, toegang_email, toegang_website) "
                    "VALUES (1, 'GM0153', 'Enschede', 'enschede', 1, 52, 6, 'Wijkteam', '', '', '')"
                )
            )
            _insert(connection, "aanbieder", {"id": 1, "slug": "a", "naam": "A", "kvk": "12345678"})
            connection.execute(
                text(
                    "INSERT INTO contract (aanbieder_id, gemeente_id, perceel, ob, niveau, geldig_vanaf) "
                    "VALUES "
                    "(1, 1, 'jeugd', 2, 'B', '2026-01-01'), (1, 1, 'dyslexie', NULL, NULL, '2026-01-01')"
                )
            )
        command.upgrade(config, "0011")
        query = text("SELECT perceel, product, variant FROM contract ORDER BY perceel")
        with engine.connect() as connection:
            assert [tuple(row) for row in connection.execute(query)] == [
                ("dyslexie", None, None),
                ("jeugd", "2", "B"),
            ]
        command.downgrade(config, "0009")
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT ob, niveau FROM contract ORDER BY perceel"))
            assert [tuple(row) for row in rows] == [(None, None), (2, "B")]
    finally:
        engine.dispose()


def _insert(connection, table: str, values: dict) -> None:
    """Insert a row, filling every other required column with a plain value of its type."""
    from datetime import date, datetime

    import sqlalchemy as sa

    plain = {int: 0, bool: False, str: "", float: 0.0, date: date(2026, 1, 1), datetime: datetime(2026, 1, 1)}
    reflected = sa.Table(table, sa.MetaData(), autoload_with=connection)
    row = dict(values)
    for column in reflected.columns:
        if column.name in row or column.nullable or column.server_default is not None:
            continue
        try:
            row[column.name] = plain[column.type.python_type]
        except (KeyError, NotImplementedError):  # JSON
            row[column.name] = []
    connection.execute(reflected.insert().values(**row))


def test_0012_een_bestaand_tarief_is_van_twente_voor_de_hele_regio(database_factory):
    url = database_factory.blank_url()
    config = alembic_config(url)
    command.upgrade(config, "0011")
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO tarief (soort, perceel, code, bedrag_centen, geldig_vanaf, geldig_tot) VALUES "
                "('ob', 'jeugd', '1A', 5200, '2026-01-01', NULL),"
                " ('dakje', NULL, '1', 16500, '2026-01-01', NULL)"
            )
        )
    query = text("SELECT regio, gemeente, soort, perceel, code, bedrag_centen FROM tarief ORDER BY code")
    try:
        command.upgrade(config, "0012")
        with engine.begin() as connection:
            assert [tuple(row) for row in connection.execute(query)] == [
                ("twente", None, "dakje", None, "1", 16500),
                ("twente", None, "ob", "jeugd", "1A", 5200),
            ]
            connection.execute(
                text(
                    "INSERT INTO tarief (regio, gemeente, soort, perceel, code, bedrag_centen, geldig_vanaf)"
                    " VALUES ('nijmegen', 'GM0296', 'product', 'wmo', 'wmo-begeleiding', 6100, '2026-01-01')"
                )
            )
        with pytest.raises(RuntimeError, match="1 tarieven horen bij een andere regio"):
            command.downgrade(config, "0011")
        with engine.begin() as connection:
            connection.execute(text("DELETE FROM tarief WHERE regio = 'nijmegen'"))
        command.downgrade(config, "0011")
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT soort, code, bedrag_centen FROM tarief ORDER BY code"))
            assert [tuple(row) for row in rows] == [("dakje", "1", 16500), ("ob", "1A", 5200)]
    finally:
        engine.dispose()
