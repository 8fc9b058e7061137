"""`flask --app wsgi bench`: time the main pages on the loaded data."""

from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import with_appcontext

from wfld.bench.runner import PERSONA_KINDS, BenchError, Result, personas_for, run
from wfld.bench.scenarios import BY_NAME, SCENARIOS, Scenario

HELP = f"""Time the main pages on the loaded data, in-process, as signed-in personas.

Load the synthetic council first (flask --app wsgi seed synthetic --staff 5000 --seed 42),
or pass --personas demo to measure the demo council.

For each scenario: WARMUP untimed requests, then RUNS timed ones (server time: the whole
WSGI call, rendering and reading the body included), one more that counts the SQL and
the Python heap, and for list, dashboard and compliance pages the SQL floor: the page's
own SELECTs, with the page's parameters, replayed RUNS times on a bare database
connection (no ORM, no templates). Signing in and out writes session rows, sign-in
attempts and audit events; nothing else is written.

Scenarios: {", ".join(s.name for s in SCENARIOS)}.

\b
--json prints one JSON object per line per scenario, with these keys:
  scenario, path, persona     what was requested, as whom
  runs, warmup                how many timed and untimed requests
  median_ms, p95_ms           server time; p95 is nearest-rank (with fewer
  min_ms, max_ms                than 20 runs it is the slowest run)
  statements                  SQL statements the page sent (BEGIN, COMMIT,
                                ROLLBACK and SAVEPOINT not counted)
  write_statements            of which not SELECT (a GET page should have 0)
  floor_ms                    median time of the bare SQL (null: no floor)
  floor_statements            how many SELECTs were replayed for the floor
  ratio                       median_ms / floor_ms
  peak_rss_mib                peak resident memory of the process during the
  peak_rss_scope                scenario ("scenario"), or since the process
                                started where that cannot be reset ("process")
  python_peak_mib             peak Python heap of one more request, the one
                                that counts the SQL (tracemalloc: it misses C
                                allocations such as WeasyPrint's; null with
                                --no-python-heap)
  rss_growth_pct              cpd-pdf: resident memory growth from after the
  growth_renders                first timed render to after the last (RUNS)
  response_bytes              size of the body
  target                      the issue's limits, by the key they cap
  met, missed                 whether every limit was kept (null: no target;
                                a measure that could not be taken is not
                                judged), and the keys over their limit
  backend, staff, personas    sqlite or postgresql; staff rows in the
                                database; which persona accounts were used
"""  # noqa: S608 - help text that mentions SELECT, not SQL


def _scenarios(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> list:
    """--scenario a --scenario b, or --scenario a,b; none means all, in the listed order."""
    names = [name.strip() for value in values for name in value.split(",") if name.strip()]
    unknown = [name for name in names if name not in BY_NAME]
    if unknown:
        raise click.BadParameter(
            f"unknown scenario {', '.join(unknown)}; "
            f"choose from: {', '.join(s.name for s in SCENARIOS)}"
        )
    return [s for s in SCENARIOS if s.name in names] if names else list(SCENARIOS)


@click.command("bench", help=HELP)
@click.option(
    "--scenario",
    "scenarios",
    multiple=True,
    callback=_scenarios,
    metavar="NAME[,NAME...]",
    help="Only these scenarios (repeat the option or separate names with commas).",
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line per scenario.")
@click.option("--runs", type=click.IntRange(min=1), default=20, show_default=True)
@click.option("--warmup", type=click.IntRange(min=0), default=3, show_default=True)
@click.option(
    "--python-heap/--no-python-heap",
    default=True,
    show_default=True,
    help="Measure the Python heap of one more request with tracemalloc (it makes that "
    "request several times slower: about 10 times for the PDF).",
)
@click.option(
    "--personas",
    "persona_kind",
    type=click.Choice(PERSONA_KINDS),
    default="synthetic",
    show_default=True,
    help="Whose accounts to sign in as: the synthetic council's or the demo council's.",
)
@with_appcontext
def bench_command(
    scenarios: list[Scenario],
    as_json: bool,
    runs: int,
    warmup: int,
    python_heap: bool,
    persona_kind: str,
) -> None:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    table = _Table()
    try:
        run(
            app,
            scenarios,
            personas_for(persona_kind),
            runs=runs,
            warmup=warmup,
            python_heap=python_heap,
            report=_print_json if as_json else table.print,
        )
    except BenchError as problem:
        raise click.ClickException(str(problem)) from None


def _print_json(result: Result) -> None:
    click.echo(json.dumps(result.as_dict(), sort_keys=False))


# The table --------------------------------------------------------------------------------

_COLUMNS = (
    ("scenario", 20, "<"),
    ("median", 8, ">"),
    ("p95", 8, ">"),
    ("sql", 4, ">"),
    ("floor", 7, ">"),
    ("ratio", 6, ">"),
    ("rss MiB", 8, ">"),
    ("py MiB", 7, ">"),
    ("target", 34, "<"),
    ("result", 0, "<"),
)
_SHORT = {
    "median_ms": "median",
    "p95_ms": "p95",
    "statements": "sql",
    "ratio": "ratio",
    "peak_rss_mib": "rss",
    "rss_growth_pct": "growth%",
}


def _number(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _line(cells: list[str]) -> str:
    return "  ".join(
        f"{cell:{align}{width}}" for cell, (_, width, align) in zip(cells, _COLUMNS, strict=True)
    ).rstrip()


class _Table:
    def __init__(self) -> None:
        self.started = False

    def print(self, result: Result) -> None:
        if not self.started:
            click.echo(
                f"{result.backend}, {result.staff} staff ({result.personas} personas); "
                f"{result.runs} timed runs after {result.warmup} warm-up; times in ms; "
                f"rss: peak per {result.peak_rss_scope}; py: Python heap (tracemalloc)"
            )
            click.echo(_line([name for name, _, _ in _COLUMNS]))
            self.started = True
        target = " ".join(f"{_SHORT[key]}<={limit:g}" for key, limit in result.target.items())
        if result.met is None:
            verdict = "-"
        elif result.met:
            verdict = "PASS"
        else:
            verdict = "MISS " + ",".join(_SHORT[key] for key in result.missed)
        extra = ""
        if result.rss_growth_pct is not None:
            extra = f" (growth {result.rss_growth_pct:+.1f}% over {result.growth_renders})"
        click.echo(
            _line(
                [
                    result.scenario,
                    _number(result.median_ms),
                    _number(result.p95_ms),
                    str(result.statements),
                    _number(result.floor_ms),
                    _number(result.ratio),
                    _number(result.peak_rss_mib),
                    _number(result.python_peak_mib),
                    target or "-",
                    verdict + extra,
                ]
            )
        )
