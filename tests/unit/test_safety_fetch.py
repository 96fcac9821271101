"""Issue 25, item 6: a download has an overall deadline (a mirror that
trickles a byte at a time is given up), and nothing partial is left behind.
The server is local (127.0.0.1) and stops by itself."""
import http.server
import threading
import time

import pytest

from iness.errors import DataFetchError
from iness.pipeline import fetch

ENTRY = fetch.RegistryEntry("wave2016/orgs.csv", "0" * 64, "unused")


class Trickle(http.server.BaseHTTPRequestHandler):
    """Says it will send a megabyte, then sends a byte every 0.2 s (for 10 s at most)."""

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", str(1 << 20))
        self.end_headers()
        ends = time.monotonic() + 10
        try:
            while time.monotonic() < ends:
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.2)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args):
        pass


@pytest.fixture
def trickling():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Trickle)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_trickling_mirror_is_given_up_at_the_deadline(trickling, tmp_path, monkeypatch):
    monkeypatch.setenv(fetch.DEADLINE_VARIABLE, "1.5")
    started = time.monotonic()
    with pytest.raises(DataFetchError) as error:
        fetch.fetch_one(ENTRY, target_dir=tmp_path / "raw", mirror=trickling)
    assert time.monotonic() - started < 5
    message = str(error.value)
    assert "\n" not in message and "over 1.5 s" in message and "orgs.csv" in message
    assert fetch.DEADLINE_VARIABLE in message
    assert [path for path in tmp_path.rglob("*") if path.is_file()] == []


@pytest.mark.parametrize("value", ["soon", "0", "-3"])
def test_a_bad_deadline_setting_is_one_line(monkeypatch, value):
    monkeypatch.setenv(fetch.DEADLINE_VARIABLE, value)
    with pytest.raises(DataFetchError, match="expected a number of seconds"):
        fetch.fetch_deadline()


def test_the_deadline_defaults_to_ten_minutes(monkeypatch):
    monkeypatch.delenv(fetch.DEADLINE_VARIABLE, raising=False)
    assert fetch.fetch_deadline() == 600.0
