"""``iness report``: execute every notebook, write HTML pages, an index and figures."""
from __future__ import annotations

import html
import os
import re
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from .errors import InessError, NotebookError
from .figures import FIGURES_DIR_VARIABLE
from .paths import notebooks_dir, reports_dir
from .progress import progress

KERNEL = "python3"
TIMEOUT = 600
#: script blocks and stylesheet links that reach the network (mermaid, widget
#: renderers from CDNs): the report must open offline and without console errors
_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.IGNORECASE | re.DOTALL)
_EXTERNAL_LINK = re.compile(r'<link[^>]+href="https?://[^"]*"[^>]*>', re.IGNORECASE)
#: an empty favicon, so that browsers do not ask the server for one
FAVICON = '<link rel="icon" href="data:,">'


def offline(page: str) -> str:
    """Drop every script or stylesheet that would fetch from the network."""
    page = _SCRIPT.sub(lambda m: "" if re.search(r"https?://", m.group(0)) else m.group(0),
                       page)
    page = _EXTERNAL_LINK.sub("", page)
    return page.replace("<head>", "<head>\n" + FAVICON, 1)

PAGE_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:52rem;
margin:2rem auto;padding:0 1rem;color:#222;line-height:1.5}
a{color:#0072B2}li{margin:.4rem 0}.figures img{max-width:14rem;margin:.3rem;vertical-align:top;
border:1px solid #ddd}small{color:#666}
"""


def notebook_paths(folder: Path | None = None, names: list[str] | None = None) -> list[Path]:
    folder = Path(folder or notebooks_dir())
    paths = sorted(folder.glob("[0-9][0-9]_*.ipynb"))
    if names:
        wanted = {Path(name).name for name in names}
        paths = [path for path in paths if path.name in wanted]
        missing = wanted - {path.name for path in paths}
        if missing:
            raise InessError(f"no such notebook in {folder}: {', '.join(sorted(missing))}")
    if not paths:
        raise InessError(f"no notebooks (NN_name.ipynb) in {folder}")
    return paths


def execute(path: Path, figures_dir: Path, parameters: dict | None = None):
    """Run a notebook top to bottom in a fresh kernel; figures go to ``figures_dir``."""
    notebook = nbformat.read(path, as_version=4)
    if parameters:
        notebook = inject_parameters(notebook, parameters)
    previous = os.environ.get(FIGURES_DIR_VARIABLE)
    os.environ[FIGURES_DIR_VARIABLE] = str(figures_dir)
    try:
        NotebookClient(notebook, timeout=TIMEOUT, kernel_name=KERNEL,
                       resources={"metadata": {"path": str(path.parent)}}).execute()
    except CellExecutionError as error:
        plain = re.sub(r"\x1b\[[0-9;]*m", "", str(error))
        last = [line for line in plain.splitlines() if line.strip()][-1]
        raise NotebookError(f"{path}: a cell failed: {last}") from error
    finally:
        if previous is None:
            os.environ.pop(FIGURES_DIR_VARIABLE, None)
        else:
            os.environ[FIGURES_DIR_VARIABLE] = previous
    return notebook


def inject_parameters(notebook, parameters: dict):
    """Replace the cell tagged ``parameters`` by one that sets the given values
    (papermill's convention, so the notebooks also run under papermill)."""
    lines = [f"{name} = {value!r}" for name, value in parameters.items()]
    source = "# injected parameters\n" + "\n".join(lines)
    for cell in notebook.cells:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            index = notebook.cells.index(cell)
            injected = nbformat.v4.new_code_cell(source,
                                                 metadata={"tags": ["injected-parameters"]})
            injected.id = "injected-parameters"  # a fixed id keeps the HTML byte-stable
            notebook.cells.insert(index + 1, injected)
            return notebook
    raise InessError("the notebook has no cell tagged 'parameters'")


def to_html(notebook) -> str:
    """A self-contained HTML page (images embedded, no external scripts)."""
    from nbconvert import HTMLExporter
    exporter = HTMLExporter(template_name="lab")
    body, _ = exporter.from_notebook_node(notebook)
    return offline(body)


def title_of(notebook, fallback: str) -> str:
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return fallback


def index_page(entries: list[dict]) -> str:
    items = []
    for entry in entries:
        figures = "".join(
            f'<a href="figures/{entry["stem"]}/{png.name}"><img src="figures/{entry["stem"]}/'
            f'{png.name}" alt="{html.escape(png.stem)}"></a>' for png in entry["figures"])
        items.append(f'<li><a href="{entry["stem"]}.html">{html.escape(entry["title"])}</a>'
                     f' <small>({entry["stem"]}.ipynb)</small>'
                     f'<div class="figures">{figures}</div></li>')
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>iness report</title>{FAVICON}"
            f"<style>{PAGE_STYLE}</style></head><body>\n"
            "<h1>iness: the talk's figures on the DSI4EU survey</h1>\n"
            "<p>Each page is a notebook executed from the clean tables. Figures are in "
            "<code>figures/</code> as PNG and SVG. The talk's categories and key "
            "activities are measured by reading each project with the "
            '<a href="codebook.html">codebook</a> '
            '(<a href="codebook-fr.html">en français</a>).</p>\n'
            f"<ol>\n{chr(10).join(items)}\n</ol>\n</body></html>\n")


def codebook_page(language: str = "en") -> str:
    """The codebook (:mod:`iness.codebook`) as a standalone page."""
    import mistune
    from . import codebook
    body = mistune.html(codebook.render_markdown(language))
    title = "Codebook" if language == "en" else "Grille de codage"
    return (f"<!DOCTYPE html>\n<html lang=\"{language}\"><head><meta charset=\"utf-8\">"
            f"<title>iness: {title}</title>{FAVICON}<style>{PAGE_STYLE}</style></head>"
            f"<body>\n<p><a href=\"index.html\">iness report</a></p>\n{body}</body></html>\n")


def _execute_one(job: tuple) -> tuple:
    """Worker: execute one notebook (in its own process, so that its figures
    folder can be set in the environment its kernel inherits)."""
    path, figures_dir, parameters = job
    started = time.perf_counter()
    notebook = execute(path, figures_dir, parameters)
    return notebook, time.perf_counter() - started


def execute_all(paths: list[Path], target: Path, parameters: dict | None,
                workers: int | None = None):
    """Execute notebooks, ``workers`` at a time (default: one per core, at most
    4); yields (path, notebook, seconds) in the notebooks' order."""
    jobs = [(path, target / "figures" / path.stem, parameters) for path in paths]
    workers = workers or min(4, os.cpu_count() or 1, len(jobs))
    if workers <= 1:
        for job in jobs:
            yield (job[0], *_execute_one(job))
        return
    from concurrent.futures import ProcessPoolExecutor
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for job, (notebook, seconds) in zip(jobs, pool.map(_execute_one, jobs)):
            yield job[0], notebook, seconds


def write_report(notebooks: list[str] | None = None, target: Path | None = None,
                 in_place: bool = False, parameters: dict | None = None,
                 notebooks_folder: Path | None = None, workers: int | None = None) -> Path:
    """Execute the notebooks and write ``reports/``: one HTML page per notebook,
    ``index.html`` and ``figures/<notebook>/*.png|svg``. With ``in_place``, the
    executed notebooks are also saved back (the outputs that nbval compares)."""
    target = Path(target or reports_dir())
    target.mkdir(parents=True, exist_ok=True)
    paths = notebook_paths(notebooks_folder, notebooks)
    entries = []
    for path, notebook, seconds in progress(execute_all(paths, target, parameters, workers),
                                            "notebooks", total=len(paths)):
        (target / f"{path.stem}.html").write_text(to_html(notebook), encoding="utf-8")
        if in_place:
            nbformat.write(notebook, path)
        figures_dir = target / "figures" / path.stem
        entries.append({"stem": path.stem, "title": title_of(notebook, path.stem),
                        "figures": sorted(figures_dir.glob("*.png"))})
        print(f"  {path.name:<40} {seconds:5.1f} s")
    if notebooks is None:
        (target / "index.html").write_text(index_page(entries), encoding="utf-8")
        (target / "codebook.html").write_text(codebook_page("en"), encoding="utf-8")
        (target / "codebook-fr.html").write_text(codebook_page("fr"), encoding="utf-8")
    print(f"Report written to {target / 'index.html'}")
    return target
