"""The plugin manager: loading, registries, clashes, misspelled hooks and the hooks themselves."""

from __future__ import annotations

import json
import types

import click
import pytest
from click.testing import CliRunner

import surveykit
from surveykit import PluginError, Plugins, hookimpl
from surveykit.cli import cli, main

#: The kinds the built-in ``kinds`` plugin registers, sorted.
BUILT_IN_KINDS = [
    "date",
    "email",
    "grid",
    "multi",
    "number",
    "phone",
    "ranking",
    "single",
    "text",
    "uk_postcode",
]


def _module(name: str, **functions) -> types.ModuleType:
    module = types.ModuleType(name)
    for key, value in functions.items():
        setattr(module, key, value)
    return module


def test_hook_register_question_kinds(surveykit_plugins):
    """A plugin's kinds join the built-in ones, and its checker is used by the engine."""

    class Upper:
        name = "upper"
        description = "shouted text"
        has_options = False
        multiple = False
        has_max_length = False

        def checker(self, question):
            return lambda value: (
                value.upper() if isinstance(value, str) and value else surveykit.EMPTY
            )

    @hookimpl
    def surveykit_register_question_kinds(register):
        register(Upper())

    surveykit_plugins.register(
        _module("upper_plugin", surveykit_register_question_kinds=surveykit_register_question_kinds)
    )
    assert sorted(surveykit_plugins.kinds) == [*BUILT_IN_KINDS, "upper"]
    spec = surveykit.loads_spec(
        '[consultation]\nid="x"\ntitle="X"\npublisher="P"\ncloses=2030-01-01\n'
        '[[sections]]\nid="s"\ntitle="S"\n[[sections.questions]]\nid="a"\ntext="A"\nkind="upper"\n',
        kinds=surveykit_plugins.kinds,
    )
    engine = surveykit.Engine(spec, kinds=surveykit_plugins.kinds)
    assert engine.clean({"a": "quiet"}) == {"a": "QUIET"}


def test_kind_name_clash_names_both_plugins(surveykit_plugins):
    """Registering a kind name twice fails with both plugin names in the message."""

    class Clash:
        name = "single"

    @hookimpl
    def surveykit_register_question_kinds(register):
        register(Clash())

    surveykit_plugins.register(
        _module("clasher", surveykit_register_question_kinds=surveykit_register_question_kinds),
        name="clasher",
    )
    with pytest.raises(PluginError) as info:
        _ = surveykit_plugins.kinds
    assert str(info.value) == (
        "question kind 'single' is registered by both plugin 'kinds' and plugin 'clasher'; "
        "uninstall one or narrow SURVEYKIT_LOAD_PLUGINS"
    )


def test_misspelled_hook_fails_loudly(surveykit_plugins):
    """A hook implementation matching no specification is refused at registration."""

    @hookimpl
    def surveykit_register_question_kind(register):  # missing final "s"
        pass

    with pytest.raises(PluginError, match="surveykit_register_question_kind"):
        surveykit_plugins.register(
            _module("typo", surveykit_register_question_kind=surveykit_register_question_kind),
            name="typo",
        )


def test_narrowing_plugins_by_environment(monkeypatch):
    """SURVEYKIT_LOAD_PLUGINS='' loads no entry point, so no kinds exist."""
    monkeypatch.setenv("SURVEYKIT_LOAD_PLUGINS", "")
    plugins = Plugins()
    plugins.load_entry_points()
    assert list(plugins.kinds) == []
    monkeypatch.setenv("SURVEYKIT_LOAD_PLUGINS", "kinds")
    plugins = Plugins()
    plugins.load_entry_points()
    assert sorted(plugins.kinds) == BUILT_IN_KINDS


def test_unknown_kind_without_plugins_is_a_clear_spec_error(monkeypatch):
    """With no kind plugin loaded, a spec's kinds are reported as unknown, naming the cause."""
    monkeypatch.setenv("SURVEYKIT_LOAD_PLUGINS", "")
    plugins = Plugins()
    plugins.load_entry_points()
    with pytest.raises(surveykit.SpecError) as info:
        surveykit.loads_spec(
            '[consultation]\nid="x"\ntitle="X"\npublisher="P"\ncloses=2030-01-01\n'
            '[[sections]]\nid="s"\ntitle="S"\n[[sections.questions]]\nid="a"\ntext="A"\nkind="text"\n',
            source="x.toml",
            kinds=plugins.kinds,
        )
    assert str(info.value) == (
        "x.toml:12: question a: unknown kind 'text'; known kinds: none (no kind plugin is loaded)"
    )


def test_hook_register_commands(surveykit_plugins):
    """A plugin's command joins the surveykit group and runs."""

    @hookimpl
    def surveykit_register_commands(cli):
        @cli.command("hello")
        def hello():
            """Say hello."""
            click.echo("hello from a plugin")

    surveykit_plugins.register(
        _module("greeter", surveykit_register_commands=surveykit_register_commands)
    )
    group = click.Group("surveykit")
    surveykit_plugins.pm.hook.surveykit_register_commands(cli=group)
    result = CliRunner().invoke(group, ["hello"])
    assert result.output == "hello from a plugin\n"


def test_plugins_command_lists_builtin_kinds():
    """`surveykit plugins --json` lists the built-in kinds plugin with its hook and kinds."""
    result = CliRunner().invoke(cli, ["plugins", "--json"])
    rows = {row["name"]: row for row in json.loads(result.output)}
    kinds = rows["kinds"]
    assert (kinds["version"], kinds["hooks"]) == (
        surveykit.__version__,
        ["surveykit_register_catalogues", "surveykit_register_question_kinds"],
    )
    assert {"single", "multi", "text"} <= set(
        kinds["registered"]["surveykit_register_question_kinds"]
    )


def test_plugins_command_says_what_each_plugin_registers():
    """The table names each registry hook's entries: the report formats, for one."""
    output = CliRunner().invoke(cli, ["plugins"]).output
    assert "  surveykit_register_exporters: json, csv, html\n" in output
    assert "  surveykit_register_storage: sqlite\n" in output
    assert "  surveykit_register_commands\n" in output


def test_main_turns_errors_into_one_line(capsys, tmp_path):
    """main() prints a user error as one line on stderr and returns 1, with no traceback."""
    assert main(["show", str(tmp_path / "missing.toml")]) == 1
    err = capsys.readouterr().err
    assert (
        err
        == f"Error: {tmp_path / 'missing.toml'}: cannot read the spec: No such file or directory\n"
    )
