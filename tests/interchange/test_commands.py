"""``surveykit import`` and ``export`` on files that are no form at all, or not the one named:
one plain line each, never a traceback, and nothing written."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from surveykit.cli import main
from surveykit_interchange.api import UnknownFormat, detect


def _run(capsys, *args: str) -> tuple[int, str]:
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.err


def _zip_of(name: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, "x")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "said"),
    [
        ("form.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "old Excel .xls file"),
        ("form.zip", _zip_of("word/document.xml"), "a zip file that is not an .xlsx"),
        ("form.json", b'{"pages": [', "looks like JSON but does not parse"),
        ("notes.txt", b"Dear council,\nplease add a question.\n", "not a form surveykit can read"),
        ("empty.json", b"", "not a form surveykit can read"),
    ],
)
def test_a_file_that_is_no_form_is_refused_in_one_line(tmp_path, capsys, name, data, said):
    form = tmp_path / name
    form.write_bytes(data)
    with pytest.raises(UnknownFormat, match=said):
        detect(form, data)
    out = tmp_path / "spec.toml"
    status, err = _run(capsys, "import", str(form), "--out", str(out))
    assert status == 1
    assert said in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert not out.exists()


def test_formats_are_told_from_content_not_name(tmp_path):
    assert detect(Path("form.txt"), b'  {"pages": []}') == "surveyjs"
    assert detect(Path("f.json"), b"id\trelated_id\tclass\ttype/scale\tname\n") == "limesurvey"
    lss = b'<?xml version="1.0"?>\n<document>\n <LimeSurveyDocType>Survey</LimeSurveyDocType>'
    assert detect(Path("f.xml"), lss) == "limesurvey"
    assert detect(Path("f.bin"), _zip_of("xl/workbook.xml")) == "xlsform"


def test_export_to_a_format_surveykit_cannot_write_is_refused_by_click(tmp_path, capsys):
    status, err = _run(
        capsys, "export", "specs/taking_stock.toml", "--to", "limesurvey", "--out", "x.txt"
    )
    assert status == 2
    assert "'limesurvey' is not one of" in err
