"""``iness report``: execute every notebook, write HTML pages, an index and figures."""
from __future__ import annotations

import contextlib
import html
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable

import nbformat
from jupyter_client.kernelspec import NoSuchKernel
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

from iness import cache, i18n, outputs
from iness.errors import InessError, NotebookError
from iness.paths import FIGURES_DIR_VARIABLE, TABLES_DIR_VARIABLE, notebooks_dir, reports_dir
from iness.notebook import pages
from iness.progress import progress

KERNEL = "python3"
#: id of the cell that sets the parameters (a fixed id keeps the HTML byte-stable)
INJECTED_ID = "injected-parameters"
TIMEOUT = 600
#: the kernels' own log (its warnings are about Jupyter's set-up, not the notebook)
KERNEL_LOG_LEVEL = "ERROR"
#: script blocks and stylesheet links that reach the network (mermaid, widget
#: renderers from CDNs): the report must open offline and without console errors
_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
_EXTERNAL_LINK = re.compile(r'<link[^>]+href="https?://[^"]*"[^>]*>', re.IGNORECASE)
_SCRIPT_TYPE = re.compile(r"""\btype\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
#: script types a browser runs (any other, such as the widgets' saved state
#: or MathJax's configuration, is data)
EXECUTABLE_SCRIPT_TYPES = frozenset({"", "text/javascript", "application/javascript",
                                     "module", "text/ecmascript", "application/ecmascript"})
#: an empty favicon, so that browsers do not ask the server for one
FAVICON = '<link rel="icon" href="data:,">'
#: the inline scripts the report's pages may run, each exactly as it stands
#: between its <script> tags: the pages' Content-Security-Policy allows these
#: by their hash and no other script, and any other inline script is dropped
#: (adding one is one line here)
PAGE_SCRIPTS: tuple[str, ...] = ()


def script_hash(script: str) -> str:
    """A script's CSP source expression: ``'sha256-<base64 digest>'``."""
    import base64
    import hashlib
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    return f"'sha256-{digest}'"


def content_security_policy(scripts: tuple[str, ...] = PAGE_SCRIPTS) -> str:
    """What a report page may load and run: its own images (files beside it or
    embedded), its own styles, the given inline scripts by hash; nothing remote,
    no other script, no plug-in, no form."""
    allowed = " ".join(script_hash(script) for script in scripts) or "'none'"
    return ("default-src 'none'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            f"font-src 'self' data:; script-src {allowed}; object-src 'none'; "
            "base-uri 'none'; form-action 'none'")


def head_tags() -> str:
    """What every page's <head> starts with: the policy, then the favicon."""
    return (f'<meta http-equiv="Content-Security-Policy" '
            f'content="{html.escape(content_security_policy())}">{FAVICON}')


def _kept_script(match: re.Match) -> str:
    """A script block as the page keeps it: data blocks and the report's own
    scripts stay; any other executable script, or one that fetches, goes."""
    kind = _SCRIPT_TYPE.search(match.group(1))
    kind = kind.group(1).lower() if kind else ""
    if re.search(r"\bsrc\s*=", match.group(1), re.IGNORECASE) or re.search(
            r"https?://", match.group(2)):
        return ""
    if kind in EXECUTABLE_SCRIPT_TYPES and match.group(2) not in PAGE_SCRIPTS:
        return ""
    return match.group(0)


def offline(page: str) -> str:
    """Drop every script or stylesheet that would fetch from the network and
    every inline script the report does not run itself; add the policy."""
    page = _SCRIPT.sub(_kept_script, page)
    page = _EXTERNAL_LINK.sub("", page)
    return page.replace("<head>", "<head>\n" + head_tags(), 1)

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


def _cell_name(notebook, failed) -> str:
    """'cell N (id ...)' of the cell that failed, numbered as in the notebook
    file (the injected parameters cell is not counted)."""
    cells = [cell for cell in notebook.cells if cell.get("id") != INJECTED_ID]
    for number, cell in enumerate(cells, 1):
        if cell is failed:
            return f"cell {number} (id {cell.get('id', '?')})"
    return "the injected parameters cell" if failed is not None else "before the first cell"


@dataclass(frozen=True)
class PageContext:
    """What a page says of the report it belongs to: the researcher's survey
    (its ``SURVEY`` parameter: title, licence, citation...; None for DSI4EU)
    and the editions the report has (None: every edition)."""
    survey: dict | None = None
    editions: tuple[str, ...] | None = None

    @classmethod
    def of(cls, parameters: dict | None, editions: tuple[str, ...] | None = None):
        return cls((parameters or {}).get("SURVEY"), editions)


@dataclass(frozen=True)
class Run:
    """One execution of a notebook: its edition, its parameters, and the folders
    its figures and result tables go to."""
    lang: str
    parameters: dict | None
    figures_dir: Path
    tables_dir: Path
    page: Path | None = None  # where its HTML page goes (written by the worker)
    context: PageContext = PageContext()


def prepared(path: Path, parameters: dict | None):
    """The notebook as a run executes it: in its edition's language, with the
    parameters injected."""
    notebook = nbformat.read(path, as_version=4)
    i18n.translate_notebook(notebook, (parameters or {}).get("LANG", i18n.SOURCE_LANGUAGE))
    return inject_parameters(notebook, parameters) if parameters else notebook


def _setup_code(run: Run, first: bool) -> str:
    """What the kernel runs, unseen, before a run's first cell: where figures and
    tables go and, from the second run on, an empty namespace (``%reset -f``)."""
    folders = {FIGURES_DIR_VARIABLE: str(run.figures_dir),
               TABLES_DIR_VARIABLE: str(run.tables_dir)}
    reset = "" if first else "get_ipython().run_line_magic('reset', '-f')\n"
    return reset + f"__import__('os').environ.update({folders!r})"


async def _run_silently(client: NotebookClient, code: str) -> None:
    """Run set-up code in the client's kernel, without output or history."""
    reply = await client.async_wait_for_reply(
        client.kc.execute(code, silent=True, store_history=False))
    if reply is None or reply["content"]["status"] != "ok":
        raise RuntimeError("the kernel did not take iness's set-up code")


def _failure(path: Path, notebook, running: dict, error: Exception) -> str:
    """One line naming the notebook, the cell and the error."""
    if notebook is None:  # reading or preparing the notebook failed
        return f"{path.name}: {' '.join(str(error).split())[:300]}"
    where = f"{path.name}, {_cell_name(notebook, running.get('cell'))}"
    if isinstance(error, CellExecutionError):
        last = re.sub(r"\x1b\[[0-9;]*m", "", f"{error.ename}: {error.evalue}")
        return f"{where}: {' '.join(last.split())[:300]}"
    if isinstance(error, DeadKernelError):
        return f"{where}: the kernel died (often: out of memory)"
    if isinstance(error, CellTimeoutError):
        return f"{where}: ran for over {TIMEOUT} s and was stopped"
    return f"{path.name}: the kernel failed: {' '.join(str(error).split())[:300]}"


#: the kernels this process is running (killed at once when it must stop)
_RUNNING_KERNELS: set = set()


def _child_processes() -> list[int]:
    """The processes this one started that still run (from ``/proc``; none
    where there is no ``/proc``)."""
    found, me = [], str(os.getpid())
    for entry in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError):
            if entry.read_text().rsplit(")", 1)[1].split()[1] == me:
                found.append(int(entry.parent.name))
    return found


