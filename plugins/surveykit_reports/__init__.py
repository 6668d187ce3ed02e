"""Aggregators, disclosure control and the published report."""

from surveykit import hookimpl


@hookimpl
def surveykit_register_commands(cli):
    from .commands import COMMANDS as report_commands

    for command in report_commands:
        cli.add_command(command)


@hookimpl
def surveykit_register_aggregators(register):
    from .aggregators import BUILT_IN

    for aggregator in BUILT_IN:
        register(aggregator)


@hookimpl
def surveykit_register_exporters(register):
    from .export import BUILT_IN

    for exporter in BUILT_IN:
        register(exporter)
