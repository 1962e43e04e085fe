"""Signed notes (C2SP signed-note), log checkpoints (C2SP tlog-checkpoint) and witness cosignatures
(C2SP tlog-cosignature, Ed25519 `cosignature/v1`), with Ed25519 keys from `cryptography`.

A checkpoint is the note text `origin\\nsize\\nbase64(root)\\n`, followed by a blank line and one
signature line per signer: `— <key name> base64(key ID ‖ signature)`. Keys are written as Go's
`golang.org/x/mod/sumdb/note` writes them, so other tools read them: a verifier key is
`name+hex(key ID)+base64(type ‖ public key)`, a signing key `PRIVATE+KEY+name+hex(key ID)+base64(type ‖
seed)`, where key ID = SHA-256(name ‖ 0x0A ‖ type ‖ public key)[:4] and the type is 0x01 for the
log's Ed25519 signatures and 0x04 for a witness's timestamped cosignatures.

This module reads no database and is used, with `projections/merkle.py`, by the standalone verifier
(`python -m projections.auditor`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import struct
from dataclasses import dataclass, field
from typing import ClassVar

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from domain.errors import TrackerError

ED25519 = 0x01  # a log's signature on its checkpoint (signed-note)
COSIGNATURE_V1 = 0x04  # a witness's timestamped Ed25519 cosignature (tlog-cosignature)
ALGORITHMS = {ED25519: "Ed25519", COSIGNATURE_V1: "Ed25519 cosignature/v1"}
DASH = "\u2014 "  # em dash and space: a signature line starts with it
MAX_SIGNATURES = 32
MAX_NOTE_BYTES = 16_384
PRIVATE_PREFIX = "PRIVATE+KEY+"


class NoteError(TrackerError):
    """A note, a checkpoint or a key that does not parse, or a signature that does not verify."""

    rule = "invalid_note"


def _b64decode(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise NoteError(f"{what} không phải base64 hợp lệ.") from None


def _check_name(name: str) -> str:
    if not name or any(c.isspace() or c == "+" for c in name) or any(ord(c) < 0x20 for c in name):
        raise NoteError(f"Tên khóa “{name}” không hợp lệ (không rỗng, không có khoảng trắng hay dấu +).")
    return name


def key_id(name: str, algorithm: int, public: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + bytes([algorithm]) + public).digest()[:4]


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


@dataclass(frozen=True)
class Verifier:
    """A public key with its name and signature type: checks the signatures one signer made."""

    name: str
    algorithm: int
    public: bytes

    @property
    def id(self) -> bytes:
        return key_id(self.name, self.algorithm, self.public)

    def text(self) -> str:
        """The verifier key as published: name+hex(key ID)+base64(type ‖ public key)."""
        return f"{self.name}+{self.id.hex()}+{base64.b64encode(bytes([self.algorithm]) + self.public).decode()}"

    def _verify(self, message: bytes, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.public).verify(signature, message)
        except InvalidSignature:
            return False
        return True

    def verifies(self, body: str, signature: bytes) -> bool:
        """Whether the signature bytes (after the key ID) sign this note text."""
        if self.algorithm == ED25519:
            return len(signature) == 64 and self._verify(body.encode(), signature)
        if self.algorithm == COSIGNATURE_V1:
            if len(signature) != 72:
                return False
            (timestamp,) = struct.unpack(">Q", signature[:8])
            return timestamp < 2**63 and self._verify(cosigned_message(body, timestamp), signature[8:])
        return False


def parse_verifier(text: str) -> Verifier:
    """A verifier key from its text (name+hex(key ID)+base64(type ‖ public key))."""
    parts = text.strip().split("+", 2)  # base64 may hold "+": the key is all after the second one
    if len(parts) != 3:
        raise NoteError("Khóa kiểm tra phải có dạng tên+mã-khóa+base64 (ba phần ngăn bởi dấu +).")
    name, hex_id, encoded = parts
    _check_name(name)
    raw = _b64decode(encoded, "Phần khóa công khai")
    if len(raw) != 33 or raw[0] not in ALGORITHMS:
        raise NoteError("Khóa kiểm tra phải là một khóa Ed25519 (loại 0x01 hoặc 0x04, 32 byte).")
    verifier = Verifier(name, raw[0], raw[1:])
    if hex_id.lower() != verifier.id.hex():
        raise NoteError("Mã khóa (key ID) không khớp với tên và khóa công khai.")
    return verifier


@dataclass(frozen=True, repr=False)
class Signer:
    """A private key with its name and signature type (never stored in the database)."""

    name: str
    algorithm: int
    seed: bytes

    def __repr__(self) -> str:  # no secret in logs or tracebacks
        return f"Signer({self.name!r}, {ALGORITHMS.get(self.algorithm)})"

    @property
    def _key(self) -> Ed25519PrivateKey:
        return Ed25519PrivateKey.from_private_bytes(self.seed)

    @property
    def verifier(self) -> Verifier:
        return Verifier(self.name, self.algorithm, _raw_public(self._key.public_key()))

    def text(self) -> str:
        """The signing key as written to its file: PRIVATE+KEY+name+hex(key ID)+base64(type ‖ seed)."""
        encoded = base64.b64encode(bytes([self.algorithm]) + self.seed).decode()
        return f"{PRIVATE_PREFIX}{self.name}+{self.verifier.id.hex()}+{encoded}"

    def signature_line(self, body: str, *, timestamp: int | None = None) -> str:
        """The note signature line this key makes over `body` (a cosignature is timestamped)."""
        if self.algorithm == ED25519:
            signature = self._key.sign(body.encode())
        else:
            if timestamp is None or not 0 <= timestamp < 2**63:
                raise NoteError("Chữ ký chứng kiến cần một thời điểm (giây từ 1970).")
            signature = struct.pack(">Q", timestamp) + self._key.sign(cosigned_message(body, timestamp))
        return f"{DASH}{self.name} {base64.b64encode(self.verifier.id + signature).decode()}\n"


def generate_signer(name: str, algorithm: int = ED25519) -> Signer:
    from cryptography.hazmat.primitives.serialization import NoEncryption, PrivateFormat

    seed = Ed25519PrivateKey.generate().private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return Signer(_check_name(name), algorithm, seed)


def parse_signer(text: str) -> Signer:
    """A signing key from its text (PRIVATE+KEY+name+hex(key ID)+base64(type ‖ seed))."""
    text = text.strip()
    if not text.startswith(PRIVATE_PREFIX):
        raise NoteError("Khóa ký phải bắt đầu bằng PRIVATE+KEY+ (tạo bằng `tracker keygen`).")
    parts = text[len(PRIVATE_PREFIX):].split("+", 2)
    if len(parts) != 3:
        raise NoteError("Khóa ký phải có dạng PRIVATE+KEY+tên+mã-khóa+base64.")
    name, hex_id, encoded = parts
    raw = _b64decode(encoded, "Phần khóa bí mật")
    if len(raw) != 33 or raw[0] not in ALGORITHMS:
        raise NoteError("Khóa ký phải là một khóa Ed25519 (loại 0x01 hoặc 0x04, 32 byte).")
    signer = Signer(_check_name(name), raw[0], raw[1:])
    if hex_id.lower() != signer.verifier.id.hex():
        raise NoteError("Mã khóa (key ID) của khóa ký không khớp với tên và khóa.")
    return signer


def cosigned_message(body: str, timestamp: int) -> bytes:
    """What a witness signs (tlog-cosignature, Ed25519): a header, the time, then the checkpoint text."""
    return f"cosignature/v1\ntime {timestamp}\n".encode() + body.encode()


# -- notes ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SignatureLine:
    name: str
    key_id: bytes
    signature: bytes  # after the key ID (a cosignature: the 8-byte timestamp, then the signature)

    def text(self) -> str:
        return f"{DASH}{self.name} {base64.b64encode(self.key_id + self.signature).decode()}\n"

    @property
    def timestamp(self) -> int | None:
        return struct.unpack(">Q", self.signature[:8])[0] if len(self.signature) == 72 else None


@dataclass(frozen=True)
class Note:
    body: str  # the text that is signed, ending in a newline
    signatures: tuple[SignatureLine, ...] = field(default=())

    def text(self) -> str:
        return self.body + "\n" + "".join(s.text() for s in self.signatures)

    def signed_by(self, verifier: Verifier) -> bool:
        """Whether a signature line of this key is present and verifies (a present one that fails: False)."""
        mine = [s for s in self.signatures if s.name == verifier.name and s.key_id == verifier.id]
        return bool(mine) and all(verifier.verifies(self.body, s.signature) for s in mine)


def parse_note(text: str) -> Note:
    """A signed note: its text and its signature lines (nothing is verified here)."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_NOTE_BYTES:
        raise NoteError("Ghi chú có chữ ký quá dài.")
    if any(ord(c) < 0x20 and c != "\n" for c in text):
        raise NoteError("Ghi chú có chữ ký không được chứa ký tự điều khiển (ngoài xuống dòng).")
    if not text.endswith("\n"):
        raise NoteError("Ghi chú có chữ ký phải kết thúc bằng một dòng mới.")
    split = text.rfind("\n\n")
    if split < 0:
        raise NoteError("Ghi chú có chữ ký thiếu dòng trống ngăn nội dung với chữ ký.")
    body, lines = text[:split + 1], text[split + 2:].splitlines()
    if not lines:
        raise NoteError("Ghi chú không có chữ ký nào.")
    if len(lines) > MAX_SIGNATURES:
        raise NoteError(f"Ghi chú có quá {MAX_SIGNATURES} chữ ký.")
    signatures = []
    for line in lines:
        if not line.startswith(DASH):
            raise NoteError("Mỗi dòng chữ ký phải bắt đầu bằng “— ” rồi tên khóa.")
        name, _, encoded = line[len(DASH):].partition(" ")
        _check_name(name)
        raw = _b64decode(encoded, "Chữ ký")
        if len(raw) < 5:
            raise NoteError("Chữ ký quá ngắn.")
        signatures.append(SignatureLine(name, raw[:4], raw[4:]))
    return Note(body, tuple(signatures))


