"""Aggregators, disclosure control and the published report."""

from surveykit import hookimpl


@hookimpl
def surveykit_register_commands(cli):
    from surveykit.cli.lazy import add_lazy_command

    # Imported when it runs: other commands never load numpy, scipy or HiGHS (docs/hooks.md).
    add_lazy_command(
        cli,
        "report",
        "surveykit_reports.commands:report_command",
        short_help="Write the report on a consultation's current responses.",
        extra="reports",
    )


@hookimpl
def surveykit_register_aggregators(register):
    from .aggregators import BUILT_IN
    from .distributions import Distributions, Rankings

    for aggregator in (*BUILT_IN, Distributions(), Rankings()):
        register(aggregator)


@hookimpl
def surveykit_register_exporters(register):
    from .export import BUILT_IN

    for exporter in BUILT_IN:
        register(exporter)


@hookimpl
def surveykit_register_catalogues(register):
    from pathlib import Path

    from surveykit.i18n import catalogues_in

    for catalogue in catalogues_in(Path(__file__).parent / "locale", "surveykit_reports"):
        register(catalogue)
