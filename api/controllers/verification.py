"""Tamper evidence for auditors: recompute the hash chain over the stored log."""

from __future__ import annotations

import logging

from litestar import Controller, get
from litestar.datastructures import State

from api.schemas import VerificationOut
from api.security import AUDITORS, requires_role

log = logging.getLogger("tracker.api")


class VerificationController(Controller):
    path = "/api/v1/audit/verify"
    tags = ["Kiểm toán"]

    @get("/", operation_id="verifyLog", guards=[requires_role(*AUDITORS)], sync_to_thread=True)
    def verify(self, state: State) -> VerificationOut:
        """Tính lại chuỗi băm từ nhật ký đã lưu: số sự kiện đã kiểm, mã băm đầu chuỗi, vị trí sai đầu tiên."""
        tracker = state.tracker
        try:
            tracker.projector.catch_up()  # seal what is logged and not sealed yet (a failed read model
        except Exception:  # is recorded and does not stop the seal); whatever happens, verify what is sealed
            log.exception("read models did not catch up before verification")
        result = tracker.verify()
        return VerificationOut(ok=result.ok, checked=result.checked, head=result.head,
                               sealed_position=result.sealed_position, log_position=result.log_position,
                               first_mismatch=result.first_mismatch, reason=result.reason)
