"""The French edition's typography, glossary and catalogues (issue 23)."""
import re

import pytest

from iness import i18n

NARROW, NBSP = "\u202f", "\u00a0"


@pytest.fixture(autouse=True)
def english_after():
    yield
    i18n.set_language("en")


@pytest.mark.parametrize("english, french", [
    ("Valeurs: oui", f"Valeurs{NARROW}: oui"),
    ("cas : limite ; fin !", f"cas{NARROW}: limite{NARROW}; fin{NARROW}!"),
    (f"déjà{NBSP}: fait", f"déjà{NARROW}: fait"),
    ("« exposé »", f"«{NARROW}exposé{NARROW}»"),
    ("63 % et 5%", f"63{NBSP}% et 5{NBSP}%"),
    ("le n° 5", f"le n°{NBSP}5"),
    ("**Question:** pourquoi?", f"**Question{NARROW}:** pourquoi{NARROW}?"),
    ("{share} % de {n}: {k}", f"{{share}}{NBSP}% de {{n}}{NARROW}: {{k}}"),
])
def test_french_typography(english, french):
    assert i18n.typography(english, "fr") == french
    assert i18n.typography(french, "fr") == french  # twice changes nothing


@pytest.mark.parametrize("kept", [
    "https://example.org/a?b=1", "`x: int`", "category:education", "10:30", "![figure](a.png)",
    '<a href="codebook.html">', "&amp; &#8239;", "{n:,}", "16 \\%", "| :--- |",
])
def test_typography_leaves_code_addresses_and_markup_alone(kept):
    assert i18n.typography(kept, "fr") == kept


def test_typography_is_french_only():
    assert i18n.typography("Values: yes ; 5 %", "en") == "Values: yes ; 5 %"
    assert i18n.typography(None, "fr") is None


def test_labels_and_catalogue_lookups_come_out_with_french_typography():
    i18n.set_language("fr")
    texts = [i18n.label(key) for key in i18n.labels().index]
    texts += list(i18n.catalogue("fr").values())
    typeset = [i18n.typography(text) for text in texts if isinstance(text, str)]
    assert [i18n.label(key) for key in i18n.labels().index] == typeset[:len(i18n.labels())]
    bad = [text for text in typeset if re.search(r" [;:!?»]|« ", text)]
    assert not bad, bad[:3]


def placeholders(text):
    return sorted(re.findall(r"\{([A-Za-z_][A-Za-z0-9_]*)[^{}]*\}", text))


def test_catalogues_keep_every_placeholder_of_their_english():
    """Lint: a translation that drops, adds or renames a ``{placeholder}`` breaks
    ``.format`` or loses a number."""
    from babel.messages.pofile import read_po
    wrong = []
    for path in sorted((i18n.CATALOGUE_DIR / "fr").glob("*.po")):
        with path.open("rb") as handle:
            for message in read_po(handle):
                if not message.id or not message.string or isinstance(message.id, tuple):
                    continue
                if message.context and message.context.startswith("cell:"):
                    continue  # Markdown, not formatted
                if placeholders(message.id) != placeholders(message.string):
                    wrong.append(f"{path.name}: {message.id[:50]!r}")
    assert not wrong, wrong


def test_the_glossary_is_well_formed():
    table = i18n.glossary()
    assert list(table.columns) == ["english", "french", "source", "note", "variants_rejected"]
    assert table.index.is_unique and table["french"].str.len().gt(0).all()
    assert set(table["source"]) <= {"talk", "field"}
    # a word is never both the glossary's choice and a rejected variant
    for concept, row in table.iterrows():
        assert not i18n.glossary_breaches(row["french"]), concept


def test_the_glossary_check_finds_a_rejected_variant_and_allows_a_gloss():
    assert ("codebook", "livre de codes") in i18n.glossary_breaches("Le livre de codes dit")
    assert not i18n.glossary_breaches("la table de correspondance (crosswalk), `crosswalk.csv`")
    assert not i18n.glossary_breaches("classement multi-étiquettes")


def test_every_french_text_follows_the_glossary():
    problems = i18n.glossary_problems()
    assert not problems, "\n".join(problems[:20])


def test_the_french_codebook_names_each_value_once_and_in_french():
    from iness.reference import codebook
    page = codebook.render_markdown("fr")
    for value_id in codebook.allowed("resources") + codebook.allowed("scope"):
        assert f"({value_id})" not in page and f"· `{value_id}`" in page
    assert "**Ventes (marché)** · `market_sales`" in page and "**Faible** · `low`" in page
    assert "serrée" not in page and "## Texte exploitable · `usable`" in page
    assert not re.search(r" [;:!?»]|« |[a-zé]:", page.replace("`", " ")), "French typography"


