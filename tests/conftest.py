"""Shared fixtures: where the DSI4EU mirror is, a local HTTP server, small
surveys of a researcher's own in the template, and a runner of every
notebook's code."""

from __future__ import annotations

import contextlib
import functools
import http.server
import io
import os
import socketserver
import threading
from pathlib import Path

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[1]

# --- the test tiers -----------------------------------------------------------
# ``python3 tasks.py test --fast`` runs the tests none of these markers holds (the
# pure unit tier); ``python3 tasks.py test`` runs everything. The markers are set
# here, from where a test lives and what it uses, so that a new test lands in the
# right tier without a decorator.

#: test modules whose tests start Jupyter kernels or the ``iness`` command in a process
KERNEL_MODULES = {"test_report.py", "test_output_safety.py", "test_cli.py"}
#: tests of the unit folder that take more than a few seconds ("*": the whole module)
SLOW_TESTS = {
    "test_every_survey.py": "*",  # every notebook's code on a dozen generated surveys
    "test_explore_and_tutorial.py": "*",  # builds the example survey, classifier included
    "test_typology.py": {
        "test_planted_two_classes_are_found_and_recovered",
        "test_large_data_is_fitted_on_the_sample_and_assigned_whole",
        "test_independent_columns_give_no_typology",
    },
    "test_analysis.py": {"test_wilson_intervals_are_scipys_to_the_last_bit"},
    "test_build.py": {
        "test_build_accounts_for_every_row_and_is_byte_stable",
        "test_failed_build_leaves_previous_outputs_whole",
    },
    "test_own_survey.py": {
        "test_excel_template_round_trip",
        "test_build_survey_writes_tables_the_notebooks_read",
        "test_example_survey_gives_valid_tables",
    },
    "test_summary.py": {
        "test_iness_survey_on_750_platforms_prints_short_lines_and_no_wall_of_names"
    },
}
#: fixtures that need the DSI4EU files
DATA_FIXTURES = {"mirror"}


def tier_markers(path: Path, name: str, fixtures) -> set[str]:
    """The markers of one test, from its file, its name (parameters left out) and
    the fixtures it uses.

    >>> sorted(tier_markers(Path("tests/integration/test_x.py"), "test_y", []))
    ['integration']
    >>> sorted(tier_markers(Path("notebooks/01_the_data.ipynb"), "Cell 3", []))
    ['kernel', 'notebook']
    """
    markers = set()
    if "integration" in path.parts or DATA_FIXTURES & set(fixtures):
        markers.add("integration")
    if path.name == "test_browser.py":
        markers.add("browser")
    if path.suffix == ".ipynb":
        markers |= {"notebook", "kernel"}
    if path.name in KERNEL_MODULES:
        markers.add("kernel")
    slow = SLOW_TESTS.get(path.name, ())
    if slow == "*" or name.split("[")[0] in slow:
        markers.add("slow")
    return markers


def pytest_collection_modifyitems(items):
    for item in items:
        for marker in tier_markers(
            Path(str(item.path)), item.name, getattr(item, "fixturenames", ())
        ):
            item.add_marker(marker)


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


@pytest.fixture(autouse=True)
def lenient_translations(monkeypatch):
    """Tests run French notebooks of their own (tiny ones with no catalogue):
    missing translations fall back to English unless a test asks for strict mode."""
    monkeypatch.delenv("INESS_I18N_STRICT", raising=False)


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
    skipped = [
        report
        for report in terminalreporter.stats.get("skipped", [])
        if "chromium" in str(report.longrepr)
    ]
    if skipped:
        terminalreporter.section("browser tests not run")
        terminalreporter.write_line(
            f"{len(skipped)} browser tests of the report were skipped: no chromium on PATH. "
            "Install it (Debian: apt-get install chromium; CI's .ci/run does) and run the "
            "tests again."
        )
        for report in skipped:
            terminalreporter.write_line(f"  {report.nodeid}")


