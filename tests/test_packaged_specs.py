"""The reference spec ships inside the package and can be named instead of a path (issue 15)."""

from __future__ import annotations

from pathlib import Path

import pytest

import surveykit
from surveykit.cli import main
from surveykit.errors import SpecError

ROOT = Path(__file__).resolve().parents[1]


def test_the_packaged_spec_is_the_reference_spec():
    """One source of truth: the package's copy is the file in specs/, byte for byte."""
    packaged = surveykit.packaged_specs()
    assert list(packaged) == ["taking-stock"]
    assert packaged["taking-stock"].read_bytes() == (ROOT / "specs/taking_stock.toml").read_bytes()


def test_load_spec_takes_a_packaged_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # nowhere near the repository's specs/
    consultation = surveykit.load_spec("taking-stock")
    reference = surveykit.load_spec(ROOT / "specs/taking_stock.toml")
    assert consultation.sections == reference.sections
    assert consultation.metadata == reference.metadata
    assert consultation.source.endswith("taking_stock.toml")  # messages name a real file


def test_a_file_of_that_name_wins_over_the_packaged_spec(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "taking-stock").write_text("not = [toml\n", encoding="utf-8")
    with pytest.raises(SpecError) as raised:
        surveykit.load_spec("taking-stock")
    assert raised.value.problems[0].file == "taking-stock"


def test_an_unknown_name_lists_the_packaged_specs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SpecError) as raised:
        surveykit.load_spec("taking-stok")
    [problem] = raised.value.problems
    assert problem.code == "unreadable"
    assert "nor is it a packaged spec: taking-stock" in problem.message


def test_commands_take_a_packaged_name(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "taking-stock"]) == 0
    assert "taking-stock: OK: 'Taking stock'" in capsys.readouterr().out
    assert main(["show", "taking-stock"]) == 0
    assert "Taking stock" in capsys.readouterr().out
