"""Export and import of the whole log as NDJSON, with the hash chain's digests.

An export is one header line and then one line per event, in log order:

    {"format":"so-trach-nhiem/export","version":1,"count":N,"position":P,"head":"<hex>"}
    {"position":1,"originatorId":"…","originatorVersion":1,"topic":"…","state":"<base64>","digest":"<hex>"}
    …

`state` is the stored bytes of the event (base64) exactly as the store holds them, and `digest`
the sealed chain link at that position; `head` is the link of the last exported event (the
genesis link, 32 zero bytes, for an empty log). The export covers the log up to the last sealed
position (the projector is brought up to date first).

An import loads such a file into an *empty* store (SQLite or PostgreSQL, either way round). The
whole file is checked first — header, JSON, types, positions strictly increasing, every digest
recomputed from the previous link and the record, the count and the final head — and any problem
is refused with the line number and the reason, before anything is written. The events are then
written with their original positions (so the read models, which record positions, come out
identical) in one transaction, re-checking the chain as they go, and the read models and the
chain are built by the projector; the resulting chain head must equal the file's.
"""

from __future__ import annotations

import base64
import binascii
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any
from uuid import UUID

import msgspec
from eventsourcing.utils import resolve_topic
from psycopg import sql

from domain.errors import Conflict, InvalidInput
from projections.chain import GENESIS, link, record_bytes
from projections.export import FORMAT, VERSION, Header, decode_header, decode_line
from tracker.bootstrap import Tracker

WRITE_BATCH = 5000  # events per executemany / COPY flush when importing
MAX_INT = 2**63  # positions and versions are BIGINT columns

Progress = Callable[[str, int, int], None]  # (phase, done, total): phases "check", "write", "project"


# -- import ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ImportResult:
    count: int
    position: int
    head: str
    check_seconds: float
    write_seconds: float
    project_seconds: float

    @property
    def seconds(self) -> float:
        return self.check_seconds + self.write_seconds + self.project_seconds


@dataclass(frozen=True)
class _Row:
    position: int
    originator_id: UUID
    originator_version: int
    topic: str
    state: bytes


def _refuse(number: int, reason: str) -> InvalidInput:
    return InvalidInput(f"Dòng {number}: {reason} Không nhập gì.", field="line", value=number)


def _parse_header(number: int, raw: bytes) -> Header:
    try:
        header = decode_header(raw)
    except msgspec.ValidationError as e:
        raise _refuse(number, f"dòng tiêu đề không hợp lệ ({e}).") from None
    except msgspec.DecodeError as e:
        raise _refuse(number, f"dòng tiêu đề không phải JSON hợp lệ ({e}).") from None
    if header.format != FORMAT:
        raise _refuse(number, f"không phải tệp xuất của Sổ Trách Nhiệm (format '{header.format}', "
                              f"cần '{FORMAT}').")
    if header.version != VERSION:
        raise _refuse(number, f"phiên bản định dạng {header.version} không được hỗ trợ (cần {VERSION}).")
    if header.count < 0:
        raise _refuse(number, f"số sự kiện {header.count} không hợp lệ.")
    if not _is_digest(header.head):
        raise _refuse(number, "mã băm cuối chuỗi (head) phải là 64 chữ số thập lục phân.")
    return header


def _is_digest(text: str) -> bool:
    if len(text) != 64:
        return False
    try:
        bytes.fromhex(text)
    except ValueError:
        return False
    return True


