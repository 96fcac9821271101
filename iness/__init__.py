"""iness: clean tables, frameworks and figures for studying digital social
innovation platforms of the social and solidarity economy."""
from .errors import (DataFetchError, DataHashError, InessError, RawDataError, SurveyError,
                     ValidationError)

from .own_survey import build_survey, read_survey
from .survey import Survey, survey
from .tables import load

__version__ = "0.1.0"

__all__ = ["DataFetchError", "DataHashError", "InessError", "RawDataError", "SurveyError",
           "Survey", "ValidationError", "__version__", "build_survey", "load", "read_survey",
           "survey"]