def stop_kernels() -> None:
    """Kill every kernel this process started, with its process group (each
    leads one of its own), even one still starting, and remove its connection
    file: a stop must not leave any behind."""
    groups = {pid for pid in _child_processes()} if _RUNNING_KERNELS else set()
    for manager in list(_RUNNING_KERNELS):
        process = getattr(getattr(manager, "provisioner", None), "process", None)
        if process is not None:
            groups.add(process.pid)
        with contextlib.suppress(OSError, TypeError):
            Path(manager.connection_file).unlink()
    for pid in groups:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)
    _RUNNING_KERNELS.clear()


def _worker_stop(signum, _frame) -> None:
    """A worker told to stop: its kernels go with it, at once."""
    stop_kernels()
    os._exit(128 + signum)


#: the signals that stop a run
STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}


def _worker_signals() -> None:
    """Workers leave Ctrl-C to the main process, which stops them with SIGTERM.
    They start with both signals blocked (see :func:`execute_all`): one sent
    meanwhile is handled here, once the worker's own handlers are set."""
    import logging
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _worker_stop)
    # a notebook's failure reaches the report through its result; what asyncio
    # logs of the notebook client's cleanup when a stop kills the kernels is noise
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)


#: seconds a stopped worker has to exit before it is killed
WORKER_GRACE = 4.0


#: the worker pools this process is running
_POOLS: set = set()


def kill_workers() -> None:
    """The last resort of a stop that takes too long: SIGKILL every worker."""
    for pool in list(_POOLS):
        for process in list(getattr(pool, "_processes", {}).values()):
            with contextlib.suppress(OSError, AttributeError):
                process.kill()


def _stop_workers(pool) -> None:
    """SIGTERM every worker of ``pool`` (each kills its kernels), wait for them,
    kill any that did not exit."""
    processes = list(getattr(pool, "_processes", {}).values())
    for process in processes:
        with contextlib.suppress(OSError, AttributeError):
            process.terminate()
    deadline = time.monotonic() + WORKER_GRACE
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()
            process.join(1.0)
    # a worker forked in the middle of the stop may be missing from the pool's
    # list, or stuck on a lock it inherited: none outlives the run
    for pid in _child_processes():
        with contextlib.suppress(ProcessLookupError, PermissionError):
            if _is_worker(pid):
                os.kill(pid, signal.SIGKILL)
    pool.shutdown(wait=False, cancel_futures=True)


