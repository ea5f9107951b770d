"""Static files, gzip-compressed for browsers that accept it.

htmx and the style sheets are most of a first visit's bytes (about 72 KB of a search page's 125);
compressed they are a third of that. Each file is compressed once per version (its modification
time), in memory, so compressing costs nothing per request. Pages themselves are not compressed
here: that would cost CPU on every request; a reverse proxy in front may (see docs/deploy.md).
"""

from __future__ import annotations

import gzip
import os
from functools import lru_cache
from pathlib import Path

from starlette.datastructures import Headers
from starlette.responses import FileResponse, Response
from starlette.staticfiles import NotModifiedResponse, StaticFiles
from starlette.types import Scope

COMPRESSIBLE = frozenset({".css", ".js", ".svg", ".ico", ".txt", ".json"})


class CompressedStaticFiles(StaticFiles):
    """StaticFiles that answers `Accept-Encoding: gzip` with the compressed file (its own ETag)."""

    def file_response(
        self, full_path: os.PathLike, stat_result: os.stat_result, scope: Scope, status_code: int = 200
    ) -> Response:
        compressible = Path(full_path).suffix in COMPRESSIBLE
        request_headers = Headers(scope=scope)
        if not compressible or status_code != 200 or "gzip" not in request_headers.get("accept-encoding", ""):
            response = super().file_response(full_path, stat_result, scope, status_code)
            if compressible:
                response.headers["Vary"] = "Accept-Encoding"
            return response
        plain = FileResponse(full_path, stat_result=stat_result)  # for its type, ETag and date
        headers = {
            "content-type": plain.headers["content-type"],
            "etag": plain.headers["etag"][:-1] + '-gzip"',  # another representation, another ETag
            "last-modified": plain.headers["last-modified"],
            "content-encoding": "gzip",
            "vary": "Accept-Encoding",
        }
        if self.is_not_modified(Headers(headers), request_headers):
            return NotModifiedResponse(Headers(headers))
        return Response(_compressed(str(full_path), stat_result.st_mtime_ns), headers=headers)


@lru_cache(maxsize=64)
def _compressed(path: str, version: int) -> bytes:
    """The file gzip-compressed (`version`, its modification time, renews the entry on a change)."""
    return gzip.compress(Path(path).read_bytes(), compresslevel=9, mtime=0)
