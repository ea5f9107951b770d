"""Start the site (or another ASGI app) as a uvicorn process on a free loopback port.

Used by the benchmark and by the browser tests, which both need a real server.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(
    target: str, env: dict[str, str], timeout: float = 120.0, workers: int = 1
) -> tuple[subprocess.Popen, int]:
    """Run `uvicorn target` on 127.0.0.1 with extra environment; returns once it accepts connections."""
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", target, "--host", "127.0.0.1", "--port", str(port)]
    if workers > 1:
        command += ["--workers", str(workers)]
    options = [
        "--log-level",
        "warning",
        "--no-access-log",
        "--no-proxy-headers",
    ]  # the app decides (settings)
    process = subprocess.Popen([*command, *options], env=os.environ | env)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process, port
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"{target} did not start")


def stop_server(process: subprocess.Popen) -> None:
    """Stop a server started by start_server."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
