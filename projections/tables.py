"""Versioned read-model tables: history kept by log position.

Every row carries `pos_from` (the log position of the event that made it), `pos_to` (the position
of the event that replaced it, NULL while current) and `version` (the aggregate version of that
event). The live read filters `pos_to IS NULL`; a read "as of position P" filters
`pos_from <= P AND (pos_to IS NULL OR pos_to > P)`. Rebuilding from position 0 writes the same rows.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from functools import cached_property
from operator import itemgetter
from typing import Any
from uuid import UUID

from projections.db import Cursor

META = ("pos_from", "pos_to", "version")


@dataclass(frozen=True)
class Table:
    """A versioned table: `key` identifies the entity, `columns` are its attributes."""

    name: str
    key: tuple[str, ...]
    columns: dict[str, str]  # column -> SQL type (TEXT, INTEGER, BIGINT, DOUBLE PRECISION)
    indexes: tuple[tuple[str, ...], ...] = ()  # the columns queries select by (a unit's rows, a head's)

    @cached_property
    def all_columns(self) -> tuple[str, ...]:
        return (*self.key, *self.columns, *META)

    @cached_property
    def names(self) -> frozenset[str]:
        """Every column name, for checking what a handler writes."""
        return frozenset(self.all_columns)

    @cached_property
    def attributes(self) -> frozenset[str]:
        """The entity's attribute columns (neither the key nor the history columns)."""
        return frozenset(self.columns)

    @cached_property
    def blank(self) -> dict[str, Any]:
        """A row with every attribute NULL: the start of a new state (copied, never changed)."""
        return dict.fromkeys(self.columns)

    @cached_property
    def as_tuple(self) -> Any:
        """row dict -> tuple of `all_columns`, for the inserts."""
        return itemgetter(*self.all_columns)

    def ddl(self) -> list[str]:
        cols = [f"{k} TEXT NOT NULL" for k in self.key]
        cols += [f"{name} {sqltype}" for name, sqltype in self.columns.items()]
        cols += ["pos_from BIGINT NOT NULL", "pos_to BIGINT", "version INTEGER NOT NULL"]
        key = ", ".join(self.key)
        return [
            f"CREATE TABLE IF NOT EXISTS {self.name} ({', '.join(cols)}, PRIMARY KEY ({key}, pos_from))",
            f"CREATE INDEX IF NOT EXISTS {self.name}_current ON {self.name} ({key}, pos_to)",
            *(f"CREATE INDEX IF NOT EXISTS {self.name}_by_{'_'.join(cols)} ON {self.name} ({', '.join(cols)})"
              for cols in self.indexes),
        ]


def visible(alias: str = "") -> str:
    """SQL condition: the row was current at position `?` (bind the position once)."""
    p = f"{alias}." if alias else ""
    return f"{p}pos_from <= ? AND ({p}pos_to IS NULL OR {p}pos_to > ?)"


_AS_IS = frozenset({int, float, type(None)})
# C0 control characters but tab, newline and carriage return: PostgreSQL cannot store NUL in text, and
# no XML (the .xlsx and .docx reports) may hold any of them. New events never carry them (the domain
# refuses them); history recorded before that keeps them in the log (its digests cover the bytes)
# and is shown in the read models with the Unicode "control picture" of each (U+2400 + code: ␀, ␋…).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_PICTURES = {c: chr(0x2400 + c) for c in (*range(0, 9), 11, 12, *range(14, 32))}


def safe_text(value: str) -> str:
    """A text any store and any report can hold: control characters as their visible pictures."""
    return value.translate(_PICTURES) if _CONTROL.search(value) else value


_BY_TYPE: dict[type, Any] = {str: safe_text, UUID: str, date: date.isoformat}


def db_value(value: Any) -> Any:
    """Python value → a value both SQLite and PostgreSQL store the same way."""
    kind = type(value)
    if kind in _AS_IS:  # the common cases first, by exact type (bool and enums are subclasses)
        return value
    convert = _BY_TYPE.get(kind)
    if convert is None:
        if issubclass(kind, Enum):  # what _db_value does for every member of this enum
            convert = _BY_TYPE[kind] = _enum_value
        else:
            return _db_value(value)
    return convert(value)


def _enum_value(value: Enum) -> Any:
    return value.value


def _db_value(value: Any) -> Any:
    if isinstance(value, str) and not isinstance(value, Enum):
        return safe_text(value)
    if value is None or isinstance(value, (int, float)) and not isinstance(value, (bool, Enum)):
        return value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (UUID, date, datetime)):
        return value.isoformat() if not isinstance(value, UUID) else str(value)
    if isinstance(value, (list, tuple, dict)):
        return _to_json(value)
    raise TypeError(f"cannot store {type(value).__name__}")


