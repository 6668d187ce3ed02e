"""Interchange with other survey tools: import and export of XLSForm, SurveyJS and LimeSurvey.

``surveykit import FORM --out SPEC.toml`` reads an XLSForm spreadsheet, a SurveyJS form or a
LimeSurvey survey structure as a spec; ``surveykit export SPEC --to xlsform|surveyjs`` writes
one out (:mod:`.api`).  The built-in kinds' mappings are registered through the public
``surveykit_register_interchange`` hook (:mod:`.kindmaps`), as a kind plugin registers its own;
the commands are registered lazily, so nothing here is imported until they run.
"""

from __future__ import annotations

from surveykit import hookimpl


@hookimpl
def surveykit_register_interchange(register):
    from .kindmaps import built_in_mappings

    for mapping in built_in_mappings():
        register(mapping)


@hookimpl
def surveykit_register_commands(cli):
    from surveykit.cli.lazy import add_lazy_command

    add_lazy_command(
        cli,
        "import",
        "surveykit_interchange.commands:import_command",
        short_help="Read an XLSForm, SurveyJS or LimeSurvey form as a spec.",
    )
    add_lazy_command(
        cli,
        "export",
        "surveykit_interchange.commands:export_command",
        short_help="Write a spec as an XLSForm or SurveyJS form.",
    )