def _is_worker(pid: int) -> bool:
    """A child of this process running the same program (a forked worker),
    not a kernel or another program it started."""
    try:
        return (Path(f"/proc/{pid}/cmdline").read_bytes()
                == Path(f"/proc/{os.getpid()}/cmdline").read_bytes())
    except OSError:
        return False


async def _execute_runs(path: Path, runs: list[Run]) -> list[tuple]:
    """Each run of one notebook, in order, in one kernel: the first run pays for
    starting Python and importing pandas, matplotlib and iness, the others
    start from an empty namespace (``%reset -f``) in the same process. After
    a run that leaves the kernel dead or busy, the next one gets a new kernel."""
    from jupyter_client.manager import AsyncKernelManager
    results, manager, first = [], None, True
    try:
        for run in runs:
            started, notebook, running = time.perf_counter(), None, {}
            try:
                notebook = prepared(path, run.parameters)
                if manager is None:
                    manager, first = AsyncKernelManager(kernel_name=KERNEL), True
                    # the kernel's own stderr (a dying kernel's libzmq assertion)
                    # would add lines to iness's one-line errors
                    _RUNNING_KERNELS.add(manager)
                    environment = kernel_environment()
                    await manager.start_kernel(
                        extra_arguments=[f"--IPKernelApp.log_level={KERNEL_LOG_LEVEL}"],
                        cwd=str(path.parent), stderr=subprocess.DEVNULL,
                        **({"env": environment} if environment else {}))
                client = NotebookClient(
                    notebook, km=manager, timeout=TIMEOUT, kernel_name=KERNEL,
                    on_cell_execute=lambda cell, cell_index: running.update(cell=cell),
                    resources={"metadata": {"path": str(path.parent)}})
                client.kc = manager.client()
                client.kc.start_channels()
                try:
                    await client.kc.wait_for_ready(timeout=client.startup_timeout)
                    await _run_silently(client, _setup_code(run, first))
                    first = False
                    await client.async_execute()
                finally:
                    client.kc.stop_channels()
                results.append((deterministic(notebook), time.perf_counter() - started, None))
            except (CellExecutionError, DeadKernelError, CellTimeoutError, RuntimeError,
                    NoSuchKernel) as error:
                results.append((None, time.perf_counter() - started,
                                _failure(path, notebook, running, error)))
                if not isinstance(error, CellExecutionError) and manager is not None:
                    _RUNNING_KERNELS.discard(manager)
                    await manager.shutdown_kernel(now=True)
                    manager = None
    finally:
        if manager is not None and manager in _RUNNING_KERNELS:
            _RUNNING_KERNELS.discard(manager)
            await manager.shutdown_kernel(now=True)
    return results


def execute_runs(path: Path, runs: list[Run]) -> list[tuple]:
    """(executed notebook or None, seconds, failure or None) of each run of a
    notebook, all in one kernel (see :func:`_execute_runs`)."""
    import asyncio
    return asyncio.run(_execute_runs(path, runs))


def execute(path: Path, figures_dir: Path, parameters: dict | None = None):
    """Run a notebook top to bottom in a fresh kernel; figures go to ``figures_dir``.

    Any failure (a cell's error, a dead or silent kernel) is a one-line
    :class:`NotebookError` naming the notebook, the cell and the error."""
    lang = (parameters or {}).get("LANG", i18n.SOURCE_LANGUAGE)
    # result tables beside the figures: <report>/tables/<notebook>/
    run = Run(lang, parameters, figures_dir,
              figures_dir.parent.parent / "tables" / figures_dir.name)
    [(notebook, _seconds, failure)] = execute_runs(path, [run])
    if failure:
        raise NotebookError(failure)
    return notebook


#: the kernel the notebooks name: the one the project installs (ipykernel's)
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": KERNEL}
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def deterministic(notebook):
    """The executed notebook made byte-stable and clean to open: the installed
    kernel's spec in its metadata (JupyterLab then does not mark it modified),
    no execution timestamps, results numbered as their cells, no saved widget
    state, and widget outputs numbered by cell instead of random model ids."""
    notebook.metadata["kernelspec"] = dict(KERNELSPEC)
    notebook.metadata.pop("widgets", None)
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)  # timestamps: a rerun would differ
        for output in cell.get("outputs", []):
            # the kernel's own count goes on across the runs that share it
            if output.get("output_type") == "execute_result":
                output["execution_count"] = cell.get("execution_count")
        widgets = [output for output in cell.get("outputs", [])
                   if WIDGET_VIEW in output.get("data", {})]
        for number, output in enumerate(widgets):
            output["data"][WIDGET_VIEW]["model_id"] = f"{cell.get('id', 'cell')}-widget-{number}"
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
            injected.id = INJECTED_ID  # a fixed id keeps the HTML byte-stable
            notebook.cells.insert(index + 1, injected)
            return notebook
    raise InessError("the notebook has no cell tagged 'parameters'")


