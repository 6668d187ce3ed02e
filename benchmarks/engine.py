"""Benchmark: clean + validate throughput of the engine, against JSON decoding of the same records.

Prints records/s for Taking Stock, for the residents' survey (specs/examples/residents_survey.toml:
every kind, with records as the channels submit them: numbers typed as "1,250" or "£12.50",
dates as the date input's three boxes or written out, postcodes and phone numbers as people type
them, grids row by row, rankings as lists or rank boxes, "other" words), and for a generated
1,000-question spec with chained conditions, spec load time, and peak memory.  Baselines measured
in the same run:

* ``json.loads`` of each record (the ratio check/decode is the headline: the engine should cost
  no more than twice what it costs merely to read the record);
* a plain dictionary-walking evaluator: the reference interpreter of conditions over the parsed
  AST plus a straightforward per-question check, i.e. what the engine would be without compiling.

Run: ``python benchmarks/engine.py`` (full) or ``--smoke`` (seconds, used by the test suite).
"""

from __future__ import annotations

import functools
import gc
import json
import random
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import surveykit
from _common import best_time, parser, peak_rss_mb, report
from surveykit.conditions import evaluate

ROOT = Path(__file__).resolve().parents[1]
WORDS = (
    "councils",
    "should",
    "share",
    "more",
    "data",
    "with",
    "residents",
    "and",
    "partners",
    "about",
    "local",
    "performance",
    "peer",
    "challenge",
    "every",
    "four",
    "years",
    "would",
    "help",
    "accountability",
    "scrutiny",
    "support",
    "inspection",
)


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August")
POSTCODES = ("SW1A 1AA", "sw1a1aa", "M1 1AE", "b33 8th", "CR2 6XH", "DN55 1PT", "EH1  1YZ")
PHONES = ("07700 900123", "+44 20 7946 0958", "020 7946 0958", "(01632) 960 001", "07700900456")


def random_answers(
    consultation: surveykit.Consultation, rng: random.Random, max_words: int = 60
) -> dict[str, Any]:
    """A plausible record: most questions answered, some hidden answers, a few mistakes.

    Free-text answers run to ``max_words`` words: 60 gives records of about 2.7 KB of JSON, much
    like a consultation response with considered comments; 6 gives compact records.  Each
    answer *part* (a grid's row, an "other" text) is answered as its channel posts it.
    """
    out: dict[str, Any] = {}
    for q in _parts(consultation):
        if rng.random() < 0.15:
            continue
        out[q.id] = raw_answer(q, rng, max_words)
    return out


@functools.cache
def _parts(consultation: surveykit.Consultation) -> tuple[surveykit.Question, ...]:
    return surveykit.Engine(consultation).parts


def raw_answer(q: surveykit.Question, rng: random.Random, max_words: int) -> Any:
    """An answer to one part as a person gives it on a form (a few of them wrong)."""
    values = [o.value for o in q.options]
    settings = q.settings
    if q.kind == "single":
        return rng.choice(values) if rng.random() > 0.01 else "not-an-option"
    if q.kind == "multi":
        return rng.sample(values, rng.randint(1, len(values)))
    if q.kind == "ranking":
        ranked = rng.sample(values, rng.randint(1, len(values)))
        if rng.random() < 0.5:
            return ranked
        return {value: str(rank) for rank, value in enumerate(ranked, 1)}
    if q.kind == "number":
        low, high = settings.get("min", 0), settings.get("max", 10_000)
        value = rng.uniform(low, high) if settings.get("decimals") else rng.randint(low, high)
        text = f"{value:,.{settings.get('decimals', 0)}f}"
        unit = settings.get("unit", "")
        return f"{unit}{text}" if unit and settings.get("unit_prefix") else text
    if q.kind == "date":
        year, month, day = rng.randint(1990, 2026), rng.randint(1, 8), rng.randint(1, 28)
        if settings.get("precision") == "month":
            return f"{MONTHS[month - 1]} {year}" if rng.random() < 0.5 else f"{year}-{month:02d}"
        if rng.random() < 0.5:
            return {"day": str(day), "month": str(month), "year": str(year)}
        return f"{day} {MONTHS[month - 1]} {year}"
    if q.kind == "email":
        return f"Resident.{rng.randint(1, 99_999)}@Example.org"
    if q.kind == "uk_postcode":
        return rng.choice(POSTCODES)
    if q.kind == "phone":
        return rng.choice(PHONES)
    return " ".join(rng.choices(WORDS, k=rng.randint(1, max_words)))


