"""The composition root: the event store, the read models and the services, from configuration."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import psycopg
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder
from psycopg import sql
from psycopg.rows import tuple_row

import logging
from dataclasses import replace

from projections import integrity, merkle
from projections.chain import APPEND_ONLY_FUNCTION, append_only_ddl, record_bytes
from projections.db import ReadDB, connect
from projections.integrity import Verification
from projections.notes import Checkpoint, Signer, Verifier
from projections.runner import Projector, all_views
from projections.tree import CHECKPOINT_TABLES, TREE_TABLES, TransparencyLog, TreeView
from services import Services, Store, open_store
from services.snapshots import check_snapshots, snapshot_table
from tracker import keys

log = logging.getLogger("tracker")


class _Stored(NamedTuple):
    """A stored event as the mapper decodes it (what eventsourcing's StoredEvent holds)."""

    originator_id: Any
    originator_version: int
    topic: str
    state: bytes


class StoreLog:
    """The event store's notification log as the projections read it: (position, event) pairs."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def position(self) -> int:
        return self.store.position()

    def read(self, after: int, limit: int, *, records: bool = True) -> Sequence[tuple[int, Any, bytes]]:
        """(position, domain event, stored record) after `after`; without `records`, the record is b"" (only
        the hash chain needs it, and a rebuild does not touch the chain)."""
        decode = self.store.app.mapper.to_domain_event
        stored = self._select(after, limit)
        if not records:
            return [(position, decode(event), b"") for position, event in stored]
        return [(position, decode(e), record_bytes(e.originator_id, e.originator_version, e.topic, e.state))
                for position, e in stored]

    def _select(self, after: int, limit: int) -> list[tuple[int, Any]]:
        """(position, stored event) after `after`: the recorder's `select_notifications`, in one query
        with plain rows on the recorders we know (about a third of the cost of reading the log)."""
        recorder = self.store.app.recorder
        if isinstance(recorder, PostgresApplicationRecorder):
            statement = self.__dict__.get("_pg_select")
            if statement is None:
                statement = self._pg_select = sql.SQL(
                    "SELECT notification_id, originator_id, originator_version, topic, state FROM {} "
                    "WHERE notification_id >= %s ORDER BY notification_id LIMIT %s").format(
                    sql.Identifier(recorder.datastore.schema, recorder.events_table_name))
            with recorder.datastore.get_connection() as conn, conn.cursor(row_factory=tuple_row) as cursor:
                cursor.execute(statement, (after + 1, limit), prepare=True)
                rows = cursor.fetchall()
            return [(row[0], _Stored(row[1], row[2], row[3], row[4])) for row in rows]
        if isinstance(recorder, SQLiteApplicationRecorder):
            with recorder.datastore.transaction(commit=False) as cursor:
                cursor.execute(f"SELECT rowid, originator_id, originator_version, topic, state FROM "
                               f"{recorder.events_table_name} WHERE rowid >= ? ORDER BY rowid LIMIT ?",
                               (after + 1, limit))
                rows = cursor.fetchall()
            convert = recorder.convert_originator_id
            return [(row[0], _Stored(convert(row[1]), row[2], row[3], row[4])) for row in rows]
        return [(n.id, n) for n in recorder.select_notifications(start=after + 1, limit=limit)]

    def stored(self, position: int) -> _Stored | None:
        """The stored record at a log position (what its record digest is the SHA-256 of), or None."""
        if position < 1:
            return None
        rows = self._select(position - 1, 1)
        return rows[0][1] if rows and rows[0][0] == position else None

    def read_raw(self, after: int, limit: int) -> Sequence[tuple[int, bytes]]:
        return [(position, record_bytes(e.originator_id, e.originator_version, e.topic, e.state))
                for position, e in self._select(after, limit)]


class Tracker:
    """Everything one process needs: store, services, read-model database and projector, and the
    transparency log (the Merkle tree, its checkpoints signed with the configured key, cosignatures)."""

    def __init__(self, database_url: str | None = None, *, log_signer: Signer | None = None,
                 witnesses: tuple[Verifier, ...] | None = None) -> None:
        signer = log_signer if log_signer is not None else keys.log_signer()
        origin = keys.origin()
        self.store = open_store(database_url)
        self.services = Services(self.store)
        self.db: ReadDB = connect(self.store.config.env)
        self.log = StoreLog(self.store)
        self.projector = Projector(self.db, self.log, all_views(TreeView(signer, origin)))
        self.transparency = TransparencyLog(self.db, signer=signer, origin=origin,
                                            witnesses=keys.witness_keys() if witnesses is None else witnesses)
        if self.store.kind == "postgresql":
            snapshots = snapshot_table(self.store)
            protect_append_only(self.db, ("tracker_events", "tracker_chain", *TREE_TABLES, *CHECKPOINT_TABLES,
                                          *((snapshots,) if snapshots else ())))

    def verify(self, on_progress: Any = None, *, key: Verifier | None = None,
               checkpoint: Checkpoint | None = None) -> Verification:
        """Seal and sign what is logged and not sealed or signed yet, then recompute the chain, the tree and
        every checkpoint from the stored log (and check each snapshot against a replay).

        `key` is the log's public key to check signatures with (default: this process's signing key);
        `checkpoint` one kept elsewhere, which the log must extend."""
        upto = self.store.position()
        try:
            self.projector.catch_up(until=upto)  # a failed read model is recorded; the chain and tree go on
            self.transparency.latest()
        except Exception:  # noqa: BLE001 - whatever happens here, verify what is stored
            log.exception("sealing or signing before verification failed")
        key = key or self.transparency.verifier
        result = integrity.verify(self.db, self.log, upto=upto, verifier=key, origin=self.transparency.origin,
                                  external=checkpoint, on_progress=on_progress)
        if result.ok and checkpoint is not None:
            result = self._extends(result, checkpoint)
        table = snapshot_table(self.store)
        if table is None:
            return result
        snapshots = check_snapshots(self.store, self.db.query(
            f"SELECT originator_id, originator_version, topic, state FROM {table} "
            "ORDER BY originator_id, originator_version"))
        result = replace(result, snapshots_checked=snapshots.checked)
        if result.ok and not snapshots.ok:
            result = replace(result, reason=snapshots.reason)
        return result

    def _extends(self, result: Verification, checkpoint: Checkpoint) -> Verification:
        """The consistency proof from the checkpoint kept elsewhere to the tree just recomputed."""
        proof = self.transparency.consistency(checkpoint.size, result.tree_size)
        if not merkle.verify_consistency(checkpoint.size, result.tree_size, checkpoint.root, result.root, proof):
            return replace(result, reason=f"Bằng chứng nhất quán từ cây {checkpoint.size} đến cây {result.tree_size} "
                                          "sự kiện không hợp lệ: nhật ký không nối tiếp điểm kiểm tra giữ ở nơi khác.")
        return replace(result, external_size=checkpoint.size, consistency_hashes=len(proof))

    def close(self) -> None:
        self.db.close()
        self.store.close()

    def __enter__(self) -> Tracker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def protect_append_only(db: ReadDB, tables: Sequence[str]) -> None:
    """PostgreSQL triggers that refuse UPDATE, DELETE and TRUNCATE on the event and chain tables."""
    with db.transaction() as cur:
        cur.execute(APPEND_ONLY_FUNCTION)
        for table in tables:
            for statement in append_only_ddl(table):
                cur.execute(statement)


class LogListener:
    """Waits for PostgreSQL NOTIFY on the event table's channel (the library NOTIFYs on insert)."""

    def __init__(self, store: Store) -> None:
        env = store.config.env
        self.conn = psycopg.connect(dbname=env["POSTGRES_DBNAME"], host=env["POSTGRES_HOST"],
                                    port=env["POSTGRES_PORT"], user=env["POSTGRES_USER"],
                                    password=env.get("POSTGRES_PASSWORD") or None, autocommit=True)
        channel = store.app.recorder.channel_name  # type: ignore[attr-defined]
        self.conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel)))

    def wait(self, timeout: float) -> None:
        for _ in self.conn.notifies(timeout=timeout, stop_after=1):
            pass

    def close(self) -> None:
        self.conn.close()