#: the context of the report's own words in the catalogues (``report.po``)
REPORT_CONTEXT = "report"
#: the folder of each edition, inside the report's folder ("" = the folder itself)
EDITION_FOLDERS = {"en": "", "fr": "fr"}


def words(message: str, lang: str) -> str:
    """One of the report's own texts in ``lang`` (catalogue ``report.po``)."""
    return i18n.translate(message, REPORT_CONTEXT, lang)


def edition_dir(base: Path, lang: str) -> Path:
    """Where the ``lang`` edition of a report goes: ``base`` for English,
    ``base/fr`` for French."""
    return base / EDITION_FOLDERS[i18n.check_language(lang)]


def edition_link(lang: str, other: str) -> str:
    """Relative link from a page of the ``lang`` edition to the ``other``
    edition's index."""
    up = "../" if EDITION_FOLDERS[lang] else ""
    folder = EDITION_FOLDERS[other]
    return f"{up}{folder + '/' if folder else ''}index.html"


def other_editions(lang: str, editions: tuple[str, ...] | None = None
                   ) -> list[tuple[str, str]]:
    """(relative link to its index, name) of each other edition of a report
    (of ``editions``, those that exist, when given)."""
    return [(edition_link(lang, other),
             words("English edition" if other == "en" else "French edition", lang))
            for other in EDITION_FOLDERS
            if other != lang and (editions is None or other in editions)]


def data_attribution(lang: str = "en", context: PageContext = PageContext()) -> str:
    """Whose data the pages are made from, and under which licence: DSI4EU's
    attribution on DSI4EU's pages only; a researcher's survey by its title,
    licence and citation."""
    survey = context.survey
    if survey is None:
        return words("Data: DSI4EU mapping of digital social innovation (digitalsocial.eu; "
                     "Nesta, Waag Society, SUPSI), licensed CC BY-NC-SA 4.0; tables, figures "
                     "and pages derived from it are shared under the same licence. Code: "
                     "iness, BSD 3-Clause licence; cite it with its CITATION.cff.", lang)
    licence = (words("licence: {licence}", lang).format(licence=survey["licence"])
               if survey.get("licence") else words("licence not stated", lang))
    cite = (" " + words("Cite the data as: {citation}", lang).format(
        citation=survey["citation"])) if survey.get("citation") else ""
    code = words("Code: iness, BSD 3-Clause licence; cite it with its CITATION.cff.", lang)
    return (words("Data: {title} ({licence}).", lang).format(title=survey["title"],
                                                              licence=licence)
            + cite + " " + code)


def footer(lang: str = "en", context: PageContext = PageContext()) -> str:
    """The licence and attribution every page carries."""
    text = data_attribution(lang, context)
    links = " · ".join(
        [f'<a href="references.html">{words("References", lang)}</a>',
         f'<a href="data-dictionary.html">{words("data dictionary", lang)}</a>']
        + [f'<a href="{href}">{html.escape(name)}</a>'
           for href, name in other_editions(lang, context.editions)])
    return ('<footer style="margin-top:3rem;padding-top:.6rem;border-top:1px solid #ddd;'
            f'font-size:.85rem;color:#555">{html.escape(text)} {links}.</footer>')


def header(lang: str = "en", context: PageContext = PageContext()) -> str:
    """The line above a page of a researcher's survey's report: the survey's
    title, linked to the report's index (DSI4EU's pages have none)."""
    if context.survey is None:
        return ""
    title = words("{title}: iness report", lang).format(title=context.survey["title"])
    return ('<header style="font-size:.85rem;color:#555;border-bottom:1px solid #ddd;'
            f'padding:.3rem 1rem"><a href="index.html">{html.escape(title)}</a></header>')


def with_footer(page: str, lang: str = "en", context: PageContext = PageContext()) -> str:
    """The page with the licence and attribution footer before ``</body>``
    (and, for a researcher's survey, its header after ``<body>``)."""
    top = header(lang, context)
    if top:
        page = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + "\n" + top, page, count=1)
    head, _, tail = page.rpartition("</body>")
    return head + footer(lang, context) + "\n</body>" + tail


@lru_cache(maxsize=1)
def _exporter():
    """nbconvert's exporter, made once per process (it loads its templates)."""
    from nbconvert import HTMLExporter
    return HTMLExporter(template_name="lab")


def to_html(notebook, lang: str = "en", context: PageContext = PageContext()) -> str:
    """A self-contained HTML page (images embedded, no external scripts)."""
    body = pages.page(notebook, lang, lambda static: _exporter().from_notebook_node(static)[0])
    body = re.sub(r'<html lang="[^"]*"', f'<html lang="{lang}"', body, count=1)
    return with_footer(offline(body), lang, context)


def edition_title(path: Path, lang: str) -> str:
    """A notebook's title in an edition's language (as its run would show it)."""
    notebook = nbformat.read(path, as_version=4)
    i18n.translate_notebook(notebook, lang)
    return title_of(notebook, path.stem)


