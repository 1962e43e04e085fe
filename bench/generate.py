"""Generate a realistic event store of N events, quickly (the input of the rebuild benchmark).

    .venv/bin/python -m bench.generate sqlite:///var/bench.db --events 100000
    .venv/bin/python bench/generate.py postgresql://postgres@127.0.0.1:5432/bench --events 100000

The store is built by a small discrete-event simulation over business dates (01/01/2024 to
15/11/2026): a province with 50 units (departments, wards and communes, public service units)
and 1,000 officials, heads appointed and replaced, transfers; about four thousand inspections,
each with several findings (some corrected or retracted), a conclusion with recommendations
followed up and the inspection closed; discipline cases opened from the findings that name
officials and carried through review meetings, councils, deferrals, extensions to a decision
(noted on the official's record), an exemption, withdrawal or the limitation period;
accountability decisions about heads (some revoked); plans whose rows are assigned to units as
tasks with progress reports, reassignments and completion; half-yearly and yearly KPI reports,
some corrected.

Aggregates are built with the domain classes directly (every rule the domain checks is checked)
and saved in batches, `store.app.save(*aggregates)` with up to `--batch` aggregates per call,
instead of one command per transaction. Processes run in business-date order, so the log
interleaves aggregates as real use would. The run stops at exactly N events (the last business
days of the window may then be cut). Random choices come from one seeded generator, so the same
seed writes the same facts (ids included; only the wall-clock timestamps differ).

Every business date, deadlines included, is on or before 15/11/2026.
"""

from __future__ import annotations

import argparse
import hashlib
import heapq
import math
import random
import sys
import time
from collections import Counter
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TypeVar
from uuid import UUID

if __package__ in (None, ""):  # `python bench/generate.py` from the repository root
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from domain import legal
from domain.accountability import AccountabilityDecision, Ref
from domain.actor import Actor
from domain.base import TrackerAggregate, natural_id
from domain.discipline import DisciplineCase
from domain.enums import (
    DisciplineForm,
    ExemptionGround,
    FindingCategory,
    InspectionKind,
    Nature,
    OfficialCategory,
    Outcome,
    Responsibility,
    Severity,
    UnitKind,
)
from domain.inspections import EvidenceRef, Inspection, RecommendationInput
from domain.kpi import KpiFigures, UnitKpiReport
from domain.legal import FORM_RANK
from domain.organisation import Official, Unit
from domain.tasks import AssignedTask
from services.store import Store, open_store

START = date(2024, 1, 1)          # first business date of the simulated activity
LATEST = date(2026, 11, 15)       # no business date after this one (deadlines included)
DEFAULT_EVENTS = 100_000
DEFAULT_SEED = 2026
DEFAULT_BATCH = 200

# Calibration: events one inspection brings on average (findings, corrections, conclusion,
# follow-up, its discipline cases and accountability decisions), and one task; measured on the
# 100k store, with the bundles cut off by the end of the window. A slight oversupply makes sure
# the run reaches N; the cut then falls in the last days of the window.
EVENTS_PER_INSPECTION = 20.5
EVENTS_PER_TASK = 3.1
TASK_SHARE = 0.22
OVERSUPPLY = 1.01

A = TypeVar("A", bound=TrackerAggregate)
Process = Generator[date, None, None]

C, CS, PE = OfficialCategory.CADRE, OfficialCategory.CIVIL_SERVANT, OfficialCategory.PUBLIC_EMPLOYEE

# -- the words of the province ----------------------------------------------------------------------

DEPARTMENTS = (
    ("SNV", "Sở Nội vụ"), ("VPUBND", "Văn phòng UBND tỉnh"), ("STP", "Sở Tư pháp"),
    ("TTT", "Thanh tra tỉnh"), ("STC", "Sở Tài chính"), ("SXD", "Sở Xây dựng"), ("SYT", "Sở Y tế"),
    ("SGDDT", "Sở Giáo dục và Đào tạo"), ("SNNMT", "Sở Nông nghiệp và Môi trường"),
    ("SCT", "Sở Công Thương"), ("SKHCN", "Sở Khoa học và Công nghệ"),
    ("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch"), ("SDTTG", "Sở Dân tộc và Tôn giáo"),
    ("SNgV", "Sở Ngoại vụ"), ("BQLKCN", "Ban Quản lý các khu công nghiệp"),
    ("BQLDA", "Ban Quản lý dự án đầu tư xây dựng tỉnh"), ("VPDBQH", "Văn phòng Đoàn ĐBQH và HĐND tỉnh"),
    ("BDT", "Ban Dân tộc tỉnh"),
)
PUBLIC_SERVICE_UNITS = (
    ("TTPVHCC", "Trung tâm Phục vụ hành chính công tỉnh"),
    ("TTCNTT", "Trung tâm Công nghệ thông tin và Truyền thông"),
    ("BVDK", "Bệnh viện Đa khoa tỉnh"), ("CDKT", "Trường Cao đẳng Kỹ thuật"),
    ("CDC", "Trung tâm Kiểm soát bệnh tật tỉnh"), ("TTDVVL", "Trung tâm Dịch vụ việc làm"),
)
PLACE_FIRST = ("An", "Tân", "Phú", "Long", "Bình", "Hòa", "Phước", "Thạnh", "Xuân", "Trảng", "Vĩnh",
               "Thuận", "Định", "Gia", "Nhơn", "Hiệp")
PLACE_SECOND = ("Bình", "Phú", "Hòa", "Thành", "Lợi", "Hưng", "An", "Lộc", "Thọ", "Tân", "Đông",
                "Tây", "Quán", "Bom", "Trạch", "Khánh")
SURNAMES = ("Nguyễn",) * 8 + ("Trần",) * 3 + ("Lê",) * 2 + (
    "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý",
    "Trịnh", "Đinh", "Lâm", "Mai", "Tạ", "Châu", "Lương")
MIDDLE_NAMES = ("Văn", "Thị", "Hữu", "Minh", "Quốc", "Thanh", "Ngọc", "Đức", "Thu", "Hoàng", "Kim",
                "Thị Thanh", "Văn Hoài", "Thị Mỹ", "Đình", "Công")
GIVEN_NAMES = ("An", "Bình", "Châu", "Dũng", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa", "Hùng", "Hương",
               "Khoa", "Lan", "Linh", "Long", "Mai", "Minh", "Nam", "Ngọc", "Nhung", "Phúc", "Phương",
               "Quang", "Sơn", "Tâm", "Thảo", "Thắng", "Trang", "Trí", "Tuấn", "Vinh", "Yến", "Lộc",
               "Oanh", "Khôi", "Thủy", "Việt", "Tùng", "Nhật", "Trâm")

