"""The load test runner's pure parts: durations, locust's CSV statistics, the summary."""

from __future__ import annotations

import pytest

from wfld.bench import load

STATS_CSV = """\
Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,\
Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,\
50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%
GET,home,600,0,40,52.5,8,420,7493.0,10.0,0.0,40,50,60,70,90,120,160,210,400,420,420
POST,book a session,120,3,60,70.1,20,900,0.0,2.0,0.05,60,70,80,90,110,150,300,700,900,900,900
GET,team compliance,0,0,0,0.0,0,0,0.0,0.0,0.0,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A
,Aggregated,720,3,42,55.4,8,900,6244.0,120.5,0.05,42,52,62,72,95,130,170,250,800,900,900
"""

FAILURES_CSV = """\
Method,Name,Error,Occurrences,First Seen,Last Seen
POST,book a session,CatchResponseError('HTTP 500'),2,1.0,2.0
POST,book a session,CatchResponseError('database is locked'),1,1.0,2.0
GET,home,"CatchResponseError(""session lost: the sign-in page"")",4,1.0,2.0
"""


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("60", 60), ("60s", 60), ("2m", 120), ("1m30s", 90), ("1h", 3600), ("1h2m3s", 3723)],
)
def test_durations_are_read_like_locust(text: str, seconds: int) -> None:
    assert load.parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "60x", "m"])
def test_a_duration_that_is_not_one_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="not a duration"):
        load.parse_duration(text)


def test_stats_give_one_row_per_page_and_the_aggregate() -> None:
    rows, total = load.read_stats(STATS_CSV)

    assert [(r.method, r.name) for r in rows] == [
        ("GET", "home"),
        ("POST", "book a session"),
        ("GET", "team compliance"),
    ]
    assert (total.requests, total.failures, total.rps) == (720, 3, 120.5)
    assert (total.p50_ms, total.p95_ms, total.p99_ms, total.max_ms) == (42, 130, 250, 900)
    assert rows[2].p95_ms == 0  # "N/A": a page that was never requested


def test_stats_without_the_aggregate_row_are_refused() -> None:
    header = STATS_CSV.splitlines()[0]
    with pytest.raises(ValueError, match="Aggregated"):
        load.read_stats(header + "\n")


def test_failures_are_counted_by_the_kind_the_locustfile_gave() -> None:
    failures = load.read_failures(FAILURES_CSV)

    assert load.failures_by_kind(failures) == {
        "session lost: the sign-in page": 4,
        "HTTP 500": 2,
        "database is locked": 1,
    }
    assert load.count_server_errors(failures) == 2
    assert load.count_locked(failures, "x database is locked y\ndatabase is locked") == (1, 2)


def test_resident_memory_is_read_from_proc_status() -> None:
    status = "Name:\tgunicorn\nVmHWM:\t  190000 kB\nVmRSS:\t  150528 kB\n"
    assert load.vmrss_kib(status) == 150528
    assert load.vmrss_kib(status, "VmHWM") == 190000
    assert load.vmrss_kib("Name:\tkthreadd\n") is None


def test_busy_cpu_leaves_out_idle_and_iowait() -> None:
    ticks = load.os.sysconf("SC_CLK_TCK")
    line = f"cpu  {ticks * 3} 0 {ticks} {ticks * 50} {ticks * 2} 0 0 0 0 0\ncpu0 1 2 3\n"
    assert load.system_busy_seconds(line) == 4


def _outcome(**changes) -> load.Outcome:  # noqa: ANN003
    rows, total = load.read_stats(STATS_CSV)
    values = {
        "total": total,
        "rows": rows,
        "failures": [],
        "server_log_errors": 0,
        "locked_in_log": 0,
        "workers_rss_mib": {101: 140.0, 102: 148.5},
        "workers_now_mib": {101: 120.0, 102: 131.0},
        "consumer_peak_rss_mib": 180.0,
    }
    values.update(changes)
    return load.Outcome(**values)


def test_the_summary_checks_each_target() -> None:
    passed = {v.label: v.ok for v in load.verdicts(_outcome())}
    assert passed == {
        "throughput": True,
        "p95": True,
        "p99": True,
        "errors": False,  # the aggregate row has 3 failures
        '"database is locked"': True,
        "worker peak RSS": True,
    }


def test_locks_in_the_server_log_and_big_workers_are_misses() -> None:
    outcome = _outcome(locked_in_log=1, workers_rss_mib={101: 150.5}, server_log_errors=1)
    missed = {v.label for v in load.verdicts(outcome) if not v.ok}
    assert missed == {"errors", '"database is locked"', "worker peak RSS"}


def test_no_worker_measured_is_a_miss_not_a_pass() -> None:
    verdict = load.verdicts(_outcome(workers_rss_mib={}))[-1]
    assert (verdict.label, verdict.ok) == ("worker peak RSS", False)


def test_the_report_prints_figures_pages_failures_memory_and_verdicts() -> None:
    failures = load.read_failures(FAILURES_CSV)
    report = load.format_report(_outcome(failures=failures), heading=["== heading =="])

    assert report.startswith("== heading ==")
    assert "throughput: 120.5 req/s" in report
    assert "p50 42 ms   p95 130 ms   p99 250 ms" in report
    assert "GET home" in report and "POST book a session" in report
    assert "     4  session lost: the sign-in page" in report
    assert "5xx responses: 2" in report
    assert '"database is locked": 1 in responses, 0 in the server log' in report
    assert "worker 102: peak 148.5 MiB (now 131.0)" in report
    assert "jobs consumer (PDFs): peak 180.0 MiB (not judged)" in report
    assert "PASS  throughput" in report
    assert "MISS  errors" in report


@pytest.mark.parametrize(
    ("users", "managers", "viewers", "mix"),
    [
        (8, 1, 1, (6, 1, 1)),
        (8, 0, 0, (8, 0, 0)),
        (2, 1, 1, (1, 1, 0)),
        (1, 1, 1, (1, 0, 0)),
        (3, 5, 5, (1, 2, 0)),
    ],
)
def test_the_user_mix_always_keeps_a_social_worker(
    users: int, managers: int, viewers: int, mix: tuple[int, int, int]
) -> None:
    got = load.user_mix(users, managers, viewers)
    assert (got["practitioners"], got["line_managers"], got["service_viewers"]) == mix