#: a survey of two waves (2019, 2021): P1 and P2 in both under their ids (P2
#: renamed), P3 only in 2019, P4 only in 2021, and Wikirate under another id in
#: 2021 (matched by its name)
TWO_WAVES = pd.DataFrame(
    {
        "platform_id": ["P1", "P2", "P3", "W1", "P1", "P2", "P4", "W2"],
        "platform_name": [
            "Goteo",
            "Open Food Facts",
            "Decidim",
            "Wikirate",
            "Goteo",
            "OpenFoodFacts World",
            "Fairphone",
            "Wikirate",
        ],
        "wave": ["2019"] * 4 + ["2021"] * 4,
        "description": [
            "Crowdfunding platform for civic projects with volunteers",
            "Open database of food products collected by volunteers",
            "Participatory democracy for cities",
            "",
            "Crowdfunding platform for civic projects with volunteers",
            "Open database of food products collected by volunteers",
            "Fair smartphones",
            "Matching refugees with hosts in their city",
        ],
        "country": ["Spain", "France", "ES", "", "Spain", "FR", "NL", "DE"],
        "organisation_name": [
            "Platoniq",
            "Open Food Facts",
            "",
            "",
            "Platoniq",
            "Open Food Facts",
            "Fairphone B.V.",
            "",
        ],
        "areas": [
            "finance and economy",
            "health and wellbeing",
            "participation and democracy",
            "",
            "finance and economy",
            "health and wellbeing",
            "",
            "",
        ],
    }
)


@pytest.fixture
def own_surveys(tmp_path) -> dict[str, Path]:
    """Survey files in the template: ``two_waves`` (:data:`TWO_WAVES`) and
    ``one_wave`` (two platforms of 2030)."""
    files = {"two_waves": tmp_path / "two_waves.csv", "one_wave": tmp_path / "one_wave.csv"}
    TWO_WAVES.to_csv(files["two_waves"], index=False)
    files["one_wave"].write_text(
        "platform_id,platform_name,wave\nA1,Goteo,2030\nA2,Wikirate,2030\n"
    )
    return files


def notebook_code(path: Path) -> list[str]:
    """The code cells of a notebook, the parameters cell left out."""
    import nbformat

    notebook = nbformat.read(path, as_version=4)
    return [
        cell.source
        for cell in notebook.cells
        if cell.cell_type == "code" and "parameters" not in cell.get("metadata", {}).get("tags", [])
    ]


def run_notebook(cells: list[str], folder: Path) -> dict:
    """Execute a notebook's code in a fresh namespace on the tables in
    ``folder``, its output discarded; return the namespace."""
    import matplotlib
    from IPython.display import display

    matplotlib.use("Agg")
    # the parameters cells are skipped: their defaults, with this survey as DATA
    namespace = {"LANG": "en", "DATA": str(folder), "WAVE": None, "display": display}
    with contextlib.redirect_stdout(io.StringIO()):
        for source in cells:
            exec(compile(source, "<cell>", "exec"), namespace)  # noqa: S102
    matplotlib.pyplot.close("all")
    return namespace


@pytest.fixture(scope="session")
def notebooks() -> dict[str, list[str]]:
    """Every notebook's code cells, by notebook name."""
    from iness import report

    return {path.stem: notebook_code(path) for path in report.notebook_paths()}


@pytest.fixture(scope="session")
def run_notebooks(notebooks):
    """A function running every notebook on the tables in a folder (it raises
    naming the notebook that failed); returns each notebook's namespace."""

    def run(folder: Path, about: str = "") -> dict[str, dict]:
        done = {}
        for name, cells in notebooks.items():
            try:
                done[name] = run_notebook(cells, folder)
            except Exception as error:  # name the notebook in the report
                raise AssertionError(f"{name} failed on {about or folder}: {error!r}") from error
        return done

    return run
