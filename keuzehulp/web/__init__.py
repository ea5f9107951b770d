"""The web layer. Routes name database ids as `{name:id}`: digits that fit a database INTEGER,
so an id too large for the database is simply not found (registered here, before any route)."""

from starlette.convertors import IntegerConvertor, register_url_convertor


class DatabaseIdConvertor(IntegerConvertor):
    """1 to 9 digits: always within PostgreSQL's INTEGER."""

    regex = "[0-9]{1,9}"


register_url_convertor("id", DatabaseIdConvertor())