def kernel_environment() -> dict[str, str] | None:
    """The kernels' environment: this one, plus a Matplotlib folder of iness's
    when the home's is not writable (else Matplotlib warns, on the page, of a
    temporary folder with a random name); ``None`` when nothing is needed."""
    if os.environ.get("MPLCONFIGDIR"):
        return None
    config = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "matplotlib"
    existing = next((folder for folder in (config, *config.parents) if folder.exists()), None)
    if existing is not None and os.access(existing, os.W_OK):
        return None
    folder = Path(tempfile.gettempdir()) / f"iness-matplotlib-{os.getuid()}"
    folder.mkdir(mode=0o700, exist_ok=True)
    return {**os.environ, "MPLCONFIGDIR": str(folder)}


def title_of(notebook, fallback: str) -> str:
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return fallback


def index_page(entries: list[dict], lang: str = "en",
               context: PageContext = PageContext()) -> str:
    """The report's index: each notebook's page, figures and tables."""
    items = []
    for entry in entries:
        figures = "".join(
            f'<a href="figures/{entry["stem"]}/{png.name}"><img src="figures/{entry["stem"]}/'
            f'{png.name}" alt="{html.escape(png.stem)}"></a>' for png in entry["figures"])
        tables = " ".join(
            f'<a href="tables/{entry["stem"]}/{csv.name}">{csv.stem}</a> '
            f'(<a href="tables/{entry["stem"]}/{csv.stem}.tex">LaTeX</a>)'
            for csv in entry.get("tables", []))
        items.append(f'<li><a href="{entry["stem"]}.html">{html.escape(entry["title"])}</a>'
                     f' <small>({entry["stem"]}.ipynb)</small>'
                     f'<div class="figures">{figures}</div>'
                     + (f'<small>{words("Tables (CSV):", lang)} {tables}</small>'
                        if tables else "") + '</li>')
    editions = " ".join(f'<a href="{href}">{html.escape(name)}</a>'
                        for href, name in other_editions(lang, context.editions))
    intro = words(
        "Each page is a notebook executed from the clean tables. Figures are in "
        "<code>figures/</code> as PNG and PDF; the result tables in <code>tables/</code> "
        "as CSV and LaTeX (booktabs), for papers. The talk's categories and key activities are "
        'measured by reading each project with the <a href="codebook.html">codebook</a>. Works '
        'cited are on the <a href="references.html">references</a> page; the tables\' columns '
        'are described in the <a href="data-dictionary.html">data dictionary</a>.', lang
    ) if context.survey is None else words(
        "Each page is a notebook executed from this survey's clean tables. Figures are in "
        "<code>figures/</code> as PNG and PDF; the result tables in <code>tables/</code> "
        "as CSV and LaTeX (booktabs), for papers. The talk's categories and key activities "
        "come from the codes the survey declares where it gives them, else from a text "
        "classifier trained on the coding by reading made with the "
        '<a href="codebook.html">codebook</a>, and from the survey\'s tags. Works cited are '
        'on the <a href="references.html">references</a> page; the tables\' columns are '
        'described in the <a href="data-dictionary.html">data dictionary</a>.', lang)
    return (f"<!DOCTYPE html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\">"
            f"<title>{words('iness report', lang)}</title>{head_tags()}"
            f"<style>{PAGE_STYLE}</style></head><body>\n"
            f"<p><small>{editions}</small></p>\n"
            f"{index_heading(lang, context)}\n"
            f"<p>{intro}</p>\n"
            f"<ol>\n{chr(10).join(items)}\n</ol>\n" + footer(lang, context)
            + "\n</body></html>\n")


def index_heading(lang: str = "en", context: PageContext = PageContext()) -> str:
    """The index's title and, for a researcher's survey, what it says of itself:
    its description, licence, citation and the wave analysed in detail."""
    survey = context.survey
    if survey is None:
        return f"<h1>{words('iness: the talk’s figures on the DSI4EU survey', lang)}</h1>"
    title = words("iness: the talk’s figures on {title}", lang).format(title=survey["title"])
    parts = [f"<h1>{html.escape(title)}</h1>"]
    if survey.get("description"):
        parts.append(f"<p>{html.escape(survey['description'])}</p>")
    parts.append(f"<p>{html.escape(data_attribution(lang, context))}</p>")
    if survey.get("wave") is not None:
        waves = ", ".join(str(wave) for wave in survey.get("waves", []))
        key = ("Detailed analyses use wave {wave}, the survey's latest (waves: {waves}; "
               "iness survey --wave chooses another)." if survey.get("wave_rule") == "latest"
               else "Detailed analyses use wave {wave}, as asked (waves: {waves}).")
        sentence = words(key, lang).format(wave=survey["wave"], waves=waves)
        parts.append(f"<p>{html.escape(sentence)}</p>")
    return "\n".join(parts)