class _Checker:
    """Checks a file line by line: the chain, the order, the count, the head."""

    def __init__(self) -> None:
        self.header: Header | None = None
        self.previous = GENESIS
        self.position = 0
        self.count = 0
        self.number = 0
        self.versions: dict[UUID, int] = {}
        self.topics: set[str] = set()
        self.blank_at: int | None = None

    def feed(self, raw: bytes) -> _Row | None:
        """Check one line; the event it holds, or None for the header or a trailing blank line."""
        self.number += 1
        number = self.number
        if not raw.strip():
            if self.blank_at is None:
                self.blank_at = number
            return None
        if self.blank_at is not None:
            raise _refuse(self.blank_at, "dòng trống giữa tệp.")
        if self.header is None:
            self.header = _parse_header(number, raw)
            return None
        if self.count >= self.header.count:
            raise _refuse(number, f"thừa dòng: tiêu đề khai {self.header.count} sự kiện.")
        try:
            line = decode_line(raw)
        except msgspec.ValidationError as e:
            raise _refuse(number, f"dữ liệu sai kiểu hoặc thiếu trường ({e}).") from None
        except msgspec.DecodeError as e:
            raise _refuse(number, f"không phải JSON hợp lệ ({e}); tệp bị cắt hoặc bị sửa.") from None
        if not 0 < line.originator_version < MAX_INT or line.position >= MAX_INT:
            raise _refuse(number, "vị trí hoặc phiên bản nằm ngoài khoảng cho phép.")
        if line.position <= self.position:
            raise _refuse(number, f"vị trí {line.position} không lớn hơn vị trí dòng trước ({self.position}): "
                                  "các dòng bị đảo thứ tự hoặc lặp lại.")
        try:
            originator_id = UUID(line.originator_id)
        except ValueError:
            raise _refuse(number, f"mã đối tượng '{line.originator_id}' không phải UUID.") from None
        last_version = self.versions.get(originator_id, 0)
        if line.originator_version <= last_version:
            raise _refuse(number, f"phiên bản {line.originator_version} của đối tượng {originator_id} không lớn "
                                  f"hơn phiên bản trước ({last_version}): các dòng bị đảo thứ tự hoặc lặp lại.")
        if line.topic not in self.topics:
            try:
                resolve_topic(line.topic)
            except Exception:
                raise _refuse(number, f"loại sự kiện không xác định '{line.topic}'.") from None
            self.topics.add(line.topic)
        try:
            state = base64.b64decode(line.state, validate=True)
        except (binascii.Error, ValueError):
            raise _refuse(number, "nội dung sự kiện (state) không phải base64 hợp lệ.") from None
        if not _is_digest(line.digest):
            raise _refuse(number, "mã băm (digest) phải là 64 chữ số thập lục phân.")
        digest = link(self.previous, record_bytes(originator_id, line.originator_version, line.topic, state))
        if digest.hex() != line.digest.lower():
            raise _refuse(number, f"mã băm tại vị trí {line.position} không khớp với chuỗi: nội dung sự kiện "
                                  "bị sửa, hoặc các dòng bị thiếu hay đảo thứ tự.")
        self.previous = digest
        self.position = line.position
        self.versions[originator_id] = line.originator_version
        self.count += 1
        return _Row(line.position, originator_id, line.originator_version, line.topic, state)

    def finish(self) -> Header:
        if self.header is None:
            raise _refuse(1, "tệp trống, không có dòng tiêu đề.")
        if self.count < self.header.count:
            raise _refuse(self.count + 2, f"tệp dừng sau {self.count} sự kiện nhưng tiêu đề khai "
                                          f"{self.header.count}: tệp bị cắt cụt.")
        if self.previous.hex() != self.header.head.lower():
            raise _refuse(1, "mã băm cuối chuỗi trong tiêu đề không khớp với mã băm của sự kiện cuối.")
        if self.header.position is not None and self.header.position != self.position:
            raise _refuse(1, f"tiêu đề khai vị trí cuối {self.header.position} nhưng sự kiện cuối ở vị trí "
                             f"{self.position}.")
        return self.header


def _as_bytes(line: Any) -> bytes:
    return line.encode("utf-8") if isinstance(line, str) else bytes(line)


def _ensure_empty(tracker: Tracker) -> None:
    position = tracker.store.position()
    if position:
        raise Conflict(f"Kho đích đã có {position} sự kiện: chỉ nhập vào một kho trống.",
                       field="position", value=position)
    if tracker.db.query("SELECT position FROM tracker_chain LIMIT 1"):
        raise Conflict("Kho đích trống nhưng chuỗi niêm phong đã có mắt xích: chỉ nhập vào một kho trống.",
                       field="position", value=0)
    if max(tracker.projector.positions().values(), default=0):
        raise Conflict("Kho đích trống nhưng dữ liệu đọc đã có vị trí: chỉ nhập vào một kho trống.",
                       field="position", value=0)


def import_file(tracker: Tracker, lines: Iterable[bytes | str] | IO[bytes],
                on_progress: Progress | None = None, *, batch: int = WRITE_BATCH) -> ImportResult:
    """Check a whole export, then load it into the (empty) store, then build the read models and chain."""
    _ensure_empty(tracker)
    started = time.perf_counter()
    seekable = hasattr(lines, "seek") and hasattr(lines, "seekable") and lines.seekable()  # type: ignore[union-attr]
    spool: IO[bytes] | None = None
    try:
        if seekable:
            source: Any = lines
            start = source.tell()
        else:
            spool = tempfile.TemporaryFile(prefix="tracker-import-")
            source = spool
            start = 0

        # 1. Check everything; nothing is written.
        checker = _Checker()
        for raw in lines:
            raw = _as_bytes(raw)
            if spool is not None:
                spool.write(raw if raw.endswith(b"\n") else raw + b"\n")
            if checker.feed(raw) is not None and on_progress and checker.count % batch == 0:
                on_progress("check", checker.count, checker.header.count if checker.header else 0)
        header = checker.finish()
        if on_progress:
            on_progress("check", checker.count, header.count)
        checked = time.perf_counter()

        # 2. Write, with original positions, in one transaction; the chain is checked again as the
        #    rows are read back (the file could change between the passes), before the commit.
        source.seek(start)
        rows = _rows_again(source, header)
        if header.count:
            writer = _write_pg if tracker.store.kind == "postgresql" else _write_sqlite
            writer(tracker, rows, batch, lambda done: on_progress and on_progress("write", done, header.count))
        written = time.perf_counter()
    finally:
        if spool is not None:
            spool.close()

    # 3. The read models and the chain, from the imported log: the read models are empty (checked
    #    above), so they are built like a rebuild (big batches, indexes at the end; see
    #    Projector.rebuild), which also seals the chain (it is never dropped, and it is empty too).
    tracker.projector.rebuild(on_progress=lambda done, target: on_progress and on_progress("project", done, target))
    head_rows = tracker.db.query("SELECT digest FROM tracker_chain ORDER BY position DESC LIMIT 1")
    head = head_rows[0]["digest"] if head_rows else GENESIS.hex()
    if head != header.head.lower():
        raise Conflict(f"Sau khi nhập, mã băm cuối chuỗi {head} khác với tệp ({header.head}).",
                       field="head", value=head)
    done = time.perf_counter()
    return ImportResult(header.count, checker.position, head, checked - started, written - checked, done - written)


