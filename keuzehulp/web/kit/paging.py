"""Paging and the search box of the beheer lists: `?q=` and `?pagina=` read safely (any typed or
sent value gives a page, never an error), and the numbers a "Pagina 2 van 7" navigation needs."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request

from keuzehulp.domain.validation import whole_number

PAGE_SIZE = 50
MAX_PAGE = 100_000
MAX_SEARCH = 100


@dataclass(frozen=True)
class Paging:
    """One page of a list: its number (1-based), the number of pages and of rows."""

    pagina: int
    pages: int
    total: int
    size: int = PAGE_SIZE

    @property
    def offset(self) -> int:
        return (self.pagina - 1) * self.size

    @property
    def first(self) -> int:
        """The number of the first row on this page (0 for an empty list)."""
        return self.offset + 1 if self.total else 0

    @property
    def last(self) -> int:
        return min(self.offset + self.size, self.total)


def search_text(request: Request, name: str = "q") -> str:
    """The typed search text: without control characters (PostgreSQL refuses NUL), at most 100 long."""
    text = str(request.query_params.get(name, ""))
    return "".join(c for c in text if c.isprintable()).strip()[:MAX_SEARCH]


def asked_page(request: Request) -> int:
    """The page asked for with `?pagina=`; anything that is not a page number means page 1."""
    return whole_number(request.query_params.get("pagina"), 1, MAX_PAGE) or 1


def paging(request: Request, total: int, size: int = PAGE_SIZE) -> Paging:
    """The page to show: the one asked for, or the last one when the list is shorter."""
    pages = max((total + size - 1) // size, 1)
    return Paging(min(asked_page(request), pages), pages, total, size)