def _json_default(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (UUID,)):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if hasattr(value, "__dataclass_fields__"):
        return {k: getattr(value, k) for k in value.__dataclass_fields__}
    raise TypeError(f"cannot encode {type(value).__name__}")


def _to_json(value: Any) -> str:
    """json.dumps(value, default=_json_default, ensure_ascii=False, sort_keys=True), with the encoder
    made once (json.dumps makes one per call; the stored values are trees, so no check for cycles)."""
    return "".join(_json_encoder(value, 0))


_json_encoder = json.encoder.c_make_encoder(  # type: ignore[attr-defined]
    None, _json_default, json.encoder.encode_basestring, None, ": ", ", ", True, False, True) \
    if json.encoder.c_make_encoder is not None else \
    (lambda value, _: [json.dumps(value, default=_json_default, ensure_ascii=False, sort_keys=True)])


def db_key(key: tuple[Any, ...]) -> tuple[Any, ...]:
    return (db_value(key[0]),) if len(key) == 1 else tuple(map(db_value, key))


PREFETCH_CHUNK = 500  # keys per `IN (…)` on SQLite
BY_KEY_FROM = 50  # keys from which lookups ask for the primary key explicitly (see Cursor.by_key)


class Batch:
    """The writes of one transaction: rows are buffered and flushed in bulk at the end.

    When an entity changes twice in one batch, the first buffered row is closed in memory; only
    rows already in the database need an UPDATE, once per entity per batch, sent with one statement
    per table. `prefetch` loads the current rows a batch will need with one query per table, so
    `current` does not have to ask for them one by one.
    """

    def __init__(self, cursor: Cursor) -> None:
        self.cursor = cursor
        self._pending: dict[tuple[str, tuple[Any, ...]], list[dict[str, Any]]] = {}
        # The rows as stored when the batch began (None: no current row), loaded once each.
        self._loaded: dict[tuple[str, tuple[Any, ...]], dict[str, Any] | None] = {}
        # Rows in the database the batch replaces: (table, the replacing position, the row's pos_from).
        self._close: dict[tuple[str, tuple[Any, ...]], tuple[Table, int, int]] = {}
        self._inserts: dict[str, tuple[Table, list[dict[str, Any]]]] = {}
        self._appends: dict[str, tuple[str, tuple[str, ...], list[tuple[Any, ...]]]] = {}

    def prefetch(self, table: Table, keys: Any) -> None:
        """Load the current rows of these entities (single-column key, database form) in bulk."""
        (column,) = table.key
        name = table.name
        loaded = self._loaded
        todo = sorted({k for k in keys if (name, (k,)) not in loaded and k is not None})
        if not todo:
            return
        cursor = self.cursor
        if cursor.kind == "postgresql":
            chunks = [todo]
        else:
            chunks = [todo[i:i + PREFETCH_CHUNK] for i in range(0, len(todo), PREFETCH_CHUNK)]
        for chunk in chunks:
            if cursor.kind == "postgresql":
                if len(chunk) >= BY_KEY_FROM:
                    cursor.by_key()
                cursor.execute(f"SELECT * FROM {name} WHERE {column} = ANY(?) AND pos_to IS NULL", (chunk,))
            else:
                cursor.execute(f"SELECT * FROM {name} WHERE {column} IN ({', '.join('?' * len(chunk))}) "
                               "AND pos_to IS NULL", chunk)
            found = {row[column]: row for row in cursor.fetchall()}
            for k in chunk:
                loaded[(name, (k,))] = found.get(k)

    def _stored(self, table: Table, k: tuple[str, tuple[Any, ...]]) -> dict[str, Any] | None:
        """The entity's current row in the database (loaded once per batch), or None."""
        try:
            return self._loaded[k]
        except KeyError:
            pass
        where = " AND ".join(f"{c} = ?" for c in table.key)
        self.cursor.execute(f"SELECT * FROM {table.name} WHERE {where} AND pos_to IS NULL", k[1])
        row = self._loaded[k] = self.cursor.fetchone()
        return row

    def current(self, table: Table, key: tuple[Any, ...]) -> dict[str, Any] | None:
        """The entity's current row (as stored: strings for dates and ids), or None."""
        k = (table.name, db_key(key))
        pending = self._pending.get(k)
        if pending:
            return dict(pending[-1])
        row = self._stored(table, k)
        return None if row is None else dict(row)

    def require(self, table: Table, key: tuple[Any, ...]) -> dict[str, Any]:
        row = self.current(table, key)
        if row is None:
            raise LookupError(f"{table.name}: no current row for {key}")
        return row

    def get(self, table: Table, key: tuple[Any, ...]) -> dict[str, Any]:
        """The entity's current row like `require`, but the batch's own: read it, never change it."""
        k = (table.name, db_key(key))
        pending = self._pending.get(k)
        row = pending[-1] if pending else self._stored(table, k)
        if row is None:
            raise LookupError(f"{table.name}: no current row for {key}")
        return row

    def put(self, table: Table, key: tuple[Any, ...], values: dict[str, Any], *, position: int,
            version: int, new: bool = False) -> None:
        """Write the entity's new state; the previous state (if any) ends at `position`."""
        key_values = db_key(key)
        if not values.keys() <= table.names:
            raise KeyError(f"{table.name}: unknown columns {sorted(values.keys() - table.names)}")
        row = table.blank.copy()
        for column, value in values.items():
            row[column] = db_value(value)
        self._add(table, (table.name, key_values), row, position, version, new)

    def update(self, table: Table, key: tuple[Any, ...], changes: dict[str, Any], *, position: int,
               version: int) -> None:
        """Copy the current row with `changes` applied, as the new state."""
        k = (table.name, db_key(key))
        if not changes.keys() <= table.attributes:  # unknown columns, or the key or history ones
            row = self.require(table, key)
            values = {c: row[c] for c in table.columns}
            values.update(changes)
            self.put(table, key, values, position=position, version=version)
            return
        pending = self._pending.get(k)
        base = pending[-1] if pending else self._stored(table, k)
        if base is None:
            raise LookupError(f"{table.name}: no current row for {key}")
        row = base.copy()  # already in database form: only the changes need converting
        for column, value in changes.items():
            row[column] = db_value(value)
        self._add(table, k, row, position, version, False)

    def _add(self, table: Table, k: tuple[str, tuple[Any, ...]], row: dict[str, Any], position: int,
             version: int, new: bool) -> None:
        key = table.key
        if len(key) == 1 == len(k[1]):
            row[key[0]] = k[1][0]
        else:
            row.update(zip(key, k[1], strict=True))
        row["pos_from"] = position
        row["pos_to"] = None
        row["version"] = version
        pending = self._pending.get(k)
        if pending:
            pending[-1]["pos_to"] = position
            pending.append(row)
        else:
            stored = None if new else self._stored(table, k)
            if stored is not None:
                self._close[k] = (table, position, stored["pos_from"])
            self._pending[k] = [row]
        inserts = self._inserts.get(table.name)
        if inserts is None:
            inserts = self._inserts[table.name] = (table, [])
        inserts[1].append(row)

    def append(self, table: str, columns: tuple[str, ...], values: tuple[Any, ...], *,
               converted: bool = False) -> None:
        """An append-only row (no versioning), e.g. the log index (`converted`: by `db_value` already)."""
        rows = self._appends.get(table)
        if rows is None:
            rows = self._appends[table] = (table, columns, [])
        rows[2].append(values if converted else tuple(map(db_value, values)))

    def flush(self, cursor: Cursor | None = None) -> None:
        """Write the batch: with `cursor` (another connection's transaction), or the batch's own."""
        cursor = cursor or self.cursor
        closes: dict[str, tuple[Table, list[tuple[Any, ...]]]] = {}
        for (table_name, key_values), (table, position, pos_from) in self._close.items():
            closes.setdefault(table_name, (table, []))[1].append((position, *key_values, pos_from))
        for table, params in closes.values():  # before the inserts: they add the new current rows
            close_rows(cursor, table, params)
        for table, rows in self._inserts.values():
            cursor.insert_many(table.name, table.all_columns, map(table.as_tuple, rows))
        for table_name, columns, values in self._appends.values():
            cursor.insert_many(table_name, columns, values)


def close_rows(cursor: Cursor, table: Table, params: list[tuple[Any, ...]]) -> None:
    """End current rows at a position: `params` are (position, *key, pos_from) per row, the row being
    found by its primary key (key, pos_from)."""
    key = table.key
    if cursor.kind == "postgresql":  # one statement for them all: the values go as arrays
        if len(params) >= BY_KEY_FROM:
            cursor.by_key()
        names = ", ".join(f"k{i}" for i in range(len(key)))
        arrays = ", ".join(["?::bigint[]", *("?::text[]" for _ in key), "?::bigint[]"])
        where = " AND ".join(f"t.{c} = v.k{i}" for i, c in enumerate(key))
        columns = [list(column) for column in zip(*params, strict=True)]
        cursor.execute(f"UPDATE {table.name} AS t SET pos_to = v.p FROM unnest({arrays}) AS v(p, {names}, f) "
                       f"WHERE {where} AND t.pos_from = v.f AND t.pos_to IS NULL", columns)
    else:
        where = " AND ".join(f"{c} = ?" for c in key)
        cursor.executemany(f"UPDATE {table.name} SET pos_to = ? WHERE {where} AND pos_from = ? AND pos_to IS NULL",
                           params)
