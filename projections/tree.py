"""The log's Merkle tree (RFC 6962), its signed checkpoints and the witnesses' cosignatures, stored
beside the hash chain in append-only tables.

`TreeView` appends each event's leaf as the runner feeds it the log, in the runner's transactions,
like the chain (and, like the chain, is never rebuilt: a tree rebuilt from a tampered log would
launder the tampering). It stores the leaf (`tracker_leaves`: leaf index, log position, record
digest) and every complete subtree the leaf completes (`tracker_nodes`: level ≥ 1, index, hash, the position that completed it): on
average two rows an event, O(log n) work at worst. A root or a proof then reads O(log n) rows.

`TransparencyLog` answers from those tables: tree sizes and roots, inclusion and consistency proofs,
checkpoints (signed on demand with the log's key when there is none for a size, and never when the
tree does not extend the latest checkpoint already signed) and cosignatures.

Tree sizes count events: leaf i is the (i+1)-th event of the log, which is log position i+1 unless
the log has gaps (positions are stored with the leaves, and proofs name both).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from domain.errors import Conflict, InvalidInput, NotFound, RuleViolated
from projections import merkle
from projections.db import Cursor, ReadDB
from projections.notes import (
    COSIGNATURE_V1,
    Checkpoint,
    NoteError,
    Signer,
    Verifier,
    parse_checkpoint,
    parse_note,
    sign_checkpoint,
)
from projections.tables import Batch
from projections.views import Event, Handler, View

DEFAULT_ORIGIN = "so-trach-nhiem.dongnai.gov.vn/log"
CHECKPOINT_SECONDS = 10.0  # the projector signs a checkpoint at most this often (reads sign on demand)

TREE_TABLES = ("tracker_leaves", "tracker_nodes")  # grown by the view from the log, like the chain
CHECKPOINT_TABLES = ("tracker_checkpoints", "tracker_cosignatures")  # signed: not a function of the log alone
TREE_DDL = [
    "CREATE TABLE IF NOT EXISTS tracker_leaves (leaf BIGINT PRIMARY KEY, position BIGINT NOT NULL UNIQUE, "
    "record_digest TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS tracker_nodes (level INTEGER NOT NULL, idx BIGINT NOT NULL, hash TEXT NOT NULL, "
    "position BIGINT NOT NULL, PRIMARY KEY (level, idx))",
    "CREATE TABLE IF NOT EXISTS tracker_checkpoints (tree_size BIGINT PRIMARY KEY, position BIGINT NOT NULL, "
    "root TEXT NOT NULL, note TEXT NOT NULL, signed_at TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS tracker_cosignatures (tree_size BIGINT NOT NULL, witness TEXT NOT NULL, "
    "key_id TEXT NOT NULL, signed_at BIGINT NOT NULL, line TEXT NOT NULL, received_at TEXT NOT NULL, "
    "PRIMARY KEY (tree_size, witness, key_id, signed_at))",
]

log = logging.getLogger("tracker.tree")


class TreeInconsistent(Conflict):
    """The stored tree does not extend a checkpoint the log signed: nothing more is signed."""

    rule = "tree_inconsistent"


# -- reading nodes ---------------------------------------------------------------------------------------

def _fetch(cursor: Any, nodes: Iterable[merkle.Node],
           pending: dict[merkle.Node, bytes] | None = None) -> dict[merkle.Node, bytes]:
    """The hashes of these complete subtrees (leaves from their record digests), in two queries."""
    found: dict[merkle.Node, bytes] = {}
    leaves, inner = [], []
    for node in nodes:
        if pending and node in pending:
            found[node] = pending[node]
        elif node[0] == 0:
            leaves.append(node[1])
        else:
            inner.append(node)
    for chunk in _chunks(sorted(leaves)):
        cursor.execute(f"SELECT leaf, record_digest FROM tracker_leaves WHERE leaf IN ({', '.join('?' * len(chunk))})",
                       chunk)
        for row in cursor.fetchall():
            found[(0, int(row["leaf"]))] = merkle.leaf_hash(bytes.fromhex(row["record_digest"]))
    for chunk in _chunks(sorted(inner)):
        where = " OR ".join("(level = ? AND idx = ?)" for _ in chunk)
        cursor.execute(f"SELECT level, idx, hash FROM tracker_nodes WHERE {where}",
                       [value for node in chunk for value in node])
        for row in cursor.fetchall():
            found[(int(row["level"]), int(row["idx"]))] = bytes.fromhex(row["hash"])
    return found


def _chunks(items: list[Any], size: int = 200) -> Iterable[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _lookup(cursor: Any, compute: Any, pending: dict[merkle.Node, bytes] | None = None) -> Any:
    """Run a tree computation on the stored subtrees (fetched first, all at once)."""
    wanted = merkle.needed(compute)
    found = _fetch(cursor, wanted, pending)
    missing = wanted - found.keys()
    if missing:
        level, index = min(missing)
        raise TreeInconsistent(
            f"Cây Merkle đã lưu thiếu nút (mức {level}, chỉ số {index}): bảng cây bị xóa hoặc cắt bớt; "
            "chạy `tracker verify` để biết chi tiết.", field="treeSize")
    return compute(found.__getitem__)


@dataclass(frozen=True)
class StoredCheckpoint:
    size: int
    position: int  # the last log position the tree of this size holds
    root: bytes
    note: str  # the checkpoint signed by the log
    cosignatures: tuple[str, ...] = ()  # witnesses' signature lines, as received

    def text(self) -> str:
        """The signed note with the witnesses' cosignatures after the log's signature."""
        return self.note + "".join(self.cosignatures)

    @property
    def checkpoint(self) -> Checkpoint:
        return parse_checkpoint(parse_note(self.note).body)


def _stored(row: dict[str, Any]) -> StoredCheckpoint:
    return StoredCheckpoint(int(row["tree_size"]), int(row["position"]), bytes.fromhex(row["root"]), row["note"])


def _latest_row(cursor: Cursor) -> dict[str, Any] | None:
    cursor.execute("SELECT tree_size, position, root, note FROM tracker_checkpoints ORDER BY tree_size DESC LIMIT 1")
    return cursor.fetchone()


def sign_at(cursor: Cursor, signer: Signer, origin: str, size: int, position: int,
            pending: dict[merkle.Node, bytes] | None = None, root: bytes | None = None) -> tuple[Any, ...] | None:
    """The row of a new checkpoint for the tree of `size` leaves, or None if that size is signed already.

    Refuses (TreeInconsistent) a tree that does not extend the largest checkpoint signed before, or that a
    larger one does not extend: a log never signs two views of its history (C2SP tlog-checkpoint).
    """
    cursor.execute("SELECT tree_size FROM tracker_checkpoints WHERE tree_size = ?", (size,))
    if cursor.fetchone() is not None:
        return None
    if root is None:
        root = _lookup(cursor, lambda get: merkle.root(size, get), pending)
    latest = _latest_row(cursor)
    if latest is not None:
        old_size, old_root = int(latest["tree_size"]), bytes.fromhex(latest["root"])
        small, large = sorted(((old_size, old_root), (size, root)))
        proof = _lookup(cursor, lambda get: merkle.consistency_proof(small[0], large[0], get), pending)
        if not merkle.verify_consistency(small[0], large[0], small[1], large[1], proof):
            raise TreeInconsistent(
                f"Cây Merkle kích thước {size} không nhất quán với điểm kiểm tra đã ký ở kích thước {old_size}: "
                "không ký. Nhật ký hoặc cây đã bị thay đổi; chạy `tracker verify`.", field="treeSize", value=size)
    note = sign_checkpoint(Checkpoint(origin, size, root), signer)
    return (size, position, root.hex(), note, datetime.now(UTC).isoformat(timespec="seconds"))


CHECKPOINT_COLUMNS = ("tree_size", "position", "root", "note", "signed_at")


class _Reads:
    """Queries of the read database as a cursor (a proof only reads: no transaction, no lock)."""

    def __init__(self, db: ReadDB) -> None:
        self.db = db
        self.kind = db.kind
        self._rows: list[dict[str, Any]] = []

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self._rows = self.db.query(sql, params)

    def fetchall(self) -> list[dict[str, Any]]:
        return self._rows

    def fetchone(self) -> dict[str, Any] | None:
        return self._rows[0] if self._rows else None


# -- the view ----------------------------------------------------------------------------------------------

class _Growing:
    """The tree as a projector process last left it: reused by its next batch if nobody moved it."""

    __slots__ = ("frontier", "position")

    def __init__(self, frontier: merkle.Frontier, position: int) -> None:
        self.frontier = frontier
        self.position = position


class TreeView(View):
    """Appends each event's leaf and the subtrees it completes; signs a checkpoint now and then."""

    name = "tree"
    tables = ()
    log_tables = TREE_TABLES
    rebuildable = False
    needs_record = True

    def __init__(self, signer: Signer | None = None, origin: str = DEFAULT_ORIGIN,
                 every_seconds: float = CHECKPOINT_SECONDS) -> None:
        self.signer = signer
        self.origin = origin
        self.every_seconds = every_seconds
        self._growing: _Growing | None = None
        self._signed_at = float("-inf")

    def ddl(self) -> list[str]:
        return list(TREE_DDL)

    def handler_for(self, event_class: type) -> Handler | None:
        return self.apply

    def select(self, events: list[Event]) -> list[tuple[Handler, Event]]:
        """Every event, then (after the last) the batch's checkpoint: the runner calls the handlers in
        this order in the batch's transaction, so the checkpoint commits with the leaves it signs."""
        if not events:
            return []
        return [*((self.apply, e) for e in events), (self.finish, events[-1])]

    def _state(self, batch: Batch) -> tuple[merkle.Frontier, dict[merkle.Node, bytes]]:
        state = getattr(batch, "_tree", None)
        if state is not None:
            return state
        cur = batch.cursor
        cur.execute("SELECT leaf, position FROM tracker_leaves ORDER BY leaf DESC LIMIT 1")
        row = cur.fetchone()
        size, position = (int(row["leaf"]) + 1, int(row["position"])) if row else (0, 0)
        growing = self._growing
        if growing is None or growing.frontier.size != size or growing.position != position:
            nodes = merkle.frontier_nodes(size)
            found = _fetch(cur, nodes)
            if len(found) != len(nodes):
                raise TreeInconsistent(f"Cây Merkle đã lưu thiếu nút ở mép phải (kích thước {size}): "
                                       "bảng cây bị sửa; chạy `tracker verify`.")
            growing = self._growing = _Growing(merkle.Frontier(size, [(lv, found[(lv, ix)]) for lv, ix in nodes]),
                                               position)
        state = (growing.frontier, {})
        batch._tree = state  # type: ignore[attr-defined]
        return state

    def apply(self, batch: Batch, e: Event) -> None:
        frontier, made = self._state(batch)
        digest = merkle.record_digest(e.record)
        leaf = merkle.leaf_hash(digest)
        index = frontier.size
        batch.append("tracker_leaves", ("leaf", "position", "record_digest"), (index, e.position, digest.hex()),
                     converted=True)
        made[(0, index)] = leaf
        for level, idx, h in frontier.append(leaf):
            batch.append("tracker_nodes", ("level", "idx", "hash", "position"), (level, idx, h.hex(), e.position),
                         converted=True)
            made[(level, idx)] = h
        assert self._growing is not None
        self._growing.position = e.position

    def finish(self, batch: Batch, e: Event) -> None:
        """Sign the tree the batch leaves, if a signer is configured and the last signature is old enough."""
        if self.signer is None or time.monotonic() - self._signed_at < self.every_seconds:
            return
        frontier, made = self._state(batch)
        row = sign_at(batch.cursor, self.signer, self.origin, frontier.size, e.position, made, frontier.root())
        if row is not None:
            batch.append("tracker_checkpoints", CHECKPOINT_COLUMNS, row, converted=True)
        self._signed_at = time.monotonic()


