"""The pure part of `make bench`: percentiles, the quality bars of DESIGN.md §9, the table, the JSON file.

Nothing here touches a database or a server, so tests can call it directly
(`tests/test_bench_quick.py`).

The results of one run are one nested dict (what goes into `bench/results/<date>.json`):

    {"started": "...", "options": {...}, "host": {...}, "errors": [...],
     "backends": {"postgresql": {"raw": {...},
                                 "sizes": {"100000": {"import": {...}, "rebuild": {...},
                                                      "reads": {...}, "http": {...}}}}},
     "table": "<the rendered table>", "rows": [...]}

`table_rows` turns it into rows of (backend, events, figure, value, bar, ratio, verdict).
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

# -- numbers ---------------------------------------------------------------------------------------


def percentile(values: Iterable[float], q: float) -> float | None:
    """The q-th percentile (0–100) with linear interpolation between closest ranks (numpy's default).

    None for no values. percentile([1, 2, 3, 4], 50) == 2.5; percentile(x, 100) == max(x).
    """
    data = sorted(values)
    if not data:
        return None
    if not 0 <= q <= 100:
        raise ValueError(f"percentile must be within 0..100, not {q}")
    if len(data) == 1:
        return float(data[0])
    rank = (len(data) - 1) * q / 100
    low = math.floor(rank)
    high = min(low + 1, len(data) - 1)
    return float(data[low] + (data[high] - data[low]) * (rank - low))


def latency_summary(seconds: Sequence[float]) -> dict[str, Any]:
    """Count, mean, p50, p90, p99 and max of latencies given in seconds, in milliseconds."""
    if not seconds:
        return {"count": 0, "mean_ms": None, "p50_ms": None, "p90_ms": None, "p99_ms": None, "max_ms": None}

    def ms(v: float | None) -> float | None:
        return None if v is None else round(v * 1000, 3)

    return {"count": len(seconds), "mean_ms": ms(sum(seconds) / len(seconds)),
            "p50_ms": ms(percentile(seconds, 50)), "p90_ms": ms(percentile(seconds, 90)),
            "p99_ms": ms(percentile(seconds, 99)), "max_ms": ms(max(seconds))}


def per_second(count: float, seconds: float) -> float | None:
    return count / seconds if seconds and seconds > 0 else None


def is_flat(samples_mb: Sequence[float], tolerance: float = 0.15, slack_mb: float = 16.0) -> bool | None:
    """Is memory flat through a rebuild? Over the second half of the samples, RSS may not grow by more
    than `tolerance` of the middle sample or `slack_mb`, whichever is larger (the first half is the
    process warming up: a batch's rows, caches, the allocator). None with fewer than 3 samples."""
    if len(samples_mb) < 3:
        return None
    middle = len(samples_mb) // 2
    base = samples_mb[middle]
    return max(samples_mb[middle:]) - base <= max(base * tolerance, slack_mb)


def flat_across(peaks_mb: dict[int, float], tolerance: float = 0.25, slack_mb: float = 16.0) -> bool | None:
    """Memory flat in the number of events: the peak at the largest size is within `tolerance` (or
    `slack_mb`) of the peak at the smallest. None with fewer than two sizes."""
    if len(peaks_mb) < 2:
        return None
    small, large = peaks_mb[min(peaks_mb)], peaks_mb[max(peaks_mb)]
    return large - small <= max(small * tolerance, slack_mb)


# -- formatting ------------------------------------------------------------------------------------


def fmt_rate(v: float | None) -> str:
    return "–" if v is None else f"{v:,.0f}/s"


def fmt_ms(v: float | None) -> str:
    if v is None:
        return "–"
    return f"{v:.1f}" if v < 100 else f"{v:,.0f}"


def fmt_events(n: int | str | None) -> str:
    if n is None or n == "":
        return "–"
    n = int(n)
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n >= 1000 and n % 1000 == 0:
        return f"{n // 1000}k"
    return f"{n:,}"


def _get(d: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(d, dict) or key not in d:
            return None
        d = d[key]
    return d


# -- the bars (DESIGN.md §9) -----------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    backend: str
    events: str  # "–" for the raw limits, else the store's size
    figure: str
    value: str
    bar: str = ""
    ratio: str = ""
    verdict: str = ""  # ok | MISS | (ok) | (miss) when the bar is set for another backend or size | ERROR
    note: str = ""


def verdict(passed: bool | None, applies: bool = True) -> str:
    if passed is None:
        return ""
    word = "ok" if passed else "MISS"
    return word if applies else f"({word.lower()})"


RAW_FIGURES = (  # key in results["backends"][b]["raw"], label
    ("insert1_rows_s", "raw: 1 INSERT per transaction, 1 connection"),
    ("insert1_8conn_rows_s", "raw: 1 INSERT per transaction, 8 connections"),
    ("batch100_rows_s", "raw: 100-row batches (executemany, 1 transaction each)"),
    ("copy_rows_s", "raw: COPY (PostgreSQL) / one-transaction bulk insert (SQLite)"),
    ("read_rows_s", "raw: ordered read, SELECT … ORDER BY id in pages of 1,000"),
)

BIG = 1_000_000  # the size several bars are set at


def table_rows(results: dict[str, Any]) -> list[Row]:
    """Every figure of a run beside its bar, with the ratio to the raw limit where the bar says so."""
    rows: list[Row] = []
    for backend, b in (results.get("backends") or {}).items():
        pg = backend == "postgresql"
        raw = b.get("raw") or {}
        if raw.get("error"):
            rows.append(Row(backend, "–", "raw limits", "–", verdict="ERROR", note=raw["error"]))
        for key, label in RAW_FIGURES:
            if raw.get(key) is not None:
                note = ""
                if key == "insert1_rows_s" and raw.get("synchronous"):
                    note = f"synchronous={raw['synchronous']}, journal_mode={raw.get('journal_mode', '?')}"
                rows.append(Row(backend, "–", label, fmt_rate(raw[key]), note=note))
        insert1 = raw.get("insert1_rows_s")
        for size, s in (b.get("sizes") or {}).items():
            rows.extend(_size_rows(backend, int(size), s, pg, insert1))
        peaks = {int(size): s["rebuild"]["peak_rss_mb"] for size, s in (b.get("sizes") or {}).items()
                 if isinstance(s.get("rebuild"), dict) and s["rebuild"].get("peak_rss_mb")}
        if len(peaks) >= 2:
            rows.append(Row(backend, "all", "rebuild peak RSS by size (MB)",
                            ", ".join(f"{fmt_events(n)}: {mb:.0f}" for n, mb in sorted(peaks.items())),
                            "flat in the number of events", "", verdict(flat_across(peaks)),
                            "largest within 25% (or 16 MB) of the smallest"))
    return rows


def _error_row(backend: str, ev: str, figure: str, part: Any) -> Row | None:
    if isinstance(part, dict) and part.get("error"):
        return Row(backend, ev, figure, "–", verdict="ERROR", note=str(part["error"])[:200])
    return None


def _size_rows(backend: str, size: int, s: dict[str, Any], pg: bool, insert1: float | None) -> list[Row]:
    rows: list[Row] = []
    ev = fmt_events(size)
    big = size >= BIG

    def add_error(figure: str, key: str) -> bool:
        row = _error_row(backend, ev, figure, s.get(key))
        if row:
            rows.append(row)
        return row is not None

    if _get(s, "dataset", "error"):
        add_error("dataset (generate + export)", "dataset")
    # 2. bulk import
    if not add_error("bulk import", "import") and s.get("import"):
        imp = s["import"]
        rate = imp.get("events_s")
        phases = ", ".join(f"{name} {fmt_rate(imp.get(f'{name}_events_s'))}"
                           for name in ("check", "write", "project") if imp.get(f"{name}_events_s"))
        rows.append(Row(backend, ev, "bulk import (tracker import)", fmt_rate(rate), "≥ 50,000/s", "",
                        verdict(None if rate is None else rate >= 50_000),
                        f"{imp.get('seconds', 0):.1f} s; phases: {phases}"))
    # 3. rebuild
    if not add_error("projection rebuild", "rebuild") and s.get("rebuild"):
        r = s["rebuild"]
        rate = r.get("events_s")
        note = f"{r.get('seconds', 0):.1f} s"
        if r.get("read_decode_events_s"):
            note += f"; read+decode ceiling {fmt_rate(r['read_decode_events_s'])}"
        if big and r.get("seconds") is not None:
            note += f"; 1M bar: < 20 s ({'ok' if r['seconds'] < 20 else 'MISS'})"
        if r.get("note"):
            note += "; no per-view breakdown (see JSON)"
        rows.append(Row(backend, ev, "projection rebuild", fmt_rate(rate), "≥ 50,000/s (PostgreSQL)", "",
                        verdict(None if rate is None else rate >= 50_000, pg), note))
        samples = r.get("rss_samples_mb") or []
        if samples:
            flat = is_flat(samples)
            rows.append(Row(backend, ev, "rebuild RSS from start to end (MB)",
                            " ".join(f"{x:.0f}" for x in samples), "flat", "", verdict(flat),
                            f"peak {r.get('peak_rss_mb', 0):.0f} MB; flat = the second half grows ≤ 15% or 16 MB"))
    # 4. reads
    if not add_error("reads", "reads") and s.get("reads"):
        rd = s["reads"]
        heads = rd.get("heads")

        def lat(key: str, label: str, bar: str, limit: float, applies: bool = True, use: str = "p99_ms") -> None:
            m = rd.get(key)
            if not m:
                return
            worst = m.get(use)
            note = f"n={m.get('count')}, max {fmt_ms(m.get('max_ms'))} ms"
            if m.get("errors"):
                note += f", {m['errors']} errors"
            rows.append(Row(backend, ev, label, f"p50 {fmt_ms(m.get('p50_ms'))} / p99 {fmt_ms(m.get('p99_ms'))} ms",
                            bar, "", verdict(None if worst is None else worst < limit, applies), note))

        lat("scorecard", "one scorecard (ReadModel)", "p99 < 10 ms", 10)
        lat("ranking", f"city ranking, all heads ({heads if heads is not None else '?'})",
            "p99 < 50 ms (1M events, ~1,000 heads)", 50, big)
        lat("case_as_of", "a case asOf a past position/time", "< 100 ms (p99)", 100)
        lat("scorecard_as_of", "a scorecard asOf a past position/time", "< 100 ms (p99)", 100)
        v = rd.get("verify") or {}
        if v:
            rate = v.get("events_s")
            rows.append(Row(backend, ev, "verify (hash chain)", fmt_rate(rate), "≥ 200,000/s", "",
                            verdict(None if rate is None else rate >= 200_000 and v.get("ok", True)),
                            f"{v.get('checked', 0):,} events, {'intact' if v.get('ok', True) else 'MISMATCH'}"))
    # 5–7. HTTP
    http = s.get("http")
    if http:
        if http.get("error"):
            rows.append(Row(backend, ev, "HTTP steps", "–", verdict="ERROR", note=str(http["error"])[:200]))
        closed = http.get("closed") or {}
        if closed.get("error"):
            rows.append(Row(backend, ev, "HTTP commands, 32 clients", "–", verdict="ERROR", note=closed["error"][:200]))
        elif closed:
            rate = closed.get("rate")
            ratio = rate / insert1 if rate is not None and insert1 else None
            lat_ = closed.get("latency") or {}
            rows.append(Row(backend, ev, f"HTTP commands, {closed.get('clients', 32)} clients (closed loop)",
                            fmt_rate(rate), "≥ 1.0× raw 1-INSERT/transaction",
                            "–" if ratio is None else f"{ratio:.2f}×",
                            verdict(None if ratio is None else ratio >= 1.0 and not closed.get("errors"), pg),
                            f"p50 {fmt_ms(lat_.get('p50_ms'))} / p99 {fmt_ms(lat_.get('p99_ms'))} ms, "
                            f"{closed.get('ok', 0):,} ok, {closed.get('errors', 0)} errors"
                            + _client_cpu(closed)))
        opened = http.get("open") or {}
        if opened.get("error"):
            rows.append(Row(backend, ev, "HTTP open loop", "–", verdict="ERROR", note=opened["error"][:200]))
        elif opened:
            lat_ = opened.get("latency") or {}
            p99 = lat_.get("p99_ms")
            rows.append(Row(backend, ev, f"HTTP commands at {opened.get('target_rate', 200):g}/s (open loop)",
                            f"p50 {fmt_ms(lat_.get('p50_ms'))} / p99 {fmt_ms(p99)} ms", "p99 < 50 ms", "",
                            verdict(None if p99 is None else p99 < 50 and not opened.get("errors")),
                            f"answered {fmt_rate(opened.get('rate'))}, {opened.get('errors', 0)} errors, "
                            f"max {fmt_ms(lat_.get('max_ms'))} ms"
                            + (f", {opened['skipped']:,} not sent (every aggregate busy)" if opened.get("skipped") else "")))
            lag = opened.get("lag") or {}
            if lag.get("error"):
                rows.append(Row(backend, ev, "live projection lag", "–", verdict="ERROR", note=lag["error"][:200]))
            elif lag:
                p99 = lag.get("p99_ms")
                rows.append(Row(backend, ev, "live projection lag (ack → read models at its position)",
                                f"p50 {fmt_ms(lag.get('p50_ms'))} / p99 {fmt_ms(p99)} ms", "p99 < 200 ms", "",
                                verdict(None if p99 is None else p99 < 200 and not lag.get("unresolved")),
                                f"n={lag.get('count', 0)}, {lag.get('unresolved', 0)} not reached, "
                                f"{lag.get('already', 0)} already there at the first look"))
        soak = http.get("soak") or {}
        if soak.get("error"):
            rows.append(Row(backend, ev, "sustained mixed load", "–", verdict="ERROR", note=soak["error"][:200]))
        elif soak:
            lat_ = soak.get("latency") or {}
            errors = soak.get("errors", 0)
            rows.append(Row(backend, ev, f"sustained mixed load, {soak.get('seconds', 0) / 60:g} min at "
                                         f"{soak.get('target_rate', 0):g}/s",
                            f"{soak.get('requests', 0):,} requests, {errors} errors", "0 errors", "",
                            verdict(errors == 0),
                            f"p50 {fmt_ms(lat_.get('p50_ms'))} / p99 {fmt_ms(lat_.get('p99_ms'))} ms; "
                            f"writes {soak.get('writes', 0):,}"))
    return rows


def _client_cpu(part: dict[str, Any]) -> str:
    cpu, seconds = part.get("client_cpu_s"), part.get("seconds")
    if not cpu or not seconds:
        return ""
    return f"; load generator CPU {cpu / (seconds + (part.get('warmup_s') or 0)):.0%} of a core"


def _cell(value: Any, width: int = 140) -> str:
    text = str(value).replace("|", "\\|").replace("\n", " ")
    return text if len(text) <= width else text[:width - 1] + "…"


HEADERS = ("backend", "events", "figure", "value", "bar", "ratio", "verdict", "note")


def render_table(rows: Sequence[Row], *, notes: bool = True) -> str:
    """A Markdown table (readable as plain text, pasteable into bench/README.md)."""
    headers = HEADERS if notes else HEADERS[:-1]
    cells = [[_cell(v) for v in asdict(r).values()][:len(headers)] for r in rows]
    widths = [max([len(h), *(len(c[i]) for c in cells)]) for i, h in enumerate(headers)]
    right = {"value", "ratio"}

    def line(values: Sequence[str]) -> str:
        return "| " + " | ".join(v.rjust(w) if h in right else v.ljust(w)
                                 for v, w, h in zip(values, widths, headers)) + " |"

    sep = "|" + "|".join(("-" * (w + 1) + ":") if h in right else "-" * (w + 2)
                         for w, h in zip(widths, headers)) + "|"
    return "\n".join([line(headers), sep, *(line(c) for c in cells)])


# -- the JSON file ---------------------------------------------------------------------------------


def results_path(directory: Path, day: date | None = None, *, quick: bool = False) -> Path:
    """`<dir>/<YYYY-MM-DD>.json` (`…-quick.json` for --quick); never an existing file: `-2`, `-3`, …"""
    stem = (day or date.today()).isoformat() + ("-quick" if quick else "")
    path = directory / f"{stem}.json"
    n = 2
    while path.exists():
        path = directory / f"{stem}-{n}.json"
        n += 1
    return path


def write_results(path: Path, results: dict[str, Any], *, render: Callable[[dict[str, Any]], str] | None = None) -> Path:
    """Write the results (with the table rows and the rendered table) atomically; return the path."""
    rows = table_rows(results)
    out = {**results, "rows": [asdict(r) for r in rows],
           "table": (render or (lambda res: render_table(table_rows(res))))(results)}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(out, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path
