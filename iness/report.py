"""``iness report``: execute every notebook, write HTML pages, an index and figures."""
from __future__ import annotations

import html
import os
import re
import subprocess
import time
from pathlib import Path
from typing import Callable

import nbformat
from jupyter_client.kernelspec import NoSuchKernel
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

from iness import cache, i18n, outputs
from iness.errors import InessError, NotebookError
from iness.paths import FIGURES_DIR_VARIABLE, TABLES_DIR_VARIABLE, notebooks_dir, reports_dir
from iness.progress import progress

KERNEL = "python3"
#: id of the cell that sets the parameters (a fixed id keeps the HTML byte-stable)
INJECTED_ID = "injected-parameters"
TIMEOUT = 600
#: the kernels' own log (its warnings are about Jupyter's set-up, not the notebook)
KERNEL_LOG_LEVEL = "ERROR"
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


def _cell_name(notebook, failed) -> str:
    """'cell N (id ...)' of the cell that failed, numbered as in the notebook
    file (the injected parameters cell is not counted)."""
    cells = [cell for cell in notebook.cells if cell.get("id") != INJECTED_ID]
    for number, cell in enumerate(cells, 1):
        if cell is failed:
            return f"cell {number} (id {cell.get('id', '?')})"
    return "the injected parameters cell" if failed is not None else "before the first cell"


def execute(path: Path, figures_dir: Path, parameters: dict | None = None):
    """Run a notebook top to bottom in a fresh kernel; figures go to ``figures_dir``.

    Any failure (a cell's error, a dead or silent kernel) is a one-line
    :class:`NotebookError` naming the notebook, the cell and the error."""
    notebook = nbformat.read(path, as_version=4)
    i18n.translate_notebook(notebook, (parameters or {}).get("LANG", i18n.SOURCE_LANGUAGE))
    if parameters:
        notebook = inject_parameters(notebook, parameters)
    previous = os.environ.get(FIGURES_DIR_VARIABLE)
    os.environ[FIGURES_DIR_VARIABLE] = str(figures_dir)
    # result tables beside the figures: <report>/tables/<notebook>/
    os.environ[TABLES_DIR_VARIABLE] = str(figures_dir.parent.parent / "tables" / figures_dir.name)
    running = {}
    try:
        NotebookClient(notebook, timeout=TIMEOUT, kernel_name=KERNEL,
                       extra_arguments=[f"--IPKernelApp.log_level={KERNEL_LOG_LEVEL}"],
                       on_cell_execute=lambda cell, cell_index: running.update(cell=cell),
                       resources={"metadata": {"path": str(path.parent)}}).execute(
                           # the kernel's own stderr (a dying kernel's libzmq assertion)
                           # would add lines to iness's one-line errors
                           stderr=subprocess.DEVNULL)
    except CellExecutionError as error:
        last = re.sub(r"\x1b\[[0-9;]*m", "", f"{error.ename}: {error.evalue}")
        last = " ".join(last.split())[:300]
        raise NotebookError(f"{path.name}, {_cell_name(notebook, running.get('cell'))}: "
                            f"{last}") from None
    except DeadKernelError:
        raise NotebookError(f"{path.name}, {_cell_name(notebook, running.get('cell'))}: "
                            "the kernel died (often: out of memory)") from None
    except CellTimeoutError:
        raise NotebookError(f"{path.name}, {_cell_name(notebook, running.get('cell'))}: "
                            f"ran for over {TIMEOUT} s and was stopped") from None
    except (RuntimeError, NoSuchKernel) as error:  # kernel that does not start or answer
        raise NotebookError(f"{path.name}: the kernel failed: "
                            f"{' '.join(str(error).split())[:300]}") from None
    finally:
        os.environ.pop(TABLES_DIR_VARIABLE, None)
        if previous is None:
            os.environ.pop(FIGURES_DIR_VARIABLE, None)
        else:
            os.environ[FIGURES_DIR_VARIABLE] = previous
    return deterministic(notebook)


#: the kernel the notebooks name: the one the project installs (ipykernel's)
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": KERNEL}
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def deterministic(notebook):
    """The executed notebook made byte-stable and clean to open: the installed
    kernel's spec in its metadata (JupyterLab then does not mark it modified),
    no execution timestamps, no saved widget state, and widget outputs
    numbered by cell instead of random model ids."""
    notebook.metadata["kernelspec"] = dict(KERNELSPEC)
    notebook.metadata.pop("widgets", None)
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)  # timestamps: a rerun would differ
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


def other_editions(lang: str) -> list[tuple[str, str]]:
    """(relative link to its index, name) of each other edition of a report."""
    here = EDITION_FOLDERS[lang]
    links = []
    for other, folder in EDITION_FOLDERS.items():
        if other == lang:
            continue
        up = "../" if here else ""
        links.append((f"{up}{folder + '/' if folder else ''}index.html",
                      words("English edition" if other == "en" else "French edition", lang)))
    return links