def chained_spec(n: int) -> str:
    """A spec of ``n`` questions where each condition depends on the ones just before it."""
    lines = [
        "[consultation]",
        'id = "chained"',
        'title = "Chained"',
        'publisher = "Bench"',
        "closes = 2099-01-01",
        "[[sections]]",
        'id = "all"',
        'title = "All"',
    ]
    for i in range(n):
        lines += ["[[sections.questions]]", f'id = "q{i}"', f'text = "Question {i}?"']
        if i % 3 == 2:
            lines += ['kind = "text"', "max_length = 500"]
        else:
            lines += [
                'kind = "single"',
                'options = [{value = "yes", label = "Yes"}, {value = "no", label = "No"}]',
            ]
        if i >= 2:
            prev, prev2 = i - 1, i - 2
            if prev % 3 == 2:
                cond = f'answered(q{prev}) or q{prev2} != "no"'
            elif prev2 % 3 == 2:
                cond = f'q{prev} == "yes" or answered(q{prev2})'
            else:
                cond = f'q{prev} in ["yes"] or not (q{prev2} == "no")'
            lines.append(f"shown_if = '{cond}'")
    return "\n".join(lines) + "\n"


def walking_check(
    parts: tuple[surveykit.Question, ...], checkers: dict[str, Any], answers: dict[str, Any]
) -> tuple:
    """The uncompiled baseline: interpret each condition's AST and check each answer part with
    its kind's checker (built once, as the engine's are)."""
    clean: dict[str, Any] = {}
    problems = []
    for q in parts:
        if q.condition is not None and not evaluate(q.condition, clean):
            continue
        value = answers.get(q.id)
        if value in (None, "", []):
            if q.required:
                problems.append((q.id, "required"))
            continue
        checked = checkers[q.id](value)
        if isinstance(checked, surveykit.Rejected):
            problems.append((q.id, checked.code))
        elif checked is not surveykit.EMPTY:
            clean[q.id] = checked
    problems += [(k, "unknown_question") for k in answers if k not in checkers]
    return clean, problems


def as_stored(checkers: dict[str, Any], record: dict[str, Any]) -> dict[str, Any]:
    """``record`` with every answer its kind accepts in its stored form ("1,250" as 1250, the
    date boxes as "2024-03-05"), the rest (mistakes, and answers to hidden questions) as given:
    what ``surveykit check`` reads from an export."""
    out: dict[str, Any] = {}
    for key, value in record.items():
        checked = checkers[key](value)
        accepted = checked is not surveykit.EMPTY and not isinstance(checked, surveykit.Rejected)
        out[key] = checked if accepted else value
    return out


def part_checkers(consultation: surveykit.Consultation) -> dict[str, Any]:
    """Each answer part's checker, by answer key, built once."""
    kinds = surveykit.get_plugins().kinds
    return {q.id: kinds[q.kind].checker(q) for q in surveykit.Engine(consultation).parts}


