"""Versioned read-model tables: history kept by log position.

Every row carries `pos_from` (the log position of the event that made it), `pos_to` (the position
of the event that replaced it, NULL while current) and `version` (the aggregate version of that
event). The live read filters `pos_to IS NULL`; a read "as of position P" filters
`pos_from <= P AND (pos_to IS NULL OR pos_to > P)`. Rebuilding from position 0 writes the same rows.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
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

    @property
    def all_columns(self) -> tuple[str, ...]:
        return (*self.key, *self.columns, *META)

    def ddl(self) -> list[str]:
        cols = [f"{k} TEXT NOT NULL" for k in self.key]
        cols += [f"{name} {sqltype}" for name, sqltype in self.columns.items()]
        cols += ["pos_from BIGINT NOT NULL", "pos_to BIGINT", "version INTEGER NOT NULL"]
        key = ", ".join(self.key)
        return [
            f"CREATE TABLE IF NOT EXISTS {self.name} ({', '.join(cols)}, PRIMARY KEY ({key}, pos_from))",
            f"CREATE INDEX IF NOT EXISTS {self.name}_current ON {self.name} ({key}, pos_to)",
        ]


def visible(alias: str = "") -> str:
    """SQL condition: the row was current at position `?` (bind the position once)."""
    p = f"{alias}." if alias else ""
    return f"{p}pos_from <= ? AND ({p}pos_to IS NULL OR {p}pos_to > ?)"


def db_value(value: Any) -> Any:
    """Python value → a value both SQLite and PostgreSQL store the same way."""
    if value is None or isinstance(value, (str, int, float)) and not isinstance(value, (bool, Enum)):
        return value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (UUID, date, datetime)):
        return value.isoformat() if not isinstance(value, UUID) else str(value)
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, default=_json_default, ensure_ascii=False, sort_keys=True)
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


class Batch:
    """The writes of one transaction: rows are buffered and flushed in bulk at the end.

    When an entity changes twice in one batch, the first buffered row is closed in memory; only
    rows already in the database need an UPDATE, once per entity per batch.
    """

    def __init__(self, cursor: Cursor) -> None:
        self.cursor = cursor
        self._pending: dict[tuple[str, tuple[Any, ...]], list[dict[str, Any]]] = defaultdict(list)
        self._loaded: dict[tuple[str, tuple[Any, ...]], dict[str, Any] | None] = {}
        self._close: dict[tuple[str, tuple[Any, ...]], tuple[Table, int]] = {}
        self._inserts: dict[str, tuple[Table, list[dict[str, Any]]]] = {}
        self._appends: dict[str, tuple[str, tuple[str, ...], list[tuple[Any, ...]]]] = {}

    def current(self, table: Table, key: tuple[Any, ...]) -> dict[str, Any] | None:
        """The entity's current row (as stored: strings for dates and ids), or None."""
        k = (table.name, tuple(db_value(v) for v in key))
        if self._pending.get(k):
            return dict(self._pending[k][-1])
        if k not in self._loaded:
            where = " AND ".join(f"{c} = ?" for c in table.key)
            self.cursor.execute(f"SELECT * FROM {table.name} WHERE {where} AND pos_to IS NULL", k[1])
            self._loaded[k] = self.cursor.fetchone()
        row = self._loaded[k]
        return None if row is None else dict(row)

    def require(self, table: Table, key: tuple[Any, ...]) -> dict[str, Any]:
        row = self.current(table, key)
        if row is None:
            raise LookupError(f"{table.name}: no current row for {key}")
        return row

    def put(self, table: Table, key: tuple[Any, ...], values: dict[str, Any], *, position: int,
            version: int, new: bool = False) -> None:
        """Write the entity's new state; the previous state (if any) ends at `position`."""
        k = (table.name, tuple(db_value(v) for v in key))
        row = {c: None for c in table.columns}
        row.update({c: db_value(v) for c, v in values.items()})
        row.update(dict(zip(table.key, k[1], strict=True)))
        row.update(pos_from=position, pos_to=None, version=version)
        unknown = set(row) - set(table.all_columns)
        if unknown:
            raise KeyError(f"{table.name}: unknown columns {sorted(unknown)}")
        pending = self._pending[k]
        if pending:
            pending[-1]["pos_to"] = position
        elif not new and self.current(table, key) is not None:
            self._close[k] = (table, position)
        pending.append(row)
        self._inserts.setdefault(table.name, (table, []))[1].append(row)

    def update(self, table: Table, key: tuple[Any, ...], changes: dict[str, Any], *, position: int,
               version: int) -> dict[str, Any]:
        """Copy the current row with `changes` applied, as the new state."""
        row = self.require(table, key)
        values = {c: row[c] for c in table.columns}
        values.update(changes)
        self.put(table, key, values, position=position, version=version)
        return values

    def append(self, table: str, columns: tuple[str, ...], values: tuple[Any, ...]) -> None:
        """An append-only row (no versioning), e.g. the log index."""
        self._appends.setdefault(table, (table, columns, []))[2].append(tuple(db_value(v) for v in values))

    def flush(self) -> None:
        for (table_name, key_values), (table, position) in self._close.items():
            where = " AND ".join(f"{c} = ?" for c in table.key)
            self.cursor.execute(f"UPDATE {table_name} SET pos_to = ? WHERE {where} AND pos_to IS NULL",
                                (position, *key_values))
        for table, rows in self._inserts.values():
            cols = table.all_columns
            sql = f"INSERT INTO {table.name} ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})"
            self.cursor.executemany(sql, [tuple(r[c] for c in cols) for r in rows])
        for table_name, columns, rows in self._appends.values():
            sql = f"INSERT INTO {table_name} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"
            self.cursor.executemany(sql, rows)
