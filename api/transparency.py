"""Transport types of the transparency log (proofs, the verifier key) and the one way each is built,
shared by the API, the web event page and the CLI (`tracker proof` writes the same JSON)."""

from __future__ import annotations

import base64
from typing import Any, Protocol

from api.schemas import Schema
from domain.errors import NotFound
from projections.reports import CityReport
from projections.tree import InclusionProof, StoredCheckpoint, TransparencyLog


class StoredRecords(Protocol):
    """The event store's records by log position (the composition root's `StoreLog`)."""

    def stored(self, position: int) -> Any: ...


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


class RecordOut(Schema):
    """One event exactly as stored: SHA-256 of `originatorId\\noriginatorVersion\\ntopic\\n` + state is its
    record digest."""

    originator_id: str
    originator_version: int
    topic: str
    state: str  # base64 of the stored bytes


class InclusionProofOut(Schema):
    """RFC 9162 inclusion proof of one event: leaf = SHA-256(0x00 ‖ recordDigest), `hashes` from the leaf's
    sibling up to the root of the tree of `treeSize` leaves."""

    origin: str
    position: int
    leaf_index: int
    tree_size: int
    record_digest: str  # hex
    record: RecordOut | None
    hashes: list[str]  # base64
    root_hash: str  # base64
    checkpoint: str | None  # the signed checkpoint of this tree size, with its cosignatures, if there is one


class ConsistencyProofOut(Schema):
    """RFC 9162 consistency proof: the tree of `to` leaves extends the tree of `from` leaves."""

    from_size: int
    to_size: int
    from_root: str  # base64
    to_root: str  # base64
    hashes: list[str]  # base64


def record_out(records: StoredRecords, position: int) -> RecordOut | None:
    stored = records.stored(position)
    if stored is None:
        return None
    return RecordOut(originator_id=str(stored.originator_id), originator_version=int(stored.originator_version),
                     topic=stored.topic, state=b64(bytes(stored.state)))


def inclusion_out(transparency: TransparencyLog, records: StoredRecords, position: int,
                  tree_size: int | None = None) -> InclusionProofOut:
    """The proof for one event against the tree of `tree_size` leaves (default: the latest checkpoint's)."""
    checkpoint: StoredCheckpoint | None = None
    if tree_size is None:
        checkpoint = transparency.latest()
        tree_size = checkpoint.size if checkpoint is not None else transparency.size()
        if tree_size == 0:
            raise NotFound("Cây Merkle chưa có lá nào.", field="treeSize")
    else:
        checkpoint = transparency.checkpoint(tree_size) or transparency.sign(tree_size)
    proof: InclusionProof = transparency.inclusion(position, tree_size)
    return InclusionProofOut(
        origin=transparency.origin, position=proof.position, leaf_index=proof.leaf_index, tree_size=proof.tree_size,
        record_digest=proof.record_digest.hex(), record=record_out(records, position),
        hashes=[b64(h) for h in proof.hashes], root_hash=b64(proof.root),
        checkpoint=checkpoint.text() if checkpoint is not None else None)


def consistency_out(transparency: TransparencyLog, from_size: int, to_size: int) -> ConsistencyProofOut:
    hashes = transparency.consistency(from_size, to_size)
    return ConsistencyProofOut(from_size=from_size, to_size=to_size, from_root=b64(transparency.root(from_size)),
                               to_root=b64(transparency.root(to_size)), hashes=[b64(h) for h in hashes])


def checkpoint_text(transparency: TransparencyLog, position: int) -> str | None:
    """The signed checkpoint (with cosignatures) of the tree up to `position`: what a scorecard, a report or
    an export built at that position carries (signed now if it is not yet and this process can)."""
    found = transparency.checkpoint_for(position)
    return None if found is None else found.text()


def with_checkpoint(transparency: TransparencyLog, report: CityReport) -> CityReport:
    report.checkpoint = checkpoint_text(transparency, report.position)
    return report
