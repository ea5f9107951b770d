"""A searchable list read one page at a time: how many rows match, and the rows of one page."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, select


def like_pattern(text: str) -> str:
    """'%text%' for a case-insensitive LIKE, with the LIKE wildcards in the text escaped (escape '\\')."""
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def contains(column, text: str):
    """The condition 'column holds text', ignoring case; % and _ in the text are plain characters."""
    return func.lower(column).like(like_pattern(text), escape="\\")


@dataclass(frozen=True)
class Listing:
    """The rows of `query` in `order`; `count()` first, then `page(offset, size)`."""

    session: Session
    query: object
    order: tuple

    def count(self) -> int:
        return self.session.exec(select(func.count()).select_from(self.query.subquery())).one()

    def page(self, offset: int, size: int) -> list:
        return list(self.session.exec(self.query.order_by(*self.order).offset(offset).limit(size)).all())
