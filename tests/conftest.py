"""Shared fixtures: where the DSI4EU mirror is, and a local HTTP server."""
from __future__ import annotations

import functools
import http.server
import os
import socketserver
import threading
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def mirror_folder() -> Path | None:
    """The local DSI4EU mirror (its ``dsi4eu`` folder): from INESS_DATA_MIRROR if
    it is a folder (one subfolder per source, or the DSI4EU folder itself), else
    ../shared/data."""
    configured = os.environ.get("INESS_DATA_MIRROR", "")
    for candidate in (configured, REPO.parent / "shared" / "data"):
        if not candidate or not Path(candidate).is_dir():
            continue
        folder = Path(candidate).resolve()
        return folder / "dsi4eu" if (folder / "dsi4eu").is_dir() else folder
    return None


@pytest.fixture(scope="session")
def mirror() -> Path:
    folder = mirror_folder()
    if folder is None:
        pytest.skip("no DSI4EU mirror: set INESS_DATA_MIRROR to a local copy")
    return folder


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def server_factory():
    """A starter of real HTTP servers on 127.0.0.1 (each serving a folder) and a
    function that stops them all."""
    servers = []

    def start(folder: Path) -> str:
        handler = functools.partial(_QuietHandler, directory=str(folder))
        server = socketserver.TCPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    def stop():
        for server in servers:
            server.shutdown()
            server.server_close()

    return start, stop


@pytest.fixture
def http_server():
    """Start a real HTTP server on 127.0.0.1 serving a folder; yields the starter."""
    start, stop = server_factory()
    yield start
    stop()


@pytest.fixture(scope="module")
def http_server_module():
    """The same, kept for a whole test module."""
    start, stop = server_factory()
    yield start
    stop()


def pytest_terminal_summary(terminalreporter):
    """Say plainly which tests did not run for want of a browser, and how to get one."""
    skipped = [report for report in terminalreporter.stats.get("skipped", [])
               if "chromium" in str(report.longrepr)]
    if skipped:
        terminalreporter.section("browser tests not run")
        terminalreporter.write_line(
            f"{len(skipped)} browser tests of the report were skipped: no chromium on PATH. "
            "Install it (Debian: apt-get install chromium; CI's .ci/run does) and run the "
            "tests again.")
        for report in skipped:
            terminalreporter.write_line(f"  {report.nodeid}")
