"""A witness: another office (the Thanh tra, the city's auditors) checks that the log only ever grows,
and cosigns what it checked.

Each run fetches the log's latest checkpoint, checks its signature with the log's key, and checks that
it extends the last checkpoint this witness saw — the same root for the same size, a valid RFC 9162
consistency proof for a larger size. A smaller size (the log was cut) or a root that no proof links
(the log was rewritten: a fork) is refused loudly, both checkpoints are kept as evidence, and the
state is left as it was, so every later run refuses too until a person looks. Otherwise the witness
cosigns the checkpoint (C2SP tlog-cosignature, Ed25519 `cosignature/v1`), sends the cosignature to
the log, which serves it beside the checkpoint, and remembers the checkpoint.

The state directory holds `log.key` (the log's verifier key: given with `--log-key`, or trusted on
first use and then pinned), `checkpoint` (the last checkpoint verified, with this witness's
cosignature), `history.log` (one line per run) and `refused-*.txt` (the evidence of a refusal).
"""

from __future__ import annotations

import base64
import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from domain.errors import TrackerError
from projections import merkle
from projections.notes import (
    COSIGNATURE_V1,
    Checkpoint,
    NoteError,
    Signer,
    Verifier,
    open_checkpoint,
    parse_verifier,
)

CHECKPOINT_PATH = "/api/v1/audit/checkpoint"
KEY_PATH = "/api/v1/audit/checkpoint-key"
CONSISTENCY_PATH = "/api/v1/audit/proofs/consistency"
COSIGN_PATH = "/api/v1/audit/checkpoint/cosignatures"

# (method, path with query, body) -> (HTTP status, body text)
Transport = Callable[[str, str, bytes | None], tuple[int, str]]


class WitnessRefused(TrackerError):
    """The log is not the one this witness saw grow: cut, rewritten, or signed with another key."""

    rule = "witness_refused"


class WitnessUnreachable(TrackerError):
    """The log could not be asked (network, HTTP error) or did not take the cosignature."""

    rule = "witness_unreachable"


@dataclass(frozen=True)
class Witnessed:
    size: int
    previous: int | None  # the size seen before (None on the first run)
    root: str  # base64
    cosigned: str  # the checkpoint with this witness's cosignature
    sent: bool  # whether the log accepted the cosignature
    trusted_key_now: bool  # the log's key was trusted on this (first) run
    note: str | None = None  # why the cosignature was not accepted, if it was not


