"""The auditor's standalone verifier: from files alone, no database, no server.

    python -m projections.auditor verify-proof --key log.pub --checkpoint checkpoint.txt --proof proof.json \\
        [--witness-key thanhtra.pub …] [--aggregate ID --version N]

It checks that the checkpoint is signed by the log's key (and cosigned by every witness named), that
the event in the proof file hashes to its record digest, and that the inclusion proof leads from that
leaf to the checkpoint's root (RFC 9162). With `--aggregate` and `--version`, the event must be that
version of that object, as a scorecard line's evidence names it. It prints what it proved, in
Vietnamese, and exits 0, or says what failed and exits 1 (2 for a file it cannot read).

It needs only this module, `projections/merkle.py`, `projections/notes.py` (and `domain/errors.py`),
Python 3.11 and the `cryptography` package.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from projections import merkle
from projections.notes import (
    COSIGNATURE_V1,
    ED25519,
    NoteError,
    Verifier,
    open_checkpoint,
    parse_verifier,
)


class ProofFailed(Exception):
    """What did not verify (Vietnamese)."""


@dataclass(frozen=True)
class Proved:
    origin: str
    tree_size: int
    position: int
    leaf_index: int
    aggregate_id: str | None
    version: int | None
    topic: str | None
    witnesses: tuple[str, ...]


def _record_bytes(record: dict[str, Any]) -> bytes:
    """The stored record as the log's record digest covers it: id, version and topic lines, then the state."""
    state = base64.b64decode(str(record["state"]).encode("ascii"), validate=True)
    return f"{record['originatorId']}\n{int(record['originatorVersion'])}\n{record['topic']}\n".encode() + state


def verify_proof(key: Verifier, checkpoint_text: str, proof: dict[str, Any], *, witnesses: tuple[Verifier, ...] = (),
                 aggregate_id: str | None = None, version: int | None = None) -> Proved:
    """Check the checkpoint's signatures and the event's inclusion proof; raise ProofFailed naming the failure."""
    if key.algorithm != ED25519:
        raise ProofFailed("Khóa nhật ký phải là khóa Ed25519 (loại 0x01).")
    try:
        checkpoint, note = open_checkpoint(checkpoint_text, key)
    except NoteError as e:
        raise ProofFailed(f"Điểm kiểm tra: {e.message}") from None
    for witness in witnesses:
        if witness.algorithm != COSIGNATURE_V1 or not note.signed_by(witness):
            raise ProofFailed(f"Điểm kiểm tra không có chữ ký chứng kiến hợp lệ của {witness.name}.")
    try:
        size, index, position = int(proof["treeSize"]), int(proof["leafIndex"]), int(proof["position"])
        digest = bytes.fromhex(str(proof["recordDigest"]))
        hashes = [base64.b64decode(str(h).encode("ascii"), validate=True) for h in proof["hashes"]]
        record = proof.get("record")
    except (KeyError, TypeError, ValueError, binascii.Error) as e:
        raise ProofFailed(f"Tệp bằng chứng thiếu hoặc sai trường ({e}).") from None
    if size != checkpoint.size:
        raise ProofFailed(f"Bằng chứng dành cho cây {size} lá, điểm kiểm tra có {checkpoint.size}: lấy bằng chứng "
                          f"với treeSize={checkpoint.size}.")
    if len(digest) != 32:
        raise ProofFailed("recordDigest phải là 64 chữ số thập lục phân.")
    if record is not None:
        try:
            recomputed = merkle.record_digest(_record_bytes(record))
        except (KeyError, TypeError, ValueError, binascii.Error) as e:
            raise ProofFailed(f"Bản ghi trong tệp bằng chứng không đọc được ({e}).") from None
        if recomputed != digest:
            raise ProofFailed("Bản ghi trong tệp bằng chứng không có mã băm recordDigest: bản ghi bị sửa.")
    elif aggregate_id is not None or version is not None:
        raise ProofFailed("Tệp bằng chứng không kèm bản ghi, nên không kiểm được đối tượng và phiên bản.")
    if aggregate_id is not None and str(record["originatorId"]) != aggregate_id:
        raise ProofFailed(f"Sự kiện được chứng minh thuộc đối tượng {record['originatorId']}, không phải {aggregate_id}.")
    if version is not None and int(record["originatorVersion"]) != version:
        raise ProofFailed(f"Sự kiện được chứng minh là phiên bản {record['originatorVersion']}, không phải {version}.")
    if not merkle.verify_inclusion(index, size, merkle.leaf_hash(digest), hashes, checkpoint.root):
        raise ProofFailed(f"Bằng chứng không dẫn từ lá {index} tới mã gốc của điểm kiểm tra: sự kiện không nằm "
                          "trong nhật ký đã ký (hoặc bằng chứng bị sửa).")
    return Proved(checkpoint.origin, size, position, index, None if record is None else str(record["originatorId"]),
                  None if record is None else int(record["originatorVersion"]),
                  None if record is None else str(record["topic"]), tuple(w.name for w in witnesses))


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as e:
        print(f"Lỗi: không đọc được tệp {path}: {e.strerror or e}", file=sys.stderr)
        raise SystemExit(2) from None


