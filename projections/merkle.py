"""The RFC 6962 / RFC 9162 Merkle tree hash over the log, its proofs and their verification.

Pure functions of hashes: what is stored, and where, is `projections/tree.py`'s business. A tree of
size n has leaves 0 … n−1 (leaf i is log event i+1 when the log has no gaps). The hash of a leaf is
SHA-256(0x00 ‖ d) where d is the event's record digest, an inner node SHA-256(0x01 ‖ left ‖ right);
the tree over n leaves splits at the largest power of two below n (RFC 9162 §2.1.1).

Every subtree the proofs need is named by (level, index): the 2^level leaves from index·2^level.
Those that are complete are stored once (append-only), so a root, an inclusion proof or a
consistency proof reads O(log n) of them (`needed` names which) and hashes the rest here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence

Node = tuple[int, int]  # (level, index): the complete subtree of leaves [index·2^level, (index+1)·2^level)
Lookup = Callable[[Node], bytes]

EMPTY_ROOT = hashlib.sha256(b"").digest()  # the root of the empty tree (RFC 9162 §2.1.1)


def record_digest(record: bytes) -> bytes:
    """d_i: the SHA-256 of one stored record (the bytes the hash chain seals)."""
    return hashlib.sha256(record).digest()


def leaf_hash(digest: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + digest).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than n (n ≥ 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def _complete(start: int, size: int) -> Node | None:
    """The stored subtree holding exactly leaves [start, start + size), if there is one."""
    if size & (size - 1) == 0 and start % size == 0:
        return (size.bit_length() - 1, start // size)
    return None


def _range_hash(start: int, end: int, get: Lookup) -> bytes:
    """MTH(D[start:end]) of a range the RFC's recursion reaches (`start` aligned to the split)."""
    node = _complete(start, end - start)
    if node is not None:
        return get(node)
    k = _split(end - start)
    return node_hash(_range_hash(start, start + k, get), _range_hash(start + k, end, get))


def root(size: int, get: Lookup) -> bytes:
    """The tree head of the first `size` leaves."""
    return EMPTY_ROOT if size == 0 else _range_hash(0, size, get)


def inclusion_proof(index: int, size: int, get: Lookup) -> list[bytes]:
    """PATH(index, D[0:size]) (RFC 9162 §2.1.3.1), from the leaf's sibling up."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of size {size}")
    proof: list[bytes] = []

    def path(m: int, start: int, end: int) -> None:
        if end - start == 1:
            return
        k = _split(end - start)
        if m < k:
            path(m, start, start + k)
            proof.append(_range_hash(start + k, end, get))
        else:
            path(m - k, start + k, end)
            proof.append(_range_hash(start, start + k, get))

    path(index, 0, size)
    return proof


def consistency_proof(old: int, new: int, get: Lookup) -> list[bytes]:
    """PROOF(old, D[0:new]) (RFC 9162 §2.1.4.1): the tree of size `new` extends the one of size `old`."""
    if not 0 <= old <= new:
        raise ValueError(f"no consistency proof from size {old} to size {new}")
    if old in (0, new):
        return []
    proof: list[bytes] = []

    def subproof(m: int, start: int, end: int, whole: bool) -> None:
        if m == end - start:
            if not whole:
                proof.append(_range_hash(start, end, get))
            return
        k = _split(end - start)
        if m <= k:
            subproof(m, start, start + k, whole)
            proof.append(_range_hash(start + k, end, get))
        else:
            subproof(m - k, start + k, end, False)
            proof.append(_range_hash(start, start + k, get))

    subproof(old, 0, new, True)
    return proof


def needed(compute: Callable[[Lookup], object]) -> set[Node]:
    """The stored subtrees a computation reads (it is run once with placeholder hashes)."""
    seen: set[Node] = set()

    def record(node: Node) -> bytes:
        seen.add(node)
        return bytes(32)

    compute(record)
    return seen


# -- verification (RFC 9162 §2.1.3.2 and §2.1.4.2) ------------------------------------------------------

def root_from_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes]) -> bytes | None:
    """The root an inclusion proof leads to, or None if the proof cannot be one for (index, size)."""
    if not 0 <= index < size:
        return None
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return r if sn == 0 else None


def verify_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes], expected_root: bytes) -> bool:
    return root_from_inclusion(index, size, leaf, proof) == expected_root


def verify_consistency(old: int, new: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]) -> bool:
    """Whether `proof` shows the tree (new, new_root) extends the tree (old, old_root)."""
    if not 0 <= old <= new:
        return False
    if old == new:
        return not proof and old_root == new_root
    if old == 0:
        return not proof  # every tree extends the empty one
    path = list(proof)
    if old & (old - 1) == 0:  # a power of two: the old root is itself the first node of the path
        path.insert(0, old_root)
    if not path:
        return False
    fn, sn = old - 1, new - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == old_root and sr == new_root


# -- building ------------------------------------------------------------------------------------------

def frontier_nodes(size: int) -> list[Node]:
    """The complete subtrees along the right edge of a tree of `size` leaves, left to right: what an
    append needs (RFC 6962's tree is these, merged from the right)."""
    nodes, start = [], 0
    for level in range(size.bit_length() - 1, -1, -1):
        if size >> level & 1:
            nodes.append((level, start >> level))
            start += 1 << level
    return nodes


class Frontier:
    """The right edge of a growing tree: append a leaf in O(log n), and learn the subtrees it completes."""

    __slots__ = ("size", "edge")

    def __init__(self, size: int = 0, edge: Iterable[tuple[int, bytes]] = ()) -> None:
        self.size = size
        self.edge: list[tuple[int, bytes]] = list(edge)  # (level, hash) of `frontier_nodes(size)`, in order

    def append(self, leaf: bytes) -> list[tuple[int, int, bytes]]:
        """Add a leaf hash; return the (level ≥ 1, index, hash) of every subtree it completes."""
        index = self.size
        edge = self.edge
        edge.append((0, leaf))
        made = []
        while len(edge) > 1 and edge[-2][0] == edge[-1][0]:
            level, right = edge.pop()
            _, left = edge.pop()
            parent = node_hash(left, right)
            made.append((level + 1, index >> (level + 1), parent))
            edge.append((level + 1, parent))
        self.size = index + 1
        return made

    def root(self) -> bytes:
        if not self.edge:
            return EMPTY_ROOT
        r = self.edge[-1][1]
        for _, h in reversed(self.edge[:-1]):
            r = node_hash(h, r)
        return r
