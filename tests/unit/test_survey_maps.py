"""Maps framed on the data (issue 21 item 8): Europe for a survey mostly there
(DSI4EU), the points' extent elsewhere, the world when they span it, and no
map, said in one sentence, when nothing has coordinates or a country."""
import matplotlib
import pandas as pd

from iness.notebook import figures, geo

matplotlib.use("Agg")


def organisations(points):
    return pd.DataFrame({"wave": 2024, "coord_flag": ["ok"] * len(points) or [],
                         "longitude": [p[0] for p in points],
                         "latitude": [p[1] for p in points],
                         "country_code": ["AR"] * len(points)})


def texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def test_south_american_points_are_framed_on_their_extent():
    located = organisations([(-58.4, -34.6), (-70.6, -33.4), (-57.5, -25.3)])
    fig = figures.organisation_map(located, lang="en")
    assert figures.points_frame(located) == {"longitude": (-74.6, -53.5),
                                             "latitude": (-38.6, -21.3)}
    low, high = fig.axes[0].get_xlim()  # the aspect may widen the box, never to Europe
    assert -90 < low <= -74.6 and -53.5 <= high < -40
    assert figures.in_frame(located).all()
    matplotlib.pyplot.close(fig)


def test_points_everywhere_get_the_world_and_europe_stays_europe():
    world = organisations([(-122.4, 37.8), (139.7, 35.7), (2.35, 48.85)])
    assert figures.points_frame(world) == geo.WORLD_FRAME
    europe = organisations([(2.35, 48.85)] * 9 + [(-74.0, 40.7)])
    assert figures.points_frame(europe) == geo.EUROPE_FRAME
    assert figures.in_frame(europe).sum() == 9  # the note counts the tenth


def test_no_coordinates_no_map_one_sentence():
    unlocated = organisations([]).reindex(range(2)).assign(coord_flag="missing", wave=2024,
                                                           country_code="FR")
    fig = figures.organisation_map(unlocated, lang="fr")
    assert "Aucune organisation n’a de coordonnées\u202f: pas de carte." in " ".join(
        texts(fig)).replace("\n", " ")
    assert not fig.axes[0].collections  # nothing drawn on the map's axes
    matplotlib.pyplot.close(fig)
    empty = pd.DataFrame({"country_code": pd.Series([], dtype=object),
                          "organisations": pd.Series([], dtype=int),
                          "platforms": pd.Series([], dtype=int)})
    fig = figures.country_choropleth(empty, lang="en")
    assert "no map is drawn" in " ".join(texts(fig)).replace("\n", " ")
    matplotlib.pyplot.close(fig)


def test_a_choropleth_of_american_countries_is_framed_on_them():
    counts = pd.DataFrame({"country_code": ["AR", "CL", "BR"], "organisations": [3, 2, 1],
                           "platforms": [1, 1, 0]})
    fig = figures.country_choropleth(counts, lang="en")
    low, high = fig.axes[0].get_xlim()
    assert -85 < low < -60 and -50 < high < -25
    matplotlib.pyplot.close(fig)