def test_french_references_and_dictionary_are_typeset_and_localised():
    from iness.reference import dictionary, references
    bibliography = references.bibliography(lang="fr")
    assert "Bruxelles\u202f: Commission européenne\u202f; Londres\u202f: Nesta" in bibliography
    assert "*La Grande Transformation." in bibliography and "Brussels" not in bibliography
    page = dictionary.dictionary_markdown("fr")
    assert "Clé\u202f:" in page and "enquête propre" not in page


def test_count_sentences_take_the_plural_form_of_the_language(tmp_path, monkeypatch):
    monkeypatch.setattr(i18n, "CATALOGUE_DIR", tmp_path)
    (tmp_path / "fr").mkdir()
    (tmp_path / "fr" / "x.po").write_text(
        'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=2; plural=(n > 1);\\n"\n\n'
        'msgid "{n} example is hybrid"\nmsgid_plural "{n} examples are hybrid"\n'
        'msgstr[0] "{n} exemple est hybride"\nmsgstr[1] "{n} exemples sont hybrides"\n',
        encoding="utf-8")
    i18n.catalogue.cache_clear()
    try:
        forms = [i18n.ngettext("{n} example is hybrid", "{n} examples are hybrid", n, lang=lang)
                 for lang in ("en", "fr") for n in (0, 1, 2)]
        assert forms == ["{n} examples are hybrid", "{n} example is hybrid",
                         "{n} examples are hybrid", "{n} exemple est hybride",
                         "{n} exemple est hybride", "{n} exemples sont hybrides"]
        monkeypatch.setenv(i18n.STRICT_VARIABLE, "1")
        with pytest.raises(i18n.MissingTranslation, match="count message"):
            i18n.ngettext("{n} cat", "{n} cats", 2, lang="fr")
    finally:
        i18n.catalogue.cache_clear()


def test_ngettext_calls_are_collected_for_the_catalogue():
    code = 'say(ngettext("{n} platform", "{n} platforms", n).format(n=n)); _("Done")'
    assert sorted(i18n.marked_messages(code), key=str) == [("{n} platform", "{n} platforms"),
                                                            "Done"]


def test_dates_are_written_out_and_french_sentences_never_open_with_a_digit():
    import datetime
    assert i18n.long_date("2017-03-26", "fr") == "26 mars 2017"
    assert i18n.long_date(datetime.datetime(2017, 3, 26, 12), "en") == "26 March 2017"
    assert i18n.spelled(1, "fr", feminine=True) == "une" and i18n.spelled(40, "fr") == "40"
    opened = i18n.sentence_starts("7 plateformes. 30 % des projets. 2016 : x. 1. Liste", "fr")
    assert opened == "Sept plateformes. Au total, 30 % des projets. 2016 : x. 1. Liste"
    assert i18n.sentence_starts("7 platforms.", "en") == "7 platforms."
    assert i18n.sentence_starts("Voir p. 12 ici.", "fr") == "Voir p. 12 ici."
    assert i18n.sentence_starts("**Résultat.** 8 des 707", "fr") == "**Résultat.** Huit des 707"


def test_computed_sentences_are_polished_in_french_only():
    from iness.notebook import say
    assert say("3 of 7; done").text == "3 of 7; done"
    i18n.set_language("fr")
    assert say("3 des 7; fait").text == "Trois des 7\u202f; fait"


def test_every_crosswalk_row_reads_in_french():
    """Each justification has its French (crosswalk_fr.csv) and each revision note
    parses in the form revise_crosswalk.py writes, so that the French pages show
    no English from crosswalk.csv; English is left as written."""
    from iness.reference import crosswalk_fr, taxonomy
    english = taxonomy.crosswalk(include_dropped=True)
    i18n.set_language("fr")
    french = taxonomy.crosswalk(include_dropped=True)
    assert set(english["justification"].dropna()) <= set(crosswalk_fr.justifications())
    assert not french["justification"].isin(english["justification"]).all()
    notes = french.loc[english["revision_note"].notna(), "revision_note"]
    assert notes.str.match("(précision faible|quasi universel|alimente deux cadres)").all()
    assert not notes.str.contains(r"[0-9]\.[0-9]|[0-9]%").any()
    with pytest.raises(ValueError, match="revision_note"):
        crosswalk_fr.revision_note("dropped by hand", "fr")


def test_overseas_departments_count_as_france():
    import pandas as pd

    from iness.reference import overseas
    assert set(overseas.overseas_regions().index) == {"GP", "MQ", "GF", "RE", "YT"}
    assert overseas.as_country(pd.Series(["RE", "YT", "BE"])).tolist() == ["FR", "FR", "BE"]


def test_a_french_computed_sentence_writes_its_dates_out():
    from iness.notebook import say
    i18n.set_language("fr")
    assert say("0 des 707 ont cessé avant le 2017-03-26.").text == (
        "Au total, 0 des 707 ont cessé avant le 26 mars 2017.")