INSPECTORS = tuple(Actor(f"thanhtra.{n}", "inspector") for n in
                   ("lan", "duc", "hoa", "khanh", "phuc", "son", "trang", "vinh"))
HOME_AFFAIRS = tuple(Actor(f"noivu.{n}", "home_affairs") for n in ("minh", "thao", "ha", "tuan", "linh"))
ADMINS = (Actor("quantri.hung", "admin"), Actor("quantri.nga", "admin"))

FIELDS = ("đất đai", "hộ tịch", "cấp phép xây dựng", "đăng ký kinh doanh", "chứng thực",
          "bảo trợ xã hội", "môi trường", "đầu tư", "lao động", "y tế")
SCOPES = (
    "Thanh tra việc thực hiện quy định về giải quyết thủ tục hành chính, tiếp nhận và trả kết quả "
    "hồ sơ {field} tại Bộ phận một cửa năm {y0}–{y}.",
    "Thanh tra trách nhiệm người đứng đầu trong thực hiện kỷ luật, kỷ cương hành chính, lề lối làm "
    "việc theo Kết luận số 226-KL/TW.",
    "Kiểm tra công vụ việc chấp hành giờ giấc làm việc, chế độ hội họp và ban hành văn bản hành chính.",
    "Thanh tra việc quản lý, sử dụng ngân sách, tài sản công và thực hiện quy định về phòng, chống "
    "tham nhũng, lãng phí giai đoạn {y0}–{y}.",
    "Thanh tra đột xuất việc giải quyết hồ sơ {field} theo phản ánh của người dân.",
    "Thanh tra công tác tuyển dụng, sử dụng, quản lý công chức, viên chức giai đoạn {y0}–{y}.",
)
FINDINGS: dict[FindingCategory, tuple[float, str]] = {
    FindingCategory.LATE_HANDLING: (0.22, "Chậm giải quyết {n} hồ sơ {field}, quá hạn từ {a} đến {b} ngày; "
                                          "không có văn bản xin lỗi người dân theo quy định."),
    FindingCategory.PROCEDURE_RULES: (0.20, "Yêu cầu người dân bổ sung giấy tờ ngoài quy định đối với {n} "
                                            "hồ sơ {field}; không cập nhật trạng thái hồ sơ lên hệ thống."),
    FindingCategory.DOCUMENT_RULES: (0.15, "Ban hành {n} văn bản hành chính sai thẩm quyền, sai thể thức "
                                           "theo Nghị định 30/2020/NĐ-CP."),
    FindingCategory.MEETING_RULES: (0.10, "Tổ chức {n} hội nghị trực tiếp không cần thiết; hội nghị "
                                          "chuyên môn kéo dài quá một ngày."),
    FindingCategory.SHIRKING: (0.12, "Đùn đẩy, né tránh trách nhiệm, chuyển {n} hồ sơ {field} qua lại "
                                     "giữa các bộ phận không đúng quy trình."),
    FindingCategory.HARASSMENT: (0.08, "Gây phiền hà, nhũng nhiễu người dân khi tiếp nhận {n} hồ sơ {field}; "
                                       "có dấu hiệu gợi ý chi phí ngoài quy định."),
    FindingCategory.CORRUPTION_WASTE: (0.05, "Nghiệm thu, thanh toán gói thầu MS-{n:02d}/{y} khi chưa đủ hồ "
                                             "sơ, gây lãng phí ngân sách {money} đồng."),
    FindingCategory.OTHER: (0.08, "Không thực hiện chế độ báo cáo định kỳ về công tác {field} theo quy định."),
}
RECOMMENDATIONS = (
    "Chấn chỉnh việc tiếp nhận, giải quyết hồ sơ {field}; xin lỗi người dân đối với các hồ sơ trễ hạn.",
    "Tổ chức kiểm điểm trách nhiệm tập thể, cá nhân có liên quan đến các vi phạm đã nêu trong kết luận.",
    "Thu hồi nộp ngân sách nhà nước số tiền {money} đồng.",
    "Rà soát, hủy bỏ các văn bản ban hành sai thẩm quyền; báo cáo kết quả về Thanh tra tỉnh.",
    "Xây dựng quy chế phối hợp giải quyết hồ sơ {field} giữa các bộ phận chuyên môn.",
    "Cắt giảm các cuộc họp không cần thiết; tăng tỷ lệ hội nghị trực tuyến lên tối thiểu 60%.",
)
TASKS = (
    ("Xây dựng, ban hành kế hoạch triển khai của cơ quan, đơn vị, địa phương",
     "Kế hoạch triển khai được ban hành"),
    ("Cắt giảm tối thiểu 15% số lượng văn bản hành chính so với năm trước",
     "Số lượng văn bản hành chính giảm ít nhất 15%; báo cáo kết quả"),
    ("Giảm tối thiểu 10% số cuộc họp; tổ chức tối thiểu 60% hội nghị theo hình thức trực tuyến",
     "Báo cáo số liệu hội nghị, cuộc họp định kỳ 6 tháng"),
    ("Xử lý thủ tục hành chính trên môi trường số và số hóa hồ sơ đạt từ 95% trở lên",
     "Tỷ lệ hồ sơ xử lý trực tuyến, số hóa đạt từ 95%"),
    ("Bồi dưỡng kỹ năng số cho đội ngũ cán bộ, công chức, viên chức",
     "100% cán bộ, công chức, viên chức được bồi dưỡng kỹ năng số"),
    ("Rà soát, sửa đổi quy chế làm việc theo hướng phân cấp, ủy quyền rõ trách nhiệm",
     "Quy chế làm việc được sửa đổi, ban hành"),
    ("Tự kiểm tra việc chấp hành kỷ luật, kỷ cương hành chính tại các bộ phận",
     "Báo cáo kết quả tự kiểm tra gửi Sở Nội vụ"),
    ("Công khai đường dây nóng tiếp nhận phản ánh, kiến nghị của người dân và doanh nghiệp",
     "Đường dây nóng được công khai, vận hành"),
    ("Thực hiện gửi, nhận văn bản điện tử không mật đạt 100%",
     "100% văn bản không mật được gửi, nhận điện tử"),
    ("Rà soát, đánh giá, xếp loại chất lượng cán bộ, công chức theo kết quả, sản phẩm cụ thể",
     "Kết quả đánh giá, xếp loại được công khai"),
)


