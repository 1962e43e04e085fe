"""Events serialise with msgspec (JSON) through a custom eventsourcing Mapper.

Stored state is plain JSON, readable by auditors. Decoding first upcasts the raw mapping through
the event class's `upcast_vN_vN+1` methods, then converts it to the types declared on the event
(or, for snapshots, on the aggregate), so dates, UUIDs, enums and nested records come back typed.
Fields added later with defaults decode from old events without an upcast.
"""

from __future__ import annotations

import dataclasses
import typing
from datetime import datetime
from functools import lru_cache
from typing import Any
from uuid import UUID

import msgspec
from eventsourcing.domain import CanSnapshotAggregate
from eventsourcing.persistence import (
    Mapper,
    MapperDeserialisationError,
    StoredEvent,
    Transcoder,
)
from eventsourcing.utils import get_topic, resolve_topic

_encoder = msgspec.json.Encoder(order="deterministic")
_decoder = msgspec.json.Decoder()

_SKIP_EVENT_FIELDS = {"originator_id", "originator_version"}
_AGGREGATE_BASE_STATE = {"_created_on": datetime, "_modified_on": datetime}


class MsgspecTranscoder(Transcoder):
    """JSON via msgspec; the Mapper below does the typed decoding."""

    def encode(self, obj: Any) -> bytes:
        return _encoder.encode(obj)

    def decode(self, data: bytes) -> Any:
        return _decoder.decode(data)


def _struct_for(name: str, hints: dict[str, Any], defaults: dict[str, Any]) -> type[msgspec.Struct]:
    required = [(k, t) for k, t in hints.items() if k not in defaults]
    optional = [(k, t, defaults[k]) for k, t in hints.items() if k in defaults]
    return msgspec.defstruct(name, [*required, *optional], kw_only=True)


@lru_cache(maxsize=None)
def event_schema(cls: type) -> type[msgspec.Struct]:
    """A msgspec Struct mirroring an event dataclass (without originator id and version)."""
    fields, defaults = _event_fields(cls)
    return _struct_for(cls.__qualname__.replace(".", "_"), fields, defaults)


def _event_fields(cls: type) -> tuple[dict[str, Any], dict[str, Any]]:
    hints = typing.get_type_hints(cls)
    defaults: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.default is not dataclasses.MISSING:
            defaults[f.name] = f.default
        elif f.default_factory is not dataclasses.MISSING:
            defaults[f.name] = msgspec.field(default_factory=f.default_factory)
    fields = {k: v for k, v in hints.items()
              if k not in _SKIP_EVENT_FIELDS and k in {f.name for f in dataclasses.fields(cls)}}
    if issubclass(cls, CanSnapshotAggregate):
        fields["state"] = dict[str, Any]
    return fields, defaults


@lru_cache(maxsize=None)
def aggregate_state_schema(cls: type) -> type[msgspec.Struct]:
    """A Struct for an aggregate's snapshot state, from the aggregate's class annotations."""
    hints: dict[str, Any] = {}
    for klass in reversed(cls.__mro__):
        if klass.__module__.startswith("domain."):  # our aggregates, not eventsourcing.domain
            own = klass.__dict__.get("__annotations__", {})
            resolved = typing.get_type_hints(klass)
            hints.update({k: resolved[k] for k in own
                          if typing.get_origin(resolved[k]) is not typing.ClassVar})
    hints.update(_AGGREGATE_BASE_STATE)
    return _struct_for(cls.__qualname__ + "State", hints, {})


def _typed(schema: type[msgspec.Struct], raw: dict[str, Any]) -> dict[str, Any]:
    return msgspec.structs.asdict(msgspec.convert(raw, schema, strict=False))


