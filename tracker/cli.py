"""The `tracker` command line (typer + rich). Messages users read are Vietnamese."""

from __future__ import annotations

import getpass
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Annotated, Any, TypeVar
from uuid import UUID

import typer
from eventsourcing.persistence import PersistenceError
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from domain.actor import Actor
from domain.errors import TrackerError
from services import Services, Store, open_store
from tracker.crash import enable_crash_traces

app = typer.Typer(help="Sổ Trách Nhiệm — sổ theo dõi thanh tra, kỷ luật và trách nhiệm người đứng đầu.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
unit_app = typer.Typer(help="Đơn vị và người đứng đầu.", no_args_is_help=True)
official_app = typer.Typer(help="Cán bộ, công chức, viên chức.", no_args_is_help=True)
case_app = typer.Typer(help="Vụ việc kỷ luật.", no_args_is_help=True)
app.add_typer(unit_app, name="unit")
app.add_typer(official_app, name="official")
app.add_typer(case_app, name="case")
projections_app = typer.Typer(help="Dữ liệu đọc (read models) dựng từ nhật ký sự kiện.", no_args_is_help=True)
app.add_typer(projections_app, name="projections")
user_app = typer.Typer(help="Người dùng của API và giao diện web.", no_args_is_help=True)
app.add_typer(user_app, name="user")

console = Console()
err = Console(stderr=True)

DatabaseOption = Annotated[str | None, typer.Option(
    "--database-url", envvar="TRACKER_DATABASE_URL",
    help="postgresql://… hoặc sqlite:///tệp.db (mặc định: ./var/tracker.db).")]
ActorOption = Annotated[str, typer.Option("--as", help="Người ghi nhận (mặc định: tài khoản hệ điều hành).")]
RoleOption = Annotated[str, typer.Option("--role", help="Vai trò của người ghi nhận.")]

F = TypeVar("F", bound=Callable[..., Any])


def fails_in_vietnamese(func: F) -> F:
    """Turn domain and storage errors into a Vietnamese message and a non-zero exit."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except TrackerError as e:
            where = f" \\[trường: {escape(e.field)}]" if e.field else ""
            err.print(f"[bold red]Lỗi ({escape(e.rule)}):[/] {escape(e.message)}{where}", highlight=False)
            raise typer.Exit(2) from None
        except PersistenceError as e:
            err.print(f"[bold red]Lỗi cơ sở dữ liệu:[/] {escape(str(e))}", highlight=False)
            raise typer.Exit(3) from None

    return wrapper  # type: ignore[return-value]


@contextmanager
def opened(database_url: str | None) -> Iterator[Store]:
    store = open_store(database_url)
    try:
        yield store
    finally:
        store.close()


def actor_from(user: str | None, role: str) -> Actor:
    return Actor(user or f"cli:{getpass.getuser()}", role)


def progress_bar() -> Progress:
    return Progress(TextColumn("[progress.description]{task.description}"), BarColumn(),
                    MofNCompleteColumn(), TimeElapsedColumn(), console=err,
                    disable=not sys.stderr.isatty())


@app.command("seed-demo")
@fails_in_vietnamese
def seed_demo(database_url: DatabaseOption = None,
              users: Annotated[bool, typer.Option("--users/--no-users",
                                                  help="Tạo thêm người dùng mẫu (mật khẩu in ra).")] = False) -> None:
    """Ghi dữ liệu mẫu (chạy lại nhiều lần không ghi trùng)."""
    from tracker.demo import seed_demo as run_seed

    with opened(database_url) as store:
        before = store.position()
        started = time.perf_counter()
        with progress_bar() as progress:
            task = progress.add_task("Ghi dữ liệu mẫu", total=None)
            result = run_seed(Services(store),
                              on_step=lambda done, total: progress.update(task, completed=done, total=total))
        elapsed = time.perf_counter() - started
        written = store.position() - before
        rate = written / elapsed if elapsed > 0 and written else 0.0
        console.print(f"Dữ liệu mẫu trên {store.config.description}: {result.steps_run} bước đã ghi, "
                      f"{result.steps_skipped} bước đã có sẵn; {written} sự kiện mới "
                      f"trong {elapsed:.2f} giây ({rate:,.0f} sự kiện/giây).")
    if users:
        add_demo_users(database_url)


def add_demo_users(database_url: str | None) -> None:
    from api.users import ROLE_LABELS, Users
    from projections.db import connect
    from services.store import config_from_url
    from tracker.demo import DEMO_PASSWORD, DEMO_USERS

    db = connect(config_from_url(database_url if database_url is not None
                                 else os.environ.get("TRACKER_DATABASE_URL")).env)
    try:
        accounts = Users(db)
        table = Table("Tên đăng nhập", "Mật khẩu", "Vai trò", title="Người dùng mẫu")
        for username, role, name in DEMO_USERS:
            if accounts.get(username) is None:
                accounts.add(username, role, DEMO_PASSWORD, name)
            table.add_row(username, DEMO_PASSWORD, f"{role} ({ROLE_LABELS[role]})")
        console.print(table)
    finally:
        db.close()


@app.command("events")
@fails_in_vietnamese
def events(database_url: DatabaseOption = None,
           after: Annotated[int, typer.Option(help="Chỉ in các sự kiện sau vị trí này.")] = 0,
           limit: Annotated[int, typer.Option(help="Số sự kiện tối đa.")] = 50,
           actor: Annotated[str | None, typer.Option(help="Chỉ sự kiện do người này ghi.")] = None,
           event_type: Annotated[str | None, typer.Option("--type", help="Chỉ loại sự kiện này (vd. Decided).")] = None,
           recorded_from: Annotated[str | None, typer.Option("--from", help="Ghi từ thời điểm (ISO 8601).")] = None,
           recorded_to: Annotated[str | None, typer.Option("--to", help="Ghi đến thời điểm (ISO 8601).")] = None,
           aggregate: Annotated[str | None, typer.Option(help="Chỉ sự kiện của đối tượng này (mã).")] = None) -> None:
    """In nhật ký sự kiện: vị trí, thời điểm ghi, ngày nghiệp vụ, đối tượng, loại sự kiện, người ghi, lý do."""
    from projections.queries import Lists
    from tracker.bootstrap import Tracker

    if limit < 1 or after < 0:
        err.print("[bold red]Lỗi:[/] --limit phải ≥ 1 và --after phải ≥ 0.")
        raise typer.Exit(2)
    with Tracker(database_url) as tracker:
        tracker.projector.catch_up()
        rows = Lists(tracker.db).log(after=after, limit=limit, upto=tracker.projector.position(), actor=actor,
                                     event_type=event_type, aggregate_id=aggregate, recorded_from=recorded_from,
                                     recorded_to=recorded_to)
        table = Table("Vị trí", "Ghi lúc (UTC)", "Ngày nghiệp vụ", "Đối tượng", "Phiên bản", "Sự kiện", "Người ghi",
                      "Lý do", title=f"Nhật ký sự kiện — {tracker.store.config.description}")
        for row in rows:
            table.add_row(str(row["position"]), row["recorded_at"][:19].replace("T", " "), row["business_date"] or "",
                          f"{row['aggregate_type']} {row['aggregate_id'][:8]}", str(row["version"]),
                          row["event_type"], f"{row['actor_id']} ({row['actor_role']})", escape(row["reason"] or ""))
        console.print(table)


@app.command("summary")
@fails_in_vietnamese
def summary(database_url: DatabaseOption = None) -> None:
    """Tóm tắt kho sự kiện: số sự kiện theo loại đối tượng và loại sự kiện."""
    with opened(database_url) as store:
        by_aggregate: Counter[str] = Counter()
        by_event: Counter[str] = Counter()
        aggregates: dict[str, set[UUID]] = {}
        position = 0
        while True:
            batch = store.app.recorder.select_notifications(start=position + 1, limit=1000)
            if not batch:
                break
            for n in batch:
                qualname = n.topic.rpartition(":")[2]
                aggregate_type, _, event_type = qualname.rpartition(".")
                by_aggregate[aggregate_type] += 1
                by_event[qualname] += 1
                aggregates.setdefault(aggregate_type, set()).add(n.originator_id)
                position = n.id
        console.print(f"Kho sự kiện: {store.config.description}; vị trí cuối nhật ký: {position}.")
        table = Table("Loại đối tượng", "Số đối tượng", "Số sự kiện", title="Tóm tắt dữ liệu")
        for name in sorted(by_aggregate):
            table.add_row(name, str(len(aggregates[name])), str(by_aggregate[name]))
        console.print(table)
        console.print("Xem nhật ký: `tracker events`; API HTTP: `tracker serve` (OpenAPI tại /schema).")


# -- export and import -----------------------------------------------------------------------------

@app.command("export")
@fails_in_vietnamese
def export(database_url: DatabaseOption = None,
           output: Annotated[str | None, typer.Option(
               "--output", "-o", help="Tệp đích (mặc định: stdout).")] = None) -> None:
    """Xuất toàn bộ nhật ký (NDJSON, kèm mã băm của chuỗi niêm phong) ra tệp hoặc stdout."""
    from tracker.bootstrap import Tracker
    from projections.export import export_header, export_pages
    from tracker.transfer import open_output, rate

    with Tracker(database_url) as tracker:
        started = time.perf_counter()
        header = export_header(tracker)
        out, finish = open_output(output)
        ok = False
        try:
            with progress_bar() as progress:
                task = progress.add_task("Xuất nhật ký", total=header.count)
                for chunk in export_pages(tracker, header,
                                          on_progress=lambda done, _: progress.update(task, completed=done)):
                    out.write(chunk)
            ok = True
        finally:
            finish(ok)
        elapsed = time.perf_counter() - started
        err.print(f"Đã xuất {header.count} sự kiện (đến vị trí {header.position}; mã băm cuối {header.head}) "
                  f"từ {tracker.store.config.description} trong {elapsed:.2f} giây "
                  f"({rate(header.count, elapsed):,.0f} sự kiện/giây).", highlight=False)
        behind = tracker.store.position() - header.position
        if behind > 0:
            err.print(f"[yellow]{behind} sự kiện sau vị trí {header.position} chưa được niêm phong nên chưa xuất "
                      "(xem `tracker projections status`).[/]")


@app.command("import")
@fails_in_vietnamese
def import_log(file: Annotated[str, typer.Argument(help="Tệp NDJSON do `tracker export` tạo ('-': stdin).")],
               database_url: DatabaseOption = None) -> None:
    """Nhập một tệp xuất vào kho trống, sau khi kiểm tra toàn bộ chuỗi mã băm; dựng dữ liệu đọc."""
    from tracker.bootstrap import Tracker
    from tracker.transfer import import_file, rate

    labels = {"check": "Kiểm tra tệp", "write": "Ghi sự kiện", "project": "Dựng dữ liệu đọc"}
    with Tracker(database_url) as tracker:
        try:
            source = sys.stdin.buffer if file == "-" else open(file, "rb")  # noqa: SIM115
        except OSError as e:
            err.print(f"[bold red]Lỗi:[/] không mở được tệp {escape(file)}: {escape(e.strerror or str(e))}",
                      highlight=False)
            raise typer.Exit(2) from None
        try:
            with progress_bar() as progress:
                tasks = {phase: progress.add_task(label, total=None) for phase, label in labels.items()}
                result = import_file(tracker, source, on_progress=lambda phase, done, total: progress.update(
                    tasks[phase], completed=done, total=total))
        finally:
            if source is not sys.stdin.buffer:
                source.close()
        console.print(f"Đã nhập {result.count} sự kiện (đến vị trí {result.position}) vào "
                      f"{tracker.store.config.description} trong {result.seconds:.2f} giây "
                      f"({rate(result.count, result.seconds):,.0f} sự kiện/giây: kiểm tra "
                      f"{rate(result.count, result.check_seconds):,.0f}, "
                      f"ghi {rate(result.count, result.write_seconds):,.0f}, "
                      f"dựng dữ liệu đọc {rate(result.count, result.project_seconds):,.0f} sự kiện/giây).",
                      highlight=False)
        console.print(f"Mã băm cuối chuỗi: {result.head} (khớp với tệp).", highlight=False)


# -- read models -----------------------------------------------------------------------------------

@projections_app.command("rebuild")
@fails_in_vietnamese
def projections_rebuild(database_url: DatabaseOption = None) -> None:
    """Dựng lại mọi dữ liệu đọc từ vị trí 0 (dựng riêng rồi mới thay: lỗi giữa chừng thì dữ liệu cũ vẫn đọc được)."""
    from projections.runner import ProjectionFailed
    from tracker.bootstrap import Tracker

    with Tracker(database_url) as tracker:
        started = time.perf_counter()
        try:
            with progress_bar() as progress:
                task = progress.add_task("Dựng lại dữ liệu đọc", total=tracker.store.position())
                read = tracker.projector.rebuild(
                    on_progress=lambda done, total: progress.update(task, completed=done, total=total))
        except ProjectionFailed as e:
            err.print(f"[bold red]Không dựng lại được dữ liệu đọc '{e.view}' tại vị trí {e.position}:[/] "
                      f"{escape(e.reason)}. Dữ liệu đọc cũ của nó được giữ nguyên; các dữ liệu đọc khác "
                      "đã được dựng lại.", highlight=False)
            raise typer.Exit(4) from None
        elapsed = time.perf_counter() - started
        console.print(f"Đã dựng lại {len(tracker.projector.views)} dữ liệu đọc từ {read} sự kiện trong "
                      f"{elapsed:.2f} giây ({read / elapsed if elapsed else 0:,.0f} sự kiện/giây).")


def print_failures(failures: Any) -> None:
    for e in failures:
        err.print(f"[bold red]Dừng cập nhật dữ liệu đọc '{e.view}' tại vị trí {e.position}:[/] {escape(e.reason)} "
                  "(các dữ liệu đọc khác vẫn được cập nhật; sẽ thử lại).", highlight=False)


@projections_app.command("run")
@fails_in_vietnamese
def projections_run(database_url: DatabaseOption = None,
                    batch_size: Annotated[int, typer.Option(help="Số sự kiện mỗi giao dịch.")] = 1000,
                    once: Annotated[bool, typer.Option(help="Cập nhật đến hiện tại rồi dừng (mã thoát 4 nếu có "
                                                            "dữ liệu đọc bị dừng vì lỗi).")] = False) -> None:
    """Theo dõi nhật ký và cập nhật dữ liệu đọc (PostgreSQL: LISTEN/NOTIFY; SQLite: hỏi định kỳ).

    Một dữ liệu đọc gặp lỗi ở một sự kiện thì dừng ở đó (ghi lại vị trí và lỗi, thử lại sau); các dữ liệu
    đọc khác vẫn chạy tiếp."""
    import signal
    import threading

    from tracker.bootstrap import LogListener, Tracker

    enable_crash_traces()
    with Tracker(database_url) as tracker:
        tracker.projector.batch_size = max(1, batch_size)
        if once:
            read = tracker.projector.catch_up()
            console.print(f"Đã cập nhật {read} sự kiện; vị trí {tracker.projector.position()}.")
            if tracker.projector.failures:
                print_failures(tracker.projector.failures.values())
                raise typer.Exit(4)
            return
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        listener = LogListener(tracker.store) if tracker.store.kind == "postgresql" else None
        console.print(f"Đang theo dõi nhật ký ({tracker.store.config.description}); Ctrl+C để dừng.")
        try:
            tracker.projector.run(stop, wait_for_new=listener.wait if listener else None,
                                  on_failures=print_failures)
        finally:
            if listener:
                listener.close()


@projections_app.command("status")
@fails_in_vietnamese
def projections_status(database_url: DatabaseOption = None) -> None:
    """Vị trí và độ trễ của từng dữ liệu đọc; mã thoát 4 nếu có dữ liệu đọc bị dừng vì lỗi."""
    from tracker.bootstrap import Tracker

    with Tracker(database_url) as tracker:
        table = Table("Dữ liệu đọc", "Vị trí", "Độ trễ (sự kiện)", "Lỗi",
                      title=f"Dữ liệu đọc — nhật ký ở vị trí {tracker.store.position()}")
        statuses = tracker.projector.status()
        for s in statuses:
            error = f"tại vị trí {s.error_position}: {s.error}" if s.error else ""
            table.add_row(s.view, str(s.position), str(s.lag), escape(error))
        console.print(table)
        failed = [s for s in statuses if s.failed]
        if failed:
            err.print(f"[bold red]{len(failed)} dữ liệu đọc bị dừng vì lỗi:[/] "
                      + "; ".join(f"'{s.view}' tại vị trí {s.error_position}" for s in failed)
                      + ". Các dữ liệu đọc khác vẫn được cập nhật; dữ liệu đọc bị dừng sẽ được thử lại.",
                      highlight=False)
            raise typer.Exit(4)


@app.command("scorecards")
@fails_in_vietnamese
def scorecards(period: Annotated[str, typer.Option(help="Kỳ: 2026, 2026-H1 hoặc 2026-H2.")],
               official: Annotated[str | None, typer.Option(help="Chỉ một người đứng đầu (mã định danh hoặc mã cán bộ).")] = None,
               as_of_position: Annotated[int | None, typer.Option(help="Như tại vị trí nhật ký này.")] = None,
               as_of: Annotated[str | None, typer.Option(help="Như tại thời điểm ghi này (ISO 8601).")] = None,
               lines: Annotated[bool, typer.Option(help="In từng dòng điểm và chứng cứ.")] = False,
               database_url: DatabaseOption = None) -> None:
    """Bảng xếp hạng người đứng đầu theo kỳ, hoặc phiếu điểm của một người."""
    from domain.enums import RATING_ABBREVIATIONS as SHORT
    from domain.organisation import Official
    from domain.periods import Period
    from projections.queries import ReadModel
    from tracker.bootstrap import Tracker

    Period.parse(period)
    with Tracker(database_url) as tracker:
        tracker.projector.catch_up()
        reads = ReadModel(tracker.db, tracker.projector)
        at = reads.as_of(position=as_of_position, moment=as_of)
        if official:
            official_id = official if _is_uuid(official) else str(Official.id_for(official))
            cards = reads.scorecard(official_id, period, at)
        else:
            cards = reads.scorecards(period, at)
        table = Table("Điểm", "Theo điểm", "Mức trần", "Đơn vị", "Người đứng đầu", "Trong kỳ từ–đến",
                      title=f"Phiếu đánh giá kỳ {period} — chính sách {cards[0].policy_version if cards else 'v1'}, "
                            f"vị trí {at.position}, tính đến {at.today:%d/%m/%Y}")
        for c in cards:
            table.add_row(f"{c.score:g}", SHORT[c.band], SHORT[c.rating_ceiling], c.unit_name, c.official_name,
                          f"{c.term_from:%d/%m}–{c.term_to:%d/%m/%Y}")
        console.print(table)
        if lines:
            for c in cards:
                console.print(f"\n[bold]{c.official_name} — {c.unit_name}: {c.score:g} điểm[/]")
                for line in c.lines:
                    cited = ", ".join(f"#{e.position}" for e in line.evidence)
                    console.print(f"  {line.rule:6} {line.points:+g}  {escape(line.reason)} {cited}",
                                  highlight=False)


@app.command("deadlines")
@fails_in_vietnamese
def deadlines(within_days: Annotated[int, typer.Option(help="Trong vòng số ngày tới.")] = 30,
              database_url: DatabaseOption = None) -> None:
    """Vụ việc sắp đến hạn xử lý hoặc thời hiệu; kiến nghị và nhiệm vụ quá hạn."""
    from projections.queries import DEADLINE_LABELS as kinds
    from projections.queries import ReadModel
    from tracker.bootstrap import Tracker

    with Tracker(database_url) as tracker:
        tracker.projector.catch_up()
        reads = ReadModel(tracker.db, tracker.projector)
        at = reads.as_of()
        table = Table("Loại", "Hạn", "Còn (ngày)", "Nội dung", title=f"Các hạn trong {within_days} ngày tới")
        for item in reads.deadlines(within_days, at):
            table.add_row(kinds[item.kind], f"{item.due_on:%d/%m/%Y}", str(item.days_left), item.title[:70])
        console.print(table)


@app.command("report")
@fails_in_vietnamese
def report(period: Annotated[str, typer.Option(help="Kỳ: 2026-H1 (6 tháng) hoặc 2026 (năm).")],
           fmt: Annotated[str, typer.Option("--format", help="json | xlsx | docx")] = "json",
           output: Annotated[str | None, typer.Option("--output", "-o", help="Tệp đích (mặc định: tên theo kỳ; "
                                                                              "json: stdout).")] = None,
           as_of_position: Annotated[int | None, typer.Option(help="Như tại vị trí nhật ký này.")] = None,
           window: Annotated[str, typer.Option(help="Thời gian chốt số liệu: nd09 (Điều 12 Nghị định 09/2019/NĐ-CP, "
                                                    "mặc định) hoặc calendar (kỳ dương lịch).")] = "nd09",
           database_url: DatabaseOption = None) -> None:
    """Báo cáo kết quả thực hiện Kết luận 226-KL/TW của kỳ (JSON, Excel hoặc Word)."""
    import json

    from domain.errors import InvalidInput
    from domain.periods import Period
    from domain.reporting import parse_window
    from projections.queries import ReadModel
    from tracker.bootstrap import Tracker
    from projections.report_files import filename, report_docx, report_json, report_xlsx

    if fmt not in ("json", "xlsx", "docx"):
        raise InvalidInput(f"Định dạng '{fmt}' không hợp lệ; chọn json, xlsx hoặc docx.", field="format", value=fmt)
    code = Period.parse(period).code
    basis = parse_window(window)
    with Tracker(database_url) as tracker:
        tracker.projector.catch_up()
        reads = ReadModel(tracker.db, tracker.projector)
        built = reads.city_report(code, reads.as_of(position=as_of_position), basis)
    if fmt == "json" and output is None:
        sys.stdout.write(json.dumps(report_json(built), ensure_ascii=False, indent=2) + "\n")
        return
    body = json.dumps(report_json(built), ensure_ascii=False, indent=2).encode() if fmt == "json" else \
        report_xlsx(built) if fmt == "xlsx" else report_docx(built)
    path = output or filename(built, fmt)
    with open(path, "wb") as out:
        out.write(body)
    err.print(f"Đã ghi {path}: {built.title} (vị trí nhật ký {built.position}, mã băm chuỗi {built.chain_head}; "
              f"số liệu chốt {built.window.text}; "
              + ("; ".join(d.text for d in built.deadlines) or built.not_due_reason or "") + ").")


@app.command("verify")
@fails_in_vietnamese
def verify_log(database_url: DatabaseOption = None) -> None:
    """Tính lại chuỗi băm từ nhật ký đã lưu; báo vị trí đầu tiên không khớp (mã thoát 5)."""
    from tracker.bootstrap import Tracker

    with Tracker(database_url) as tracker:
        try:
            tracker.projector.catch_up()  # seal what is not sealed yet; a failed read model does not stop it
        except Exception as e:  # noqa: BLE001 - verify what is sealed whatever the read models' state
            err.print(f"[yellow]Chưa cập nhật được dữ liệu đọc ({escape(str(e))}); kiểm tra phần đã niêm phong.[/]",
                      highlight=False)
        started = time.perf_counter()
        with progress_bar() as progress:
            task = progress.add_task("Kiểm tra chuỗi băm", total=tracker.store.position())
            result = tracker.verify(on_progress=lambda done, total: progress.update(task, completed=done,
                                                                                     total=total))
        elapsed = time.perf_counter() - started
        rate = result.checked / elapsed if elapsed else 0.0
        if result.ok:
            console.print(f"Toàn vẹn: đã kiểm {result.checked} sự kiện (đến vị trí {result.sealed_position}) "
                          f"trong {elapsed:.2f} giây ({rate:,.0f} sự kiện/giây). Mã băm đầu chuỗi: {result.head}")
            return
        err.print(f"[bold red]Phát hiện sai lệch tại vị trí {result.first_mismatch}:[/] {escape(result.reason or '')} "
                  f"(đã kiểm {result.checked} sự kiện khớp trước đó).", highlight=False)
        raise typer.Exit(5)


# -- users and the server ---------------------------------------------------------------------------

@user_app.command("add")
@fails_in_vietnamese
def user_add(username: str, role: Annotated[str, typer.Option(help="inspector | home_affairs | auditor | admin")],
             full_name: Annotated[str, typer.Option(help="Họ và tên.")] = "",
             password_stdin: Annotated[bool, typer.Option(help="Đọc mật khẩu từ đầu vào chuẩn.")] = False,
             database_url: DatabaseOption = None) -> None:
    """Thêm người dùng; mật khẩu nhập từ bàn phím (hoặc --password-stdin) và được băm bằng argon2."""
    from api.users import Users
    from projections.db import connect
    from services.store import config_from_url

    if password_stdin or not sys.stdin.isatty():
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("Mật khẩu: ")
        if getpass.getpass("Nhập lại mật khẩu: ") != password:
            err.print("[bold red]Lỗi:[/] hai lần nhập mật khẩu không khớp.")
            raise typer.Exit(2)
    db = connect(config_from_url(database_url).env)
    try:
        user = Users(db).add(username, role, password, full_name)
    finally:
        db.close()
    console.print(f"Đã thêm người dùng {user.username} ({user.role}).")


@app.command("serve")
@fails_in_vietnamese
def serve(database_url: DatabaseOption = None,
          host: Annotated[str, typer.Option(envvar="TRACKER_HOST")] = "127.0.0.1",
          port: Annotated[int, typer.Option(envvar="TRACKER_PORT")] = 8000,
          workers: Annotated[int, typer.Option(help="Số tiến trình (PostgreSQL).")] = 1,
          demo: Annotated[bool, typer.Option("--demo/--no-demo", envvar="TRACKER_DEMO",
                                             help="Trang đăng nhập liệt kê tài khoản mẫu (chỉ dùng để thử).")] = False
          ) -> None:
    """Chạy API HTTP (uvicorn, uvloop, httptools). SQLite: dữ liệu đọc cập nhật ngay trong máy chủ."""
    import secrets

    import uvicorn

    from api.security import WeakSigningKey, signing_key

    if database_url is not None:
        os.environ["TRACKER_DATABASE_URL"] = database_url
    config = config_from_env()
    if not os.environ.get("TRACKER_SECRET_KEY"):
        if not demo:
            err.print("[bold red]Lỗi:[/] TRACKER_SECRET_KEY chưa đặt. Khóa ký token cần ít nhất 32 byte ngẫu nhiên, "
                      "ví dụ: export TRACKER_SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(48))') "
                      "(hoặc chạy thử với --demo, khi đó một khóa ngẫu nhiên được tạo).", highlight=False)
            raise typer.Exit(2)
        err.print("[yellow]Chạy thử (--demo): tạo khóa ký ngẫu nhiên; phiên đăng nhập mất hiệu lực khi khởi động lại.[/]")
        os.environ["TRACKER_SECRET_KEY"] = secrets.token_urlsafe(48)
    try:
        signing_key(os.environ["TRACKER_SECRET_KEY"])
    except WeakSigningKey as e:
        err.print(f"[bold red]Lỗi:[/] {escape(str(e))}", highlight=False)
        raise typer.Exit(2) from None
    if demo:
        os.environ["TRACKER_DEMO"] = "1"
    if workers > 1 and config.kind == "sqlite":
        err.print("[bold red]Lỗi:[/] nhiều tiến trình chỉ dùng với PostgreSQL.")
        raise typer.Exit(2)
    console.print(f"Sổ Trách Nhiệm trên http://{host}:{port} ({config.description}); OpenAPI: /schema")
    uvicorn.run("tracker.asgi:create", factory=True, host=host, port=port, workers=workers, loop="uvloop",
                http="httptools", log_level="warning", proxy_headers=False)


def config_from_env():  # noqa: ANN201 - small helper
    from services.store import config_from_url

    return config_from_url(os.environ.get("TRACKER_DATABASE_URL"))


# -- a few write commands, so operators can fix data without the web UI --------------------------

@unit_app.command("add")
@fails_in_vietnamese
def unit_add(code: str, name: str,
             kind: Annotated[str, typer.Option(help="department | commune | public_service_unit")],
             database_url: DatabaseOption = None, user: ActorOption = "", role: RoleOption = "admin") -> None:
    """Đăng ký một đơn vị."""
    with opened(database_url) as store:
        w = Services(store).organisation.register_unit(actor_from(user, role), code=code, name=name, kind=kind)
        console.print(f"Đã đăng ký đơn vị {code}: {w.id}")


@unit_app.command("appoint-head")
@fails_in_vietnamese
def unit_appoint_head(unit_id: UUID, official_id: UUID,
                      since: Annotated[str, typer.Option(help="Ngày bắt đầu nhiệm kỳ (YYYY-MM-DD).")],
                      database_url: DatabaseOption = None, user: ActorOption = "",
                      role: RoleOption = "admin") -> None:
    """Bổ nhiệm người đứng đầu đơn vị."""
    with opened(database_url) as store:
        w = Services(store).organisation.appoint_head(actor_from(user, role), unit_id,
                                                      official_id=official_id, since=since)
        console.print(f"Đã bổ nhiệm; phiên bản đơn vị: {w.version}")


@official_app.command("add")
@fails_in_vietnamese
def official_add(personnel_code: str, full_name: str,
                 category: Annotated[str, typer.Option(help="cadre | civil_servant | public_employee")],
                 unit_id: Annotated[UUID, typer.Option(help="Mã đơn vị công tác.")],
                 leader: Annotated[bool, typer.Option("--leader/--no-leader")] = False,
                 database_url: DatabaseOption = None, user: ActorOption = "",
                 role: RoleOption = "admin") -> None:
    """Đăng ký một cán bộ, công chức, viên chức."""
    with opened(database_url) as store:
        w = Services(store).organisation.register_official(
            actor_from(user, role), personnel_code=personnel_code, full_name=full_name,
            category=category, unit_id=unit_id, is_leader=leader)
        console.print(f"Đã đăng ký cán bộ {personnel_code}: {w.id}")


@case_app.command("decide")
@fails_in_vietnamese
def case_decide(case_id: UUID, form: Annotated[str, typer.Option(help="Hình thức kỷ luật.")],
                decision_no: Annotated[str, typer.Option(help="Số quyết định.")],
                decided_on: Annotated[str, typer.Option(help="Ngày quyết định (YYYY-MM-DD).")],
                override_reason: Annotated[str | None, typer.Option(
                    help="Lý do khi không áp dụng hình thức nặng hơn một mức.")] = None,
                database_url: DatabaseOption = None, user: ActorOption = "",
                role: RoleOption = "home_affairs") -> None:
    """Quyết định hình thức kỷ luật cho một vụ việc."""
    with opened(database_url) as store:
        w = Services(store).discipline.decide(actor_from(user, role), case_id, form=form,
                                              decision_no=decision_no,
                                              decided_on=decided_on,
                                              override_reason=override_reason)
        console.print(f"Đã ghi quyết định kỷ luật; phiên bản vụ việc: {w.version}")


def _is_uuid(text: str) -> bool:
    try:
        UUID(text)
    except ValueError:
        return False
    return True


def main() -> None:
    app()


if __name__ == "__main__":
    main()
