"""The log's signing key and the witnesses' public keys, from configuration (never from the database).

`TRACKER_LOG_KEY_FILE` names a file holding the signing key (`tracker keygen` writes one), or
`TRACKER_LOG_KEY` holds the key itself (from a secret store). `TRACKER_LOG_ORIGIN` names the log in
its checkpoints. `TRACKER_WITNESS_KEYS` lists the verifier keys of the witnesses whose cosignatures
the server accepts (separated by spaces, commas or new lines). The demo (`tracker serve --demo`,
`tracker seed-demo`) makes a key in `var/` when none is configured, and says so loudly.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

from domain.errors import InvalidInput
from projections.notes import ED25519, NoteError, Signer, Verifier, generate_signer, parse_signer, parse_verifier
from projections.tree import DEFAULT_ORIGIN

DEMO_KEY_FILE = Path("var") / "log-signing.key"
DEMO_WARNING = ("CẢNH BÁO: khóa ký nhật ký được tạo tự động cho bản thử tại {path}. Ai có tệp này có thể ký "
                "điểm kiểm tra thay cho nhật ký. Khi vận hành thật, tạo khóa riêng (`tracker keygen --out …`), "
                "giữ ngoài cơ sở dữ liệu và đặt TRACKER_LOG_KEY_FILE.")


def origin() -> str:
    return os.environ.get("TRACKER_LOG_ORIGIN", "").strip() or DEFAULT_ORIGIN


def read_signer(path: str | Path) -> Signer:
    """A signing key from its file (refused, in Vietnamese, if it is missing or not a key)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as e:
        raise InvalidInput(f"Không đọc được tệp khóa ký {path}: {e.strerror or e}", field="key") from None
    try:
        return parse_signer(text)
    except NoteError as e:
        raise InvalidInput(f"Tệp {path}: {e.message}", field="key") from None


def read_verifier(text_or_path: str) -> Verifier:
    """A verifier key given as its text or as a file holding it."""
    text = text_or_path.strip()
    if "+" not in text or Path(text).is_file():
        try:
            text = Path(text).read_text(encoding="utf-8").strip()
        except OSError as e:
            raise InvalidInput(f"Không đọc được khóa kiểm tra {text_or_path}: {e.strerror or e}", field="key") from None
    try:
        return parse_verifier(text)
    except NoteError as e:
        raise InvalidInput(e.message, field="key") from None


def log_signer() -> Signer | None:
    """The log's signing key as configured, or None (then no checkpoint is signed)."""
    inline = os.environ.get("TRACKER_LOG_KEY", "").strip()
    if inline:
        try:
            return parse_signer(inline)
        except NoteError as e:
            raise InvalidInput(f"TRACKER_LOG_KEY: {e.message}", field="TRACKER_LOG_KEY") from None
    path = os.environ.get("TRACKER_LOG_KEY_FILE", "").strip()
    return read_signer(path) if path else None


def witness_keys() -> tuple[Verifier, ...]:
    found = []
    for text in re.split(r"[\s,]+", os.environ.get("TRACKER_WITNESS_KEYS", "").strip()):
        if text:
            try:
                found.append(parse_verifier(text))
            except NoteError as e:
                raise InvalidInput(f"TRACKER_WITNESS_KEYS: {e.message}", field="TRACKER_WITNESS_KEYS") from None
    return tuple(found)


def write_key(signer: Signer, path: str | Path) -> None:
    """Write a signing key to a new file readable by its owner only (an existing file is never replaced)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise InvalidInput(f"Tệp {target} đã có: không ghi đè một khóa.", field="out") from None
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(signer.text() + "\n")


def demo_log_key(warn: Callable[[str], None], path: Path = DEMO_KEY_FILE) -> None:
    """In the demo, with no key configured: use (making it the first time) a key in var/, with a warning."""
    if os.environ.get("TRACKER_LOG_KEY", "").strip() or os.environ.get("TRACKER_LOG_KEY_FILE", "").strip():
        return
    if not path.exists():
        write_key(generate_signer(origin(), ED25519), path)
    os.environ["TRACKER_LOG_KEY_FILE"] = str(path)
    warn(DEMO_WARNING.format(path=path))
