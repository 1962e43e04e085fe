"""The pure parts of `make bench` (bench/report.py, bench/raw.py on SQLite, the load generator's
workload, the options): fast, no server, no PostgreSQL, and no assertion about how fast anything is."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from bench.http_load import Workload
from bench.raw import sqlite_raw_limits
from bench.report import (
    flat_across,
    is_flat,
    latency_summary,
    percentile,
    render_table,
    results_path,
    table_rows,
    write_results,
)
from bench.run import parse_args


def test_percentile_interpolates_between_closest_ranks() -> None:
    assert percentile([1, 2, 3, 4], 50) == 2.5
    assert percentile([4, 1, 3, 2], 0) == 1
    assert percentile([4, 1, 3, 2], 100) == 4
    assert percentile(range(1, 101), 99) == pytest.approx(99.01)
    assert percentile([7], 99) == 7
    assert percentile([], 50) is None
    with pytest.raises(ValueError):
        percentile([1], 101)


def test_latency_summary_is_in_milliseconds() -> None:
    s = latency_summary([0.001, 0.002, 0.003])
    assert s["count"] == 3
    assert s["p50_ms"] == 2.0
    assert s["max_ms"] == 3.0
    assert latency_summary([])["p99_ms"] is None


def test_memory_flatness() -> None:
    assert is_flat([40, 50, 52, 52, 53, 53]) is True
    assert is_flat([40, 50, 60, 90, 120, 150]) is False
    assert is_flat([40, 50]) is None
    assert flat_across({100_000: 52, 1_000_000: 55}) is True
    assert flat_across({100_000: 52, 1_000_000: 400}) is False
    assert flat_across({100_000: 52}) is None


RESULTS = {
    "backends": {
        "postgresql": {
            "raw": {"insert1_rows_s": 2800.0, "insert1_8conn_rows_s": 7400.0, "batch100_rows_s": 48000.0,
                    "copy_rows_s": 295000.0, "read_rows_s": 230000.0},
            "sizes": {
                "1000000": {
                    "import": {"events_s": 60000.0, "seconds": 16.7, "check_events_s": 300000.0},
                    "rebuild": {"events_s": 40000.0, "seconds": 25.0, "rss_samples_mb": [40, 50, 51, 51, 52],
                                "peak_rss_mb": 52},
                    "reads": {"heads": 1000, "scorecard": {"count": 10, "p50_ms": 3.0, "p99_ms": 8.0, "max_ms": 9.0},
                              "ranking": {"count": 5, "p50_ms": 40.0, "p99_ms": 70.0, "max_ms": 70.0},
                              "verify": {"checked": 10, "events_s": 250000.0, "ok": True}},
                    "http": {"closed": {"rate": 3500.0, "clients": 32, "errors": 0, "ok": 70000,
                                        "latency": {"p50_ms": 8.0, "p99_ms": 30.0}},
                             "open": {"target_rate": 200, "rate": 200.0, "errors": 0,
                                      "latency": {"p50_ms": 5.0, "p99_ms": 20.0, "max_ms": 30.0},
                                      "lag": {"count": 100, "p50_ms": 20.0, "p99_ms": 250.0}},
                             "soak": {"error": "RuntimeError: boom"}},
                },
                "100000": {"rebuild": {"events_s": 60000.0, "seconds": 1.7, "peak_rss_mb": 50}},
            },
        },
    },
}


def test_table_puts_each_figure_beside_its_bar() -> None:
    rows = {r.figure: r for r in table_rows(RESULTS) if r.events in ("1M", "all")}
    assert {r.verdict for r in table_rows(RESULTS) if r.events == "100k"} == {"ok"}
    assert rows["bulk import (tracker import)"].verdict == "ok"
    assert rows["projection rebuild"].verdict == "MISS"
    assert rows["one scorecard (ReadModel)"].verdict == "ok"
    assert rows["city ranking, all heads (1000)"].verdict == "MISS"
    assert rows["verify (hash chain)"].verdict == "ok"
    closed = rows["HTTP commands, 32 clients (closed loop)"]
    assert closed.ratio == "1.25×" and closed.verdict == "ok"
    assert rows["live projection lag (ack → read models at its position)"].verdict == "MISS"
    assert rows["sustained mixed load"].verdict == "ERROR"
    assert rows["rebuild peak RSS by size (MB)"].verdict == "ok"
    table = render_table(table_rows(RESULTS))
    lines = table.splitlines()
    assert lines[0].startswith("| backend") and set(lines[1]) <= {"|", "-", ":"}
    assert len({line.count("|") for line in lines}) == 1  # every row has every column


def test_results_are_written_without_clobbering(tmp_path: Path) -> None:
    first = results_path(tmp_path, date(2026, 11, 29))
    assert first.name == "2026-11-29.json"
    write_results(first, RESULTS)
    second = results_path(tmp_path, date(2026, 11, 29))
    assert second.name == "2026-11-29-2.json"
    assert results_path(tmp_path, date(2026, 11, 29), quick=True).name == "2026-11-29-quick.json"
    data = json.loads(first.read_text())
    assert data["backends"]["postgresql"]["raw"]["copy_rows_s"] == 295000.0
    assert "| backend" in data["table"] and data["rows"]


def test_sqlite_raw_limits_measure_every_figure(tmp_path: Path) -> None:
    out = sqlite_raw_limits(tmp_path / "raw.db", seconds=0.05, copy_rows=300, max_ops=20)
    for key in ("insert1_rows_s", "batch100_rows_s", "copy_rows_s", "read_rows_s"):
        assert out[key] > 0
    assert out["read_rows"] >= 300
    assert not list(tmp_path.iterdir())  # the scratch file is removed


def test_workload_never_sends_two_commands_to_one_aggregate_and_always_changes_kpi_figures() -> None:
    figures = {"documentsIssued": 10, "conferencesTotal": 3}
    plan = {"inspections": ["i1", "i2"], "tasks": ["t1"],
            "kpi": [{"report_key": "k1", "unit_id": "u1", "period": "2025", "figures": figures}]}
    w = Workload(plan, salt=100)
    seen = []
    for _ in range(4):
        req = w.next_write()
        assert req is not None and req.aggregate not in seen
        seen.append(req.aggregate)
        w.busy.add(req.aggregate)
    assert w.next_write() is None  # everything is in flight
    w.busy.clear()
    issued = set()
    for _ in range(20):
        req = w.next_write()
        if req.kind == "kpi":
            issued.add(json.loads(req.body)["figures"]["documentsIssued"])
    assert issued and min(issued) > 110 and len(issued) == len(set(issued))


def test_quick_options() -> None:
    args = parse_args(["--quick", "--backends", "sqlite"])
    assert args.sizes == [20_000] and args.backends == ["sqlite"] and args.http_sizes == [20_000]
    args = parse_args(["--sizes", "100000,1000000"])
    assert args.http_sizes == [1_000_000] and args.soak_minutes == 3.0


def test_at_most_one_ranking_is_in_flight() -> None:
    w = Workload({"heads": ["h1"], "inspections": ["i1"]}, seed=3)
    sent = []
    for _ in range(1000):
        req = w.next_read()
        sent.append(req)
        if req.aggregate:
            w.busy.add(req.aggregate)
    assert sum(r.kind == "ranking" for r in sent) <= 1
    w.busy.clear()
    assert any(w.next_read().kind == "ranking" for _ in range(1000))
