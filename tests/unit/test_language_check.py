"""The language check used on the report's pages finds the wrong language."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from language_check import wrong_language  # noqa: E402

PAGE = """<html><head><title>iness · 02 · Les enjeux sociaux</title><style>p{}</style></head>
<body><h1>Les enjeux sociaux traités par les plateformes</h1>
<p>Les plateformes sont codées par lecture de leur description.</p>
<p>Source: INESS study of 400 European platforms, table of social issues addressed.</p>
<details class="iness-code"><summary>afficher le code</summary>
<pre>say(_("Categories come from the best method"))</pre></details>
<table><tr><th>justification</th></tr>
<tr><td>no counterpart among the 8: kept visible as its own group</td></tr>
<tr><td>Open Food Facts</td></tr></table>
<blockquote>« Stratégies de passage à l'échelle »</blockquote>
<img src="a.png" alt="Share of platforms by social issue and wave">
</body></html>"""


def test_english_left_in_a_french_page_is_found_and_data_is_not():
    found = wrong_language(PAGE, "fr")
    assert any("study of European platforms" in line for line in found)
    assert any(line.startswith("td: no counterpart") for line in found)
    assert any(line.startswith("img: Share of platforms") for line in found)
    assert not any("best method" in line or "Open Food" in line for line in found)
    assert len(found) == 3, found


def test_french_left_in_an_english_page_is_found():
    page = ("<p>Platforms are coded by reading their description.</p>"
            "<p>Les plateformes sont codées par lecture de leur description.</p>")
    found = wrong_language(page, "en")
    assert found == ["p: Les plateformes sont codées par lecture de leur description."]


def test_names_and_tags_of_the_survey_are_data(tmp_path):
    from language_check import data_values
    (tmp_path / "tags.csv").write_text("tag,raw_value\nsocial networks and social media,x\n")
    page = "<table><tr><td>social networks and social media; open data</td></tr></table>"
    assert wrong_language(page, "fr", data=data_values(tmp_path)) == []
    assert wrong_language(page, "fr") == ["td: social networks and social media"]
