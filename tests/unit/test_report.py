"""The report executes notebooks into offline HTML pages, an index and figures."""
import hashlib

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from iness import report
from iness.errors import NotebookError


def tiny_notebook(folder, body='figures.show(figures.activity_diagrams(lang=LANG), "tiny")'):
    notebook = new_notebook(metadata={"kernelspec": {"name": "python3",
                                                     "display_name": "Python 3"}})
    parameters = new_code_cell('LANG = "en"')
    parameters.metadata["tags"] = ["parameters"]
    notebook.cells = [new_markdown_cell("# A tiny notebook"), parameters,
                      new_code_cell("from iness.notebook import figures"), new_code_cell(body),
                      new_code_cell("print(LANG)")]
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, folder / "01_tiny.ipynb")
    return folder


def digests(folder):
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_report_pages_index_and_figures(tmp_path):
    notebooks = tiny_notebook(tmp_path / "notebooks")
    target = report.write_report(target=tmp_path / "reports", notebooks_folder=notebooks,
                                 parameters={"LANG": "fr"})
    page = (target / "01_tiny.html").read_text()
    index = (target / "index.html").read_text()
    assert 'href="01_tiny.html"' in index and "A tiny notebook" in index
    assert (target / "figures" / "01_tiny" / "tiny.png").stat().st_size > 1000
    assert (target / "figures" / "01_tiny" / "tiny.pdf").stat().st_size > 1000
    assert 'src="http' not in page and "injected parameters" in page
    assert ">fr\n<" in page or "fr\n</pre>" in page
    first = digests(target)
    report.write_report(target=target, notebooks_folder=notebooks, parameters={"LANG": "fr"})
    assert digests(target) == first


def test_failing_cell_names_the_notebook(tmp_path):
    notebooks = tiny_notebook(tmp_path / "notebooks", body="1 / 0")
    with pytest.raises(NotebookError, match=r"01_tiny\.ipynb, cell 4 \(id [^)]+\): "
                       r"ZeroDivisionError: division by zero"):
        report.write_report(target=tmp_path / "reports", notebooks_folder=notebooks)


def test_widget_outputs_and_metadata_are_stable(tmp_path):
    notebooks = tiny_notebook(tmp_path / "notebooks",
                              body="import ipywidgets\nipywidgets.IntSlider()")
    target = report.write_report(target=tmp_path / "reports", notebooks_folder=notebooks,
                                 in_place=True)
    executed = nbformat.read(notebooks / "01_tiny.ipynb", as_version=4)
    assert executed.metadata["kernelspec"] == report.KERNELSPEC
    assert "widgets" not in executed.metadata
    views = [output["data"][report.WIDGET_VIEW]["model_id"] for cell in executed.cells
             for output in cell.get("outputs", []) if report.WIDGET_VIEW in output.get("data", {})]
    assert views and all(view.endswith("-widget-0") for view in views)
    first = digests(target)
    report.write_report(target=target, notebooks_folder=notebooks)
    assert digests(target) == first


def test_every_page_carries_the_licence_and_the_extra_pages_exist(tmp_path):
    target = report.write_report(target=tmp_path / "reports",
                                 notebooks_folder=tiny_notebook(tmp_path / "notebooks"))
    for name in ["index.html", "01_tiny.html", *report.EXTRA_PAGES]:
        page = (target / name).read_text()
        assert "CC BY-NC-SA 4.0" in page and "BSD 3-Clause" in page, name
    assert "Polanyi, K. (1944)" in (target / "references.html").read_text()
    assert "<code>coding_status</code>" in (target / "data-dictionary.html").read_text()


def test_result_tables_and_pdf_figures_are_written_for_papers(tmp_path):
    body = ('from iness.notebook import styled\nimport pandas as pd\n'
            'figures.show(figures.activity_diagrams(lang=LANG), "tiny")\n'
            'styled(pd.DataFrame({"label": ["A & B"], "share": [0.256]}), percent=["share"])')
    target = report.write_report(target=tmp_path / "reports",
                                 notebooks_folder=tiny_notebook(tmp_path / "notebooks", body))
    assert (target / "figures" / "01_tiny" / "tiny.pdf").read_bytes().startswith(b"%PDF")
    csv = (target / "tables" / "01_tiny" / "table_01.csv").read_text()
    latex = (target / "tables" / "01_tiny" / "table_01.tex").read_text()
    assert csv == "label,share\nA & B,0.256\n"
    assert "\\toprule" in latex and "A \\& B" in latex and "26\\%" in latex
    assert 'href="tables/01_tiny/table_01.csv"' in (target / "index.html").read_text()