def markdown_page(markdown: str, title: str, language: str = "en",
                  context: PageContext = PageContext()) -> str:
    """A standalone page from Markdown, linked back to the index."""
    import mistune
    body = mistune.html(markdown)
    return with_footer(
        f"<!DOCTYPE html>\n<html lang=\"{language}\"><head><meta charset=\"utf-8\">"
        f"<title>iness: {html.escape(title)}</title>{head_tags()}<style>{PAGE_STYLE}"
        "table{border-collapse:collapse;font-size:.9rem}td,th{border:1px solid #ddd;"
        "padding:.2rem .4rem;vertical-align:top}</style></head>"
        f"<body>\n<p><a href=\"index.html\">{words('iness report', language)}</a></p>\n"
        f"{body}</body></html>\n", language, context)


def codebook_page(language: str = "en", context: PageContext = PageContext()) -> str:
    """The codebook (:mod:`iness.reference.codebook`) as a standalone page."""
    from iness.reference import codebook
    title = "Codebook" if language == "en" else "Grille de codage"
    return markdown_page(codebook.render_markdown(language), title, language, context)


def references_page(language: str = "en", context: PageContext = PageContext()) -> str:
    """Every reference the notebooks cite (:mod:`iness.reference.references`)."""
    from iness.reference import references
    title = words("References", language)
    return markdown_page(f"# {title}\n\n" + references.bibliography(lang=language), title,
                         language, context)


def dictionary_page(language: str = "en", context: PageContext = PageContext()) -> str:
    """The processed tables' columns, types and meanings (:mod:`iness.store.schemas`)."""
    from iness.reference.dictionary import dictionary_markdown
    title = words("Data dictionary", language)
    intro = words("The tables `iness build` and `iness survey` write (Parquet and CSV), as "
                  "`iness.load(name)` returns them.", language)
    return markdown_page(f"# {title}\n\n{intro}\n\n" + dictionary_markdown(language),
                         title, language, context)


def extra_pages(lang: str = "en", context: PageContext = PageContext()
                ) -> dict[str, Callable[[], str]]:
    """The pages every full report holds beside the notebooks' pages, in the
    edition's language (the French codebook is the French edition's)."""
    return {"codebook.html": lambda: codebook_page(lang, context),
            "references.html": lambda: references_page(lang, context),
            "data-dictionary.html": lambda: dictionary_page(lang, context)}


#: the English edition's extra pages (names)
EXTRA_PAGES = extra_pages("en")


def _execute_job(job: tuple) -> list[tuple]:
    """Worker: every run of one notebook (see :func:`execute_runs`), and the
    HTML page of each run that went through."""
    path, runs = job
    results = execute_runs(path, runs)
    for run, (notebook, _seconds, _failure) in zip(runs, results):
        if notebook is not None and run.page is not None:
            run.page.write_text(to_html(notebook, run.lang, run.context), encoding="utf-8")
    return results


def execute_all(jobs: list[tuple[Path, list[Run]]], workers: int | None = None):
    """Execute every job (a notebook and its runs), even after one fails,
    ``workers`` notebooks at a time (default: one more than the cores, at most
    4: the extra one keeps the cores busy while a kernel starts or a page is
    written; measured on 2 cores, 3 workers finish 1 s sooner than 2, 4 later);
    yields (path, run, notebook or None, seconds, failure or None) in the jobs'
    order."""
    workers = workers or min(4, (os.cpu_count() or 1) + 1, len(jobs))
    if workers <= 1:
        for path, runs in jobs:
            for run, result in zip(runs, _execute_job((path, runs))):
                yield (path, run, *result)
        return
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_worker_signals)
    _POOLS.add(pool)
    try:
        # the workers are forked here: a signal in the middle of a fork would be
        # lost in the fork's own callbacks, so it waits until the forks are done
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
        try:
            futures = [pool.submit(_execute_job, job) for job in jobs]
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        for (path, runs), future in zip(jobs, futures):
            try:
                results = future.result()
            except BrokenProcessPool:
                results = [(None, 0.0, f"{path.name}: its worker process died")] * len(runs)
            for run, result in zip(runs, results):
                yield (path, run, *result)
    except BaseException:  # stopped (a signal, or the caller gave up): no worker stays
        _stop_workers(pool)
        raise
    finally:
        _POOLS.discard(pool)
    pool.shutdown(wait=True)


def _of_notebooks(stems: set[str], also: tuple[str, ...] = ()) -> Callable[[str], bool]:
    """Which files of a report belong to these notebooks (page and figures),
    plus the named files ``also``."""
    def replaces(relative: str) -> bool:
        parts = relative.split("/")
        return (relative in also
                or len(parts) == 1 and relative.removesuffix(".html") in stems
                or len(parts) > 2 and parts[0] in ("figures", "tables") and parts[1] in stems)
    return replaces


