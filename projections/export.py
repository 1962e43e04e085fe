"""The export of the whole log as NDJSON with the hash chain's digests (format: tracker/transfer.py,
which also imports such a file). Read by the CLI (`tracker export`) and the API and web downloads."""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

import msgspec

from domain.errors import Conflict
from projections.chain import GENESIS
from projections.db import ReadDB
from projections.tree import TransparencyLog


class Ledger(Protocol):
    """What an export reads: the event store (its recorder), the read database, the projector and the
    transparency log (the export carries the signed checkpoint of the tree it holds)."""

    store: Any
    db: ReadDB
    projector: Any
    transparency: TransparencyLog


FORMAT = "so-trach-nhiem/export"
VERSION = 1
PAGE = 2000  # events per read of the log and of the chain when exporting
MEDIA_TYPE = "application/x-ndjson"


class Header(msgspec.Struct, forbid_unknown_fields=False, omit_defaults=True):
    format: str
    version: int
    count: int
    head: str
    position: int | None = None
    checkpoint: str | None = None  # the signed checkpoint of the Merkle tree over the exported events


class Line(msgspec.Struct, rename="camel", forbid_unknown_fields=False):
    position: int
    originator_id: str
    originator_version: int
    topic: str
    state: str
    digest: str


_encode = msgspec.json.Encoder().encode
decode_header = msgspec.json.Decoder(Header).decode
decode_line = msgspec.json.Decoder(Line).decode


# -- export ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ExportHeader:
    count: int  # events in the export
    position: int  # the last exported position (the last sealed one)
    head: str  # the chain link at that position, hex
    checkpoint: str | None = None  # the signed checkpoint of the tree up to that position, if there is one

    def line(self) -> bytes:
        return _encode(Header(format=FORMAT, version=VERSION, count=self.count, head=self.head,
                              position=self.position, checkpoint=self.checkpoint)) + b"\n"


def export_header(ledger: Ledger, *, catch_up: bool = True) -> ExportHeader:
    """What the export will hold: everything sealed in the chain (after catching up, by default)."""
    if catch_up:
        try:
            ledger.projector.catch_up()  # a failed read model is recorded, and the chain goes on
        except Exception:  # noqa: BLE001 - whatever the read models' state, export what the chain sealed
            logging.getLogger("ledger.projections").exception("read models did not catch up before export")
    rows = ledger.db.query("SELECT position, digest FROM tracker_chain ORDER BY position DESC LIMIT 1")
    if not rows:
        return ExportHeader(0, 0, GENESIS.hex())
    position = int(rows[0]["position"])
    count = int(ledger.db.query("SELECT COUNT(*) AS n FROM tracker_chain WHERE position <= ?",
                                 (position,))[0]["n"])
    found = ledger.transparency.checkpoint_for(position)
    return ExportHeader(count, position, rows[0]["digest"], None if found is None else found.text())


def export_pages(ledger: Ledger, header: ExportHeader | None = None, *, page: int = PAGE,
                 on_progress: Callable[[int, int], None] | None = None) -> Iterator[bytes]:
    """The export as chunks: the header line, then the lines of one page of events per chunk."""
    header = header or export_header(ledger)
    yield header.line()
    recorder = ledger.store.app.recorder
    after, done = 0, 0
    b64 = base64.b64encode
    while after < header.position:
        notifications = recorder.select_notifications(start=after + 1, limit=page, stop=header.position)
        if not notifications:
            break
        last = notifications[-1].id
        digests = {int(r["position"]): r["digest"] for r in ledger.db.query(
            "SELECT position, digest FROM tracker_chain WHERE position > ? AND position <= ?", (after, last))}
        out = []
        for n in notifications:
            digest = digests.get(n.id)
            if digest is None or len(digests) != len(notifications):
                raise Conflict(
                    f"Nhật ký và chuỗi niêm phong không khớp quanh vị trí {n.id} (sự kiện bị chèn hoặc xóa); "
                    "chạy `tracker verify` để biết chi tiết.", field="position", value=n.id)
            out.append(_encode(Line(position=n.id, originator_id=str(n.originator_id),
                                    originator_version=n.originator_version, topic=n.topic,
                                    state=b64(bytes(n.state)).decode("ascii"), digest=digest)))
        out.append(b"")
        yield b"\n".join(out)
        after = last
        done += len(notifications)
        if on_progress:
            on_progress(done, header.count)
    if done != header.count:
        raise Conflict(f"Nhật ký có {done} sự kiện đến vị trí {header.position} nhưng chuỗi niêm phong có "
                       f"{header.count}; chạy `tracker verify` để biết chi tiết.", field="position",
                       value=header.position)


def export_lines(ledger: Ledger, header: ExportHeader | None = None, *, page: int = PAGE,
                 on_progress: Callable[[int, int], None] | None = None) -> Iterator[bytes]:
    """The export line by line (each ending in a newline): the header, then one line per event."""
    for chunk in export_pages(ledger, header, page=page, on_progress=on_progress):
        yield from chunk.splitlines(keepends=True)


