"""What every command service shares: load, act, save, and translate store errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from domain.base import TrackerAggregate
from domain.inspections import Inspection
from domain.errors import Conflict, NotFound
import services.idempotency as idempotency
from services.store import Store

A = TypeVar("A", bound=TrackerAggregate)

WHAT_VI = {
    "Unit": "đơn vị",
    "Official": "cán bộ",
    "Inspection": "cuộc thanh tra",
    "DisciplineCase": "vụ việc kỷ luật",
    "AccountabilityDecision": "quyết định trách nhiệm",
    "AssignedTask": "nhiệm vụ",
    "UnitKpiReport": "báo cáo chỉ tiêu",
}


@dataclass(frozen=True)
class Written:
    """The answer to a write: the aggregate's id and new version, plus ids it created."""

    id: UUID
    version: int
    finding_id: UUID | None = None
    recommendation_ids: tuple[UUID, ...] = field(default_factory=tuple)
    position: int = 0  # the log position of the last event written
    saved: tuple[tuple[UUID, int], ...] = ()  # every aggregate the command saved, with its new version


def written_by(aggregates: tuple[TrackerAggregate, ...]) -> Written:
    """The answer a save gives, from the aggregates about to be saved (the first is the command's own):
    what the command's Idempotency-Key replays after a crash, so it is read off the pending events."""
    first = aggregates[0]
    finding_id, recommendations = None, ()
    for event in first.pending_events:
        if isinstance(event, Inspection.FindingRecorded):
            finding_id = event.finding_id
        elif isinstance(event, Inspection.Concluded):
            recommendations = tuple(r.recommendation_id for r in event.recommendations)
    return Written(first.id, first.version, finding_id, recommendations,
                   saved=tuple((a.id, a.version) for a in aggregates))


class Service:
    """Base of the command services of each context."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.app = store.app

    def load(self, cls: type[A], aggregate_id: UUID, *, field: str = "id",
             expected_version: int | None = None) -> A:
        """Load an aggregate of the given type or raise NotFound; check If-Match style versions."""
        what = WHAT_VI.get(cls.__name__, cls.__name__)
        try:
            aggregate = self.app.repository.get(aggregate_id)
        except AggregateNotFoundError:
            raise NotFound(f"Không tìm thấy {what} có mã {aggregate_id}.", field=field,
                           value=str(aggregate_id)) from None
        if not isinstance(aggregate, cls):
            raise NotFound(f"Mã {aggregate_id} không phải là {what}.", field=field, value=str(aggregate_id))
        if expected_version is not None and aggregate.version != expected_version:
            raise Conflict(
                f"{what.capitalize()} đã được thay đổi (phiên bản hiện tại {aggregate.version}, "
                f"bạn gửi {expected_version}); hãy tải lại.", field="version", value=expected_version)
        return aggregate

    def exists(self, aggregate_id: UUID) -> bool:
        return bool(self.app.recorder.select_events(aggregate_id, limit=1))

    def save(self, *aggregates: TrackerAggregate) -> int:
        """Save atomically and return the last log position written; a concurrent writer that got
        there first turns into Conflict."""
        try:
            recordings = self.app.save(*aggregates, **_keyed(aggregates))
        except IntegrityError:
            names = ", ".join(WHAT_VI.get(type(a).__name__, type(a).__name__) for a in aggregates)
            raise Conflict(f"Dữ liệu ({names}) vừa được người khác thay đổi; hãy tải lại và thử lại.",
                           rule="concurrent_update") from None
        return _last_position(recordings)

    def create(self, aggregate: TrackerAggregate, natural_key: str) -> Written:
        """Save a new aggregate; one that already exists under the same natural key is a conflict."""
        what = WHAT_VI.get(type(aggregate).__name__, type(aggregate).__name__)
        try:
            recordings = self.app.save(aggregate, **_keyed((aggregate,)))
        except IntegrityError:
            raise Conflict(f"Đã có {what} '{natural_key}'.", rule="already_exists",
                           value=natural_key) from None
        return Written(aggregate.id, aggregate.version, position=_last_position(recordings),
                       saved=((aggregate.id, aggregate.version),))

    @staticmethod
    def written(position: int, aggregate: TrackerAggregate, **extra: object) -> Written:
        extra.setdefault("saved", ((aggregate.id, aggregate.version),))
        return Written(aggregate.id, aggregate.version, position=position, **extra)  # type: ignore[arg-type]


def _keyed(aggregates: tuple[TrackerAggregate, ...]) -> dict[str, object]:
    """The recorder's `command_key` argument when the command runs under an Idempotency-Key."""
    key = idempotency.take()
    if key is None:
        return {}
    answer = written_by(aggregates)
    return {"command_key": idempotency.KeyRecord(key, idempotency.encode(answer))}


def _last_position(recordings: object) -> int:
    """The highest notification id among the recordings of one save (0 if unknown)."""
    ids = [r.notification.id for r in recordings or [] if getattr(r, "notification", None)]  # type: ignore[attr-defined]
    return max(ids, default=0)