def page_inputs(paths: list[Path], parameters: dict | None) -> dict[str, str]:
    """Per notebook, the digest of what its page is made of: its cells, the
    tables it reads, iness itself and the parameters."""
    from iness.paths import processed_dir
    data = (parameters or {}).get("DATA")
    tables = cache.tables_digest(Path(data) if data else processed_dir())
    package = cache.package_digest()
    return {path.stem: cache.key(cache.notebook_digest(path), tables, package, parameters)
            for path in paths}


def stale_notebooks(paths: list[Path], target: Path, inputs: dict[str, str]) -> list[Path]:
    """The notebooks whose page is missing or was made from other inputs."""
    kept = cache.recorded(target)
    return [path for path in paths if kept.get(path.stem) != inputs[path.stem]
            or not (target / f"{path.stem}.html").is_file()]


def _index_entry(stem: str, title: str, figures_dir: Path) -> dict:
    tables_dir = figures_dir.parent.parent / "tables" / stem
    return {"stem": stem, "title": title, "figures": sorted(figures_dir.glob("*.png")),
            "tables": sorted(tables_dir.glob("*.csv"))}


@dataclass
class Edition:
    """One edition of a report being written: where, in which language, which
    notebooks it runs, and what its runs gave."""
    lang: str
    target: Path
    parameters: dict | None
    inputs: dict[str, str]  # per notebook, the digest of what its page is made of
    paths: list[Path]  # the notebooks to run
    partial: bool  # whether pages of notebooks not run are kept
    scratch: Path | None = None  # where its runs write, before the edition is staged
    titles: dict[str, str] = field(default_factory=dict)  # per notebook run
    failures: list[str] = field(default_factory=list)
    editions: tuple[str, ...] | None = None  # the report's editions its links may name

    @property
    def context(self) -> PageContext:
        return PageContext.of(self.parameters, self.editions)

    @property
    def pages(self) -> dict[str, Callable[[], str]]:
        return extra_pages(self.lang, self.context)

    def replaces(self) -> Callable[[str], bool] | None:
        if not self.partial:
            return None
        extra = ("index.html", cache.INPUTS_FILE, *self.pages)
        return _of_notebooks({path.stem for path in self.paths}, extra)


def plan_edition(lang: str, target: Path, every: list[Path], asked: list[Path],
                 parameters: dict | None, force: bool) -> Edition:
    """What writing the ``lang`` edition to ``target`` takes: every asked
    notebook, or (without ``force``) those whose page is missing or stale."""
    i18n.check_language(lang)
    if lang != i18n.SOURCE_LANGUAGE:
        parameters = {**(parameters or {}), "LANG": lang}
    inputs = page_inputs(every, parameters)
    paths = asked if force else stale_notebooks(asked, target, inputs)
    return Edition(lang, target, parameters, inputs, paths,
                   partial=len(paths) < len(every))


def _jobs(editions: list[Edition], every: list[Path]) -> list[tuple[Path, list[Run]]]:
    """Per notebook to run, its runs: one per edition that needs it, in the editions' order."""
    jobs = []
    for path in every:
        runs = [Run(edition.lang, edition.parameters, edition.scratch / "figures" / path.stem,
                    edition.scratch / "tables" / path.stem,
                    edition.scratch / f"{path.stem}.html", edition.context)
                for edition in editions if path in edition.paths]
        if runs:
            jobs.append((path, runs))
    return jobs


def _write_edition(edition: Edition, every: list[Path]) -> None:
    """Swap the edition's new pages, figures and tables (in its scratch folder)
    into its folder, with the inputs record, the index and the extra pages."""
    with outputs.replacing(edition.target, edition.replaces()) as staging:
        for produced in sorted(edition.scratch.iterdir()):
            shutil.move(produced, staging / produced.name)
        kept = cache.recorded(edition.target) if edition.partial else {}
        recorded = {stem: digest for stem, digest in kept.items()
                    if stem in edition.inputs and stem not in edition.titles}
        recorded.update({stem: edition.inputs[stem] for stem in edition.titles})
        (staging / cache.INPUTS_FILE).write_text(cache.as_text(recorded), encoding="utf-8")
        entries = [_index_entry(path.stem, edition.titles[path.stem],
                                staging / "figures" / path.stem)
                   if path.stem in edition.titles else
                   _index_entry(path.stem, edition_title(path, edition.lang),
                                edition.target / "figures" / path.stem)
                   for path in every if path.stem in edition.titles
                   or (edition.target / f"{path.stem}.html").is_file()]
        (staging / "index.html").write_text(index_page(entries, edition.lang, edition.context),
                                            encoding="utf-8")
        for name, page in edition.pages.items():
            (staging / name).write_text(page(), encoding="utf-8")


