"""Value-level cleaning rules, each on a case taken from PROFILE.md."""
import numpy as np
import pandas as pd
import pytest

from iness.pipeline.clean import dates, fields, places, suspect, vocab, web
from iness import text


@pytest.mark.parametrize("raw, expected", [
    ("  ICS Dr.  G.  Roscher  GmbH ", "ICS Dr. G. Roscher GmbH"),
    ("line\r\r\nbreak", "line break"),
    ("", None), ("   ", None), (None, None), (float("nan"), None),
])
def test_collapse_spaces(raw, expected):
    assert text.collapse_spaces(raw) == expected


def test_normalise_key_folds_accents_case_and_punctuation():
    # letters with no ASCII decomposition drop out, as the 2016 export dropped them
    assert text.normalise_key("Kragerø") == text.normalise_key("Krager") == "krager"
    assert text.normalise_key("Saarbrücken") == "saarbrucken"
    assert text.normalise_key("Open-Source Technologies") == "open source technologies"
    assert text.compact_key("Wesign.it") == text.compact_key("We Sign It")


def test_html_to_text():
    html = "<h3><strong>ARTSHARE</strong></h3><p>Caf&eacute;&nbsp;&amp; art&rsquo;s</p>"
    assert text.html_to_text(html) == "ARTSHARE\nCafé & art’s"
    assert text.html_to_text("") is None


@pytest.mark.parametrize("raw, facet, tag, rule", [
    ("education and skills", "area", "education and skills", "canonical"),
    ("Education and skills", "area", "education and skills", "canonical"),
    ("education and kills", "area", "education and skills", "variant:typo"),
    ("cultures and arts", "area", "culture and arts", "variant:plural"),
    ("la educacin y las habilidades", "area", "education and skills", "variant:translation"),
    ("gio dc v k nng", "area", "education and skills", "variant:translation"),
    ("partizipation und demokratie", "area", "participation and democracy",
     "variant:translation"),
    ("energy and enviromnent", "area", "energy and environment", "fuzzy"),
    ("social networks", "tech_method", "social networks and social media", "variant:recode"),
    ("p2p   distributed exchange networks", "tech_method", "peer-to-peer networks",
     "variant:recode"),
    ("otwarte dane", "tech_method", "open data", "variant:translation"),
    ("medias sociaux", "tech_method", "social networks and social media",
     "variant:translation"),
])
def test_match_tag(raw, facet, tag, rule):
    match = vocab.match_tag(raw, facet)
    assert (match.tag, match.rule) == (tag, rule)


def test_tags_in_the_wrong_field_move_to_their_facet():
    match = vocab.match_tag("Education and skills", "tech_method")
    assert (match.facet, match.tag) == ("area", "education and skills")


def test_look_alikes_are_not_merged():
    assert vocab.match_tag("social investors", "tech_method").tag == vocab.OTHER
    assert vocab.match_tag("smart citizens", "area").tag == vocab.OTHER


def test_unmapped_tags_are_kept_with_their_raw_value():
    raw = pd.DataFrame({"facet": ["area", "area"], "raw_value": ["skin care", "science"],
                        "entity_id": ["p1", "p1"]})
    out = vocab.canonicalise_tags(raw)
    assert out[["raw_value", "tag", "match_rule"]].values.tolist() == [
        ["skin care", "other", "unmapped"], ["science", "science", "canonical"]]


def test_every_variant_points_at_a_canonical_tag():
    labels = vocab.facet_labels()
    known = set(zip(labels["facet"], labels["tag"]))
    variants = vocab.variant_table()
    assert set(zip(variants["facet"], variants["tag"])) <= known


@pytest.mark.parametrize("name, code", [
    ("Korea, Republic of", "KR"), ("Iran, Islamic Republic of", "IR"),
    ("Macedonia, the former Yugoslav Republic of", "MK"), ("Cote d'Ivoire", "CI"),
    ("Reunion", "RE"), ("Turkey", "TR"), ("Kosovo", "XK"), ("Scotland", "GB"),
    ("Northern Ireland", "GB"), ("Deutschland", "DE"), ("USA", "US"), ("espana", "ES"),
    ("CA", None), ("Attiki", None),
])
def test_country_code(name, code):
    assert places.country_code(name) == code


def test_region_holding_a_country():
    countries = places.resolve_countries(
        pd.Series(["Spain", None, "Albania", "United Kingdom"]),
        pd.Series(["Barcelona", "Wales", "Kosovo", "CA"]))
    assert countries["country_code"].tolist() == ["ES", "GB", "AL", "GB"]
    assert countries["country_flag"].tolist() == ["ok", "from_region", "region_disagrees", "ok"]


def test_coordinates_are_flagged_not_dropped():
    lat = pd.Series(["51.5073", "0", "95", "abc", "", "51.438601", "41.905886"])
    lon = pd.Series(["-0.1276", "0", "10", "1", "", "5.484924", "12.472293"])
    country = pd.Series(["GB", "GB", "GB", "GB", "GB", "AT", "IT"])
    out = places.check_coordinates(lat, lon, country)
    assert out["coord_flag"].tolist() == ["ok", "zero", "out_of_range", "not_numeric",
                                          "missing", "outside_country", "ok"]
    assert out["latitude"].isna().tolist() == [False, True, True, True, True, False, False]


