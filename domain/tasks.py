"""Tasks assigned by a plan's assignment table, with the "6 rõ" (DESIGN §4)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date, timedelta
from uuid import UUID

from domain.actor import Actor
from domain.base import (
    TrackerAggregate,
    illegal,
    natural_id,
    not_before,
    not_in_future,
    require_date,
    require_reason,
    require_text,
)
from domain.errors import InvalidInput
from domain.legal import fmt_date


class AssignedTask(TrackerAggregate):
    """A row of a plan's assignment table: who, what, responsibility, deadline, result, coordination."""

    class Assigned(TrackerAggregate.Created):
        plan_ref: str
        row_no: str
        title: str
        lead_unit_id: UUID
        responsible_official_id: UUID | None
        responsibility: str
        coordinating_unit_ids: tuple[UUID, ...]
        expected_result: str
        assigned_on: date
        due_on: date
        deadline_text: str = ""  # the deadline as the plan words it ("Quý III/2026", "Thường xuyên")

    class ProgressReported(TrackerAggregate.Event):
        on: date
        percent: int
        note: str

        def apply(self, task: AssignedTask) -> None:
            task.progress = self.percent

    class Completed(TrackerAggregate.Event):
        on: date
        result: str

        def apply(self, task: AssignedTask) -> None:
            task.completed_on = self.on
            task.progress = 100

    class Reassigned(TrackerAggregate.Event):
        lead_unit_id: UUID
        responsible_official_id: UUID | None
        due_on: date
        on: date
        reason: str

        def apply(self, task: AssignedTask) -> None:
            task.lead_unit_id = self.lead_unit_id
            task.responsible_official_id = self.responsible_official_id
            task.due_on = self.due_on

    plan_ref: str
    row_no: str
    title: str
    lead_unit_id: UUID
    responsible_official_id: UUID | None
    responsibility: str
    coordinating_unit_ids: tuple[UUID, ...]
    expected_result: str
    assigned_on: date
    due_on: date
    deadline_text: str
    progress: int
    completed_on: date | None

    def __init__(self, plan_ref: str, row_no: str, title: str, lead_unit_id: UUID,
                 responsible_official_id: UUID | None, responsibility: str,
                 coordinating_unit_ids: tuple[UUID, ...], expected_result: str, assigned_on: date,
                 due_on: date, deadline_text: str = "") -> None:
        self.plan_ref = plan_ref
        self.row_no = row_no
        self.title = title
        self.lead_unit_id = lead_unit_id
        self.responsible_official_id = responsible_official_id
        self.responsibility = responsibility
        self.coordinating_unit_ids = tuple(coordinating_unit_ids)
        self.expected_result = expected_result
        self.assigned_on = assigned_on
        self.due_on = due_on
        self.deadline_text = deadline_text
        self.progress = 0
        self.completed_on = None

    @staticmethod
    def id_for(plan_ref: str, row_no: str, lead_unit_id: UUID) -> UUID:
        return natural_id("task", f"{plan_ref}/{row_no}/{lead_unit_id}")

    @classmethod
    def assign(cls, *, plan_ref: str, row_no: str, title: str, lead_unit_id: UUID,
               responsible_official_id: UUID | None, responsibility: str,
               coordinating_unit_ids: Iterable[UUID], expected_result: str, assigned_on: date,
               due_on: date | None = None, deadline_text: str = "", recorded_by: Actor) -> AssignedTask:
        plan_ref = require_text(plan_ref, "planRef", "số hiệu kế hoạch")
        row_no = require_text(row_no, "rowNo", "số thứ tự nhiệm vụ")
        assigned_on = require_date(assigned_on, "assignedOn")
        deadline_text = (deadline_text or "").strip()
        if due_on is None and deadline_text:
            due_on = due_date_from_text(deadline_text, assigned_on)
        due_on = require_date(due_on, "dueOn")
        not_before(due_on, assigned_on, rule="task_due_before_assignment", field="dueOn",
                   message="Thời hạn hoàn thành trước ngày giao nhiệm vụ.")
        coordinating = tuple(dict.fromkeys(u for u in coordinating_unit_ids if u != lead_unit_id))
        return cls._create(
            cls.Assigned, id=cls.id_for(plan_ref, row_no, lead_unit_id), plan_ref=plan_ref,
            row_no=row_no, title=require_text(title, "title", "nội dung nhiệm vụ"),
            lead_unit_id=lead_unit_id, responsible_official_id=responsible_official_id,
            responsibility=require_text(responsibility, "responsibility", "trách nhiệm"),
            coordinating_unit_ids=coordinating,
            expected_result=require_text(expected_result, "expectedResult", "kết quả, sản phẩm"),
            assigned_on=assigned_on, due_on=due_on, deadline_text=deadline_text, recorded_by=recorded_by)

    def _check_open(self) -> None:
        if self.completed_on is not None:
            raise illegal(f"Nhiệm vụ đã hoàn thành ngày {fmt_date(self.completed_on)}.",
                          "task_completed", "completed")

    def report_progress(self, *, on: date, percent: int, note: str, recorded_by: Actor) -> None:
        self._check_open()
        on = require_date(on, "on")
        not_in_future(on, "on")
        if not isinstance(percent, int) or not 0 <= percent < 100:
            raise InvalidInput("Tiến độ phải là số nguyên từ 0 đến 99 (100% là hoàn thành).",
                               field="percent", value=percent)
        self.trigger_event(self.ProgressReported, on=on, percent=percent, note=(note or "").strip(),
                           recorded_by=recorded_by)

    def complete(self, *, on: date, result: str, recorded_by: Actor) -> None:
        self._check_open()
        on = require_date(on, "on")
        not_before(on, self.assigned_on, rule="completion_before_assignment", field="on",
                   message="Ngày hoàn thành trước ngày giao nhiệm vụ.")
        not_in_future(on, "on")
        self.trigger_event(self.Completed, on=on, result=require_text(result, "result", "kết quả"),
                           recorded_by=recorded_by)

    def reassign(self, *, lead_unit_id: UUID, responsible_official_id: UUID | None, due_on: date,
                 on: date, reason: str, recorded_by: Actor) -> None:
        self._check_open()
        due_on = require_date(due_on, "dueOn")
        on = require_date(on, "on")
        not_before(due_on, self.assigned_on, rule="task_due_before_assignment", field="dueOn",
                   message="Thời hạn hoàn thành trước ngày giao nhiệm vụ.")
        self.trigger_event(self.Reassigned, lead_unit_id=lead_unit_id,
                           responsible_official_id=responsible_official_id, due_on=due_on, on=on,
                           reason=require_reason(reason), recorded_by=recorded_by)

    def is_late(self, as_of: date) -> bool:
        """Overdue at `as_of`, or completed after its due date."""
        if self.completed_on is not None:
            return self.completed_on > self.due_on
        return as_of > self.due_on


