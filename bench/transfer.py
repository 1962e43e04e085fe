"""How fast are `tracker export` and `tracker import`? On SQLite and PostgreSQL, both ways round.

    .venv/bin/python -m bench.transfer                        # 100k events, both backends
    .venv/bin/python -m bench.transfer --events 20000 --backends sqlite

For each source backend a new store is generated (`bench.generate`) and its read models and chain
brought up to date (not timed as export); the export is written to a file (timed: events/s); then
the file is imported into a new, empty store on each backend (timed as a whole and per phase:
check, write, build the read models and chain), and the imported chain head is compared with the
source's. PostgreSQL stores live in new databases on `--pg-url`'s server, dropped at the end.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):
    sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402

from bench.generate import generate  # noqa: E402
from tracker.bootstrap import Tracker  # noqa: E402
from projections.export import export_header, export_pages  # noqa: E402
from tracker.transfer import import_file  # noqa: E402

DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


@contextmanager
def new_store(kind: str, pg_url: str, directory: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{directory / f'{uuid.uuid4().hex[:8]}.db'}"
        return
    name = f"bench_transfer_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(pg_url)
    try:
        yield urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))
    finally:
        with psycopg.connect(pg_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    args = parser.parse_args()
    backends = args.backends.split(",")
    with tempfile.TemporaryDirectory(prefix="bench-transfer-") as tmp:
        directory = Path(tmp)
        for source_kind in backends:
            with new_store(source_kind, args.pg_url, directory) as source_url:
                with Tracker(source_url) as source:
                    started = time.perf_counter()
                    generate(source.store, args.events)
                    generated = time.perf_counter() - started
                    started = time.perf_counter()
                    source.projector.catch_up()
                    projected = time.perf_counter() - started
                    n = source.store.position()
                    print(f"{source_kind}: {n:,} events generated in {generated:.1f} s, read models and "
                          f"chain built in {projected:.1f} s ({n / projected:,.0f} events/s)", flush=True)
                    file = directory / f"{source_kind}.ndjson"
                    started = time.perf_counter()
                    header = export_header(source, catch_up=False)
                    with open(file, "wb") as out:
                        for chunk in export_pages(source, header):
                            out.write(chunk)
                    elapsed = time.perf_counter() - started
                    print(f"  export {header.count:,} events, {file.stat().st_size / 2**20:.1f} MiB: "
                          f"{elapsed:.2f} s = {header.count / elapsed:,.0f} events/s", flush=True)
                for target_kind in backends:
                    with new_store(target_kind, args.pg_url, directory) as target_url, Tracker(target_url) as target:
                        with open(file, "rb") as f:
                            result = import_file(target, f)
                        assert result.head == header.head, (result.head, header.head)
                        c = result.count
                        print(f"  import into {target_kind}: {result.seconds:.2f} s = {c / result.seconds:,.0f} "
                              f"events/s (check {c / result.check_seconds:,.0f}/s, write "
                              f"{c / result.write_seconds:,.0f}/s, read models + chain "
                              f"{c / result.project_seconds:,.0f}/s); head matches", flush=True)


if __name__ == "__main__":
    main()
