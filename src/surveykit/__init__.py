"""surveykit: run public consultations as data.

The core (spec, conditions, engine) is pure Python with no I/O beyond reading a spec file;
storage, renderers, kinds and reports come from pluggy plugins.
"""

from .conditions import parse_condition
from .engine import Checked, Engine
from .errors import (
    AnswerProblem,
    ConditionSyntaxError,
    PluginError,
    SpecError,
    SpecProblem,
    SurveykitError,
)
from .hookspecs import hookimpl
from .kinds import EMPTY, QuestionKind, Rejected
from .model import Choice, Consultation, Metadata, Option, Question, Section
from .plugins import Plugins, Registry, get_plugins
from .spec import load_spec, loads_spec

__version__ = "0.1.0.dev0"

__all__ = [
    "EMPTY",
    "AnswerProblem",
    "Checked",
    "Choice",
    "ConditionSyntaxError",
    "Consultation",
    "Engine",
    "Metadata",
    "Option",
    "PluginError",
    "Plugins",
    "Question",
    "QuestionKind",
    "Registry",
    "Rejected",
    "Section",
    "SpecError",
    "SpecProblem",
    "SurveykitError",
    "get_plugins",
    "hookimpl",
    "load_spec",
    "loads_spec",
    "parse_condition",
]