# -- reading -----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class InclusionProof:
    position: int
    leaf_index: int
    tree_size: int
    record_digest: bytes
    hashes: tuple[bytes, ...]
    root: bytes


class TransparencyLog:
    """The tree, its checkpoints and cosignatures, as the API, the CLI and `verify` read them."""

    def __init__(self, db: ReadDB, *, signer: Signer | None = None, origin: str = DEFAULT_ORIGIN,
                 witnesses: Sequence[Verifier] = ()) -> None:
        self.db = db
        self.signer = signer
        self.origin = origin
        self.witnesses = tuple(witnesses)

    @property
    def verifier(self) -> Verifier | None:
        """The log's public key (None when this process has no signing key)."""
        return None if self.signer is None else self.signer.verifier

    # -- the tree --
    def size(self) -> int:
        rows = self.db.query("SELECT leaf FROM tracker_leaves ORDER BY leaf DESC LIMIT 1")
        return int(rows[0]["leaf"]) + 1 if rows else 0

    def size_at(self, position: int) -> int:
        """How many leaves hold log positions up to `position`."""
        rows = self.db.query("SELECT leaf FROM tracker_leaves WHERE position <= ? ORDER BY position DESC LIMIT 1",
                             (position,))
        return int(rows[0]["leaf"]) + 1 if rows else 0

    def position_of(self, size: int) -> int:
        """The log position of the last leaf of a tree of `size` leaves (0 for the empty tree)."""
        if size == 0:
            return 0
        rows = self.db.query("SELECT position FROM tracker_leaves WHERE leaf = ?", (size - 1,))
        if not rows:
            raise InvalidInput(f"Cây chưa có {size} lá.", field="treeSize", value=size)
        return int(rows[0]["position"])

    def record_digests(self, positions: Sequence[int]) -> dict[int, str]:
        """The sealed record digest (hex) of each of these log positions."""
        out: dict[int, str] = {}
        for chunk in _chunks(sorted(set(positions))):
            for row in self.db.query(f"SELECT position, record_digest FROM tracker_leaves WHERE position IN "
                                     f"({', '.join('?' * len(chunk))})", chunk):
                out[int(row["position"])] = row["record_digest"]
        return out

    def _read(self, compute: Any) -> Any:
        return _lookup(_Reads(self.db), compute)

    def _check_size(self, size: int, name: str) -> None:
        if not 0 <= size <= merkle_max():
            raise InvalidInput(f"{name} phải là số không âm.", field=name, value=size)
        have = self.size()
        if size > have:
            raise InvalidInput(f"Cây hiện có {have} lá; chưa có cây kích thước {size}.", field=name, value=size)

    def root(self, size: int) -> bytes:
        self._check_size(size, "treeSize")
        return self._read(lambda get: merkle.root(size, get))

    def inclusion(self, position: int, size: int) -> InclusionProof:
        """The proof that the event at `position` is leaf `index` of the tree of `size` leaves."""
        self._check_size(size, "treeSize")
        if not 1 <= position <= merkle_max():
            raise InvalidInput("position phải ≥ 1.", field="position", value=position)
        rows = self.db.query("SELECT leaf, record_digest FROM tracker_leaves WHERE position = ?", (position,))
        if not rows:
            raise NotFound(f"Không có sự kiện nào ở vị trí {position} trong cây Merkle.", field="position",
                           value=position)
        index, digest = int(rows[0]["leaf"]), bytes.fromhex(rows[0]["record_digest"])
        if index >= size:
            raise InvalidInput(f"Sự kiện ở vị trí {position} là lá {index}, không nằm trong cây {size} lá; "
                               f"chọn treeSize > {index}.", field="treeSize", value=size)
        hashes, top = self._read(lambda get: (merkle.inclusion_proof(index, size, get), merkle.root(size, get)))
        return InclusionProof(position, index, size, digest, tuple(hashes), top)

    def consistency(self, old: int, new: int) -> list[bytes]:
        self._check_size(old, "from")
        self._check_size(new, "to")
        if old > new:
            raise InvalidInput(f"from ({old}) phải ≤ to ({new}).", field="from", value=old)
        return self._read(lambda get: merkle.consistency_proof(old, new, get))

    # -- checkpoints --
    def checkpoint(self, size: int) -> StoredCheckpoint | None:
        rows = self.db.query("SELECT tree_size, position, root, note FROM tracker_checkpoints WHERE tree_size = ?",
                             (size,))
        return self._with_cosignatures(_stored(rows[0])) if rows else None

    def latest(self, *, sign: bool = True) -> StoredCheckpoint | None:
        """The largest checkpoint, signed for the whole tree first if it does not cover it (and we can)."""
        if sign:
            self.sign(self.size())
        rows = self.db.query("SELECT tree_size, position, root, note FROM tracker_checkpoints "
                             "ORDER BY tree_size DESC LIMIT 1")
        return self._with_cosignatures(_stored(rows[0])) if rows else None

    def checkpoint_for(self, position: int) -> StoredCheckpoint | None:
        """The checkpoint a read at `position` was built at: of exactly the tree up to it (signed now if
        it is not yet and we can), else the smallest that covers it, else None."""
        size = self.size_at(position)
        if size == 0:
            return None
        found = self.checkpoint(size) or self.sign(size)
        if found is not None:
            return found
        rows = self.db.query("SELECT tree_size, position, root, note FROM tracker_checkpoints WHERE tree_size >= ? "
                             "ORDER BY tree_size LIMIT 1", (size,))
        return self._with_cosignatures(_stored(rows[0])) if rows else None

    def sign(self, size: int) -> StoredCheckpoint | None:
        """Sign the tree of `size` leaves if it is not signed yet (None without a signing key)."""
        if self.signer is None or size == 0:
            return self.checkpoint(size) if size else None
        position = self.position_of(size)
        with self.db.transaction() as cur:
            row = sign_at(cur, self.signer, self.origin, size, position)
            if row is not None:
                cur.execute(f"INSERT INTO tracker_checkpoints ({', '.join(CHECKPOINT_COLUMNS)}) VALUES "
                            f"(?, ?, ?, ?, ?) ON CONFLICT (tree_size) DO NOTHING", row)
        return self.checkpoint(size)

    def checkpoints(self) -> list[StoredCheckpoint]:
        """Every stored checkpoint, smallest first (what `verify` checks against the recomputed tree)."""
        return [_stored(r) for r in self.db.query(
            "SELECT tree_size, position, root, note FROM tracker_checkpoints ORDER BY tree_size")]

    # -- cosignatures --
    def _with_cosignatures(self, found: StoredCheckpoint) -> StoredCheckpoint:
        rows = self.db.query("SELECT line FROM tracker_cosignatures WHERE tree_size = ? ORDER BY witness, signed_at",
                             (found.size,))
        return StoredCheckpoint(found.size, found.position, found.root, found.note, tuple(r["line"] for r in rows))

    def add_cosignatures(self, text: str) -> StoredCheckpoint:
        """Keep the cosignatures of known witnesses on a checkpoint this log signed.

        `text` is the checkpoint as the witness returns it (the note with its signature lines). Lines of
        unknown keys are ignored (signed-note); a checkpoint this log never signed, a cosignature that
        does not verify or none from a known witness is refused.
        """
        note = parse_note(text)
        try:
            checkpoint = parse_checkpoint(note.body)
        except NoteError as e:
            raise InvalidInput(f"Không phải một điểm kiểm tra: {e.message}") from None
        stored = self.checkpoint(checkpoint.size)
        if checkpoint.origin != self.origin or stored is None or parse_note(stored.note).body != note.body:
            raise RuleViolated(f"Nhật ký này chưa ký điểm kiểm tra này (kích thước {checkpoint.size}); "
                               "chỉ nhận chữ ký chứng kiến trên điểm kiểm tra do nhật ký đã ký.",
                               rule="unknown_checkpoint", field="treeSize", value=checkpoint.size)
        accepted = []
        for line in note.signatures:
            witness = next((w for w in self.witnesses if w.name == line.name and w.id == line.key_id), None)
            if witness is None:
                continue
            if witness.algorithm != COSIGNATURE_V1 or not witness.verifies(note.body, line.signature):
                raise RuleViolated(f"Chữ ký chứng kiến của {witness.name} không hợp lệ với điểm kiểm tra này.",
                                   rule="invalid_cosignature", field="witness", value=witness.name)
            accepted.append(line)
        if not accepted:
            raise RuleViolated("Không có chữ ký của nhân chứng nào được cấu hình (TRACKER_WITNESS_KEYS).",
                               rule="unknown_witness", field="witness")
        received = datetime.now(UTC).isoformat(timespec="seconds")
        with self.db.transaction() as cur:
            for line in accepted:
                cur.execute("INSERT INTO tracker_cosignatures (tree_size, witness, key_id, signed_at, line, "
                            "received_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                            (checkpoint.size, line.name, line.key_id.hex(), line.timestamp or 0, line.text(),
                             received))
        found = self.checkpoint(checkpoint.size)
        assert found is not None
        return found


def merkle_max() -> int:
    return 2**62