def footer(lang: str = "en") -> str:
    """The licence and attribution every page carries."""
    text = words("Data: DSI4EU mapping of digital social innovation (digitalsocial.eu; Nesta, "
                 "Waag Society, SUPSI), licensed CC BY-NC-SA 4.0; tables, figures and pages "
                 "derived from it are shared under the same licence. Code: iness, BSD 3-Clause "
                 "licence; cite it with its CITATION.cff.", lang)
    links = " · ".join(
        [f'<a href="references.html">{words("References", lang)}</a>',
         f'<a href="data-dictionary.html">{words("data dictionary", lang)}</a>']
        + [f'<a href="{href}">{html.escape(name)}</a>' for href, name in other_editions(lang)])
    return ('<footer style="margin-top:3rem;padding-top:.6rem;border-top:1px solid #ddd;'
            f'font-size:.85rem;color:#555">{html.escape(text)} {links}.</footer>')


def with_footer(page: str, lang: str = "en") -> str:
    """The page with the licence and attribution footer before ``</body>``."""
    head, _, tail = page.rpartition("</body>")
    return head + footer(lang) + "\n</body>" + tail


def to_html(notebook, lang: str = "en") -> str:
    """A self-contained HTML page (images embedded, no external scripts)."""
    from nbconvert import HTMLExporter
    exporter = HTMLExporter(template_name="lab")
    body, _ = exporter.from_notebook_node(notebook)
    body = re.sub(r'<html lang="[^"]*"', f'<html lang="{lang}"', body, count=1)
    return with_footer(offline(body), lang)


def title_of(notebook, fallback: str) -> str:
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return fallback


def index_page(entries: list[dict], lang: str = "en") -> str:
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
                        for href, name in other_editions(lang))
    intro = words(
        "Each page is a notebook executed from the clean tables. Figures are in "
        "<code>figures/</code> as PNG, SVG and PDF; the result tables in <code>tables/</code> "
        "as CSV and LaTeX (booktabs), for papers. The talk's categories and key activities are "
        'measured by reading each project with the <a href="codebook.html">codebook</a>. Works '
        'cited are on the <a href="references.html">references</a> page; the tables\' columns '
        'are described in the <a href="data-dictionary.html">data dictionary</a>.', lang)
    return (f"<!DOCTYPE html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\">"
            f"<title>{words('iness report', lang)}</title>{FAVICON}"
            f"<style>{PAGE_STYLE}</style></head><body>\n"
            f"<p><small>{editions}</small></p>\n"
            f"<h1>{words('iness: the talk’s figures on the DSI4EU survey', lang)}</h1>\n"
            f"<p>{intro}</p>\n"
            f"<ol>\n{chr(10).join(items)}\n</ol>\n" + footer(lang) + "\n</body></html>\n")


def markdown_page(markdown: str, title: str, language: str = "en") -> str:
    """A standalone page from Markdown, linked back to the index."""
    import mistune
    body = mistune.html(markdown)
    return with_footer(
        f"<!DOCTYPE html>\n<html lang=\"{language}\"><head><meta charset=\"utf-8\">"
        f"<title>iness: {html.escape(title)}</title>{FAVICON}<style>{PAGE_STYLE}"
        "table{border-collapse:collapse;font-size:.9rem}td,th{border:1px solid #ddd;"
        "padding:.2rem .4rem;vertical-align:top}</style></head>"
        f"<body>\n<p><a href=\"index.html\">{words('iness report', language)}</a></p>\n"
        f"{body}</body></html>\n", language)


def codebook_page(language: str = "en") -> str:
    """The codebook (:mod:`iness.reference.codebook`) as a standalone page."""
    from iness.reference import codebook
    title = "Codebook" if language == "en" else "Grille de codage"
    return markdown_page(codebook.render_markdown(language), title, language)


def references_page(language: str = "en") -> str:
    """Every reference the notebooks cite (:mod:`iness.reference.references`)."""
    from iness.reference import references
    title = words("References", language)
    return markdown_page(f"# {title}\n\n" + references.bibliography(lang=language), title,
                         language)


def dictionary_page(language: str = "en") -> str:
    """The processed tables' columns, types and meanings (:mod:`iness.store.schemas`)."""
    from iness.reference.dictionary import dictionary_markdown
    title = words("Data dictionary", language)
    intro = words("The tables `iness build` and `iness survey` write (Parquet and CSV), as "
                  "`iness.load(name)` returns them.", language)
    return markdown_page(f"# {title}\n\n{intro}\n\n" + dictionary_markdown(language),
                         title, language)


def extra_pages(lang: str = "en") -> dict[str, Callable[[], str]]:
    """The pages every full report holds beside the notebooks' pages, in the
    edition's language (the French codebook is the French edition's)."""
    return {"codebook.html": lambda: codebook_page(lang),
            "references.html": lambda: references_page(lang),
            "data-dictionary.html": lambda: dictionary_page(lang)}


#: the English edition's extra pages (names)
EXTRA_PAGES = extra_pages("en")


