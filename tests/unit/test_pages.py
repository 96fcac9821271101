"""Report pages (issue 23, item 6): code folded, no prompts, titles, alt texts, widgets."""
import base64
import re

import matplotlib
import nbformat
import pytest

from iness import i18n
from iness.notebook import pages

matplotlib.use("Agg")
PNG = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")).decode()


@pytest.fixture(autouse=True)
def english_after():
    yield
    i18n.set_language("en")


def executed_notebook(heading="# 02 · La nature des enjeux sociaux"):
    nb = nbformat.v4.new_notebook()
    figure = nbformat.v4.new_output("display_data", data={"image/png": PNG},
                                    metadata={"image/png": {"alt": "Plateformes par enjeu"}})
    widget = nbformat.v4.new_output("execute_result", execution_count=3, data={
        "text/plain": "HBox(children=(Dropdown(description='Catégorie'…",
        pages.WIDGET_MIME: {"model_id": "x", "version_major": 2, "version_minor": 0}})
    bare = nbformat.v4.new_output("display_data", data={"image/png": PNG})
    nb.cells = [nbformat.v4.new_markdown_cell(f"{heading}\n\nTexte.", id="intro"),
                nbformat.v4.new_code_cell("show(fig, 'x')\nexplorer()", id="fig",
                                          execution_count=3, outputs=[figure, widget, bare])]
    return nb


def test_a_report_page_folds_code_and_names_its_figures():
    from iness import report
    page = report.to_html(executed_notebook(), "fr")
    assert "<title>iness · 02 · La nature des enjeux sociaux</title>" in page
    assert '<details class="iness-code"><summary>afficher le code</summary>' in page
    assert "explorer</span>" in page.split('<details class="iness-code">')[1].split("</details>")[0]
    assert not re.search(r'Prompt[^"]*">\s*(In|Out)', page) and "HBox(" not in page
    assert 'alt="Plateformes par enjeu"' in page
    assert 'alt="Figure · iness · 02 · La nature des enjeux sociaux"' in page
    assert "No description has been provided" not in page


def test_the_english_page_says_show_code():
    nb = executed_notebook("# 02 · Social issues")
    page = pages.page(nb, "en", lambda static: __import__("iness.report").report
                      ._exporter().from_notebook_node(static)[0])
    assert "<summary>show code</summary>" in page and "<title>iness · 02 · Social issues" in page


def test_the_notebook_itself_is_left_as_it_was():
    nb = executed_notebook()
    pages.static_notebook(nb)
    assert len(nb.cells[1].outputs) == 3 and "title" not in nb.metadata


def test_a_figure_alt_text_is_its_title():
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots()
    ax.set_title("Part des plateformes", loc="left")  # the house style's place
    assert pages.figure_alt(fig) == "Part des plateformes"
    fig.suptitle("Plateformes par enjeu social")
    assert pages.figure_alt(fig) == "Plateformes par enjeu social"
    plt.close(fig)


def test_folding_keeps_the_divs_balanced():
    page = ('<div class="jp-Cell jp-CodeCell jp-Notebook-cell">\n<div class="jp-Cell-inputWrapper">'
            '<div><div>code</div></div></div><div class="jp-Cell-outputWrapper">out</div></div>')
    folded = pages.fold_code(page, "en")
    assert folded.count("<details") == 1
    assert folded.index("</details>") < folded.index("jp-Cell-outputWrapper")
