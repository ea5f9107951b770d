"""Small helpers for TestClient use."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cookie(client, name: str, value: str) -> Iterator:
    """Send only this cookie on the client's requests inside the block."""
    client.cookies.clear()
    client.cookies.set(name, value)
    try:
        yield client
    finally:
        client.cookies.clear()
