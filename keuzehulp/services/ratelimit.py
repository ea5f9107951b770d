"""Rate limits shared by every process and host: counts per key and time window in the database.

With several hosts of several workers each, a count kept in process memory would let a client
through once per process. Each request raises its window's count in one statement (which locks
that row until the commit), so parallel requests see each other's counts; a refused request is
rolled back and does not count.
"""

from __future__ import annotations

import math

from sqlalchemy import Engine, delete, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from keuzehulp import clock
from keuzehulp.models import RateCount

KEEP_SECONDS = 24 * 3600  # windows older than this are removed by `keuzehulp jobs run`


def take(engine: Engine, key: str, limit: float, window: int, now: float | None = None) -> int:
    """Count one request under key; 0 when it may go ahead, else the seconds to wait.

    A sliding window, estimated from two fixed ones: the previous window's count weighted by how
    much of it still lies within the last `window` seconds, plus the current window's count. Of
    any number of requests sent at once, at most `limit` go ahead.
    """
    now = clock.wall_now().timestamp() if now is None else now
    start = int(now // window * window)
    insert = postgresql_insert if engine.dialect.name == "postgresql" else sqlite_insert
    upsert = (
        insert(RateCount)
        .values(bucket_key=key, window_start=start, hits=1)
        .on_conflict_do_update(
            index_elements=["bucket_key", "window_start"], set_={"hits": RateCount.hits + 1}
        )
        .returning(RateCount.hits)
    )
    previous = select(RateCount.hits).where(
        RateCount.bucket_key == key, RateCount.window_start == start - window
    )
    with engine.connect() as connection:
        hits = connection.execute(upsert).scalar_one()
        before = connection.execute(previous).scalar() or 0
        if before * (1 - (now - start) / window) + hits <= limit:
            connection.commit()
            return 0
        connection.rollback()
    return max(1, math.ceil(start + window - now))


def forget_old(engine: Engine, now: float | None = None) -> int:
    """Remove the counts of windows that no limit looks at any more; returns how many."""
    now = clock.wall_now().timestamp() if now is None else now
    with engine.begin() as connection:
        result = connection.execute(delete(RateCount).where(RateCount.window_start < now - KEEP_SECONDS))
    return result.rowcount
