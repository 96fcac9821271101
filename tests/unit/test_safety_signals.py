"""Issue 25, item 5: SIGINT and SIGTERM stop every worker and kernel within
10 s, remove the scratch folders, say one line, exit 130 or 143, and leave the
previous report whole; sent at several moments (starting up, kernels running,
to the process alone or to its whole group)."""
import hashlib
import os
import signal
import subprocess
import sys
import time

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from iness import outputs


def sleeping_notebook(folder, name, pids):
    book = new_notebook(metadata={"kernelspec": {"name": "python3",
                                                 "display_name": "Python 3"}})
    parameters = new_code_cell('LANG = "en"')
    parameters.metadata["tags"] = ["parameters"]
    body = (f"import os, time\nopen({str(pids)!r} + '/' + str(os.getpid()), 'w').close()\n"
            "time.sleep(120)")
    book.cells = [new_markdown_cell(f"# {name}"), parameters, new_code_cell(body)]
    nbformat.write(book, folder / f"{name}.ipynb")


def digests(folder):
    return {str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie waiting for its parent to reap it is gone all the same
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


@pytest.fixture
def home(tmp_path):
    home = tmp_path / "home"
    (home / "notebooks").mkdir(parents=True)
    pids = tmp_path / "kernels"
    pids.mkdir()
    for name in ("01_a", "02_b", "03_c"):
        sleeping_notebook(home / "notebooks", name, pids)
    with outputs.replacing(home / "reports") as staging:  # a previous report
        (staging / "index.html").write_text("previous report")
    (tmp_path / "scratch").mkdir()
    return home, pids, tmp_path / "scratch"


#: (signal, when, to the whole process group): as soon as the first worker
#: exists (kernels starting), or once every kernel runs its cell
MOMENTS = [(signal.SIGTERM, "workers", False), (signal.SIGINT, "kernels", False),
           (signal.SIGTERM, "kernels", True)]


def children(pid: int) -> list[str]:
    return subprocess.run(["pgrep", "-P", str(pid)], capture_output=True,
                          text=True).stdout.split()


@pytest.mark.parametrize("signum,when,group", MOMENTS)
def test_a_stopped_report_leaves_nothing_running_and_the_previous_report_whole(
        home, signum, when, group):
    home, pids, scratch = home
    before = digests(home / "reports")
    env = {**os.environ, "INESS_HOME": str(home), "TMPDIR": str(scratch)}
    process = subprocess.Popen([sys.executable, "-m", "iness.cli", "report", "--lang", "en"],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, start_new_session=True)
    deadline = time.monotonic() + 90
    if when == "kernels":  # every notebook's kernel is running its cell
        while len(list(pids.iterdir())) < 3 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(list(pids.iterdir())) == 3
    else:
        while not children(process.pid) and time.monotonic() < deadline:
            time.sleep(0.02)
    sent = time.monotonic()
    (os.killpg if group else os.kill)(process.pid, signum)
    out, err = process.communicate(timeout=30)
    assert time.monotonic() - sent < 10
    assert process.returncode == 128 + signum, err
    assert err.strip().splitlines() == ["iness report: interrupted; nothing was replaced"]
    time.sleep(0.5)
    kernels = [int(path.name) for path in pids.iterdir()]
    assert [pid for pid in kernels if alive(pid)] == []
    left = subprocess.run(["pgrep", "-g", str(process.pid)], capture_output=True, text=True)
    assert left.stdout.split() == []
    assert list(scratch.iterdir()) == []
    assert sorted(p.name for p in home.iterdir()) == [".reports.lock", "notebooks", "reports"]
    assert digests(home / "reports") == before
