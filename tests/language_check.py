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
    "BSD 3-Clause", "CITATION.cff", "iness", "INESS", "IMT Business School", "Institut Mines-Télécom",
    "open source", "open data", "civic tech", "scaling out", "scaling up", "scaling deep",
    "crowdfunding", "crowdsourcing", "fab lab", "fab labs", "makerspaces", "maker spaces",
    "Impact Hubs", "OpenStreetMap", "Wheelmap", "change.org", "e-participation", "MOOC",
    "LaTeX", "booktabs", "CSV", "PDF", "PNG", "Parquet", "JupyterLab", "pandas", "Python",
    "scikit-learn", "StepMix", "NetworkX", "Krippendorff", "Cohen", "Wilson", "Polanyi",
    "Laville", "Gossart", "empowerment", "lift", "tags", "tag", "Babel", "PPI", "BIC", "F1",
)
#: how the page's blocks are cut into segments to identify
_SENTENCE = re.compile(r"(?<=[.!?;])\s+|\s+[·—–]\s+")
_QUOTED = re.compile(r"«[^»]*»|“[^”]*”|\"[^\"]*\"")
_WORD = re.compile(r"[A-Za-zÀ-ÿ'’-]{2,}")
MIN_WORDS = 4
MIN_CELL_WORDS = 5
BLOCKS = ("title", "h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "th", "caption", "summary",
          "figcaption", "dt", "dd", "blockquote", "footer", "td")


@lru_cache(maxsize=1)
def identifier():
    """py3langid's identifier, told to choose between English and French."""
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier
    found = LanguageIdentifier.from_modelpath(Path(MODEL_DIR) / MODEL_FILE)
    found.set_languages(["en", "fr"])
    return found


def visible_blocks(page: str, skip_lists: bool = False) -> list[tuple[str, str]]:
    """(element, text) of every block of visible prose in an HTML page, and each
    image's alt text (``img``)."""
    from bs4 import BeautifulSoup
    soup = BeautifulSoup(page, "html.parser")
    for hidden in soup.select("script, style, pre, code, details.iness-code, "
                              ".jp-InputArea, .jp-InputPrompt, .jp-OutputPrompt"):
        hidden.decompose()
    blocks = [("img", img.get("alt", "")) for img in soup.find_all("img")]
    for element in soup.find_all(BLOCKS):
        if element.find(BLOCKS):  # its inner blocks are taken on their own
            continue
        if skip_lists and element.name == "li":
            continue
        text = " ".join(element.get_text(" ").split())
        if element.name == "td" and len(_WORD.findall(text)) < MIN_CELL_WORDS:
            continue
        blocks.append((element.name, text))
    return blocks


def segments(text: str) -> list[str]:
    """The parts of a block to identify: quotations and allowed words removed,
    cut at sentence ends, kept when four words or more remain."""
    text = _QUOTED.sub(" ", text)
    for word in sorted(ALLOWED, key=len, reverse=True):
        text = re.sub(rf"(?<![\w-]){re.escape(word)}(?![\w-])", " ", text)
    parts = [" ".join(part.split()) for part in _SENTENCE.split(text)]
    return [part for part in parts if len(_WORD.findall(part)) >= MIN_WORDS]


def wrong_language(page: str, lang: str, skip_lists: bool = False) -> list[str]:
    """Each segment of a page identified as the other language: ``element: text``."""
    found = []
    for element, text in visible_blocks(page, skip_lists):
        for part in segments(text):
            language, _ = identifier().classify(part)
            if language != lang:
                found.append(f"{element}: {part[:160]}")
    return found
