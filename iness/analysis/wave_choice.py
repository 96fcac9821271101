"""Which wave a notebook analyses in detail, and the sentence that says so."""
from __future__ import annotations

from iness.errors import InessError
from iness.i18n import label


def analysed_wave(survey, asked: int | None = None) -> int:
    """The wave asked (``iness survey --wave``); when none is asked, DSI4EU's
    first wave (the only one with roles, project types and DSI areas, which
    its notebooks' narrative reads) and any other survey's latest."""
    from iness.analysis.findings import is_dsi4eu
    waves = tuple(survey.waves)
    if not waves:
        raise InessError("the survey has no wave: no project has a wave year")
    if asked is None:
        return waves[0] if is_dsi4eu(survey) else waves[-1]
    if asked not in waves:
        raise InessError(f"wave {asked} is not in the survey; its waves are "
                         f"{', '.join(map(str, waves))}")
    return asked


def wave_sentence(survey, asked: int | None = None, lang: str | None = None) -> str:
    """One sentence: the wave analysed in detail, why that one, and the others."""
    from iness.analysis.findings import is_dsi4eu
    wave = analysed_wave(survey, asked)
    others = [str(other) for other in survey.waves if other != wave]
    if not others:
        key = "wave_analysed_only"
    elif asked is None and is_dsi4eu(survey):
        key = "wave_analysed_dsi4eu"
    elif wave == survey.waves[-1]:  # the default ``iness survey`` passes on
        key = "wave_analysed_latest"
    else:
        key = "wave_analysed_asked"
    return label(key, lang).format(wave=wave, others=", ".join(others))