@pytest.mark.parametrize("raw, domain, flag", [
    ("www.ICSRoscher.de", "icsroscher.de", "ok"),
    ("https://www.oba.nl/oba/english", "oba.nl", "ok"),
    ("en", None, "fragment"), ("index.php", None, "fragment"),
    ("?page_id=85", None, "fragment"), ("timebank-amsterdam", None, "fragment"),
    ("", None, "missing"),
])
def test_website_domain(raw, domain, flag):
    assert web.website_domain(raw) == (domain, flag)


def test_dates_with_precision_and_placeholder():
    out = dates.date_columns(pd.Series(["2016-11-08", "1970-01-01", None, "31/31/2015"]),
                             "created")
    assert out["created_precision"].tolist() == ["day", "placeholder", "missing", "unparsed"]
    assert out["created"].iloc[0] == pd.Timestamp("2016-11-08")
    assert out["created"].iloc[1:].isna().all()


def test_size_bands_are_ordered_with_bounds():
    out = fields.size_columns(pd.Series(["0-5 people", "over-1000 people", "", "huge"]))
    assert out["size_band"].cat.ordered
    assert out["size_band"].iloc[0] < out["size_band"].iloc[1]
    assert out["size_lower"].tolist()[:2] == [0, 1001]
    assert pd.isna(out["size_upper"].iloc[1])
    assert out["size_flag"].tolist() == ["ok", "ok", "missing", "unknown"]


def test_org_types_of_both_waves_share_five_codes():
    out = fields.org_type_columns(pd.Series([
        "academia-and-research", '{"id":3,"name":"Government/Public Sector"}',
        '{"id":0,"name":""}', "", "a club"]))
    assert out["org_type"].tolist()[:2] == ["academia", "government"]
    assert list(out["org_type"].cat.categories) == [
        "academia", "business", "government", "grassroots", "social_enterprise"]
    assert out["org_type_flag"].tolist() == ["ok", "ok", "missing", "missing", "unknown"]


@pytest.mark.parametrize("name, reason", [
    ("Buy2essays.com", "essay_mill"), ("Essay4students.com", "essay_mill"),
    ("custom essay writing service", "essay_mill"), ("pak seo", "seo_or_commercial_spam"),
    ("Geometry Dash", "seo_or_commercial_spam"), ("happywheels10", "seo_or_commercial_spam"),
    ("bleh", "test_or_placeholder"), ("XXX", "test_or_placeholder"),
    ("jkdhvb", "keyboard_mash"), ("szdxfcgv", "keyboard_mash"), ("basbbabbdb", "keyboard_mash"),
    ("NJZPVEPZN", "keyboard_mash"), ("", "empty_name"),
    ("OKFN", None), ("Piqniq", None), ("Open Knowledge Foundation", None), ("BeWelcome", None),
])
def test_suspect_names(name, reason):
    assert suspect.suspect_reason(name) == reason


def test_keywords_in_prose_do_not_make_spam():
    assert suspect.suspect_reason(
        "BeWelcome", descriptions=("instead of trying to find a taxi, someone waits",)) is None
    assert suspect.suspect_reason(
        "5 Things", descriptions=("<a>Law Essay writing service</a>",)) == "essay_mill"


def test_a_learning_platform_offering_homework_help_is_not_spam():
    assert suspect.suspect_reason(
        "Brainly", labels=("homework help; peer learning",),
        descriptions=("Brainly is the homework help community where students learn together",)
    ) is None


def test_flag_suspects_columns():
    out = suspect.flag_suspects(pd.Series(["Goteo", "test"]))
    assert out["is_suspect"].tolist() == [False, True]
    assert out["suspect_reason"].tolist() == [None, "test_or_placeholder"]
    assert np.dtype(out["is_suspect"].dtype) == bool


def test_column_wise_flags_match_the_record_rule():
    names = pd.Series(["Goteo", "test", "JBQAM", "BeWelcome", "Writers Den", "Nice Lab",
                       None, "OKFN"])
    labels = [pd.Series(["goteo.org", "", "JBPSZ.com", "bewelcome.org", "", "", "", ""]),
              pd.Series(["[]", "[]", "", "[]", "[]", '["Essay Writing"]', "", ""])]
    descriptions = [pd.Series(["", "", "", "find a taxi", "", "", "", "SEO audits"])]
    companions = [pd.Series(["", "", "v zjdkOVZ", "", "", "", "", ""])]
    flags = suspect.flag_suspects(names, labels, descriptions, companions)
    expected = [suspect.suspect_reason(n, (a, b), (d,), (c,)) for n, a, b, d, c in
                zip(names, *labels, *descriptions, *companions)]
    assert flags["suspect_reason"].tolist() == expected
    assert expected[:6] == [None, "test_or_placeholder", "keyboard_mash", None, "essay_mill",
                            "essay_mill"]
