"""The benchmark's dataset: N generated events as an NDJSON export, made once and cached.

    .venv/bin/python -m bench.dataset --events 20000            # prints the cached file's path

The file is `var/bench/cache/export-<events>-seed<seed>-u<units>-o<officials>.ndjson` (with a
`.json` beside it: the export header and the generator's figures). To make it, `bench.generate`
writes the events into a scratch SQLite store, only the hash chain is sealed (the export carries
each event's chain digest; the other read models are not needed), and `tracker.transfer`'s
`export_header`/`export_pages` write the file — what `tracker export` writes. The scratch store is
then deleted. `--refresh` makes it again.

Units and officials: `units_for(events)` gives one unit per 1,000 events (at least 10, at most
1,000: the 1M store has ~1,000 heads in the city ranking); officials are the generator's default
(events / 100, at least 4 per unit).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):
    sys.path.insert(0, str(ROOT))

CACHE = ROOT / "var" / "bench" / "cache"
DEFAULT_SEED = 2026


def units_for(events: int) -> int:
    return max(10, min(1000, events // 1000))


def officials_for(events: int, units: int) -> int:
    return max(4 * units, events // 100)


def cache_paths(events: int, seed: int, units: int, officials: int, cache: Path = CACHE) -> tuple[Path, Path]:
    stem = f"export-{events}-seed{seed}-u{units}-o{officials}"
    return cache / f"{stem}.ndjson", cache / f"{stem}.json"


def make_export(events: int, seed: int, units: int, officials: int, out: Path, meta: Path,
                scratch: Path) -> dict[str, Any]:
    """Generate into a scratch SQLite store, seal the chain, export to `out`; return the figures."""
    from bench.generate import generate
    from projections.chain import ChainView
    from projections.runner import Projector
    from tracker.bootstrap import Tracker
    from projections.export import export_header, export_pages

    scratch.mkdir(parents=True, exist_ok=True)
    db = scratch / f"generate-{events}-{seed}-{os.getpid()}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    figures: dict[str, Any] = {"events": events, "seed": seed, "units": units, "officials": officials}
    try:
        with Tracker(f"sqlite:///{db}") as tracker:
            result = generate(tracker.store, events, seed=seed, units=units, officials=officials)
            figures.update(generate_s=result.seconds, generated=result.events, aggregates=result.aggregates,
                           last_business_date=str(result.last_business_date))
            started = time.perf_counter()
            Projector(tracker.db, tracker.log, views=[ChainView()], batch_size=5000).catch_up()
            figures["seal_s"] = time.perf_counter() - started
            started = time.perf_counter()
            header = export_header(tracker, catch_up=False)
            tmp = out.with_name(out.name + f".{os.getpid()}.tmp")
            with open(tmp, "wb") as f:
                for chunk in export_pages(tracker, header):
                    f.write(chunk)
            os.replace(tmp, out)
            figures.update(export_s=time.perf_counter() - started, count=header.count, position=header.position,
                           head=header.head, bytes=out.stat().st_size)
        meta.write_text(json.dumps(figures, indent=2) + "\n")
        return figures
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)


def ensure_export(events: int, *, seed: int = DEFAULT_SEED, units: int | None = None, officials: int | None = None,
                  cache: Path = CACHE, refresh: bool = False) -> tuple[Path, dict[str, Any]]:
    """The cached export of this size and seed, made if missing; (path, figures)."""
    units = units or units_for(events)
    officials = officials or officials_for(events, units)
    out, meta = cache_paths(events, seed, units, officials, cache)
    if out.exists() and meta.exists() and not refresh:
        figures = json.loads(meta.read_text())
        figures["cached"] = True
        return out, figures
    cache.mkdir(parents=True, exist_ok=True)
    figures = make_export(events, seed, units, officials, out, meta, cache / "scratch")
    figures["cached"] = False
    return out, figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, required=True)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--units", type=int, default=None)
    parser.add_argument("--officials", type=int, default=None)
    parser.add_argument("--cache", type=Path, default=CACHE)
    parser.add_argument("--refresh", action="store_true")
    args = parser.parse_args(argv)
    path, figures = ensure_export(args.events, seed=args.seed, units=args.units, officials=args.officials,
                                  cache=args.cache, refresh=args.refresh)
    print(json.dumps({"path": str(path), **figures}))


if __name__ == "__main__":
    main()