def _rows_again(source: IO[bytes], header: Header) -> Iterator[_Row]:
    checker = _Checker()
    for raw in source:
        row = checker.feed(_as_bytes(raw))
        if row is not None:
            yield row
    if checker.finish().head.lower() != header.head.lower():
        raise _refuse(1, "tệp đã thay đổi trong khi nhập.")


def _batches(rows: Iterator[_Row], size: int) -> Iterator[list[_Row]]:
    chunk: list[_Row] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _write_sqlite(tracker: Tracker, rows: Iterator[_Row], batch: int, progress: Callable[[int], Any]) -> None:
    table = tracker.store.app.recorder.events_table_name  # type: ignore[attr-defined]
    insert = f"INSERT INTO {table} (rowid, originator_id, originator_version, topic, state) VALUES (?, ?, ?, ?, ?)"
    done = 0
    with tracker.db.transaction() as cur:  # BEGIN IMMEDIATE: no other writer until the commit
        cur.execute(f"SELECT MAX(rowid) AS n FROM {table}")
        if (cur.fetchone() or {}).get("n"):
            raise Conflict("Kho đích vừa có sự kiện được ghi: chỉ nhập vào một kho trống.", field="position")
        for chunk in _batches(rows, batch):
            cur.executemany(insert, [(r.position, r.originator_id.hex, r.originator_version, r.topic, r.state)
                                     for r in chunk])
            done += len(chunk)
            progress(done)


def _write_pg(tracker: Tracker, rows: Iterator[_Row], batch: int, progress: Callable[[int], Any]) -> None:
    recorder: Any = tracker.store.app.recorder
    table = sql.Identifier(recorder.datastore.schema, recorder.events_table_name)
    done, last = 0, 0
    with tracker.db.transaction() as wrapped:
        cur = wrapped.cursor  # the psycopg cursor: COPY and identifiers
        timeout = int(recorder.datastore.lock_timeout)
        cur.execute(sql.SQL("SET LOCAL lock_timeout = '{}s'").format(sql.SQL(str(timeout))))
        # The lock every writer of the library takes: nobody writes while the import runs.
        cur.execute(sql.SQL("LOCK TABLE {} IN EXCLUSIVE MODE").format(table))
        cur.execute(sql.SQL("SELECT 1 AS found FROM {} LIMIT 1").format(table))
        if cur.fetchone():
            raise Conflict("Kho đích vừa có sự kiện được ghi: chỉ nhập vào một kho trống.", field="position")
        copy_sql = sql.SQL("COPY {} (notification_id, originator_id, originator_version, topic, state) "
                           "FROM STDIN (FORMAT BINARY)").format(table)
        with cur.copy(copy_sql) as copy:
            copy.set_types(["int8", "uuid", "int8", "text", "bytea"])
            for chunk in _batches(rows, batch):
                for r in chunk:
                    copy.write_row((r.position, r.originator_id, r.originator_version, r.topic, r.state))
                done += len(chunk)
                last = chunk[-1].position
                progress(done)
        # Later writes continue after the last imported position.
        cur.execute("SELECT setval(pg_get_serial_sequence(%s, 'notification_id'), %s)",
                    (table.as_string(cur.connection), last))
        cur.execute(sql.SQL("NOTIFY {}").format(sql.Identifier(recorder.channel_name)))
    with tracker.db.transaction() as wrapped:  # statistics for the planner: the table was empty
        wrapped.cursor.execute(sql.SQL("ANALYZE {}").format(table))


def rate(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else 0.0


def open_output(path: str | None) -> tuple[IO[bytes], Callable[[bool], None]]:
    """A binary stream for an export (stdout when no path) and what to do when done (ok or not)."""
    import sys

    if path is None or path == "-":
        return sys.stdout.buffer, lambda ok: sys.stdout.buffer.flush()
    partial = f"{path}.partial"
    f = open(partial, "wb")  # noqa: SIM115 - closed by the returned function

    def finish(ok: bool) -> None:
        f.close()
        if ok:
            os.replace(partial, path)
        else:
            os.unlink(partial)

    return f, finish
