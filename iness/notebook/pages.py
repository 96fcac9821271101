"""A notebook's report page as a reader gets it: code folded away behind a
"show code" toggle (a ``<details>`` element: no script, works offline), no
``In [n]:`` prompts, the page titled after the notebook, each figure's alt text
its title in the page's language, and widgets shown as the static figure drawn
just before them (they stay live in JupyterLab).

Pure functions on the notebook (before nbconvert) and on its HTML (after);
:func:`page` chains them around an exporter.
"""
from __future__ import annotations

import copy
import html
import re
from collections.abc import Callable

from iness import i18n

#: the mime type of a live widget: in a static page only its text repr would show
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
#: nbconvert's alt text for an image that has none
DEFAULT_ALT = 'alt="No description has been provided for this image"'
#: the page's own style for the toggle (no script: nothing for a CSP to hash)
CODE_TOGGLE_STYLE = ("details.iness-code>summary{cursor:pointer;color:#666;font-size:.8rem;"
                     "font-family:system-ui,sans-serif;"
                     "margin:.1rem 0 .1rem var(--jp-cell-prompt-width,4rem)}"
                     ".jp-InputPrompt,.jp-OutputPrompt{visibility:hidden}")
_INPUT_WRAPPER = re.compile(r'<div class="jp-Cell jp-CodeCell[^"]*"[^>]*>\s*'
                            r'(?=<div class="jp-Cell-inputWrapper")')
_PROMPT = re.compile(r'(<div class="jp-(?:In|Out)putPrompt[^"]*">)[^<]*(</div>)')
_DIV = re.compile(r"<div\b|</div>")
_TITLE = re.compile(r"<title>.*?</title>", re.DOTALL)


def notebook_title(notebook) -> str | None:
    """The text of the notebook's first level-1 heading."""
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return None


def page_title(notebook) -> str:
    """``iness · 02 · La nature des enjeux sociaux…``: the report's name and the
    notebook's own title."""
    title = notebook_title(notebook)
    return f"iness · {title}" if title else "iness"


def figure_alt(fig) -> str:
    """A figure's title, as its alt text: the suptitle, else its first axes
    title (already in the language the figure was drawn in)."""
    titles = [fig._suptitle.get_text() if getattr(fig, "_suptitle", None) else ""]
    titles += [ax.get_title(loc) for ax in fig.axes for loc in ("center", "left", "right")]
    return next((title.strip() for title in titles if title and title.strip()), "")


def _is_widget(output) -> bool:
    return WIDGET_MIME in output.get("data", {})


def static_notebook(notebook):
    """A copy of the notebook for a static page: widget outputs dropped (the
    figure drawn before them stays), and its title in the metadata."""
    notebook = copy.deepcopy(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = [output for output in cell.get("outputs", [])
                            if not _is_widget(output)]
    notebook.metadata["title"] = page_title(notebook)
    return notebook


def image_alts(notebook) -> list[str | None]:
    """The alt text of each image the page shows, in order (``None``: none given)."""
    alts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            for mime in output.get("data", {}):
                if mime.startswith("image/") and mime != "image/svg+xml":
                    meta = output.get("metadata", {})
                    alts.append(meta.get(mime, {}).get("alt") or meta.get("alt"))
    return alts


def _matching_close(page: str, start: int) -> int:
    """The end of the ``<div>`` opened at ``start``."""
    depth = 0
    for tag in _DIV.finditer(page, start):
        depth += 1 if tag.group(0) == "<div" else -1
        if depth == 0:
            return tag.end()
    raise ValueError("unbalanced <div> in the page")


def fold_code(page: str, lang: str | None = None) -> str:
    """Each code cell's input inside a ``<details>`` toggle, closed by default,
    labelled « show code » in the page's language."""
    summary = html.escape(i18n.label("page_show_code", lang))
    pieces, last = [], 0
    for found in _INPUT_WRAPPER.finditer(page):
        start = found.end()
        end = _matching_close(page, start)
        pieces += [page[last:start], f'<details class="iness-code"><summary>{summary}</summary>',
                   page[start:end], "</details>"]
        last = end
    return "".join(pieces) + page[last:]


def without_prompts(page: str) -> str:
    """No ``In [n]:`` / ``Out[n]:`` prompts."""
    return _PROMPT.sub(r"\1\2", page)


def with_alts(page: str, alts: list[str | None], fallback: str) -> str:
    """nbconvert's default alt texts replaced, in order, by the figures' own."""
    texts = iter(alts)

    def alt(_):
        text = next(texts, None) or fallback
        return f'alt="{html.escape(text, quote=True)}"'
    return re.sub(re.escape(DEFAULT_ALT), alt, page)


def with_title(page: str, title: str) -> str:
    return _TITLE.sub(lambda _: f"<title>{html.escape(title)}</title>", page, count=1)


def with_style(page: str) -> str:
    return page.replace("</head>", f"<style>{CODE_TOGGLE_STYLE}</style>\n</head>", 1)


def page(notebook, lang: str, export: Callable) -> str:
    """The report page of an executed notebook: ``export`` (nbconvert) applied
    to its static copy, then code folded, prompts hidden, title and alt texts set."""
    static = static_notebook(notebook)
    title = static.metadata["title"]
    body = export(static)
    fallback = f"{i18n.label('page_figure', lang)} · {title}"
    body = with_alts(body, image_alts(static), fallback)
    return with_style(with_title(without_prompts(fold_code(body, lang)), title))