def measure(
    label: str,
    consultation: surveykit.Consultation,
    count: int,
    repeats: int,
    max_words: int = 60,
    stored: bool = False,
) -> None:
    rng = random.Random(2015)
    records = [random_answers(consultation, rng, max_words) for _ in range(count)]
    checkers = part_checkers(consultation)
    if stored:
        records = [as_stored(checkers, record) for record in records]
    lines = [json.dumps(r) for r in records]
    engine = surveykit.Engine(consultation)
    check = engine.check
    # The records themselves are millions of live objects: freeze them out of the cyclic garbage
    # collector's sight, so its full passes measure the work, not the size of the test data.
    gc.collect()
    gc.freeze()
    loads = json.loads

    def run_engine():
        for record in records:
            check(record)

    def run_decode():
        for line in lines:
            loads(line)

    def run_walking():
        for record in records:
            walking_check(engine.parts, checkers, record)

    engine_s = best_time(run_engine, repeats)
    decode_s = best_time(run_decode, repeats)
    walking_s = best_time(run_walking, max(1, repeats - 1))
    report(f"{label}: engine clean+validate", count / engine_s, "records/s")
    report(f"{label}: baseline json.loads of same records", count / decode_s, "records/s")
    report(f"{label}: baseline dict-walking evaluator", count / walking_s, "records/s")
    report(
        f"{label}: engine time / decode time per record",
        engine_s / decode_s,
        "ratio",
        "(target <= 2.0)",
    )
    report(f"{label}: engine speed-up over dict-walking", walking_s / engine_s, "x")
    tracemalloc.start()
    for record in records[: min(count, 10_000)]:
        check(record)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    report(f"{label}: extra memory while checking (tracemalloc peak)", peak / 1024, "KiB")
    gc.unfreeze()


def main() -> None:
    args = parser(__doc__.splitlines()[0]).parse_args()
    smoke = args.smoke
    spec_path = ROOT / "specs" / "taking_stock.toml"

    start = time.perf_counter()
    taking_stock = surveykit.load_spec(spec_path)
    report(
        "Taking Stock spec load (first, incl. plugin loading)",
        (time.perf_counter() - start) * 1000,
        "ms",
    )
    report(
        "Taking Stock spec load", best_time(lambda: surveykit.load_spec(spec_path), 3) * 1000, "ms"
    )
    count, repeats = (2_000, 2) if smoke else (100_000, 5)
    measure("Taking Stock", taking_stock, count, repeats)
    measure("Taking Stock, compact records", taking_stock, count, repeats, max_words=6)
    residents = surveykit.load_spec(ROOT / "specs" / "examples" / "residents_survey.toml")
    measure("Residents' survey, as typed", residents, count, repeats, max_words=20)
    measure("Residents' survey, as stored", residents, count, repeats, max_words=20, stored=True)

    n = 100 if smoke else 1_000
    text = chained_spec(n)
    chained = surveykit.loads_spec(text)
    report(
        f"{n}-question chained spec load",
        best_time(lambda: surveykit.loads_spec(text), 2) * 1000,
        "ms",
    )
    measure(f"{n}-question chained spec", chained, 200 if smoke else 2_000, 2 if smoke else 3)
    growth(smoke)
    report("peak resident memory of the benchmark process", peak_rss_mb(), "MB")


SURVEYJS = Path(__file__).resolve().parent / "surveyjs"


def surveyjs_model_ms(forms: list[Path], repeats: int) -> list[float] | None:
    """SurveyJS's ``new Model(json)`` on each form, best of ``repeats`` in one Node process, or
    ``None`` when survey-core is not installed (``make bench-deps``)."""
    if not (SURVEYJS / "node_modules" / "survey-core").is_dir():
        return None
    command = ["node", str(SURVEYJS / "model.mjs"), str(repeats), *map(str, forms)]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return [float(line) for line in out.split()]


