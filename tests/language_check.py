"""Which visible text of a report page is in the wrong language (issue 23).

The visible text of a page: its title, headings, prose, list items, table
headers and captions, alt texts and the folded-code toggle; table cells only
when they are sentences (five words or more: names, tags and values are data);
never code, folded code, styles or scripts. Quotations in « » are the talk's or
a source's words and are left out, as are the words of :data:`ALLOWED`.
Each remaining segment of four words or more is identified by py3langid
(its model ships in the package), among English and French only."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

#: proper nouns and terms of the field that read the same in both languages
ALLOWED = (
    "DSI4EU", "DSI", "Nesta", "Waag Society", "SUPSI", "digitalsocial.eu", "CC BY-NC-SA 4.0",
    "BSD 3-Clause", "CITATION.cff", "iness", "INESS", "IMT Business School",
    "Institut Mines-Télécom",
    "open source", "open data", "civic tech", "scaling out", "scaling up", "scaling deep",
    "crowdfunding", "crowdsourcing", "fab lab", "fab labs", "makerspaces", "maker spaces",
    "Impact Hubs", "OpenStreetMap", "Wheelmap", "change.org", "e-participation", "MOOC",
    "LaTeX", "booktabs", "CSV", "PDF", "PNG", "Parquet", "JupyterLab", "pandas", "Python",
    "scikit-learn", "StepMix", "NetworkX", "Krippendorff", "Cohen", "Wilson", "Polanyi",
    "Laville", "Gossart", "empowerment", "lift", "tags", "tag", "Babel", "PPI", "BIC", "F1",
    "English edition", "French edition", "version anglaise", "édition française",
)
#: how the page's blocks are cut into segments to identify
_SENTENCE = re.compile(r"(?<=[.!?;])\s+|\s+[·—–]\s+")
_QUOTED = re.compile(r"«[^»]*»|“[^”]*”|\"[^\"]*\"|(?<!\w)'[^']*'(?!\w)")
_WORD = re.compile(r"(?<!\S)[A-Za-zÀ-ÿ'’-]{2,}[.,;:!?)»]*(?!\S)")
#: identifiers, file names, addresses and numbers: code, not words
_IDENTIFIER = re.compile(r"\S*[_/0-9]\S*|\S+\.(?:ipynb|csv|html|tex|py)\b")
#: a bibliographic entry (author-year): titles stay in their own language
_REFERENCE = re.compile(r"\((?:1[89]|20)[0-9]{2}[a-z]?(?: \[[0-9]{4}\])?\)\.")
#: a table cell that lists values (names, tags) rather than saying something
_LIST_SEPARATOR = re.compile(r"\s*[;,]\s*")
MIN_WORDS = 4
MIN_CELL_WORDS = 5
BLOCKS = ("title", "h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "th", "caption", "summary",
          "figcaption", "dt", "dd", "blockquote", "footer", "td")


@lru_cache(maxsize=1)
def talk_phrases() -> tuple[str, ...]:
    """The talk's own words, quoted by the package data in both editions: its
    slide titles and the weaknesses as it words them."""
    import pandas as pd

    from iness.paths import PACKAGE_DATA
    frameworks = PACKAGE_DATA / "frameworks"
    weaknesses = pd.read_csv(frameworks / "weaknesses.csv", dtype=str, keep_default_na=False)
    examples = pd.read_csv(frameworks / "hybrid_examples.csv", dtype=str, keep_default_na=False)
    slides = [part.strip() for text in examples["talk_slide"] for part in text.split(";")]
    platforms = pd.read_csv(frameworks / "examples.csv", dtype=str, keep_default_na=False)
    phrases = [*weaknesses["label_fr"], *slides, *examples["talk_wording"],
               *platforms["platform"]]
    return tuple(sorted({p for p in phrases if p}, key=len, reverse=True))


@lru_cache(maxsize=1)
def identifier():
    """py3langid's identifier, told to choose between English and French."""
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier
    found = LanguageIdentifier.from_modelpath(Path(MODEL_DIR) / MODEL_FILE)
    found.set_languages(["en", "fr"])
    return found


