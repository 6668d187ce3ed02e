"""What a person does to an emailed form: tick boxes and type answers, in the form's language.

Shared by the tests of Welsh replies and by ``benchmarks/languages.py``, so both fill a form the
same way."""

from __future__ import annotations

import re
from typing import Any

from surveykit_email.language import in_language


def fill_form(form: str, consultation, answers: dict[str, Any], part: int) -> str:
    """What a person does to a form: tick the chosen options' boxes and write typed answers
    under the answer mark, in one of the form's languages (``part``, for a form in several)."""
    starts = [m.start() for m in re.finditer(r"(?m)^(?:Reference|Cyfeirnod): ", form)]
    starts.append(len(form))
    before, chunk, after = (
        form[: starts[part]],
        form[starts[part] : starts[part + 1]],
        form[starts[part + 1] :],
    )
    welsh = "Eich ateb:" in chunk
    shown = in_language(consultation, "cy" if welsh else "en")
    out: list[str] = []
    current = None
    for line in chunk.split("\n"):
        heading = re.match(r"^([0-9]+)\. ", line)
        if heading:
            current = next(q for q in shown.questions if q.number == heading[1])
        box = re.match(r"^(\s+)\[ \] (.*)$", line)
        if box and current is not None:
            value = answers.get(current.id)
            chosen = value if isinstance(value, list) else [value]
            option = next((o for o in current.options if o.label == box[2]), None)
            if option is not None and option.value in chosen:
                line = f"{box[1]}[x] {box[2]}"
        out.append(line)
        if line.strip() in ("Your answer:", "Eich ateb:") and current is not None:
            value = answers.get(current.id)
            if value is not None:
                out.append(str(value))
    return before + "\n".join(out) + after