# -- deadlines as plans word them ---------------------------------------------------------------------

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


def _month_end(year: int, month: int) -> date:
    return (date(year + (month == 12), month % 12 + 1, 1)) - timedelta(days=1)


def due_date_from_text(text: str, assigned_on: date) -> date:
    """The due date a plan's wording sets: "Quý III/2026" → 30/09/2026, "Tháng 6 năm 2026" → 30/06/2026,
    "2026-2027" → 31/12/2027, "Năm 2026", "Đến cuối năm 2026" → 31/12/2026; standing tasks
    ("Thường xuyên", "Hàng năm", "Định kỳ hằng năm") are reviewed at the end of each year, the first
    time at the end of the year they were assigned (or of the year the wording starts from)."""
    t = unicodedata.normalize("NFC", text).lower()
    if m := re.search(r"quý\s+(iv|iii|ii|i)\s*/\s*(\d{4})", t):
        year, quarter = int(m.group(2)), _ROMAN[m.group(1)]
        return _month_end(year, quarter * 3)
    if m := re.search(r"tháng\s+(\d{1,2})\s*(?:năm|/)\s*(\d{4})", t):
        month = int(m.group(1))
        if not 1 <= month <= 12:
            raise InvalidInput(f"Tháng không hợp lệ trong thời hạn “{text}”.", field="deadlineText", value=text)
        return _month_end(int(m.group(2)), month)
    if m := re.search(r"\b(\d{4})\s*[-–]\s*(\d{4})\b", t):
        return date(int(m.group(2)), 12, 31)
    if m := re.search(r"\b(20\d{2})\b", t):
        return date(max(int(m.group(1)), assigned_on.year), 12, 31)
    if re.search(r"thường xuyên|hàng năm|hằng năm|định kỳ", t):
        return date(assigned_on.year, 12, 31)
    raise InvalidInput(f"Không hiểu thời hạn “{text}”; ghi ví dụ: Quý III/2026, Tháng 6 năm 2026, Năm 2026, "
                       "Thường xuyên.", field="deadlineText", value=text)
