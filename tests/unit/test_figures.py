"""Figure functions return Figures, switch language, and save the same bytes twice."""
import hashlib

import matplotlib
import pandas as pd
import pytest

from iness.notebook import figures


@pytest.fixture(autouse=True)
def english():
    figures.set_language("en")
    yield
    figures.set_language("en")


def test_language_switch_changes_labels():
    english = figures.scaling_matrix_figure()
    french = figures.scaling_matrix_figure(lang="fr")
    assert english.axes[0].get_title(loc="left") == \
        "DSI practices against the three levers of user-based growth"
    assert french.axes[0].get_title(loc="left").startswith("Pratiques")
    assert "Trainings" in [t.get_text() for t in english.axes[0].get_yticklabels()]
    assert "Formations" in [t.get_text() for t in french.axes[0].get_yticklabels()]
    with pytest.raises(ValueError):
        figures.set_language("de")


def test_activity_diagrams_draw_every_activity():
    fig = figures.activity_diagrams()
    assert isinstance(fig, matplotlib.figure.Figure)
    assert len(fig.axes) == 5


def test_target_bars_from_counts():
    counts = pd.DataFrame({"wave": [2016, 2017], "target_id": ["health"] * 2,
                           "platforms": [3, 1], "share": [0.3, 0.1],
                           "label": ["Health"] * 2, "in_talk": [True, True]})
    fig = figures.target_bars(counts, "categories_title")
    assert fig.axes[0].get_title(loc="left") == "Platforms per social issue"


def test_save_is_byte_stable(tmp_path):
    def digest():
        fig = figures.activity_diagrams()
        paths = figures.save(fig, "diagrams", tmp_path)
        return [hashlib.sha256(p.read_bytes()).hexdigest() for p in paths]
    assert digest() == digest()
    assert [p.suffix for p in sorted(tmp_path.iterdir())] == [".pdf", ".png"]
    assert (tmp_path / "diagrams.pdf").read_bytes().startswith(b"%PDF")


def test_every_label_has_both_languages_and_one_row():
    from iness import i18n
    labels = i18n.labels()
    assert labels[["en", "fr"]].notna().all().all()
    assert not labels.index.duplicated().any(), labels.index[labels.index.duplicated()]


def test_category_colours_grey_outside_the_eight():
    colours = figures.category_colours()
    assert colours["culture_arts"] == figures.OUTSIDE_GREY
    assert len({colours[c] for c in ("civic_engagement", "education", "health")}) == 3
