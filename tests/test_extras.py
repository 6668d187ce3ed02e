"""`surveykit.extras`: which of an extra's distributions are missing, read from real package
metadata (a .dist-info folder on sys.path), and the one-line refusal a command gives."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from surveykit.cli import cli, main
from surveykit.extras import MissingExtraError, missing_for, require_extra

INSTALLED = ("click", "attrs", "pluggy", "lark")
ABSENT = ("absent-one-for-surveykit", "absent_two_for_surveykit", "Absent.Three.For.Surveykit")
EXTRAS = ("web", "fancy", "other")


def _write_distribution(folder: Path, name: str, requires: list[tuple[str, str]]) -> None:
    info = folder / f"{name}-1.0.dist-info"
    info.mkdir()
    lines = ["Metadata-Version: 2.1", f"Name: {name}", "Version: 1.0"]
    lines += [f"Provides-Extra: {extra}" for extra in sorted({extra for _, extra in requires})]
    lines += [f'Requires-Dist: {req}>=0.1; extra == "{extra}"' for req, extra in requires]
    lines += ["Requires-Dist: another-absent-core-dependency>=1"]  # not in any extra
    (info / "METADATA").write_text("\n".join(lines) + "\n", encoding="utf-8")


@given(
    st.lists(st.tuples(st.sampled_from(INSTALLED + ABSENT), st.sampled_from(EXTRAS)), max_size=8)
)
def test_missing_for_is_exactly_the_extras_absent_distributions(requires):
    """For any mix of installed and absent requirements, each extra misses just its absent
    ones, in the metadata's order, and the core (no extra) dependencies are not counted."""
    with tempfile.TemporaryDirectory() as folder, pytest.MonkeyPatch.context() as mp:
        _write_distribution(Path(folder), "fakeplugin", requires)
        mp.syspath_prepend(folder)
        for extra in EXTRAS:
            expected = [req for req, ex in requires if ex == extra and req in ABSENT]
            assert missing_for(extra, "fakeplugin") == expected


def test_an_unknown_distribution_needs_nothing():
    assert missing_for("web", "no-such-distribution-for-surveykit") == []


def test_require_extra_refuses_in_one_line(tmp_path, monkeypatch):
    _write_distribution(tmp_path, "fakeplugin", [("click", "fancy"), (ABSENT[0], "fancy")])
    monkeypatch.syspath_prepend(tmp_path)
    require_extra("web", "anything", "fakeplugin")  # an extra with nothing missing
    with pytest.raises(MissingExtraError) as info:
        require_extra("fancy", "drawing a chart", "fakeplugin")
    assert (
        str(info.value) == "drawing a chart needs the fancy extra: pip install 'fakeplugin[fancy]'"
    )


def test_a_command_is_refused_before_its_module_is_imported(tmp_path, monkeypatch, capsys):
    """The extra is checked from metadata first: the command's module is never imported."""
    _write_distribution(tmp_path, "fakeplugin", [(ABSENT[1], "fancy")])
    (tmp_path / "never_imported_for_surveykit.py").write_text("raise SystemExit('imported')\n")
    monkeypatch.syspath_prepend(tmp_path)
    cli.add_lazy_command(
        "fancy-thing",
        "never_imported_for_surveykit:command",
        short_help="Fancy.",
        extra="fancy",
        distribution="fakeplugin",
    )
    try:
        assert main(["fancy-thing", "--help"]) == 69
    finally:
        del cli.lazy_commands["fancy-thing"]
    assert capsys.readouterr().err == (
        "Error: surveykit fancy-thing needs the fancy extra: pip install 'fakeplugin[fancy]'\n"
    )