@lru_cache(maxsize=None)
def typed_decoder(cls: type) -> tuple[msgspec.json.Decoder, int] | None:
    """A decoder straight from the stored JSON to the event's typed fields, in one pass (about twice
    as fast as decoding to a mapping and converting it), and the class version it accepts.

    It gives what `_typed(event_schema(cls), …)` gives for a mapping stored at the class's current
    version; anything else (an older version to upcast, a snapshot, data it refuses) takes the
    general path. Its Struct has `class_version` too, to tell which version was stored.
    """
    if issubclass(cls, CanSnapshotAggregate):
        return None
    current = getattr(cls, "class_version", 1)
    schema = event_schema(cls)
    if current > 1:
        fields, defaults = _event_fields(cls)
        schema = _struct_for(cls.__qualname__.replace(".", "_") + "_Stored", {**fields, "class_version": int},
                             {**defaults, "class_version": 1})
    return msgspec.json.Decoder(schema, strict=False), current


class MsgspecMapper(Mapper[UUID]):
    """Maps domain events to stored JSON bytes and back, with upcasting and typed decoding."""

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        state = dict(vars(domain_event))
        originator_id = state.pop("originator_id")
        originator_version = state.pop("originator_version")
        class_version = getattr(type(domain_event), "class_version", 1)
        if class_version > 1:
            state["class_version"] = class_version
        data = _encoder.encode(state)
        if self.compressor:
            data = self.compressor.compress(data)
        if self.cipher:
            data = self.cipher.encrypt(data)
        return StoredEvent(originator_id=originator_id, originator_version=originator_version,
                           topic=get_topic(type(domain_event)), state=data)

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        cls = resolve_topic(stored_event.topic)
        try:
            data = stored_event.state
            if self.cipher:
                data = self.cipher.decrypt(data)
            if self.compressor:
                data = self.compressor.decompress(data)
            state = None
            fast = typed_decoder(cls)
            if fast is not None:
                decoder, current = fast
                try:
                    state = msgspec.structs.asdict(decoder.decode(data))
                except (msgspec.ValidationError, msgspec.DecodeError, KeyError, ValueError):
                    state = None  # the general path below says what is wrong
                if state is not None and current > 1 and state.pop("class_version") != current:
                    state = None  # stored at an older version: upcast it
            if state is None:
                raw: dict[str, Any] = _decoder.decode(data)
                upcast(cls, raw)
                state = _typed(event_schema(cls), raw)
                if issubclass(cls, CanSnapshotAggregate):
                    state["state"] = snapshot_state(state["topic"], state["state"])
        except (msgspec.ValidationError, msgspec.DecodeError, KeyError, ValueError) as e:
            msg = (f"Failed to deserialise stored event {stored_event.topic} "
                   f"{stored_event.originator_id} v{stored_event.originator_version}: {e}")
            raise MapperDeserialisationError(msg) from e
        originator_id = stored_event.originator_id
        state["originator_id"] = originator_id if isinstance(originator_id, UUID) else UUID(str(originator_id))
        state["originator_version"] = stored_event.originator_version
        event = object.__new__(cls)
        object.__setattr__(event, "__dict__", state)
        return event


def upcast(cls: type, raw: dict[str, Any]) -> None:
    """Bring a stored mapping from its class version up to the class's current version."""
    current = getattr(cls, "class_version", 1)
    version = raw.pop("class_version", 1)
    while version < current:
        getattr(cls, f"upcast_v{version}_v{version + 1}")(raw)
        version += 1


def snapshot_state(aggregate_topic: str, raw: dict[str, Any]) -> dict[str, Any]:
    """Typed aggregate state of a snapshot (upcast by the aggregate's own class version)."""
    aggregate_cls = resolve_topic(aggregate_topic)
    raw = dict(raw)
    upcast(aggregate_cls, raw)
    state = _typed(aggregate_state_schema(aggregate_cls), raw)
    current = getattr(aggregate_cls, "class_version", 1)
    if current > 1:
        state["class_version"] = current  # already upcast: stop Snapshot.mutate doing it again
    return state
