"""`flask bench` on a tiny synthetic council: the shape of its output, never its timings."""

from __future__ import annotations

import json

import pytest

from wfld.bench.scenarios import SCENARIOS

NUMBER = (int, float)
OPTIONAL_NUMBER = (int, float, type(None))
KEYS = {
    "scenario": str,
    "path": str,
    "persona": str,
    "runs": int,
    "warmup": int,
    "median_ms": NUMBER,
    "p95_ms": NUMBER,
    "min_ms": NUMBER,
    "max_ms": NUMBER,
    "statements": int,
    "write_statements": int,
    "floor_ms": OPTIONAL_NUMBER,
    "floor_statements": (int, type(None)),
    "ratio": OPTIONAL_NUMBER,
    "peak_rss_mib": NUMBER,
    "peak_rss_scope": str,
    "python_peak_mib": OPTIONAL_NUMBER,
    "rss_growth_pct": OPTIONAL_NUMBER,
    "growth_renders": (int, type(None)),
    "response_bytes": int,
    "target": dict,
    "met": (bool, type(None)),
    "missed": list,
    "backend": str,
    "staff": int,
    "personas": str,
}


@pytest.fixture
def runner(app):  # noqa: ANN001, ANN201
    """A CLI runner on a database holding the synthetic council at its smallest useful size."""
    cli = app.test_cli_runner()
    seeded = cli.invoke(args=["seed", "synthetic", "--staff", "50", "--seed", "1"])
    assert seeded.exit_code == 0, seeded.output
    return cli


def _lines(result) -> list[dict]:  # noqa: ANN001
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


@pytest.mark.committed  # seeding runs VACUUM on a connection of its own
def test_json_has_one_line_per_scenario_with_every_measure(runner, app):
    # Few runs and no tracemalloc keep the PDF (the heavy user's two years) quick enough.
    rows = _lines(
        runner.invoke(args=["bench", "--json", "--runs", "2", "--warmup", "0", "--no-python-heap"])
    )

    assert [row["scenario"] for row in rows] == [s.name for s in SCENARIOS]
    backend = app.config["SQLALCHEMY_DATABASE_URI"].split(":")[0].split("+")[0]
    for row, scenario in zip(rows, SCENARIOS, strict=True):
        assert set(row) == set(KEYS), row["scenario"]
        for key, kind in KEYS.items():
            assert isinstance(row[key], kind), (row["scenario"], key, row[key])
        assert row["path"] == scenario.path
        assert (row["runs"], row["warmup"]) == (2, 0)
        assert 0 < row["min_ms"] <= row["median_ms"] <= row["p95_ms"] <= row["max_ms"]
        assert row["statements"] > 0
        if scenario.job_from is None:
            assert row["write_statements"] == 0, "a GET page writes nothing"
        else:  # asking for a background job records it (and the job its progress)
            assert row["write_statements"] > 0, scenario.name
        assert row["response_bytes"] > 0
        assert row["peak_rss_mib"] > 0
        assert row["python_peak_mib"] is None
        assert row["backend"] == backend
        assert row["staff"] >= 50
        assert row["personas"] == "synthetic"
        assert row["target"] == scenario.target.limits()
        assert set(row["missed"]) <= set(row["target"])
        if not row["target"]:
            assert row["met"] is None
        else:
            assert row["met"] == (not row["missed"])
        if scenario.has_floor:
            assert row["floor_ms"] > 0
            assert 0 < row["floor_statements"] <= row["statements"]
            assert row["ratio"] > 0
        else:
            assert (row["floor_ms"], row["floor_statements"], row["ratio"]) == (None, None, None)
        if scenario.memory_growth:
            assert isinstance(row["rss_growth_pct"], NUMBER)
            assert row["growth_renders"] == 2
        else:
            assert (row["rss_growth_pct"], row["growth_renders"]) == (None, None)


@pytest.mark.committed  # seeding runs VACUUM on a connection of its own
def test_chosen_scenarios_only_and_the_table(runner):
    rows = _lines(runner.invoke(args=["bench", "--json", "--scenario", "my-cpd", "--runs", "2"]))
    assert [row["scenario"] for row in rows] == ["my-cpd"]
    assert rows[0]["python_peak_mib"] > 0
    assert rows[0]["floor_statements"] > 0

    table = runner.invoke(
        args=["bench", "--scenario", "catalogue,my-learning", "--runs", "2", "--warmup", "1"]
    )
    assert table.exit_code == 0, table.output
    lines = table.stdout.splitlines()
    assert lines[1].split()[:3] == ["scenario", "median", "p95"]
    # In the listed order, whatever order they were asked for.
    assert [line.split()[0] for line in lines[2:]] == ["my-learning", "catalogue"]
    assert lines[2].split()[-1] == "PASS" or " MISS " in lines[2], "my-learning has a target"
    assert lines[3].split()[-2:] == ["-", "-"], "the catalogue has none"


def test_an_unknown_scenario_is_refused_with_the_valid_names(app):
    result = app.test_cli_runner().invoke(args=["bench", "--scenario", "my-cpd,nope"])
    assert result.exit_code == 2
    assert "unknown scenario nope" in result.output
    assert "service-compliance" in result.output


def test_without_the_synthetic_council_it_says_how_to_load_it(app):
    result = app.test_cli_runner().invoke(args=["bench", "--scenario", "catalogue"])
    assert result.exit_code == 1
    assert "flask --app wsgi seed synthetic --staff 5000 --seed 42" in result.output
