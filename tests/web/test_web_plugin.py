"""The html plugin as a plugin: its renderer hook, its `serve` command, its settings."""

from __future__ import annotations

import types
from pathlib import Path

import pytest
from click.testing import CliRunner

from surveykit import PluginError, hookimpl
from surveykit.cli import cli, main
from surveykit_html import HtmlRenderer, create_app

SPEC = str(Path(__file__).resolve().parents[2] / "specs" / "taking_stock.toml")


def _module(name: str, **functions) -> types.ModuleType:
    module = types.ModuleType(name)
    for key, value in functions.items():
        setattr(module, key, value)
    return module


class Paper:
    name = "paper"
    description = "a printable form"


def test_hook_register_renderers(surveykit_plugins):
    """A plugin's renderers join the built-in html renderer, which builds the web form."""

    @hookimpl
    def surveykit_register_renderers(register):
        register(Paper())

    surveykit_plugins.register(
        _module("paper_plugin", surveykit_register_renderers=surveykit_register_renderers)
    )
    assert {"html", "paper"} <= set(surveykit_plugins.renderers)
    assert surveykit_plugins.renderers["paper"].description == "a printable form"
    assert surveykit_plugins.renderers["html"] == HtmlRenderer()
    assert surveykit_plugins.renderers.owners["html"] == "html"


def test_renderer_name_clash_names_both_plugins(surveykit_plugins):
    """Registering a renderer name twice fails with both plugin names in the message."""

    class Clash:
        name = "html"

    @hookimpl
    def surveykit_register_renderers(register):
        register(Clash())

    surveykit_plugins.register(
        _module("clasher", surveykit_register_renderers=surveykit_register_renderers),
        name="clasher",
    )
    with pytest.raises(PluginError) as info:
        _ = surveykit_plugins.renderers
    assert str(info.value) == (
        "renderer 'html' is registered by both plugin 'html' and plugin 'clasher'; "
        "uninstall one or narrow SURVEYKIT_LOAD_PLUGINS"
    )


def test_renderer_builds_the_same_app_as_the_factory(consultation, store, secret):
    """`renderers["html"].create_app` is the public app factory."""
    app = HtmlRenderer().create_app(consultation, store, secret=secret)
    assert app.state.web.consultation == consultation
    assert type(app) is type(create_app(consultation, store, secret=secret))


def test_serve_command_comes_from_the_plugin():
    """`surveykit serve --help` lists every option the issue asks for."""
    main(["--help"])  # registers plugin commands on the group
    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--db", "--host", "--port", "--workers", "--open-until", "--secret-file"):
        assert option in result.output


def test_serve_refuses_a_bad_open_until_date(capsys):
    """A date that is not YYYY-MM-DD is refused before anything starts."""
    status = main(["serve", SPEC, "--open-until", "next friday"])
    assert status == 2
    assert "'next friday' is not a date: write it as 2030-12-31" in capsys.readouterr().err


def test_serve_refuses_several_workers_on_a_memory_store(capsys):
    """memory:// lives in one process, so several workers could not share it."""
    status = main(["serve", SPEC, "--db", "memory://", "--workers", "2"])
    assert status == 1
    assert capsys.readouterr().err == (
        "Error: memory:// keeps everything in one process, so it cannot serve --workers 2\n"
    )
