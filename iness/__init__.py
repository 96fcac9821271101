"""iness: clean tables, frameworks and figures for studying digital social
innovation platforms of the social and solidarity economy."""
from importlib import import_module

from .errors import (DataFetchError, DataHashError, InessError, RawDataError, SurveyError,
                     ValidationError)
from .survey import Survey, survey
from .tables import load

__version__ = "0.1.0"

#: reading a researcher's survey needs scikit-learn (the classifier): imported on
#: first use, so that ``iness run`` with nothing to do starts fast
_LAZY = {"build_survey": "build", "read_survey": "build"}

__all__ = ["DataFetchError", "DataHashError", "InessError", "RawDataError", "SurveyError",
           "Survey", "ValidationError", "__version__", "build_survey", "load", "read_survey",
           "survey"]


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'iness' has no attribute {name!r}")


def __dir__():
    return sorted(__all__)