#: the columns of a survey's clean tables whose values are data, not the report's words
DATA_COLUMNS = {"projects.csv": ("project_name",), "organisations.csv": ("org_name",),
                "tags.csv": ("tag", "raw_value")}


def _plain(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def data_values(tables: Path) -> str:
    """Every name and tag of a survey's clean tables, and the tags of the
    package's crosswalk, in one searchable text."""
    import pandas as pd

    from iness.paths import PACKAGE_DATA
    values = []
    for name, columns in DATA_COLUMNS.items():
        if (tables / name).is_file():
            wanted = set(columns)
            frame = pd.read_csv(tables / name, dtype=str, keep_default_na=False,
                                usecols=lambda column, wanted=wanted: column in wanted)
            values += [_plain(text) for column in frame for text in frame[column]]
    # the package's own vocabulary of tags (the crosswalk lists DSI4EU's in every report)
    crosswalk = pd.read_csv(PACKAGE_DATA / "frameworks" / "crosswalk.csv", dtype=str,
                            keep_default_na=False)
    values += [_plain(text) for text in crosswalk["tag"]]
    return "\n" + "\n".join(values) + "\n"


def is_data(text: str, data: str) -> bool:
    """A cell's text that is (part of) a name or tag of the survey."""
    plain = _plain(text)
    return bool(plain) and plain in data


def visible_blocks(page: str, skip_lists: bool = False, data: str = "",
                   quotations: bool = False) -> list[tuple[str, str]]:
    """(element, text) of every block of visible prose in an HTML page, and each
    image's alt text (``img``); table cells that are names or tags of the survey
    (``data``: :func:`data_values`) are left out, and block quotations when
    ``quotations`` (the English edition quotes the French talk)."""
    from bs4 import BeautifulSoup
    soup = BeautifulSoup(page, "html.parser")
    if quotations:  # the talk quoted in its own language
        for quoted in soup.find_all("blockquote"):
            quoted.decompose()
    for hidden in soup.select("script, style, pre, code, details.iness-code, "
                              ".jp-CodeCell .jp-InputArea, .jp-InputPrompt, .jp-OutputPrompt"):
        hidden.decompose()
    blocks = [("img", img.get("alt", "")) for img in soup.find_all("img")]
    for element in soup.find_all(BLOCKS):
        if element.find(BLOCKS):  # its inner blocks are taken on their own
            continue
        if skip_lists and element.name == "li":
            continue
        text = " ".join(element.get_text(" ").split())
        if _REFERENCE.search(text):
            continue
        if element.name == "td":
            parts = [part for part in _LIST_SEPARATOR.split(text)
                     if len(_WORD.findall(part)) >= MIN_CELL_WORDS and not is_data(part, data)]
            blocks += [(element.name, part) for part in parts]
            continue
        blocks.append((element.name, text))
    return blocks


def segments(text: str) -> list[str]:
    """The parts of a block to identify: quotations and allowed words removed,
    cut at sentence ends, kept when four words or more remain."""
    text = _QUOTED.sub(" ", text.replace("’", "'"))
    for phrase in talk_phrases():
        text = text.replace(phrase, " ")
    text = _IDENTIFIER.sub(" ", text)
    for word in sorted(ALLOWED, key=len, reverse=True):
        text = re.sub(rf"(?<![\w-]){re.escape(word)}(?![\w-])", " ", text)
    parts = [" ".join(part.split()) for part in _SENTENCE.split(text)]
    return [part for part in parts if len(_WORD.findall(part)) >= MIN_WORDS]


def wrong_language(page: str, lang: str, skip_lists: bool = False,
                   data: str = "") -> list[str]:
    """Each segment of a page identified as the other language: ``element: text``."""
    found = []
    for element, text in visible_blocks(page, skip_lists, data, quotations=lang == "en"):
        for part in segments(text):
            language, _ = identifier().classify(part)
            if language != lang:
                found.append(f"{element}: {part[:160]}")
    return found