def open_note(text: str, verifier: Verifier) -> Note:
    """The note, if the given key signed it (a signature of that key that fails is refused)."""
    note = parse_note(text)
    if not note.signed_by(verifier):
        raise NoteError(f"Ghi chú không có chữ ký hợp lệ của khóa {verifier.name} ({verifier.id.hex()}).")
    return note


# -- checkpoints ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Checkpoint:
    """A log's tree head: its origin, the number of leaves and the RFC 6962 root hash."""

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    MAX_SIZE: ClassVar[int] = 2**63 - 1

    def body(self) -> str:
        return "".join(f"{line}\n" for line in (self.origin, str(self.size),
                                                base64.b64encode(self.root).decode(), *self.extensions))


def parse_checkpoint(body: str) -> Checkpoint:
    """A checkpoint from a note's text (its signatures are checked by `open_note`)."""
    lines = body.split("\n")
    if len(lines) < 4 or lines[-1] != "" or any(not line for line in lines[:-1]):
        raise NoteError("Điểm kiểm tra phải có ít nhất ba dòng khác rỗng: nguồn gốc, kích thước cây, mã gốc.")
    origin, size, root, *extensions = lines[:-1]
    if not size.isascii() or not size.isdigit() or (size != "0" and size.startswith("0")) or len(size) > 19:
        raise NoteError(f"Kích thước cây “{size[:40]}” không phải số thập phân hợp lệ.")
    digest = _b64decode(root, "Mã gốc của cây")
    if len(digest) != 32:
        raise NoteError("Mã gốc của cây phải là 32 byte (SHA-256).")
    if int(size) > Checkpoint.MAX_SIZE:
        raise NoteError("Kích thước cây quá lớn.")
    return Checkpoint(origin, int(size), digest, tuple(extensions))


def sign_checkpoint(checkpoint: Checkpoint, signer: Signer) -> str:
    body = checkpoint.body()
    return body + "\n" + signer.signature_line(body)


def open_checkpoint(text: str, verifier: Verifier, *, origin: str | None = None) -> tuple[Checkpoint, Note]:
    """A checkpoint whose signature by the log's key verifies (and whose origin is the expected one)."""
    note = open_note(text, verifier)
    checkpoint = parse_checkpoint(note.body)
    if origin is not None and checkpoint.origin != origin:
        raise NoteError(f"Điểm kiểm tra của nhật ký “{checkpoint.origin}”, không phải “{origin}”.")
    return checkpoint, note