def write_editions(targets: dict[str, Path], notebooks: list[str] | None = None,
                   in_place: bool = False, parameters: dict | None = None,
                   notebooks_folder: Path | None = None, workers: int | None = None,
                   force: bool = True) -> dict[str, Path]:
    """Execute the notebooks and write one report edition per language of
    ``targets`` (language -> folder): one HTML page per notebook, ``index.html``,
    ``figures/<notebook>/*.png|pdf`` and ``tables/<notebook>/*.csv|tex``. A
    notebook's runs for every edition share one kernel (see :func:`execute_runs`).
    With ``in_place``, the executed English notebooks are also saved back (the
    outputs that nbval compares).

    Each edition is written in a staging folder and swapped in only when every
    notebook of it ran; otherwise every notebook is still run, the other
    editions are written, the failures are listed in one :class:`NotebookError`
    and the failed edition's previous report stays whole. With ``notebooks``,
    only their pages, figures and tables are replaced. Without ``force``, a
    notebook whose cells, tables, iness and parameters are those of its current
    page is not run again (see :mod:`iness.cache`)."""
    if in_place and i18n.SOURCE_LANGUAGE not in targets:
        raise InessError("--in-place saves the English notebooks' outputs: ask for the "
                         "English edition too")
    targets = {lang: outputs.check_target(target) for lang, target in targets.items()}
    every = notebook_paths(notebooks_folder)
    asked = notebook_paths(notebooks_folder, notebooks)
    planned = [plan_edition(lang, target, every, asked, parameters, force)
               for lang, target in targets.items()]
    for edition in planned:
        edition.editions = existing_editions(edition.lang, edition.target, targets)
    editions = []
    for edition in planned:
        if not edition.paths and (edition.target / "index.html").is_file():
            print(f"Report ({edition.lang}) in {edition.target} is up to date: nothing to "
                  "run (--force reruns it)")
        else:
            editions.append(edition)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="iness-report-") as scratch:
        for edition in editions:
            edition.scratch = Path(scratch) / edition.lang
            edition.scratch.mkdir()
        jobs = _jobs(editions, every)
        by_lang = {edition.lang: edition for edition in editions}
        for path, run, notebook, seconds, failure in progress(
                execute_all(jobs, workers), "notebooks",
                total=sum(len(runs) for _, runs in jobs)):
            edition = by_lang[run.lang]
            if failure:
                edition.failures.append(failure)
                print(f"  {path.name:<40} {run.lang}  FAILED: {failure}")
                continue
            if in_place and run.lang == i18n.SOURCE_LANGUAGE:
                nbformat.write(notebook, path)
            edition.titles[path.stem] = title_of(notebook, path.stem)
            print(f"  {path.name:<40} {run.lang}  {seconds:5.1f} s")
        # the French edition sits inside the English one's folder: write it after
        for edition in sorted(editions, key=lambda e: len(e.target.parts)):
            if not edition.failures:
                _write_edition(edition, every)
                print(edition_summary(edition))
    if jobs:
        print(f"{sum(len(runs) for _, runs in jobs)} notebook runs "
              f"({', '.join(edition.lang for edition in editions)}) and their pages in "
              f"{time.perf_counter() - started:.1f} s")
    failed = [edition for edition in editions if edition.failures]
    if failed:
        raise NotebookError("; ".join(
            f"{len(edition.failures)} of {len(edition.paths)} notebooks failed "
            f"({edition.lang}), so {edition.target} was left as it was: "
            + "; ".join(edition.failures) for edition in failed))
    return {edition.lang: edition.target for edition in planned}


def existing_editions(lang: str, target: Path, targets: dict[str, Path]) -> tuple[str, ...]:
    """The editions a page of the ``lang`` edition in ``target`` may link to:
    its own, those written now, and those already on disk where its links lead."""
    # '..' taken lexically: the edition's own folder may not exist yet
    return tuple(other for other in EDITION_FOLDERS if other == lang or other in targets
                 or Path(os.path.normpath(target / edition_link(lang, other))).is_file())


def edition_summary(edition: Edition) -> str:
    """What ``iness report`` says of a written edition: pages, figures, tables."""
    target = edition.target
    pages = len(list(target.glob("*.html")))
    figures = len(list(target.glob("figures/*/*.png")))
    tables = len(list(target.glob("tables/*/*.csv")))
    return (f"Report ({edition.lang}) written to {target / 'index.html'}: {pages} pages, "
            f"{figures} figures (PNG and PDF), {tables} tables (CSV and LaTeX); "
            f"{len(edition.titles)} notebook{'' if len(edition.titles) == 1 else 's'} run now")


def write_report(notebooks: list[str] | None = None, target: Path | None = None,
                 in_place: bool = False, parameters: dict | None = None,
                 notebooks_folder: Path | None = None, workers: int | None = None,
                 force: bool = True, lang: str = "en") -> Path:
    """One edition of the report (see :func:`write_editions`): ``lang``'s, in
    ``target`` (by default ``reports/``, or ``reports/fr/`` for French)."""
    i18n.check_language(lang)
    targets = {lang: Path(target) if target else edition_dir(reports_dir(), lang)}
    return write_editions(targets, notebooks, in_place, parameters, notebooks_folder,
                          workers, force)[lang]