def _key(path_or_text: str) -> Verifier:
    text = path_or_text if "+" in path_or_text and not Path(path_or_text).is_file() else _read(path_or_text)
    try:
        return parse_verifier(text)
    except NoteError as e:
        print(f"Lỗi: khóa {path_or_text}: {e.message}", file=sys.stderr)
        raise SystemExit(2) from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m projections.auditor",
                                     description="Kiểm chứng độc lập, không cần cơ sở dữ liệu.")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("verify-proof", help="Kiểm chữ ký điểm kiểm tra và bằng chứng một sự kiện nằm trong "
                                                     "nhật ký.")
    check.add_argument("--key", required=True, help="Khóa kiểm tra của nhật ký (tệp, hoặc chính chuỗi khóa).")
    check.add_argument("--checkpoint", required=True, help="Tệp điểm kiểm tra đã ký (GET /api/v1/audit/checkpoint).")
    check.add_argument("--proof", required=True, help="Tệp bằng chứng (GET /api/v1/audit/proofs/inclusion).")
    check.add_argument("--witness-key", action="append", default=[],
                       help="Khóa của một nhân chứng phải đã ký điểm kiểm tra (lặp lại được).")
    check.add_argument("--aggregate", help="Mã đối tượng mà sự kiện phải thuộc về (dòng phiếu điểm: aggregateId).")
    check.add_argument("--version", type=int, help="Phiên bản mà sự kiện phải có (dòng phiếu điểm: version).")
    args = parser.parse_args(argv)
    try:
        proof = json.loads(_read(args.proof))
    except ValueError as e:
        print(f"Lỗi: tệp bằng chứng {args.proof} không phải JSON ({e}).", file=sys.stderr)
        return 2
    try:
        proved = verify_proof(_key(args.key), _read(args.checkpoint), proof if isinstance(proof, dict) else {},
                              witnesses=tuple(_key(k) for k in args.witness_key), aggregate_id=args.aggregate,
                              version=args.version)
    except ProofFailed as e:
        print(f"KHÔNG HỢP LỆ: {e}", file=sys.stderr)
        return 1
    what = f"sự kiện ở vị trí {proved.position} (lá {proved.leaf_index}"
    if proved.aggregate_id is not None:
        what += f"; đối tượng {proved.aggregate_id}, phiên bản {proved.version}, {proved.topic}"
    print(f"HỢP LỆ: {what}) nằm trong nhật ký “{proved.origin}” có {proved.tree_size} sự kiện, theo điểm kiểm tra "
          "có chữ ký của nhật ký" + (f" và của nhân chứng {', '.join(proved.witnesses)}" if proved.witnesses else "")
          + ".")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
