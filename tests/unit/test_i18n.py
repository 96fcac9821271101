"""The French edition's mechanism: catalogues, strict mode, numbers, notebooks."""
import nbformat
import pytest

from iness import i18n, report
from iness.notebook import styled


@pytest.fixture(autouse=True)
def english_after(monkeypatch):
    monkeypatch.delenv(i18n.STRICT_VARIABLE, raising=False)
    yield
    i18n.set_language("en")


@pytest.fixture
def catalogues(tmp_path, monkeypatch):
    """An empty catalogue folder in place of the package's."""
    monkeypatch.setattr(i18n, "CATALOGUE_DIR", tmp_path / "i18n")
    i18n.catalogue.cache_clear()
    yield tmp_path / "i18n"
    i18n.catalogue.cache_clear()


def small_notebook(path, markdown="# Title\n\nSome prose.",
                   code='say(_("{n} platforms").format(n=num(3)))'):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell(markdown, id="intro"),
                      nbformat.v4.new_code_cell(code, id="count")]
    nbformat.write(notebook, path)
    return path


def fill(path, translations):
    """Give every entry of a PO file its translation (English -> French)."""
    from babel.messages.pofile import read_po, write_po
    with path.open("rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        if message.id in translations:
            message.string = translations[message.id]
            message.flags.discard("fuzzy")
    with path.open("wb") as handle:
        write_po(handle, catalog, width=0)
    i18n.catalogue.cache_clear()


def test_numbers_follow_the_language():
    assert (i18n.pct(0.634), i18n.num(12345), i18n.num(3.14159, 2)) == ("63%", "12,345", "3.14")
    i18n.set_language("fr")
    assert i18n.pct(0.634) == "63\u00a0%" and i18n.pct(0.634, 1) == "63,4\u00a0%"
    assert i18n.num(12345) == "12\u202f345" and i18n.num(3.14159, 2) == "3,14"
    with pytest.raises(ValueError, match="language must be one of"):
        i18n.set_language("de")


def test_a_notebook_catalogue_is_made_kept_and_marked_fuzzy_when_the_english_changes(
        tmp_path, catalogues):
    path = small_notebook(tmp_path / "01_small.ipynb")
    target, counts = i18n.update_catalogue(path)
    assert target == catalogues / "fr" / "01_small.po"
    assert counts["messages"] == 2 and counts["translated"] == 0
    fill(target, {"# Title\n\nSome prose.": "# Titre\n\nDe la prose.",
                  "{n} platforms": "{n} plateformes"})
    assert i18n.completeness(path)["translated"] == 2
    # the English of the Markdown cell changes: its translation is kept but not used
    small_notebook(path, markdown="# Title\n\nOther prose.")
    _, counts = i18n.update_catalogue(path)
    assert counts["translated"] == 1
    assert [context for context, _ in counts["missing"]] == ["cell:intro"]
    assert "fuzzy" in target.read_text()


def test_table_headers_added_by_hand_survive_an_update(tmp_path, catalogues):
    path = small_notebook(tmp_path / "02_small.ipynb")
    target, _ = i18n.update_catalogue(path)
    target.write_text(target.read_text() + '\nmsgctxt "column"\nmsgid "share"\n'
                      'msgstr "part"\n', encoding="utf-8")
    i18n.update_catalogue(path)
    i18n.set_language("fr")
    assert i18n.column("share") == "part" and i18n.column("Éducation") == "Éducation"


def test_translated_notebook_cells_and_sentences(tmp_path, catalogues, monkeypatch):
    path = small_notebook(tmp_path / "03_small.ipynb")
    target, _ = i18n.update_catalogue(path)
    fill(target, {"# Title\n\nSome prose.": "# Titre\n\nDe la prose."})
    notebook = i18n.translate_notebook(nbformat.read(path, as_version=4), "fr")
    assert notebook.cells[0].source.startswith("# Titre")
    i18n.set_language("fr")
    assert i18n._("{n} platforms") == "{n} platforms"      # missing: English, noted
    assert ("fr", None, "{n} platforms") in i18n.MISSING
    monkeypatch.setenv(i18n.STRICT_VARIABLE, "1")
    with pytest.raises(i18n.MissingTranslation, match="no fr translation of '{n} platforms'"):
        i18n._("{n} platforms")


def test_one_message_translated_two_ways_is_an_error(catalogues):
    for name, text in (("a", "part"), ("b", "proportion")):
        (catalogues / "fr").mkdir(parents=True, exist_ok=True)
        (catalogues / "fr" / f"{name}.po").write_text(
            f'msgctxt "column"\nmsgid "share"\nmsgstr "{text}"\n', encoding="utf-8")
    with pytest.raises(Exception, match="translated differently"):
        i18n.catalogue("fr")


def test_styled_tables_use_the_language_headers_and_number_marks():
    import pandas as pd
    frame = pd.DataFrame({"share": [0.5], "n": [12345], "alpha": [0.8312]})
    i18n.set_language("fr")
    html = styled(frame, percent=["share"])._repr_html_()
    assert ">part<" in html and "50\u00a0%" in html and "12\u202f345" in html
    assert "0,831" in html


def test_every_notebook_is_translated_into_french():
    """Every Markdown cell and every marked sentence of every notebook has a
    usable French translation (a changed English cell makes its translation fuzzy)."""
    missing = {path.name: [(context, text[:50]) for context, text in
                           i18n.completeness(path, "fr")["missing"]]
               for path in report.notebook_paths()}
    assert {name: gaps for name, gaps in missing.items() if gaps} == {}


def test_the_french_report_pages_are_french(monkeypatch):
    monkeypatch.setenv(i18n.STRICT_VARIABLE, "1")
    index = report.index_page([], "fr")
    assert '<html lang="fr">' in index and "les figures de l’exposé" in index
    assert 'href="../index.html"' in index
    assert "Données" in report.footer("fr") and "Data:" in report.footer("en")
    assert 'href="fr/index.html"' in report.index_page([], "en")
    page = report.dictionary_page("fr")
    assert "Dictionnaire des données" in page and '<html lang="fr">' in page