def growth(smoke: bool) -> None:
    """Cost per question of loading a spec and building its engine, and per answer of checking,
    from Taking Stock (21 questions) to 5,000 chained questions; SurveyJS's model construction
    on the same forms (exported with ``surveykit export --to surveyjs``) is the baseline, and a
    plain dictionary lookup of every answer key the baseline for the per-answer cost."""
    from surveykit_interchange.api import export_spec

    sizes = (50, 200) if smoke else (200, 1_000, 5_000)
    specs = {"Taking Stock (21)": (ROOT / "specs" / "taking_stock.toml").read_text()}
    specs |= {f"chained {n:,}": chained_spec(n) for n in sizes}
    repeats = 2 if smoke else 5
    with tempfile.TemporaryDirectory() as folder:
        forms, loaded = [], {}
        for name, text in specs.items():
            consultation = surveykit.loads_spec(text)
            loaded[name] = (text, consultation)
            form = Path(folder) / f"{len(forms)}.json"
            form.write_bytes(export_spec(consultation, "surveyjs"))
            forms.append(form)
        theirs = surveyjs_model_ms(forms, 5 if smoke else 30)
    for index, (name, (text, consultation)) in enumerate(loaded.items()):
        count = len(consultation.questions)
        load = best_time(lambda text=text: surveykit.loads_spec(text), repeats)
        build = best_time(lambda c=consultation: surveykit.Engine(c), repeats)

        def first_check(c=consultation) -> None:
            surveykit.Engine(c).check({})  # compiles the generated check function

        compiled = best_time(first_check, repeats)
        report(f"{name}: spec load", load * 1e6 / count, "us/question")
        report(f"{name}: engine build", build * 1e6 / count, "us/question")
        report(
            f"{name}: engine build and first check",
            compiled * 1e6 / count,
            "us/question",
            "(compiles the check)",
        )
        if theirs is None:
            print(f"{name}: SurveyJS baseline skipped: survey-core is not installed")
        else:
            ours = (load + build) * 1e6 / count
            report(
                f"{name}: baseline SurveyJS new Model(json)",
                theirs[index] * 1e3 / count,
                "us/question",
            )
            report(
                f"{name}: load + build / SurveyJS model",
                ours / (theirs[index] * 1e3 / count),
                "ratio",
            )
    per_answer = answer_costs(
        {name: c for name, (_, c) in loaded.items() if name.startswith("chained")}, smoke
    )
    first, *_, last = per_answer
    for name in (first, last):
        engine_us, lookup_us = per_answer[name]
        report(f"{name}: engine check per answer", engine_us * 1000, "ns/answer")
        report(f"{name}: baseline dict lookup per answer", lookup_us * 1000, "ns/answer")
    growth = per_answer[last][0] / per_answer[first][0]
    report(f"check per answer, {last} / {first}", growth, "ratio", f"{growth:.2f} (target <= 1.3)")
    lookup = per_answer[last][1] / per_answer[first][1]
    report(f"dict lookup per answer, {last} / {first} (baseline)", lookup, "ratio", f"{lookup:.2f}")


def answer_costs(
    consultations: dict[str, surveykit.Consultation], smoke: bool
) -> dict[str, tuple[float, float]]:
    """CPU microseconds per answer for each spec: checking records, and only looking up each
    answer key.  Every spec's runs take turns, each the best of its runs, so that the machine's
    changing speed over the minute this takes lands on every size alike; each timed run follows
    an untimed one, so none pays for the caches the previous spec's run filled."""
    runs: dict[tuple[str, str], Callable[[], None]] = {}
    answers: dict[str, int] = {}
    for name, consultation in consultations.items():
        engine = surveykit.Engine(consultation)
        rng = random.Random(5)
        questions = len(consultation.questions)
        records = [
            random_answers(consultation, rng, 6) for _ in range(max(10, 20_000 // questions))
        ]
        if smoke:
            records = records[:10]
        answers[name] = sum(len(r) for r in records)
        keys = [part.id for part in engine.parts]

        def check(engine=engine, records=records) -> None:
            for record in records:
                engine.check(record)

        def lookup(keys=keys, records=records) -> None:
            for record in records:
                get = record.get
                for key in keys:
                    get(key)

        check()
        runs[name, "check"], runs[name, "lookup"] = check, lookup
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(2 if smoke else 21):
        for run, function in runs.items():
            function()  # once untimed, so that each timed run starts with its data in cache
            start = time.process_time()
            function()
            best[run] = min(best[run], time.process_time() - start)
    return {
        name: (best[name, "check"] * 1e6 / count, best[name, "lookup"] * 1e6 / count)
        for name, count in answers.items()
    }


if __name__ == "__main__":
    main()
