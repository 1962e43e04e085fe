"""`verify`: recompute everything the log's integrity rests on from the stored records, trusting nothing
else it reads.

One pass over the log, up to the position the caller names, recomputes for each event its chain link,
its record digest, its leaf and every subtree it completes, and compares them with what is stored
(`tracker_chain`, `tracker_leaves`, `tracker_nodes`); at each size a checkpoint was signed for, the
recomputed root must be the signed one and the signature must verify with the log's public key; a
checkpoint kept elsewhere (`external`) must be a root of the recomputed tree too. A missing, shorter
or longer table, an event not sealed in the chain or the tree, a checkpoint beyond the end of the log:
each fails, naming the first position (or the size) that does not match. Nothing is ever "intact"
because a table was empty.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from projections import merkle
from projections.chain import GENESIS, RawLog
from projections.db import ReadDB
from projections.notes import Checkpoint, NoteError, Verifier, open_checkpoint

PAGE = 10_000


@dataclass(frozen=True)
class Verification:
    checked: int  # events whose chain link, leaf and subtrees matched
    head: str  # the chain's last link, hex
    sealed_position: int  # the last position checked
    log_position: int  # the log position verified up to
    first_mismatch: int | None  # the first log position that does not match, when there is one
    reason: str | None  # why it failed (Vietnamese); None when everything matched
    tree_size: int = 0
    root: bytes = merkle.EMPTY_ROOT
    checkpoints_checked: int = 0
    latest_checkpoint: int | None = None  # the size of the largest stored checkpoint checked
    unsealed: int = 0  # events of the log not sealed in the chain or the tree
    snapshots_checked: int = 0
    warnings: tuple[str, ...] = field(default=())
    external_size: int | None = None  # the size of the checkpoint kept elsewhere, if one was given
    consistency_hashes: int | None = None  # the length of the consistency proof from it to the tree

    @property
    def ok(self) -> bool:
        return self.reason is None

    @property
    def root_b64(self) -> str:
        return base64.b64encode(self.root).decode()


class _Failed(Exception):
    def __init__(self, position: int | None, reason: str) -> None:
        super().__init__(reason)
        self.position = position
        self.reason = reason


def _rows(db: ReadDB, sql: str, page: int, after: int = -1) -> Iterator[Sequence[Any]]:
    """A table's rows (tuples) in key order, a page at a time (`sql` selects the key first,
    `WHERE <key> > ? … LIMIT ?`)."""
    while True:
        rows = db.scan(sql, (after, page))
        if not rows:
            return
        yield from rows
        after = int(rows[-1][0])


def _table_exists(db: ReadDB, table: str) -> bool:
    try:
        db.query(f"SELECT 1 AS x FROM {table} LIMIT 1")
    except Exception:  # noqa: BLE001 - a dropped table is what this looks for, on either backend
        return False
    return True


class _Levels:
    """The stored subtrees, one ordered stream per level (a level's nodes complete in index order)."""

    def __init__(self, db: ReadDB, page: int) -> None:
        self.db, self.page = db, page
        self.streams: dict[int, Iterator[dict[str, Any]]] = {}

    def next(self, level: int) -> Sequence[Any] | None:
        """The next (idx, hash) of the level."""
        stream = self.streams.get(level)
        if stream is None:
            stream = self.streams[level] = _rows(
                self.db, f"SELECT idx, hash FROM tracker_nodes WHERE level = {int(level)} AND idx > ? "
                         "ORDER BY idx LIMIT ?", self.page)
        return next(stream, None)


def verify(db: ReadDB, source: RawLog, *, upto: int | None = None, verifier: Verifier | None = None,
           origin: str | None = None, external: Checkpoint | None = None, page: int = PAGE,
           on_progress: Callable[[int, int], None] | None = None) -> Verification:
    """Recompute the chain, the tree and the checkpoints from the stored log up to position `upto`."""
    target = source.position() if upto is None else upto
    warnings: list[str] = []
    missing = [t for t in ("tracker_chain", "tracker_leaves", "tracker_nodes", "tracker_checkpoints")
               if not _table_exists(db, t)]
    if missing:
        return Verification(0, GENESIS.hex(), 0, target, None,
                            f"Bảng {', '.join(missing)} không còn trong cơ sở dữ liệu (bị xóa): không thể xác minh "
                            "nhật ký; không được coi là toàn vẹn.")
    checkpoints = db.query("SELECT tree_size, position, root, note FROM tracker_checkpoints ORDER BY tree_size")
    if verifier is None and checkpoints:
        warnings.append("Không có khóa công khai của nhật ký (--key hoặc TRACKER_LOG_KEY_FILE): chữ ký của các "
                        "điểm kiểm tra không được kiểm, chỉ mã gốc của chúng.")
    if not checkpoints and target > 0:
        warnings.append("Cơ sở dữ liệu chưa có điểm kiểm tra đã ký nào (chưa cấu hình khóa ký nhật ký).")

    chain = _rows(db, "SELECT position, digest FROM tracker_chain WHERE position > ? ORDER BY position LIMIT ?",
                  page)
    leaves = _rows(db, "SELECT leaf, position, record_digest FROM tracker_leaves WHERE leaf > ? ORDER BY leaf "
                       "LIMIT ?", page)
    levels = _Levels(db, page)
    frontier = merkle.Frontier()
    previous, checked, last = GENESIS, 0, 0
    pending = iter(checkpoints)
    due = next(pending, None)
    due_size = int(due["tree_size"]) if due is not None else -1
    external_size = external.size if external is not None else -1
    checked_checkpoints, latest = 0, None
    records = _records(source, target, page)
    sha256, append = hashlib.sha256, frontier.append  # the loop runs once per event: names bound once
    try:
        for position, record in records:
            # the hash chain
            sealed = next(chain, None)
            if sealed is None or sealed[0] > target:
                raise _Unsealed(position, "chuỗi niêm phong (tracker_chain)")
            sealed_position = sealed[0]
            if sealed_position != position:
                if sealed_position < position:
                    raise _Failed(sealed_position, "Sự kiện đã được niêm phong nhưng không còn trong nhật ký (bị xóa).")
                raise _Failed(position, "Nhật ký có sự kiện không có trong chuỗi niêm phong (bị chèn thêm).")
            previous = sha256(previous + record).digest()
            if previous.hex() != sealed[1]:
                raise _Failed(position, "Nội dung sự kiện khác với lúc niêm phong (bị sửa hoặc đổi thứ tự).")
            # the Merkle tree: the leaf, then the subtrees it completes
            stored_leaf = next(leaves, None)
            if stored_leaf is None or stored_leaf[1] > target:
                raise _Unsealed(position, "cây Merkle (tracker_leaves)")
            index = frontier.size
            if stored_leaf[0] != index or stored_leaf[1] != position:
                if stored_leaf[0] != index:
                    raise _Failed(position, f"Cây Merkle thiếu lá {index} (bảng lá bị xóa bớt).")
                raise _Failed(min(position, int(stored_leaf[1])),
                              "Lá của cây Merkle không ứng với sự kiện này (sự kiện bị xóa, chèn hoặc đổi thứ tự).")
            digest = sha256(record).digest()
            if stored_leaf[2] != digest.hex():
                raise _Failed(position, "Mã băm của sự kiện khác với lá của cây Merkle (sự kiện bị sửa).")
            for level, idx, h in append(sha256(b"\x00" + digest).digest()):
                node = levels.next(level)
                if node is None or node[0] != idx:
                    raise _Failed(position, f"Cây Merkle thiếu nút (mức {level}, chỉ số {idx}): bảng cây bị sửa.")
                if node[1] != h.hex():
                    raise _Failed(position, f"Nút (mức {level}, chỉ số {idx}) của cây Merkle khác với nút tính "
                                            "lại từ nhật ký (cây bị sửa).")
            checked += 1
            last = position
            # the checkpoints signed for this size, and one kept elsewhere
            while 0 <= due_size <= checked:
                assert due is not None
                _check_checkpoint(due, frontier, position, verifier, origin)
                checked_checkpoints += 1
                latest = due_size
                due = next(pending, None)
                due_size = int(due["tree_size"]) if due is not None else -1
            if external_size == checked and external is not None and external.root != frontier.root():
                raise _Failed(None, _external_differs(external, frontier.root(), checkpoints))
            if on_progress and checked % page == 0:
                on_progress(position, target)
        # nothing stored beyond what the log holds: up to the position verified, or beyond the log's end now
        # (the log may have grown meanwhile, and what is sealed of it then is checked next time)
        for extra, what in ((next(chain, None), "Sự kiện đã được niêm phong nhưng không còn trong nhật ký"),
                            (next(leaves, None), "Cây Merkle có lá của sự kiện không còn trong nhật ký")):
            extra_position = None if extra is None else int(extra[0] if len(extra) == 2 else extra[1])
            if extra_position is not None and (extra_position <= target or extra_position > source.position()):
                raise _Failed(extra_position, f"{what} (bị xóa hoặc bị cắt đuôi).")
        if due is not None:
            raise _Failed(None, f"Có điểm kiểm tra đã ký cho cây {int(due['tree_size'])} sự kiện nhưng nhật ký chỉ còn "
                                f"{frontier.size}: {int(due['tree_size']) - frontier.size} sự kiện cuối đã bị cắt.")
        if external is not None and external.size > frontier.size:
            raise _Failed(None, f"Điểm kiểm tra giữ ở nơi khác có {external.size} sự kiện nhưng nhật ký hiện chỉ có "
                                f"{frontier.size}: {external.size - frontier.size} sự kiện cuối đã bị cắt (hoặc nhật "
                                "ký đã bị thay thế).")
    except _Unsealed as unsealed:
        left = 1 + sum(1 for _ in records)
        return Verification(checked, previous.hex(), last, target, unsealed.position,
                            f"Từ vị trí {unsealed.position}, {left} sự kiện của nhật ký chưa được niêm phong trong "
                            f"{unsealed.where} (bảng bị xóa, cắt bớt hoặc chưa cập nhật): không được coi là toàn vẹn.",
                            frontier.size, frontier.root(), checked_checkpoints, latest, left, warnings=tuple(warnings))
    except _Failed as failed:
        return Verification(checked, previous.hex(), last, target, failed.position, failed.reason, frontier.size,
                            frontier.root(), checked_checkpoints, latest, warnings=tuple(warnings))
    if on_progress:
        on_progress(target, target)
    return Verification(checked, previous.hex(), last, target, None, None, frontier.size, frontier.root(),
                        checked_checkpoints, latest, warnings=tuple(warnings),
                        external_size=None if external is None else external.size)


class _Unsealed(Exception):
    def __init__(self, position: int, where: str) -> None:
        super().__init__(where)
        self.position = position
        self.where = where


def _records(source: RawLog, target: int, page: int) -> Iterator[tuple[int, bytes]]:
    after = 0
    while after < target:
        rows = source.read_raw(after, page)
        if not rows:
            return
        for position, record in rows:
            if position > target:
                return
            yield position, record
        after = rows[-1][0]


def _check_checkpoint(row: dict[str, Any], frontier: merkle.Frontier, position: int, verifier: Verifier | None,
                      origin: str | None) -> None:
    size = int(row["tree_size"])
    if size != frontier.size:  # a size the log never had (the recomputed tree jumped over it)
        raise _Failed(position, f"Điểm kiểm tra đã ký cho cây {size} sự kiện không ứng với nhật ký.")
    root = frontier.root()
    if row["root"] != root.hex():
        raise _Failed(position, f"Gốc cây của {size} sự kiện đầu tính lại từ nhật ký khác với điểm kiểm tra đã ký "
                                "(nhật ký bị sửa sau khi ký).")
    if int(row["position"]) != position:
        raise _Failed(position, f"Điểm kiểm tra cây {size} sự kiện ghi vị trí {row['position']}, nhật ký có {position}.")
    try:
        if verifier is not None:
            checkpoint, _ = open_checkpoint(row["note"], verifier, origin=origin)
        else:
            from projections.notes import parse_checkpoint, parse_note
            checkpoint = parse_checkpoint(parse_note(row["note"]).body)
    except NoteError as e:
        raise _Failed(position, f"Điểm kiểm tra cây {size} sự kiện: {e.message}") from None
    if checkpoint.size != size or checkpoint.root != root:
        raise _Failed(position, f"Nội dung điểm kiểm tra cây {size} sự kiện khác với cột của nó (bị sửa).")


def _external_differs(external: Checkpoint, root: bytes, stored: list[dict[str, Any]]) -> str:
    ours = base64.b64encode(root).decode()
    theirs = base64.b64encode(external.root).decode()
    text = (f"Gốc cây của {external.size} sự kiện đầu tính lại từ nhật ký ({ours}) khác với điểm kiểm tra giữ ở nơi "
            f"khác ({theirs}): ít nhất một trong {external.size} sự kiện đầu đã bị sửa, xóa, chèn hoặc đổi thứ tự, "
            "và chuỗi, cây và điểm kiểm tra trong cơ sở dữ liệu đã được tính lại cho khớp.")
    same_size = next((r for r in stored if int(r["tree_size"]) == external.size), None)
    if same_size is not None and bytes.fromhex(same_size["root"]) != external.root:
        text += (" Cơ sở dữ liệu giữ một điểm kiểm tra khác cùng kích thước, cũng được ký: nhật ký đã ký hai lịch sử "
                 "khác nhau (giữ cả hai làm bằng chứng).")
    return text