@dataclass
class GenerateResult:
    events: int
    seconds: float
    last_business_date: date
    aggregates: int
    by_event: Counter[str] = field(default_factory=Counter)

    @property
    def rate(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0


class _Full(Exception):
    """The next fact would take the store past N events."""


def _uuid(rng: random.Random) -> UUID:
    return UUID(int=rng.getrandbits(128), version=4)


def _between(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _after(on: date, rng: random.Random, lo: int, hi: int) -> date:
    return on + timedelta(days=rng.randint(lo, hi))


class StoreGenerator:
    """The simulation: processes yield the business date they next act on; they run in date order."""

    def __init__(self, store: Store, events: int = DEFAULT_EVENTS, *, seed: int = DEFAULT_SEED,
                 batch: int = DEFAULT_BATCH, units: int | None = None, officials: int | None = None,
                 on_progress: Callable[[int, int, date], None] | None = None) -> None:
        self.store = store
        self.app = store.app
        self.target = events
        self.batch = batch
        self.rng = random.Random(seed)
        self.n_units = units if units is not None else max(5, min(50, events // 2000))
        self.n_officials = officials if officials is not None else max(4 * self.n_units, events // 100)
        self.on_progress = on_progress
        self.now = START
        self.count = 0            # events produced (saved or pending)
        self.saved = 0
        self.pending: dict[UUID, TrackerAggregate] = {}
        self.by_event: Counter[str] = Counter()
        self._heap: list[tuple[date, int, Process]] = []
        self._seq = 0
        self._numbers: Counter[tuple[str, int]] = Counter()
        self.units: list[Unit] = []
        self.kind: dict[UUID, UnitKind] = {}
        self.roster: dict[UUID, list[Official]] = {}
        self.officials: list[Official] = []
        self.by_id: dict[UUID, Official] = {}
        self.heads: set[UUID] = set()
        self.cases: set[UUID] = set()
        self.aggregates = 0

    # -- the engine ---------------------------------------------------------------------------------
    def run(self) -> GenerateResult:
        if self.store.position():
            raise SystemExit(f"{self.store.config.description}: the store is not empty; use a new one.")
        started = time.perf_counter()
        try:
            self._organisation()
            self._plan()
            while self._heap and self.count < self.target:
                when, _, process = heapq.heappop(self._heap)
                self.now = when
                try:
                    self._schedule(next(process), process)
                except (StopIteration, _Full):
                    pass
        except _Full:
            pass
        self.flush()
        seconds = time.perf_counter() - started
        return GenerateResult(self.saved, seconds, self.now, self.aggregates, self.by_event)

    def spawn(self, process: Process) -> None:
        try:
            first = next(process)
        except StopIteration:
            return
        self._schedule(first, process)

    def _schedule(self, when: date, process: Process) -> None:
        if when > LATEST:
            process.close()
            return
        heapq.heappush(self._heap, (max(when, self.now), self._seq, process))
        self._seq += 1

    def new(self, make: Callable[[], A]) -> A:
        """Create an aggregate (one event)."""
        if self.count + 1 > self.target:
            raise _Full
        aggregate = make()
        self.aggregates += 1
        self._done(1, aggregate)
        return aggregate

    def act(self, events: int, command: Callable[[], Any], *aggregates: TrackerAggregate) -> Any:
        """Run a command that adds `events` events to `aggregates`."""
        if self.count + events > self.target:
            raise _Full
        result = command()
        self._done(events, *aggregates)
        return result

    def _done(self, events: int, *aggregates: TrackerAggregate) -> None:
        for aggregate in aggregates:
            self.pending[aggregate.id] = aggregate
        self.count += events
        if len(self.pending) >= self.batch:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        aggregates = list(self.pending.values())
        events = [e for a in aggregates for e in a.pending_events]
        assert len(events) == self.count - self.saved, (len(events), self.count - self.saved)
        self.by_event.update(type(e).__qualname__ for e in events)
        self.app.save(*aggregates)
        self.saved += len(events)
        self.pending.clear()
        if self.on_progress is not None:
            self.on_progress(self.saved, self.target, self.now)

    def number(self, kind: str, year: int) -> int:
        self._numbers[kind, year] += 1
        return self._numbers[kind, year]

    # -- organisation ------------------------------------------------------------------------------
    def _organisation(self) -> None:
        rng = self.rng
        n = self.n_units
        n_psu = max(1, round(n * 0.1))
        n_dept = max(1, round(n * 0.36))
        n_commune = max(1, n - n_psu - n_dept)
        specs: list[tuple[str, str, UnitKind]] = []
        for i in range(n_dept):
            code, name = DEPARTMENTS[i] if i < len(DEPARTMENTS) else (f"BQL{i}", f"Ban Quản lý dự án số {i}")
            specs.append((code, name, UnitKind.DEPARTMENT))
        places = [f"{a} {b}" for a in PLACE_FIRST for b in PLACE_SECOND if a != b]
        if n_commune <= len(places):
            chosen = rng.sample(places, n_commune)
        else:  # more communes than names (the 1M store's 1,000 units): numbered namesakes, "An Bình 2"
            chosen = rng.sample(places, len(places))
            chosen += [f"{place} {k}" for k in range(2, n_commune // len(places) + 2) for place in chosen[:len(places)]]
            chosen = chosen[:n_commune]
        for i, place in enumerate(chosen):
            ward = i % 3 == 0
            code = ("P-" if ward else "X-") + f"{i + 1:02d}"
            specs.append((code, ("Phường " if ward else "Xã ") + place, UnitKind.COMMUNE))
        for i in range(n_psu):
            code, name = PUBLIC_SERVICE_UNITS[i % len(PUBLIC_SERVICE_UNITS)]
            if i >= len(PUBLIC_SERVICE_UNITS):
                code, name = f"{code}{i}", f"{name} (cơ sở {i})"
            specs.append((code, name, UnitKind.PUBLIC_SERVICE_UNIT))
        admin = ADMINS[0]
        for code, name, kind in specs:
            unit = self.new(lambda: Unit.register(code=code, name=name, kind=kind, recorded_by=admin))
            self.units.append(unit)
            self.kind[unit.id] = kind
            self.roster[unit.id] = []

        per_unit = [self.n_officials // n + (1 if i < self.n_officials % n else 0) for i in range(n)]
        for unit, size in zip(self.units, per_unit, strict=True):
            kind = self.kind[unit.id]
            leaders = max(1, round(size * 0.25))
            for j in range(size):
                is_leader = j < leaders
                if kind == UnitKind.COMMUNE:
                    category = C if is_leader else CS
                elif kind == UnitKind.DEPARTMENT:
                    category = CS
                else:
                    category = PE
                since = None if rng.random() < 0.1 else _between(rng, date(2005, 1, 1), date(2023, 12, 31))
                name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE_NAMES)} {rng.choice(GIVEN_NAMES)}"
                code = f"{unit.code}-{j + 1:04d}"
                official = self.new(lambda: Official.register(
                    personnel_code=code, full_name=name, category=category, unit_id=unit.id,
                    is_leader=is_leader, since=since, recorded_by=admin))
                self.officials.append(official)
                self.by_id[official.id] = official
                self.roster[unit.id].append(official)
        for unit in self.units:
            head = self.roster[unit.id][0]
            floor = max(head.postings[0].since or date(2015, 1, 1), date(2019, 1, 1))
            since = _between(rng, floor, date(2023, 12, 31))
            self.act(1, lambda: unit.appoint_head(official_id=head.id, since=since, recorded_by=admin),
                     unit)
            self.heads.add(head.id)

    # -- the plan: every process, with the date it starts ------------------------------------------
    def _plan(self) -> None:
        rng = self.rng
        units, officials = self.n_units, self.n_officials
        # Events still to come from the organisation (head changes, renames, transfers, category
        # changes), the KPI reports and the commendations; the rest goes to inspections and tasks.
        fixed = units * (0.45 * 1.12 * 2 + 1 / 12 + 5 * 0.96 * 1.1 + 3 * 0.25) + officials * 0.095
        rest = max(0.0, self.target - self.count - fixed)
        n_inspections = math.ceil(rest * (1 - TASK_SHARE) / EVENTS_PER_INSPECTION * OVERSUPPLY)
        n_tasks = math.ceil(rest * TASK_SHARE / EVENTS_PER_TASK * OVERSUPPLY)

        for unit in self.units:
            if rng.random() < 0.45:
                self.spawn(self._head_changes(unit))
        for unit in rng.sample(self.units, min(len(self.units), max(1, units // 12))):
            self.spawn(self._rename(unit))
        for official in self.officials:
            r = rng.random()
            if r < 0.08:
                self.spawn(self._transfer(official))
            elif r < 0.095:
                self.spawn(self._category_change(official))
        for unit in self.units:
            for period, due in (("2024-H1", date(2024, 7, 1)), ("2024", date(2025, 1, 1)),
                                ("2025-H1", date(2025, 7, 1)), ("2025", date(2026, 1, 1)),
                                ("2026-H1", date(2026, 7, 1))):
                if rng.random() < 0.96:
                    self.spawn(self._kpi(unit, period, _after(due, rng, 3, 25)))
            for year in (2023, 2024, 2025):
                if rng.random() < 0.25:
                    self.spawn(self._commendation(unit, _after(date(year + 1, 1, 5), rng, 0, 50)))
        for i in range(n_inspections):
            self.spawn(self._inspection(_between(rng, START, LATEST - timedelta(days=10))))
            if rng.random() < 0.15:
                self.spawn(self._standalone_case(_between(rng, START, LATEST)))
        planned = 0
        while planned < n_tasks:
            planned += self._plan_tasks(_between(rng, START, LATEST - timedelta(days=20)))

    # -- organisation over time --------------------------------------------------------------------
    def _head_changes(self, unit: Unit) -> Process:
        rng = self.rng
        changes = 2 if rng.random() < 0.12 else 1
        when = _between(rng, START, LATEST)
        for _ in range(changes):
            yield when
            if rng.random() < 0.15:  # the head retires; the post stays vacant for a while
                term = unit.current_term
                if term is None:
                    return
                self.act(1, lambda: unit.end_head_term(until=self.now, reason="Nghỉ hưu theo chế độ",
                                                       recorded_by=ADMINS[1]), unit)
                self.heads.discard(term.official_id)
                yield _after(self.now, rng, 20, 90)
            term = unit.current_term
            candidates = [o for o in self.roster[unit.id] if o.is_leader and o.id not in self.heads]
            if not candidates:
                return
            head = rng.choice(candidates)
            events = 2 if term is not None else 1
            self.act(events, lambda: unit.appoint_head(official_id=head.id, since=self.now,
                                                       recorded_by=ADMINS[0]), unit)
            if term is not None:
                self.heads.discard(term.official_id)
            self.heads.add(head.id)
            when = _after(self.now, rng, 120, 500)

    def _rename(self, unit: Unit) -> Process:
        yield date(2025, 7, 1)
        name = unit.name + (" (sau sắp xếp)" if self.kind[unit.id] != UnitKind.COMMUNE else " mới")
        self.act(1, lambda: unit.rename(name=name, renamed_on=self.now,
                                        reason="Sắp xếp đơn vị hành chính theo Nghị quyết của Quốc hội",
                                        recorded_by=ADMINS[0]), unit)

    def _transfer(self, official: Official) -> Process:
        rng = self.rng
        yield _between(rng, START, LATEST)
        if official.id in self.heads:
            return
        source = official.unit_id
        kind = self.kind[source]
        targets = [u for u in self.units if self.kind[u.id] == kind and u.id != source]
        if not targets:
            return
        target = rng.choice(targets)
        is_leader = official.is_leader if rng.random() < 0.8 else not official.is_leader
        self.act(1, lambda: official.transfer(
            unit_id=target.id, on=self.now, is_leader=is_leader,
            reason=f"Quyết định số {self.number('dd', self.now.year)}/QĐ-UBND điều động, luân chuyển "
                   f"đến {target.name}.", recorded_by=ADMINS[0]), official)
        self.roster[source].remove(official)
        self.roster[target.id].append(official)

    def _category_change(self, official: Official) -> Process:
        yield _between(self.rng, START, LATEST)
        if official.category == CS and self.kind[official.unit_id] == UnitKind.COMMUNE:
            new, reason = C, "Được bầu giữ chức vụ Phó Chủ tịch UBND theo nhiệm kỳ."
        elif official.category == C:
            new, reason = CS, "Thôi giữ chức vụ bầu cử, tiếp nhận vào công chức."
        else:
            return
        self.act(1, lambda: official.change_category(category=new, on=self.now, reason=reason,
                                                     recorded_by=ADMINS[0]), official)

    # -- inspections ----------------------------------------------------------------------------------
    def _inspection(self, opened_on: date) -> Process:
        rng = self.rng
        yield opened_on
        unit = rng.choices(self.units, weights=[
            {UnitKind.COMMUNE: 1.3, UnitKind.DEPARTMENT: 1.0}.get(self.kind[u.id], 0.7) for u in self.units])[0]
        kind = rng.choices(list(InspectionKind), weights=(0.6, 0.15, 0.25))[0]
        by_snv = kind == InspectionKind.DUTY_CHECK and rng.random() < 0.5
        y = self.now.year
        decision_no = f"{self.number('qd', y)}/QĐ-{'SNV' if by_snv else 'TTT'}-{y}"
        inspector = rng.choice(INSPECTORS)
        team = [f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE_NAMES)} {rng.choice(GIVEN_NAMES)}"
                for _ in range(rng.randint(2, 5))]
        team[0] += " (Trưởng đoàn)"
        scope = rng.choice(SCOPES).format(field=rng.choice(FIELDS), y0=y - 2, y=y)
        inspection = self.new(lambda: Inspection.open(
            kind=kind, decision_no=decision_no, decided_on=self.now, target_unit_id=unit.id, team=team,
            scope=scope, recorded_by=inspector))

        # Findings over the following weeks, some corrected or retracted before the conclusion.
        n_findings = min(12, max(1, round(rng.gauss(5, 2.2))))
        steps: list[tuple[date, int, str, int]] = []
        for i in range(n_findings):
            found_on = _after(self.now, rng, 3, 45)
            steps.append((found_on, len(steps), "record", i))
            r = rng.random()
            if r < 0.2:
                steps.append((_after(found_on, rng, 1, 20), len(steps), "correct", i))
            elif r < 0.25:
                steps.append((_after(found_on, rng, 1, 20), len(steps), "retract", i))
        steps.sort()
        finding_ids: dict[int, UUID] = {}
        for when, _, action, i in steps:
            yield when
            if action == "record":
                finding_ids[i] = self._record_finding(inspection, inspector)
            elif action == "correct":
                self._correct_finding(inspection, finding_ids[i], inspector)
            elif action == "retract":
                self.act(1, lambda: inspection.retract_finding(
                    finding_id=finding_ids[i], recorded_by=inspector,
                    reason="Đơn vị đã xuất trình hồ sơ chứng minh; phát hiện không có căn cứ."), inspection)

        yield _after(self.now, rng, 7, 45)
        recs = [RecommendationInput(rng.choice(RECOMMENDATIONS).format(field=rng.choice(FIELDS),
                                                                    money=self._money()),
                                    min(LATEST, _after(self.now, rng, 30, 180)),
                                    unit.id if rng.random() < 0.85 else rng.choice(self.units).id)
                for _ in range(min(6, max(1, round(rng.gauss(2.5, 1.2)))))]
        rec_ids = self.act(1, lambda: inspection.conclude(
            conclusion_no=f"{self.number('kl', self.now.year)}/KL-TTT-{self.now.year}",
            concluded_on=self.now, recommendations=recs, recorded_by=inspector), inspection)

        # The violations become discipline cases, and perhaps a decision about the unit's head.
        violations = [f for f in inspection.findings.values() if f.is_violation]
        case_ids = []
        for finding in violations:
            for official_id in finding.official_ids:
                if rng.random() < 0.9:
                    official = self.by_id[official_id]
                    case_ids.append(natural_id("case", f"{finding.finding_id}/{official_id}"))
                    self.spawn(self._case(_after(self.now, rng, 0, 20), official, inspection, finding.finding_id))
        if violations and rng.random() < 0.3:
            self.spawn(self._accountability(_after(self.now, rng, 20, 120), unit, inspection, violations,
                                            case_ids))

        # Follow-up of the recommendations, then the inspection is closed.
        implemented = sorted((_after(self.now, rng, 10, (rec.due_on - self.now).days + 45), k)
                             for k, rec in enumerate(recs) if rng.random() < 0.8)
        for when, k in implemented:
            yield when
            self.act(1, lambda: inspection.implement_recommendation(
                recommendation_id=rec_ids[k], implemented_on=self.now, recorded_by=inspector,
                note=f"Đã thực hiện theo Báo cáo số {self.number('bc', self.now.year)}/BC ngày "
                     f"{self.now:%d/%m/%Y}."), inspection)
        if rng.random() < (0.85 if len(implemented) == len(recs) else 0.25):
            yield _after(self.now, rng, 5, 40)
            self.act(1, lambda: inspection.close(closed_on=self.now, recorded_by=inspector), inspection)

    def _money(self) -> str:
        return f"{self.rng.randint(12, 4_800) * 1_000_000 + self.rng.randint(0, 999) * 1_000:,}".replace(",", ".")

    def _record_finding(self, inspection: Inspection, inspector: Actor) -> UUID:
        rng = self.rng
        categories = list(FINDINGS)
        category = rng.choices(categories, weights=[FINDINGS[c][0] for c in categories])[0]
        severity = rng.choices(list(Severity), weights=(0.6, 0.3, 0.1))[0]
        if rng.random() < 0.03:  # an old violation, found late: some will be time-barred
            occurred = self.now - timedelta(days=rng.randint(5 * 365, 7 * 365))
            severity = Severity.LESS_SERIOUS
        else:
            occurred = self.now - timedelta(days=rng.randint(10, 720))
        description = FINDINGS[category][1].format(
            n=rng.randint(2, 60), field=rng.choice(FIELDS), a=rng.randint(1, 10), b=rng.randint(11, 120),
            y=occurred.year, money=self._money())
        named: list[UUID] = []
        if rng.random() < 0.45:
            unit_id = inspection.target_unit_id
            candidates = [o for o in self.roster[unit_id] if o.unit_on(occurred) == unit_id]
            if candidates:
                k = rng.choices((1, 2, 3), weights=(0.75, 0.2, 0.05))[0]
                named = [o.id for o in rng.sample(candidates, min(k, len(candidates)))]
        evidence = [EvidenceRef(f"Biên bản làm việc số {rng.randint(1, 400)}.pdf",
                                hashlib.sha256(rng.randbytes(16)).hexdigest())
                    for _ in range(rng.choices((0, 1, 2), weights=(0.3, 0.5, 0.2))[0])]
        return self.act(1, lambda: inspection.record_finding(
            category=category, severity=severity, description=description, occurred_on=occurred,
            official_ids=named, evidence=evidence, recorded_by=inspector), inspection)

    def _correct_finding(self, inspection: Inspection, finding_id: UUID, inspector: Actor) -> None:
        rng = self.rng
        finding = inspection.finding(finding_id)
        if finding.retracted:
            return
        r = rng.random()
        if r < 0.4:
            changes: dict[str, Any] = {"severity": rng.choice([s for s in Severity if s != finding.severity])}
            reason = "Đánh giá lại mức độ vi phạm sau khi đối chất với đơn vị."
        elif r < 0.7:
            changes = {"description": finding.description + " Bổ sung: đơn vị đã khắc phục một phần."}
            reason = "Bổ sung nội dung phát hiện theo giải trình của đơn vị."
        elif r < 0.85:
            occurred = finding.occurred_on - timedelta(days=rng.randint(1, 30))
            changes = {"occurred_on": occurred}
            reason = "Đính chính ngày xảy ra vi phạm theo hồ sơ gốc."
        else:
            changes = {"evidence": [*finding.evidence, EvidenceRef(
                "Giải trình của đơn vị.pdf", hashlib.sha256(rng.randbytes(16)).hexdigest())]}
            reason = "Bổ sung chứng cứ."
        self.act(1, lambda: inspection.correct_finding(finding_id=finding_id, changes=changes,
                                                       reason=reason, recorded_by=inspector), inspection)

    # -- discipline ---------------------------------------------------------------------------------
    def _case(self, detected_on: date, official: Official, inspection: Inspection | None,
              finding_id: UUID | None) -> Process:
        rng = self.rng
        yield detected_on
        actor = rng.choice(HOME_AFFAIRS)
        path = rng.choices(("decide", "exempt", "withdraw", "stall"), weights=(0.8, 0.05, 0.08, 0.07))[0]
        if inspection is not None and finding_id is not None:
            finding = inspection.finding(finding_id)
            category, severity, occurred = finding.category, finding.severity, finding.occurred_on
            case_id = natural_id("case", f"{finding_id}/{official.id}")
        else:  # a complaint, not an inspection
            category = rng.choice(list(FindingCategory))
            severity = rng.choices(list(Severity), weights=(0.6, 0.3, 0.1))[0]
            occurred = self.now - timedelta(days=rng.randint(10, 400))
            case_id = _uuid(rng)
        if path == "exempt":
            nature = Nature.INNOVATION_RISK if rng.random() < 0.5 else Nature.NEGLIGENCE
        else:
            nature = rng.choices(list(Nature), weights=(0.25, 0.05, 0.7))[0]
        case = self.new(lambda: DisciplineCase.open(
            case_id=case_id, official_id=official.id, unit_id=official.unit_on(occurred),
            official_category=official.category_on(self.now), category=category, nature=nature,
            severity=severity, occurred_on=occurred, detected_on=self.now, inspection_id=inspection.id
            if inspection else None, finding_id=finding_id, recorded_by=actor))
        self.cases.add(case.id)

        if rng.random() < 0.08:
            yield _after(self.now, rng, 5, 30)
            grounds = legal.deferral_grounds(case.official_category, self.now)  # the regime's own
            self.act(1, lambda: case.defer(reason=rng.choice(grounds), on=self.now,
                                           note="Theo giấy xác nhận của cơ sở y tế / cơ quan có thẩm quyền.",
                                           recorded_by=actor), case)
            yield _after(self.now, rng, 15, 120)
            self.act(1, lambda: case.resume(on=self.now, note="Hết thời gian tạm hoãn.", recorded_by=actor),
                     case)
        if path == "withdraw":
            yield _after(self.now, rng, 10, 60)
            self.act(1, lambda: case.withdraw(on=self.now, recorded_by=actor,
                                              reason="Kết quả xác minh lại cho thấy không có vi phạm."), case)
            return
        if path == "exempt":
            yield _after(self.now, rng, 10, 60)
            ground = (ExemptionGround.INNOVATION_RISK if nature == Nature.INNOVATION_RISK
                      else rng.choice((ExemptionGround.SUPERIOR_ORDER, ExemptionGround.FORCE_MAJEURE)))
            self.act(1, lambda: case.exempt(ground=ground, decided_on=self.now, recorded_by=actor,
                                            basis="Văn bản phê duyệt của cấp có thẩm quyền và biên bản xác minh."),
                     case)
            return
        if rng.random() < 0.85:
            yield _after(self.now, rng, 7, 30)
            proposed = self._form_for(case, official) if rng.random() < 0.7 else None
            self.act(1, lambda: case.hold_review_meeting(
                held_on=self.now, proposed_form=proposed, recorded_by=actor,
                minutes="Tập thể kiểm điểm; đương sự nhận khuyết điểm, đề nghị hình thức kỷ luật."), case)
        if rng.random() < 0.1:
            yield _after(self.now, rng, 5, 20)
            if self.now <= case.handling_deadline(self.now):
                self.act(1, lambda: case.extend(on=self.now, recorded_by=actor,
                                                reason="Vụ việc phức tạp, cần xác minh thêm."), case)
        if rng.random() < 0.35:
            yield _after(self.now, rng, 5, 25)
            recommended = self._form_for(case, official)
            self.act(1, lambda: case.convene_council(
                convened_on=self.now, recommended_form=recommended, recorded_by=actor,
                members=["Thủ trưởng cơ quan (Chủ tịch Hội đồng)", "Đại diện cấp ủy", "Đại diện Công đoàn"]),
                case)
        if path == "stall":
            return
        yield _after(self.now, rng, 5, 60)
        if self.now > case.limitation_deadline:
            self.act(1, lambda: case.mark_time_barred(on=self.now, recorded_by=actor), case)
            return
        self._decide(case, official, actor)

    def _form_for(self, case: DisciplineCase, official: Official) -> DisciplineForm:
        """A form the law allows for the official today, near what the violation warrants."""
        allowed = legal.allowed_forms(official.category_on(self.now), official.is_leader_on(self.now), self.now)
        warranted = case.warranted_form
        if warranted in allowed and self.rng.random() < 0.8:
            return warranted
        rank = FORM_RANK[warranted] + self.rng.choice((-1, 0, 0, 1))
        return min(allowed, key=lambda f: (abs(FORM_RANK[f] - rank), FORM_RANK[f]))

    def _decide(self, case: DisciplineCase, official: Official, actor: Actor) -> None:
        category, leader = official.category_on(self.now), official.is_leader_on(self.now)
        form = self._form_for(case, official)
        in_force = official.decision_in_force_on(case.occurred_on, excluding=case.id)
        override = None
        limitation = case.limitation_deadline_for(form)
        if limitation is not None and self.now > limitation:
            form = case.warranted_form if case.warranted_form in legal.allowed_forms(category, leader, self.now) \
                else max(legal.allowed_forms(category, leader, self.now), key=FORM_RANK.__getitem__)
        if in_force is not None:
            required = legal.repeat_requirement(in_force.form, case.warranted_form, category, leader,
                                                self.now).required
            if FORM_RANK[form] < FORM_RANK[required]:
                if self.rng.random() < 0.8:
                    form = required
                else:
                    override = "Có tình tiết giảm nhẹ: chủ động khắc phục hậu quả, thành khẩn nhận khuyết điểm."
        decision_no = f"{self.number('kyluat', self.now.year)}/QĐ-KL-{self.now.year}"
        if any(r.decided_on == self.now for r in official.discipline):
            return  # one decision a day for an official (a joint one otherwise): left open

        def decide() -> None:
            case.decide(form=form, decision_no=decision_no, decided_on=self.now, official_category=category,
                        official_is_leader=leader, in_force=in_force, override_reason=override,
                        recorded_by=actor)
            decided = case.pending_events[-1]
            official.note_discipline(case_id=case.id, form=decided.form, decided_on=decided.decided_on,
                                     in_force_until=decided.in_force_until,
                                     decision_no=decided.decision_no, recorded_by=actor)

        self.act(2, decide, case, official)

    def _standalone_case(self, detected_on: date) -> Process:
        official = self.rng.choice(self.officials)
        yield from self._case(detected_on, official, None, None)

    # -- accountability -----------------------------------------------------------------------------
    def _accountability(self, decided_on: date, unit: Unit, inspection: Inspection, violations: Sequence[Any],
                        case_ids: Sequence[UUID]) -> Process:
        rng = self.rng
        yield decided_on
        head = unit.head_on(self.now)
        if head is None:
            return
        refs = [Ref("finding", f.finding_id, inspection.id) for f in violations[:3]]
        refs += [Ref("discipline_case", c) for c in case_ids[:3] if c in self.cases]
        corruption = any(f.category == FindingCategory.CORRUPTION_WASTE for f in violations)
        outcome = (rng.choice((Outcome.CRITICISM, Outcome.LESSONS_REVIEW)) if corruption else
                   rng.choices((Outcome.REMINDER, Outcome.CRITICISM, Outcome.LESSONS_REVIEW),
                               weights=(0.5, 0.25, 0.25))[0])
        responsibility = Responsibility.JOINT if rng.random() < 0.8 else Responsibility.PERSONAL
        actor = rng.choice(HOME_AFFAIRS)
        decision = self.new(lambda: AccountabilityDecision.make(
            head_official_id=head, unit_id=unit.id, responsibility=responsibility, outcome=outcome,
            decided_on=self.now, refs=refs, decision_id=_uuid(rng), recorded_by=actor,
            reason=f"Người đứng đầu để xảy ra vi phạm nêu tại Kết luận số {inspection.conclusion_no}."))
        if rng.random() < 0.06:
            yield _after(self.now, rng, 30, 200)
            self.act(1, lambda: decision.revoke(revoked_on=self.now, recorded_by=actor,
                                                reason="Quyết định của cấp trên sửa đổi kết luận thanh tra."),
                     decision)

    def _commendation(self, unit: Unit, decided_on: date) -> Process:
        yield decided_on
        head = unit.head_on(self.now)
        if head is None:
            return
        self.new(lambda: AccountabilityDecision.make(
            head_official_id=head, unit_id=unit.id, responsibility=Responsibility.PERSONAL,
            outcome=Outcome.COMMENDATION, decided_on=self.now, decision_id=_uuid(self.rng),
            recorded_by=self.rng.choice(HOME_AFFAIRS),
            reason=f"Đơn vị hoàn thành xuất sắc các chỉ tiêu Kết luận 226-KL/TW năm {self.now.year - 1}."))

    # -- tasks ----------------------------------------------------------------------------------------
    def _plan_tasks(self, assigned_on: date) -> int:
        """A plan with its assignment table; returns how many tasks it assigns."""
        rng = self.rng
        plan_ref = f"{self.number('kh', assigned_on.year)}/KH-UBND-{assigned_on.year}"
        tasks = 0
        for row in range(1, rng.randint(4, 12) + 1):
            title, result = rng.choice(TASKS)
            if rng.random() < 0.6:
                leads = [rng.choice(self.units)]
            else:
                leads = rng.sample(self.units, rng.randint(2, min(15, len(self.units))))
            due_on = min(LATEST, _after(assigned_on, rng, 30, 270))
            for lead in leads:
                self.spawn(self._task(assigned_on, plan_ref, str(row), title, result, lead, due_on))
                tasks += 1
        return tasks

    def _task(self, assigned_on: date, plan_ref: str, row_no: str, title: str, result: str, lead: Unit,
              due_on: date) -> Process:
        rng = self.rng
        yield assigned_on
        leaders = [o for o in self.roster[lead.id] if o.is_leader]
        responsible = rng.choice(leaders).id if leaders and rng.random() < 0.9 else None
        coordinating = [u.id for u in rng.sample(self.units, rng.randint(0, 3))]
        task = self.new(lambda: AssignedTask.assign(
            plan_ref=plan_ref, row_no=row_no, title=title, lead_unit_id=lead.id,
            responsible_official_id=responsible, coordinating_unit_ids=coordinating,
            responsibility="Chủ trì thực hiện; người đứng đầu chịu trách nhiệm về tiến độ và kết quả",
            expected_result=result, assigned_on=self.now, due_on=due_on, recorded_by=ADMINS[0]))
        span = max(1, (due_on - assigned_on).days)
        reports = rng.choices((0, 1, 2, 3, 4), weights=(0.25, 0.3, 0.25, 0.15, 0.05))[0]
        percents = sorted(rng.sample(range(10, 96, 5), reports))
        reassign_at = rng.randrange(reports + 1) if rng.random() < 0.06 else -1
        for k, percent in enumerate(percents):
            if k == reassign_at:
                yield _after(self.now, rng, 5, 30)
                self._reassign(task)
            yield _after(self.now, rng, max(5, span // (reports + 2)), max(10, span // (reports + 1)))
            self.act(1, lambda: task.report_progress(
                on=self.now, percent=percent, recorded_by=rng.choice(HOME_AFFAIRS),
                note=f"Đã thực hiện được khoảng {percent}% khối lượng công việc."), task)
        if rng.random() < 0.8:
            yield max(self.now, _after(task.due_on, rng, -30, 25))
            self.act(1, lambda: task.complete(on=self.now, recorded_by=rng.choice(HOME_AFFAIRS),
                                              result=f"Báo cáo số {self.number('bc', self.now.year)}/BC "
                                                     f"ngày {self.now:%d/%m/%Y}."), task)

    def _reassign(self, task: AssignedTask) -> None:
        rng = self.rng
        lead = rng.choice(self.units)
        leaders = [o for o in self.roster[lead.id] if o.is_leader]
        due_on = min(LATEST, max(task.due_on, _after(self.now, rng, 15, 60)))
        self.act(1, lambda: task.reassign(
            lead_unit_id=lead.id, responsible_official_id=rng.choice(leaders).id if leaders else None,
            due_on=due_on, on=self.now, recorded_by=ADMINS[0],
            reason="Điều chỉnh đơn vị chủ trì theo chức năng, nhiệm vụ sau sắp xếp tổ chức bộ máy."), task)

    # -- KPI ------------------------------------------------------------------------------------------
    def _kpi(self, unit: Unit, period: str, submitted_on: date) -> Process:
        rng = self.rng
        yield submitted_on
        figures = self._figures(unit, period)
        actor = rng.choice(HOME_AFFAIRS)
        report = self.new(lambda: UnitKpiReport.submit(unit_id=unit.id, period=period, submitted_on=self.now,
                                                       figures=figures, recorded_by=actor))
        if rng.random() < 0.1:
            yield _after(self.now, rng, 3, 30)
            online = figures.conferences_online + rng.randint(1, 3)
            corrected = KpiFigures(**{**vars(figures), "conferences_online": online,
                                      "conferences_total": max(figures.conferences_total, online)})
            self.act(1, lambda: report.correct(
                corrected_on=self.now, figures=corrected, recorded_by=actor,
                reason="Bổ sung hội nghị trực tuyến tổ chức qua hệ thống của tỉnh nhưng chưa được thống kê."),
                report)

    def _figures(self, unit: Unit, period: str) -> KpiFigures:
        rng = self.rng
        t = int(period[:4]) - 2024                      # the later, the better the figures
        scale = 0.5 if "-H" in period else 1.0
        conferences, documents = {UnitKind.DEPARTMENT: (40, 3600), UnitKind.COMMUNE: (16, 1200)}.get(
            self.kind[unit.id], (10, 500))
        total = max(1, round(conferences * scale * rng.uniform(0.7, 1.3) * (1 - 0.08 * t)))
        online = min(total, round(total * min(1.0, max(0.0, rng.gauss(0.45 + 0.12 * t, 0.12)))))

        def pct(mean: float, sd: float) -> float:
            return round(min(100.0, max(0.0, rng.gauss(mean, sd))), 1)

        days = tuple(d if rng.random() < 0.9 else d + 0.5 for d in (0.5, 1.0, 1.5))
        return KpiFigures(
            conferences_total=total, conferences_online=online, longest_indoctrination_days=days[0],
            longest_professional_days=days[1], longest_important_days=days[2],
            documents_issued=max(1, round(documents * scale * rng.uniform(0.7, 1.3) * (1 - 0.1 * t))),
            procedures_online_pct=pct(88 + 4 * t, 3), documents_digitised_pct=pct(85 + 5 * t, 4),
            electronic_sending_pct=pct(96 + 2 * t, 2), staff_trained_pct=pct(70 + 12 * t, 8))


# -- entry points -----------------------------------------------------------------------------------

def generate(store: Store, events: int = DEFAULT_EVENTS, *, seed: int = DEFAULT_SEED,
             batch: int = DEFAULT_BATCH, units: int | None = None, officials: int | None = None,
             progress: bool = True) -> GenerateResult:
    """Write a realistic store of `events` events into an empty store."""
    return StoreGenerator(store, events, seed=seed, batch=batch, units=units, officials=officials,
                          on_progress=progress_line("generate") if progress else None).run()


def progress_line(label: str, stream: Any = sys.stderr) -> Callable[[int, int, Any], None]:
    """A one-line progress report (rewritten in place on a terminal, every 10% otherwise)."""
    started = time.perf_counter()
    state = {"last": 0.0, "decile": -1}
    tty = stream.isatty()

    def report(done: int, total: int, where: Any = None) -> None:
        now = time.perf_counter()
        decile = done * 10 // max(total, 1)
        if tty and now - state["last"] < 0.25 and done < total:
            return
        if not tty and decile == state["decile"] and done < total:
            return
        state["last"], state["decile"] = now, decile
        rate = done / (now - started) if now > started else 0.0
        text = f"  {label}: {done:>9,}/{total:,} events  {rate:>9,.0f} events/s"
        if where is not None:
            text += f"  at {where}"
        stream.write(("\r" + text + " " * 4) if tty else text + "\n")
        if tty and done >= total:
            stream.write("\n")
        stream.flush()

    return report


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url", help="the (empty) store: sqlite:///path.db or postgresql://…")
    parser.add_argument("--events", type=int, default=DEFAULT_EVENTS, help="events to write (default %(default)s)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--batch", type=int, default=DEFAULT_BATCH, help="aggregates per save (default %(default)s)")
    parser.add_argument("--units", type=int, default=None, help="default: 50 at 100k events")
    parser.add_argument("--officials", type=int, default=None, help="default: 1,000 at 100k events")
    parser.add_argument("--stats", action="store_true", help="print the events written per event type")
    args = parser.parse_args(argv)
    with open_store(args.url) as store:
        result = generate(store, args.events, seed=args.seed, batch=args.batch, units=args.units,
                          officials=args.officials)
        print(f"{store.config.description}: wrote {result.events:,} events ({result.aggregates:,} aggregates) "
              f"in {result.seconds:.2f} s = {result.rate:,.0f} events/s; last business date "
              f"{result.last_business_date:%d/%m/%Y}; log position {store.position():,}")
    if args.stats:
        for name, n in sorted(result.by_event.items()):
            print(f"  {name:<45} {n:>8,}")


if __name__ == "__main__":
    main()
