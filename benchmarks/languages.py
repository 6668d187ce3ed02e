"""Benchmark: what a second language costs, in every channel, against English in the same run.

The bilingual example (``specs/examples/bilingual_example.toml``, English with Welsh
translations) is served, emailed and reported in English and in Welsh:

* **catalogues**: reading and compiling each domain's Welsh ``.po`` file on first use (once a
  process), in ms;
* **web form**: GET of a question page and of check your answers, in-process through the ASGI
  app, requests/s in Welsh against the same pages in English;
* **email form**: forms written per second in Welsh and in both languages against English;
* **replies**: replies read per second (MIME, quoting, every answer matched and checked), each
  a form filled in as a person would (tests/email/formfill.py), Welsh and bilingual forms
  against English ones;
* **reports**: the public report built per second from the same responses, in Welsh (the
  spec's translations and the report's catalogue) against English.

English and Welsh take turns over the same work, chunk by chunk, so both get the same share of
whatever else the machine is doing; the figure to read is each ratio.  Peak memory is the
process's.

Run: ``python benchmarks/languages.py`` or ``--smoke`` (seconds).
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _common import parser, peak_rss_mb, report

ROOT = Path(__file__).resolve().parents[1]
# This folder holds a benchmark named http.py, which would hide the standard library's http
# package from the web framework: take it off the path once _common is imported.
sys.path.remove(str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT / "tests" / "email"))

from formfill import fill_form  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from surveykit import Engine, load_spec  # noqa: E402
from surveykit.i18n import _cache, catalogues_in, translator  # noqa: E402
from surveykit.identity import Respondent, Secret  # noqa: E402
from surveykit.plugins import get_plugins  # noqa: E402
from surveykit.storage import Grant, NewSubmission, open_store  # noqa: E402
from surveykit_email.form import write_form  # noqa: E402
from surveykit_email.parse import read_reply  # noqa: E402
from surveykit_html import create_app  # noqa: E402
from surveykit_reports.build import build_report  # noqa: E402

SPEC = ROOT / "specs" / "examples" / "bilingual_example.toml"
IN_WINDOW = dt.datetime(2027, 3, 1, 10, 0, tzinfo=dt.UTC)
REFERENCE = "SK-2TX4-64WF-G91Z"
VISITS = ("weekly", "monthly", "rarely", "never")
USES = ("books", "computers", "study", "events")
WHY_NOT = ("hours", "distance", "online", "other_reason")
WHEN = ("weekday_mornings", "weekday_evenings", "saturday", "sunday")


def _answers(rng: random.Random) -> dict[str, Any]:
    given: dict[str, Any] = {"visits": rng.choice(VISITS)}
    if given["visits"] == "never":
        given["why_not"] = rng.choice(WHY_NOT)
    else:
        given["uses"] = rng.sample(USES, rng.randint(1, 3))
    given["when"] = rng.sample(WHEN, rng.randint(1, 2))
    given["hours"] = rng.randint(0, 80)
    return given


def _rate(work: Callable[[], object], seconds: float, rounds: int = 5) -> float:
    """Calls per second of ``work``: the best of ``rounds`` spells of about ``seconds`` each."""
    best = 0.0
    for _ in range(rounds):
        done, start = 0, time.perf_counter()
        while (elapsed := time.perf_counter() - start) < seconds:
            work()
            done += 1
        best = max(best, done / elapsed)
    return best


def _paired(name: str, unit: str, ours: Callable[[], object], base: Callable[[], object], spell):
    """``ours`` and the English ``base`` in turns; print both and the ratio."""
    ours_best = base_best = 0.0
    for _ in range(3):
        base_best = max(base_best, _rate(base, spell, 1))
        ours_best = max(ours_best, _rate(ours, spell, 1))
    report(name, ours_best, unit)
    report(f"{name}: baseline, the same in English", base_best, unit)
    report(f"{name}: ours / baseline", 100 * ours_best / base_best, "%")


def catalogues() -> None:
    plugins = get_plugins()
    domains = [("surveykit", ROOT / "src" / "surveykit" / "locale")]
    domains += [(path.name, path / "locale") for path in sorted((ROOT / "plugins").iterdir())]
    for domain, folder in domains:
        if not catalogues_in(folder, domain):
            continue
        _cache.clear()
        start = time.perf_counter()
        translator(domain, "cy", plugins)("Continue")
        report(
            f"catalogue {domain}: Welsh read and compiled, once",
            (time.perf_counter() - start) * 1000,
            "ms",
        )


def web(spell: float) -> None:
    consultation = load_spec(SPEC)
    with open_store("memory://") as store:
        app = create_app(consultation, store, secret=Secret.generate(), clock=lambda: IN_WINDOW)
        clients = {}
        for lang in ("en", "cy"):
            client = TestClient(app, follow_redirects=False)
            issued = app.state.web.service.request_link()
            client.get(f"/r/{issued.token.value}?lang={lang}")
            clients[lang] = client
        for page in ("/questions/visits", "/check-answers"):
            for client in clients.values():
                assert client.get(page).status_code == 200
            _paired(
                f"web GET {page} in Welsh",
                "requests/s",
                lambda p=page: clients["cy"].get(p),
                lambda p=page: clients["en"].get(p),
                spell,
            )


def email(count: int, spell: float) -> None:
    consultation = load_spec(SPEC)
    for lang in ("cy", "both"):
        _paired(
            f"email form written {'in Welsh' if lang == 'cy' else 'in Welsh and English'}",
            "forms/s",
            lambda lang=lang: write_form(consultation, reference=REFERENCE, language=lang),
            lambda: write_form(consultation, reference=REFERENCE, language="en"),
            spell,
        )
    rng = random.Random(7)
    engine = Engine(consultation)
    replies: dict[str, list[bytes]] = {"en": [], "cy": [], "both": []}
    expected: list[dict[str, Any]] = []
    for _ in range(count):
        given = _answers(rng)
        expected.append(engine.check(given).answers)
        for lang in replies:
            form = write_form(consultation, reference=REFERENCE, language=lang)
            filled = fill_form(form, consultation, given, 0)
            replies[lang].append(
                (
                    "From: Siân <sian@example.org>\r\nSubject: Re: form\r\n"
                    "Content-Type: text/plain; charset=utf-8\r\n\r\n" + filled.replace("\n", "\r\n")
                ).encode()
            )
    for lang in replies:
        wrong = sum(
            read_reply(raw, consultation).answers != want
            for raw, want in zip(replies[lang], expected, strict=True)
        )
        report(f"replies in {lang} read differently from what was written", wrong, "replies")

    def reader(lang: str) -> Callable[[], None]:
        def read_all() -> None:
            for raw in replies[lang]:
                read_reply(raw, consultation)

        return read_all

    for lang, name in (("cy", "in Welsh"), ("both", "to the bilingual form (Welsh half)")):
        ours_best = base_best = 0.0
        for _ in range(3):
            base_best = max(base_best, count / min(_timed(reader("en")) for _ in range(2)))
            ours_best = max(ours_best, count / min(_timed(reader(lang)) for _ in range(2)))
        report(f"replies read {name}", ours_best, "msgs/s")
        report(f"replies read {name}: baseline, English replies", base_best, "msgs/s")
        report(f"replies read {name}: ours / baseline", 100 * ours_best / base_best, "%")


def _timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def reports(count: int, spell: float) -> None:
    consultation = load_spec(SPEC)
    rng = random.Random(11)
    engine = Engine(consultation)
    people = [(f"r{n:05d}", engine.check(_answers(rng)).answers) for n in range(count)]
    with open_store("memory://") as store:
        store.grant(
            [
                Grant(
                    Respondent(
                        consultation=consultation.metadata.id,
                        authority="",
                        authority_type="",
                        role="",
                        origin="self_service",
                        id=rid,
                    ),
                    f"hash-{rid}",
                    IN_WINDOW,
                )
                for rid, _ in people
            ]
        )
        for n, (rid, answers) in enumerate(people):
            when = IN_WINDOW + dt.timedelta(minutes=n)
            store.append_submission(
                NewSubmission(consultation.metadata.id, rid, answers, "web", when, when)
            )
        _paired(
            f"public report of {count:,} responses built in Welsh",
            "reports/s",
            lambda: build_report(consultation, store, threshold=5, language="cy"),
            lambda: build_report(consultation, store, threshold=5, language="en"),
            spell,
        )


def main() -> None:
    args = parser(__doc__.splitlines()[0]).parse_args()
    spell = 0.2 if args.smoke else 2.0
    catalogues()
    web(spell)
    email(30 if args.smoke else 1_000, spell)
    reports(60 if args.smoke else 5_000, spell)
    report("peak memory of the process", peak_rss_mb(), "MB")


if __name__ == "__main__":
    main()
