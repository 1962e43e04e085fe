"""Paginated answers: items, total, limit, offset and the log position they were read at."""

from __future__ import annotations

from api.schemas import AccountabilityOut, CaseOut, InspectionOut, LogEntry, OfficialOut, Schema, TaskOut, UnitOut


class PageBase(Schema):
    total: int
    limit: int
    offset: int
    position: int


class UnitPage(PageBase):
    items: list[UnitOut]


class OfficialPage(PageBase):
    items: list[OfficialOut]


class InspectionPage(PageBase):
    items: list[InspectionOut]


class CasePage(PageBase):
    items: list[CaseOut]


class AccountabilityPage(PageBase):
    items: list[AccountabilityOut]


class TaskPage(PageBase):
    items: list[TaskOut]


class LogPage(Schema):
    after: int
    limit: int
    position: int
    next_after: int | None
    items: list[LogEntry]
