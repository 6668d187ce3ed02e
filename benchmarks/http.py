"""Benchmark: the web form over real HTTP, against bare Starlette endpoints in the same run.

Starts ``surveykit serve`` (uvicorn, a real SQLite file, ``--open-until`` in the future) and a
bare Starlette app on the same server with the same worker count, then drives each with N
concurrent keep-alive clients for a fixed time:

* a question page GET (session cookie, token check, draft and response read, engine, template);
* an answer POST (CSRF, form limits, validation, a draft saved to SQLite, the redirect);
* the baseline: a bare GET of a small page and a bare POST that reads a form and redirects.

Those four are measured three times (``--runs``), each endpoint taking turns with its bare one
in five slices (two seconds each by default), so a drift in the machine's other work weighs on
both alike.  Each run prints requests/s and p50/p99 latency for each, and surveykit's
requests/s as a share of the bare endpoint's (the median of the five slices' shares, each slice
beside the bare one next to it in time, so one burst of other work cannot sway it); then come
the lowest and highest share and the highest p99 over the runs.  The GET clients and the POST
clients hold sessions of their own, so every run's question page is the same unanswered page
(one showing typed text is rendered afresh, so it is measured once, on its own, after).

Then, once each:

* the question page GET and answer POST with 20 consultations served by one server (a
  deployment file listing 20 copies of Taking Stock, each under its own path), the clients
  spread over them, as a share of the one-consultation figures: the target is >= 90 %.  The two
  servers are measured in turn, twice each, and each keeps its better figure;
* the question page GET beside a bare page of the same size with the same security headers,
  which shows how much of the gap to the bare GET is the response's weight alone;
* the question page GET showing the answer the POSTs typed (a page no two respondents share);
* the answer POST on a SQLite file with ``?synchronous=normal``, which shows how much of its
  cost is the fsync that makes each saved answer durable.

Targets (issue 20) on the 2-core reference machine: GET and POST >= 50 % of the bare endpoint in
every run, p99 < 50 ms at 50 clients.  The load generator shares the machine, so absolute
figures are lower than a separate client's.

Run: ``python benchmarks/http.py`` (50 clients, 10 s each, 2 workers, 3 runs) or ``--smoke``
(seconds).
"""

# ruff: noqa: E402 (the imports must follow the import-path fix below)
from __future__ import annotations

import sys
from pathlib import Path

# This file is named http.py, so its folder must not shadow the standard library's http package:
# it moves from the front of the import path (where Python puts a script's folder) to the back.
HERE = str(Path(__file__).resolve().parent)
if HERE in sys.path:
    sys.path.remove(HERE)
sys.path.append(HERE)

import asyncio
import datetime as dt
import os
import re
import shutil
import socket
import statistics
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from typing import NamedTuple

