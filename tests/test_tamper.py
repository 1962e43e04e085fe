"""Tamper evidence: a byte altered, an event deleted, two events swapped — each found at the right
position by `verify`, on SQLite and PostgreSQL; on PostgreSQL the tables refuse changes outright."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from typer.testing import CliRunner

from tracker.bootstrap import Tracker
from tracker.cli import app
from tracker.demo import seed_demo

runner = CliRunner()


@pytest.fixture
def sealed(database_url: str) -> Iterator[Tracker]:
    with Tracker(database_url) as tracker:
        seed_demo(tracker.services)
        tracker.projector.catch_up()
        yield tracker


def events_table(tracker: Tracker) -> tuple[str, str]:
    """The event table and the column holding the log position, per backend."""
    return ("stored_events", "rowid") if tracker.store.kind == "sqlite" else ("tracker_events", "notification_id")


def tamper(tracker: Tracker, *statements: tuple[str, tuple]) -> None:
    """Change stored rows behind the application's back (on PostgreSQL, past its triggers)."""
    table, _ = events_table(tracker)
    with tracker.db.transaction() as cur:
        if tracker.store.kind == "postgresql":
            cur.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        for sql, params in statements:
            cur.execute(sql, params)
        if tracker.store.kind == "postgresql":
            cur.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")


def stored(tracker: Tracker, position: int) -> dict:
    table, col = events_table(tracker)
    [row] = tracker.db.query(f"SELECT originator_id, originator_version, topic, state FROM {table} "
                             f"WHERE {col} = ?", (position,))
    return row


def test_an_untouched_log_verifies_and_names_its_head(sealed: Tracker) -> None:
    result = sealed.verify()
    assert result.ok
    assert result.checked == sealed.store.position() == 285  # the demo: 282 events before issue 13
    assert len(result.head) == 64
    # the head is the last sealed link
    [last] = sealed.db.query("SELECT digest FROM tracker_chain ORDER BY position DESC LIMIT 1")
    assert result.head == last["digest"]


def test_one_altered_byte_is_found_at_its_position(sealed: Tracker) -> None:
    table, col = events_table(sealed)
    state = bytes(stored(sealed, 120)["state"])
    altered = state.replace(b'"', b"'", 1)
    assert altered != state
    tamper(sealed, (f"UPDATE {table} SET state = ? WHERE {col} = ?", (altered, 120)))
    result = sealed.verify()
    assert (result.ok, result.first_mismatch, result.checked) == (False, 120, 119)
    assert "bị sửa" in result.reason


def test_a_deleted_event_is_found_at_its_position(sealed: Tracker) -> None:
    table, col = events_table(sealed)
    tamper(sealed, (f"DELETE FROM {table} WHERE {col} = ?", (77,)))
    result = sealed.verify()
    assert (result.ok, result.first_mismatch) == (False, 77)
    assert "bị xóa" in result.reason


def test_two_swapped_events_are_found_at_the_first(sealed: Tracker) -> None:
    table, col = events_table(sealed)
    a, b = stored(sealed, 30), stored(sealed, 31)
    move = f"UPDATE {table} SET originator_id = ?, originator_version = ?, topic = ?, state = ? WHERE {col} = ?"
    tamper(sealed,
           (f"UPDATE {table} SET originator_version = originator_version + 1000000 WHERE {col} IN (?, ?)", (30, 31)),
           (move, (b["originator_id"], b["originator_version"], b["topic"], b["state"], 30)),
           (move, (a["originator_id"], a["originator_version"], a["topic"], a["state"], 31)))
    result = sealed.verify()
    assert (result.ok, result.first_mismatch) == (False, 30)


def test_tracker_verify_exits_non_zero_with_the_position(sealed: Tracker, database_url: str) -> None:
    ok = runner.invoke(app, ["verify", "--database-url", database_url])
    assert ok.exit_code == 0, ok.output
    assert "đã kiểm 285 sự kiện" in ok.output
    table, col = events_table(sealed)
    tamper(sealed, (f"DELETE FROM {table} WHERE {col} = ?", (200,)))
    bad = runner.invoke(app, ["verify", "--database-url", database_url])
    assert bad.exit_code == 5
    assert "vị trí 200" in bad.output


def test_a_rebuild_does_not_launder_tampering(sealed: Tracker) -> None:
    table, col = events_table(sealed)
    state = bytes(stored(sealed, 10)["state"])
    tamper(sealed, (f"UPDATE {table} SET state = ? WHERE {col} = ?", (state.replace(b"2", b"3", 1), 10)))
    sealed.projector.rebuild()  # read models come back; the seal is kept as it was
    assert sealed.verify().first_mismatch == 10


def test_postgresql_refuses_update_delete_and_truncate(sealed: Tracker) -> None:
    if sealed.store.kind != "postgresql":
        pytest.skip("triggers are PostgreSQL's; on SQLite the chain shows tampering after the fact")
    for table in ("tracker_events", "tracker_chain"):
        for statement in (f"UPDATE {table} SET {'state' if table == 'tracker_events' else 'digest'} = "
                          f"{'state' if table == 'tracker_events' else 'digest'}",
                          f"DELETE FROM {table}", f"TRUNCATE {table}"):
            with pytest.raises(psycopg.Error) as caught:
                with sealed.db.transaction() as cur:
                    cur.execute(statement)
            assert "chỉ được ghi thêm" in str(caught.value)
    assert sealed.verify().ok  # nothing changed