def http_transport(base_url: str, timeout: float = 30.0) -> Transport:
    """Requests to the log's server with the standard library (no credentials: these routes are public)."""
    base = base_url.rstrip("/")

    def call(method: str, path: str, body: bytes | None) -> tuple[int, str]:
        request = urllib.request.Request(base + path, data=body, method=method,
                                         headers={"Content-Type": "text/plain; charset=utf-8",
                                                  "User-Agent": "so-trach-nhiem-witness/1"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310 - an operator's URL
                return answer.status, answer.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode("utf-8", "replace")
        except (urllib.error.URLError, OSError, ValueError) as e:
            raise WitnessUnreachable(f"Không kết nối được nhật ký {base}: {getattr(e, 'reason', e)}") from None

    return call


def _detail(text: str) -> str:
    try:
        return str(json.loads(text).get("detail") or text)[:500]
    except (ValueError, AttributeError):
        return text[:500]


class Witness:
    def __init__(self, transport: Transport, signer: Signer, state: Path, *, log_key: Verifier | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        if signer.algorithm != COSIGNATURE_V1:
            raise TrackerError("Khóa của nhân chứng phải là khóa chữ ký chứng kiến (tạo bằng "
                               "`tracker keygen --witness`).", rule="invalid_note", field="key")
        self.transport = transport
        self.signer = signer
        self.state = Path(state)
        self.log_key = log_key
        self.clock = clock

    def _get(self, path: str) -> str:
        status, text = self.transport("GET", path, None)
        if status != 200:
            raise WitnessUnreachable(f"Nhật ký trả lời {status} cho {path}: {_detail(text)}")
        return text

    def _pinned_key(self) -> tuple[Verifier, bool]:
        """The log's key: as given (and then pinned), as pinned before, or trusted now on first use."""
        path = self.state / "log.key"
        pinned = parse_verifier(path.read_text(encoding="utf-8")) if path.exists() else None
        if self.log_key is not None:
            if pinned is not None and pinned != self.log_key:
                raise WitnessRefused(f"Khóa nhật ký đưa vào ({self.log_key.text()}) khác khóa đã ghim trong "
                                     f"{path} ({pinned.text()}): không tiếp tục. Nếu nhật ký đổi khóa có thông báo "
                                     "chính thức, xóa tệp đó rồi chạy lại.")
            if pinned is None:
                _write(path, self.log_key.text() + "\n")
            return self.log_key, False
        if pinned is not None:
            return pinned, False
        key = parse_verifier(self._get(KEY_PATH))
        _write(path, key.text() + "\n")
        return key, True

    def run(self) -> Witnessed:
        self.state.mkdir(parents=True, exist_ok=True)
        key, trusted_now = self._pinned_key()
        text = self._get(CHECKPOINT_PATH)
        try:
            new, note = open_checkpoint(text, key)
        except NoteError as e:
            self._refuse("chữ ký", text, None, f"Điểm kiểm tra không có chữ ký hợp lệ của khóa nhật ký đã ghim: "
                                               f"{e.message}")
        if new.origin != key.name:
            self._refuse("nguồn gốc", text, None, f"Điểm kiểm tra của nhật ký “{new.origin}”, không phải "
                                                 f"“{key.name}”.")
        previous_text = (self.state / "checkpoint").read_text(encoding="utf-8") \
            if (self.state / "checkpoint").exists() else None
        old: Checkpoint | None = None
        if previous_text is not None:
            old, _ = open_checkpoint(previous_text, key)
            self._check_extends(old, new, text, previous_text)
        timestamp = int(self.clock())
        cosigned = note.body + "\n" + "".join(s.text() for s in note.signatures if s.name == key.name) \
            + self.signer.signature_line(note.body, timestamp=timestamp)
        _write(self.state / "checkpoint", cosigned)
        status, answer = self.transport("POST", COSIGN_PATH, cosigned.encode())
        sent = status == 200
        root = merkle_b64(new.root)
        self._history(f"{'đã ký' if sent else 'đã ký, chưa gửi được'} kích thước {new.size} gốc {root}")
        return Witnessed(new.size, None if old is None else old.size, root, cosigned, sent, trusted_now,
                         None if sent else f"{status}: {_detail(answer)}")

    def _check_extends(self, old: Checkpoint, new: Checkpoint, text: str, previous_text: str) -> None:
        if new.size < old.size:
            self._refuse("co lại", text, previous_text,
                         f"NHẬT KÝ BỊ CO LẠI: điểm kiểm tra mới có {new.size} sự kiện, lần trước đã thấy {old.size}. "
                         f"{old.size - new.size} sự kiện đã bị cắt khỏi nhật ký.")
        if new.size == old.size:
            if new.root != old.root:
                self._refuse("rẽ nhánh", text, previous_text,
                             f"NHẬT KÝ BỊ RẼ NHÁNH: cùng {new.size} sự kiện nhưng mã gốc khác "
                             f"({merkle_b64(old.root)} trước đây, {merkle_b64(new.root)} bây giờ): lịch sử đã bị viết lại.")
            return
        query = urllib.parse.urlencode({"from": old.size, "to": new.size})
        body = self._get(f"{CONSISTENCY_PATH}?{query}")
        try:
            hashes = [merkle_unb64(h) for h in json.loads(body)["hashes"]]
        except (ValueError, KeyError, TypeError):
            hashes = None
        if hashes is None or not merkle.verify_consistency(old.size, new.size, old.root, new.root, hashes):
            self._refuse("rẽ nhánh", text, previous_text,
                         f"NHẬT KÝ BỊ RẼ NHÁNH: không có bằng chứng hợp lệ rằng cây {new.size} sự kiện nối tiếp cây "
                         f"{old.size} sự kiện đã thấy: một phần lịch sử đã bị sửa, xóa hoặc chèn.")

    def _refuse(self, kind: str, text: str, previous: str | None, message: str) -> None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        evidence = self.state / f"refused-{stamp}.txt"
        _write(evidence, f"# {message}\n\n# Điểm kiểm tra nhận được:\n{text}\n"
                         + (f"# Điểm kiểm tra đã thấy trước đó:\n{previous}" if previous else ""))
        self._history(f"TỪ CHỐI ({kind}): {message}")
        raise WitnessRefused(f"{message} Không ký. Bằng chứng: {evidence}.")

    def _history(self, line: str) -> None:
        with open(self.state / "history.log", "a", encoding="utf-8") as out:
            out.write(f"{datetime.now(UTC).isoformat(timespec='seconds')} {line}\n")


def merkle_b64(root: bytes) -> str:
    return base64.b64encode(root).decode()


def merkle_unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def _write(path: Path, text: str) -> None:
    """Replace a state file in one step (a run killed midway leaves the old one whole)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    with open(temporary, "w", encoding="utf-8") as out:
        out.write(text)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, path)
