"""Small helpers for TestClient use."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cookie(client, name: str, value: str) -> Iterator:
    """Send a cookie on the client's requests inside the block only."""
    client.cookies.set(name, value)
    try:
        yield client
    finally:
        client.cookies.delete(name)