def _execute_one(job: tuple) -> tuple:
    """Worker: execute one notebook (in its own process, so that its figures
    folder can be set in the environment its kernel inherits); returns the
    executed notebook (``None`` on failure), the seconds and the failure."""
    path, figures_dir, parameters = job
    started = time.perf_counter()
    try:
        notebook, failure = execute(path, figures_dir, parameters), None
    except NotebookError as error:
        notebook, failure = None, str(error)
    return notebook, time.perf_counter() - started, failure


def execute_all(paths: list[Path], target: Path, parameters: dict | None,
                workers: int | None = None):
    """Execute every notebook, even after one fails, ``workers`` at a time
    (default: one per core, at most 4); yields (path, notebook or None, seconds,
    failure or None) in the notebooks' order."""
    jobs = [(path, target / "figures" / path.stem, parameters) for path in paths]
    workers = workers or min(4, os.cpu_count() or 1, len(jobs))
    if workers <= 1:
        for job in jobs:
            yield (job[0], *_execute_one(job))
        return
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(_execute_one, job) for job in jobs]
        for job, future in zip(jobs, futures):
            try:
                yield (job[0], *future.result())
            except BrokenProcessPool:
                yield job[0], None, 0.0, f"{job[0].name}: its worker process died"


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


def write_report(notebooks: list[str] | None = None, target: Path | None = None,
                 in_place: bool = False, parameters: dict | None = None,
                 notebooks_folder: Path | None = None, workers: int | None = None,
                 force: bool = True, lang: str = "en") -> Path:
    """Execute the notebooks and write ``reports/``: one HTML page per notebook,
    ``index.html`` and ``figures/<notebook>/*.png|pdf``. With ``in_place``, the
    executed notebooks are also saved back (the outputs that nbval compares).

    The report is written in a staging folder and swapped in only when every
    notebook ran; otherwise every notebook is still run, the failures are
    listed in one :class:`NotebookError` and the previous report stays whole.
    With ``notebooks``, only their pages and figures are replaced. Without
    ``force``, a notebook whose cells, tables, iness and parameters are those of
    its current page is not run again (see :mod:`iness.cache`).

    ``lang`` chooses the edition: the notebooks' prose, computed sentences,
    tables and figures in that language (:mod:`iness.i18n`); by default the
    French one goes to ``<reports>/fr/``."""
    i18n.check_language(lang)
    if lang != i18n.SOURCE_LANGUAGE:
        if in_place:
            raise InessError("--in-place saves the English notebooks' outputs; the "
                             f"{lang} edition is written to its own folder only")
        parameters = {**(parameters or {}), "LANG": lang}
    target = outputs.check_target(target or edition_dir(reports_dir(), lang))
    every = notebook_paths(notebooks_folder)
    paths = notebook_paths(notebooks_folder, notebooks)
    inputs = page_inputs(every, parameters)
    if not force:
        paths = stale_notebooks(paths, target, inputs)
        if not paths and (target / "index.html").is_file():
            print(f"Report in {target} is up to date: nothing to run (--force reruns it)")
            return target
    partial = notebooks is not None or len(paths) < len(every)
    pages = extra_pages(lang)
    extra = ("index.html", cache.INPUTS_FILE, *pages)
    replaces = _of_notebooks({path.stem for path in paths}, extra) if partial else None
    ran = {path.stem for path in paths}
    with outputs.replacing(target, replaces) as staging:
        executed, failures = {}, []
        for path, notebook, seconds, failure in progress(
                execute_all(paths, staging, parameters, workers), "notebooks",
                total=len(paths)):
            if failure:
                failures.append(failure)
                print(f"  {path.name:<40} FAILED: {failure}")
                continue
            (staging / f"{path.stem}.html").write_text(to_html(notebook, lang), encoding="utf-8")
            if in_place:
                nbformat.write(notebook, path)
            executed[path.stem] = title_of(notebook, path.stem)
            print(f"  {path.name:<40} {seconds:5.1f} s")
        if failures:
            raise NotebookError(f"{len(failures)} of {len(paths)} notebooks failed, so "
                                f"{target} was left as it was: " + "; ".join(failures))
        kept = cache.recorded(target) if partial else {}
        recorded = {stem: digest for stem, digest in kept.items()
                    if stem in inputs and stem not in ran}
        recorded.update({stem: inputs[stem] for stem in executed})
        (staging / cache.INPUTS_FILE).write_text(cache.as_text(recorded), encoding="utf-8")
        entries = [_index_entry(path.stem, executed[path.stem], staging / "figures" / path.stem)
                   if path.stem in executed else
                   _index_entry(path.stem, title_of(nbformat.read(path, as_version=4),
                                                    path.stem), target / "figures" / path.stem)
                   for path in every
                   if path.stem in executed or (target / f"{path.stem}.html").is_file()]
        (staging / "index.html").write_text(index_page(entries, lang), encoding="utf-8")
        for name, page in pages.items():
            (staging / name).write_text(page(), encoding="utf-8")
    print(f"Report written to {target / 'index.html'}")
    return target