from _common import parser, report
from surveykit import load_spec
from surveykit.identity import load_secret
from surveykit.storage import open_store
from surveykit.submit import SubmitService
from surveykit_html import reopen_until

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "specs" / "taking_stock.toml"
OPEN_UNTIL = dt.date.today() + dt.timedelta(days=30)
QUESTION = "/questions/q3"
#: How many consultations the many-consultations case serves.
MANY = 20
#: Each measurement beside the bare endpoint is taken in this many turns with it.
SLICES = 5
CSRF = re.compile(rb'name="csrf_token" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(command: list[str], port: int, cwd: Path, ready_path: str) -> subprocess.Popen[bytes]:
    """Start a server and wait until it answers ``ready_path``."""
    process = subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=os.environ.copy()
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server failed to start: {process.stderr.read().decode()[-2000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{ready_path}", timeout=1):
                return process
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    process.kill()
    raise SystemExit("server did not start in 60 s")


async def read_response(reader: asyncio.StreamReader) -> tuple[int, dict[bytes, bytes], bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    headers: dict[bytes, bytes] = {}
    for line in lines[1:]:
        if b":" in line:
            name, value = line.split(b":", 1)
            headers.setdefault(name.strip().lower(), value.strip())
    body = await reader.readexactly(int(headers.get(b"content-length", b"0")))
    return status, headers, body


def request(method: str, path: str, port: int, cookie: str = "", body: bytes = b"") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}"]
    if cookie:
        lines.append(f"Cookie: {cookie}")
    if method == "POST":
        lines += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def once(port: int, raw: bytes) -> tuple[int, dict[bytes, bytes], bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(raw)
    await writer.drain()
    response = await read_response(reader)
    writer.close()
    return response


async def sessions(port: int, tokens: list[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """Open each unique link (under its consultation's prefix) over HTTP: the prefix, the
    session cookie and the CSRF token of a question."""
    out = []
    for prefix, token in tokens:
        status, headers, _ = await once(port, request("GET", f"{prefix}/r/{token}", port))
        assert status == 303, status
        cookie = headers[b"set-cookie"].split(b";", 1)[0].decode()
        status, _, body = await once(port, request("GET", prefix + QUESTION, port, cookie))
        assert status == 200, status
        out.append((prefix, cookie, CSRF.search(body).group(1).decode()))
    return out


async def connect(port: int, requests: list[bytes]) -> list[Connection]:
    """One kept-alive connection per request, opened one at a time, each answered once before
    the next is opened.

    The server's workers share one listening socket and race to accept: connections opened all
    at once can pile onto one worker and leave the other idle, which makes a run measure the
    luck of the draw.  Opened in turn, each is accepted by whichever worker wins a fresh race.
    """
    connections = []
    for raw in requests:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(raw)
        await writer.drain()
        await read_response(reader)
        connections.append((reader, writer))
    return connections


Connection = tuple[asyncio.StreamReader, asyncio.StreamWriter]


async def drive(port: int, requests: list[bytes], seconds: float) -> tuple[list[float], Counter]:
    """Each request in ``requests`` is one client's, sent again and again on a kept-alive link."""
    latencies: list[float] = []
    statuses: Counter = Counter()
    connections = await connect(port, requests)
    deadline = time.perf_counter() + seconds

    async def client(raw: bytes, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        try:
            while time.perf_counter() < deadline:
                begun = time.perf_counter()
                writer.write(raw)
                await writer.drain()
                status, _, _ = await read_response(reader)
                latencies.append(time.perf_counter() - begun)
                statuses[status] += 1
        finally:
            writer.close()

    await asyncio.gather(
        *(client(raw, *connection) for raw, connection in zip(requests, connections, strict=True))
    )
    return latencies, statuses


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


class Figures(NamedTuple):
    """One measurement: requests per second, the p99 latency in milliseconds, and the
    requests per second of each slice it was taken in (see :func:`measure_in_turn`)."""

    rate: float
    p99_ms: float
    slice_rates: tuple[float, ...] = ()


def share(mine: Figures, base: Figures) -> float:
    """``mine``'s rate as a percentage of ``base``'s: the median over the slices they took
    turns in, each beside the one next to it in time, so a burst of other work on the machine
    during one slice does not sway the figure; the overall rates without slices."""
    if len(mine.slice_rates) > 1 and len(mine.slice_rates) == len(base.slice_rates):
        return 100 * statistics.median(
            a / b for a, b in zip(mine.slice_rates, base.slice_rates, strict=True)
        )
    return 100 * mine.rate / base.rate


class Target(NamedTuple):
    """What to measure: a server's port, each client's request, and the status it should get."""

    port: int
    requests: list[bytes]
    ok: int


def measure(name: str, port: int, requests: list[bytes], seconds: float, ok: int) -> Figures:
    """Warm up, then drive for ``seconds``; print requests/s, p50 and p99 and return them."""
    return measure_in_turn({name: Target(port, requests, ok)}, seconds)[name]


def measure_in_turn(
    targets: dict[str, Target], seconds: float, slices: int = 1
) -> dict[str, Figures]:
    """Warm each target up, then drive each for ``seconds`` in all, taking turns in ``slices``
    slices (A, B, A, B...), and print and return each one's figures.

    Taking turns in short slices puts surveykit and its baseline under the same background
    load, which drifts over a run on a shared machine: the share then compares like with like.
    """
    for target in targets.values():
        asyncio.run(drive(target.port, target.requests, min(1.0, seconds / 2)))
    latencies: dict[str, list[float]] = {name: [] for name in targets}
    statuses: dict[str, Counter] = {name: Counter() for name in targets}
    slice_rates: dict[str, list[float]] = {name: [] for name in targets}
    for _ in range(slices):
        for name, target in targets.items():
            times, seen = asyncio.run(drive(target.port, target.requests, seconds / slices))
            latencies[name] += times
            statuses[name] += seen
            slice_rates[name].append(len(times) / (seconds / slices))
    figures = {}
    for name, target in targets.items():
        times, ok = latencies[name], target.ok
        rate = len(times) / seconds
        p99 = percentile(times, 0.99) * 1000
        report(f"{name}: requests", rate, "req/s", f"{len(target.requests)} clients")
        report(f"{name}: p50 latency", percentile(times, 0.50) * 1000, "ms")
        report(f"{name}: p99 latency", p99, "ms")
        unexpected = sum(n for s, n in statuses[name].items() if s != ok)
        report(f"{name}: unexpected responses", unexpected, "count")
        figures[name] = Figures(rate, p99, tuple(slice_rates[name]))
    return figures


def deployment(folder: Path, count: int) -> list[Path]:
    """``count`` copies of Taking Stock (ids ``bench-1``...) and a ``surveykit.toml`` serving
    each under ``/bench-N/``, written in ``folder``; returns the specs."""
    folder.mkdir(parents=True, exist_ok=True)
    text = SPEC.read_text(encoding="utf-8")
    specs = []
    lines = [f"[deployment]\nopen_until = {OPEN_UNTIL.isoformat()}\n"]
    for n in range(1, count + 1):
        spec = folder / f"bench-{n}.toml"
        spec.write_text(re.sub(r'(?m)^id = "taking-stock"$', f'id = "bench-{n}"', text, count=1))
        specs.append(spec)
        lines.append(f'[[consultations]]\nspec = "{spec.name}"\n')
    (folder / "surveykit.toml").write_text("\n".join(lines), encoding="utf-8")
    return specs


class WebForm:
    """`surveykit serve` on a fresh SQLite file, with two open sessions per client: one that
    only reads the question page (so it stays unanswered, the same page in every run) and one
    that posts answers.

    With ``consultations`` > 1 it serves that many copies of Taking Stock from a deployment
    file, and client ``i`` answers consultation ``i mod consultations``.
    """

    def __init__(
        self,
        work: Path,
        name: str,
        clients: int,
        workers: int,
        query: str = "",
        consultations: int = 1,
    ) -> None:
        self.db_url = f"sqlite:///{work / name}.db"
        self.port = free_port()
        bin_dir = Path(sys.executable).parent
        command = [str(bin_dir / "surveykit"), "serve"]
        if consultations == 1:
            folder, specs, prefixes = work, [SPEC], [""]
            command += [str(SPEC), "--open-until", OPEN_UNTIL.isoformat()]
        else:
            folder = work / name
            specs = deployment(folder, consultations)
            prefixes = [f"/{spec.stem}" for spec in specs]
        command += ["--db", self.db_url + query, "--port", str(self.port)]
        command += ["--workers", str(workers)]
        self.process = start(command, self.port, folder, "/")
        tokens = []
        with open_store(self.db_url) as store:
            secret = load_secret(store.secret_file)
            services = [
                SubmitService(reopen_until(load_spec(spec), OPEN_UNTIL)[0], store, secret)
                for spec in specs
            ]
            for i in range(2 * clients):
                service = services[i % len(services)]
                issued = service.request_link(authority=f"Bench {i}", authority_type="county")
                tokens.append((prefixes[i % len(prefixes)], issued.token.value))
        opened = asyncio.run(sessions(self.port, tokens))
        self.readers, self.writers = opened[:clients], opened[clients:]

    def gets(self, answered: bool = False) -> list[bytes]:
        """The question page, unanswered (the readers' sessions) or, with ``answered``, showing
        the answer the writers' sessions posted."""
        chosen = self.writers if answered else self.readers
        return [
            request("GET", prefix + QUESTION, self.port, cookie) for prefix, cookie, _ in chosen
        ]

    def posts(self) -> list[bytes]:
        body = "csrf_token={}&answer=Benchmark+answer&action=continue"
        return [
            request("POST", prefix + QUESTION, self.port, cookie, body.format(csrf).encode())
            for prefix, cookie, csrf in self.writers
        ]


def compare_many(
    web: WebForm, many: WebForm, seconds: float, one_get: float, one_post: float
) -> None:
    """The question page and the answer with ``MANY`` consultations served, beside one's.

    Other work on the machine drifts over a run, so the two servers are measured in turn (one,
    many, one, many) and each keeps its better figure: the share compares like with like.
    """
    best = {"one GET": one_get, "one POST": one_post, "many GET": 0.0, "many POST": 0.0}
    for round_ in (1, 2):
        tag = f" (round {round_})"
        if round_ == 2:
            get = measure(f"question page GET{tag}", web.port, web.gets(), seconds, 200).rate
            post = measure(f"answer POST{tag}", web.port, web.posts(), seconds, 303).rate
            best["one GET"], best["one POST"] = (
                max(best["one GET"], get),
                max(best["one POST"], post),
            )
        name = f"{MANY} consultations"
        get = measure(f"{name}: question page GET{tag}", many.port, many.gets(), seconds, 200).rate
        post = measure(f"{name}: answer POST{tag}", many.port, many.posts(), seconds, 303).rate
        best["many GET"], best["many POST"] = (
            max(best["many GET"], get),
            max(best["many POST"], post),
        )
    for what, label in (("GET", "question page GET"), ("POST", "answer POST")):
        one, served = best[f"one {what}"], best[f"many {what}"]
        report(f"{label}, best of 2: 1 consultation", one, "req/s")
        report(f"{label}, best of 2: {MANY} consultations", served, "req/s")
        report(
            f"{MANY} consultations: {label} as a share of 1's",
            100 * served / one,
            "%",
            "target >= 90 %",
        )


def against_bare(
    web: WebForm, bare_port: int, clients: int, seconds: float, runs: int
) -> tuple[float, float]:
    """The question page and the answer beside the bare endpoints, ``runs`` times: each run's
    figures (each endpoint taking turns with its bare one, see :func:`measure_in_turn`) and
    shares, then the spread over the runs.  Returns the last run's GET and POST rates, for
    :func:`compare_many` to take turns with."""
    bare_get = [request("GET", "/page", bare_port)] * clients
    bare_post = [request("POST", "/form", bare_port, body=b"answer=Benchmark+answer")] * clients
    shares: dict[str, list[float]] = {"GET": [], "POST": []}
    p99s: dict[str, list[float]] = {"GET": [], "POST": []}
    last = {"GET": 0.0, "POST": 0.0}
    for run in range(1, runs + 1):
        tag = f" (run {run})"
        names = [f"{name}{tag}" for name in ("question page GET", "baseline bare GET")]
        gets = measure_in_turn(
            {
                names[0]: Target(web.port, web.gets(), 200),
                names[1]: Target(bare_port, bare_get, 200),
            },
            seconds,
            SLICES,
        )
        get, base_get = gets[names[0]], gets[names[1]]
        names = [f"{name}{tag}" for name in ("answer POST", "baseline bare POST")]
        posts = measure_in_turn(
            {
                names[0]: Target(web.port, web.posts(), 303),
                names[1]: Target(bare_port, bare_post, 303),
            },
            seconds,
            SLICES,
        )
        post, base_post = posts[names[0]], posts[names[1]]
        for what, mine, base in (("GET", get, base_get), ("POST", post, base_post)):
            shares[what].append(share(mine, base))
            p99s[what].append(mine.p99_ms)
            last[what] = mine.rate
        report(f"question page GET as a share of the bare GET{tag}", shares["GET"][-1], "%")
        report(f"answer POST as a share of the bare POST{tag}", shares["POST"][-1], "%")
    for what, label in (("GET", "question page GET"), ("POST", "answer POST")):
        said = f"{label} as a share of the bare {what}"
        report(f"{said}: lowest of {runs}", min(shares[what]), "%", "target >= 50 %")
        report(f"{said}: highest of {runs}", max(shares[what]), "%")
        report(f"{label}: highest p99 of {runs}", max(p99s[what]), "ms", "target < 50 ms")
    return last["GET"], last["POST"]


def against_heavy(web: WebForm, bare_port: int, seconds: float) -> None:
    """The question page beside a bare page of the same size with the same security headers:
    how much of the gap to the bare GET is the response's weight (bytes, headers) alone."""
    size = len(asyncio.run(once(web.port, web.gets()[0]))[2])
    heavy = request("GET", f"/heavy?bytes={size}", bare_port)
    mine, weighed = "question page GET, beside a page as heavy", "baseline bare GET as heavy"
    print(f"A question page is {size:,} bytes; the heavy bare page is as long, with its headers.")
    figures = measure_in_turn(
        {
            mine: Target(web.port, web.gets(), 200),
            weighed: Target(bare_port, [heavy] * len(web.readers), 200),
        },
        seconds,
        SLICES,
    )
    said = share(figures[mine], figures[weighed])
    report("question page GET as a share of the bare GET as heavy", said, "%")


def bare_server(work: Path, workers: int) -> tuple[subprocess.Popen[bytes], int]:
    """The baseline app on uvicorn (copied out so this folder stays off uvicorn's path)."""
    shutil.copy(Path(HERE) / "_bare_app.py", work / "bare_app.py")
    port = free_port()
    command = [str(Path(sys.executable).parent / "uvicorn"), "bare_app:app", "--app-dir", str(work)]
    command += ["--port", str(port), "--workers", str(workers), "--no-server-header"]
    return start(command, port, work, "/page"), port


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--clients", type=int, default=None, help="concurrent clients (default 50)")
    p.add_argument("--seconds", type=float, default=None, help="per measurement (default 10)")
    p.add_argument("--workers", type=int, default=None, help="server processes (default 2)")
    p.add_argument("--runs", type=int, default=3, help="runs beside the bare endpoints")
    args = p.parse_args()
    clients = args.clients or (4 if args.smoke else 50)
    seconds = args.seconds or (0.5 if args.smoke else 10.0)
    workers = args.workers or (1 if args.smoke else 2)
    processes: list[subprocess.Popen[bytes]] = []
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        try:
            web = WebForm(work, "full", clients, workers)
            processes.append(web.process)
            bare, bare_port = bare_server(work, workers)
            processes.append(bare)
            label = f"{clients} clients, {workers} worker{'s' if workers != 1 else ''}"
            print(f"HTTP benchmark: {label}, {seconds:g} s per measurement, {args.runs} runs")
            web_get, web_post = against_bare(web, bare_port, clients, seconds, args.runs)
            # Twenty consultations from one server: the same pages, spread over them.
            many = WebForm(work, "many", clients, workers, consultations=MANY)
            processes.append(many.process)
            compare_many(web, many, seconds, web_get, web_post)
            many.process.terminate()
            many.process.wait(timeout=30)
            against_heavy(web, bare_port, seconds)
            # A page showing typed text is rendered afresh: the writers' sessions now hold one.
            measure(
                "question page GET, showing a typed answer",
                web.port,
                web.gets(answered=True),
                seconds,
                200,
            )
            # Each answer is a durable SQLite commit (an fsync); show what that costs.
            relaxed = WebForm(work, "normal", clients, workers, "?synchronous=normal")
            processes.append(relaxed.process)
            measure(
                "answer POST, SQLite synchronous=normal",
                relaxed.port,
                relaxed.posts(),
                seconds,
                303,
            )
        finally:
            for process in processes:
                process.terminate()
                process.wait(timeout=30)


if __name__ == "__main__":
    main()
