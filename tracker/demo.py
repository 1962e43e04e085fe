"""Demo data: a city (thành phố Đồng Nai) tracked through 2025 and 2026.

The data follows Kế hoạch số 83/KH-UBND ngày 10/6/2026 (implementing Kết luận số 226-KL/TW): the
departments it names, wards and communes, two public service units, their heads over time,
inspections with findings and follow-up, discipline cases in every state, accountability
decisions about heads, rows of the plan's assignment table, and Conclusion 226 KPI reports.

**Idempotent and resumable.** The demo is a fixed script of steps. Every aggregate it writes has an
id fixed in advance (derived from a natural key, or from the finding a case comes from, or a uuid5
of a key for accountability decisions), and the script knows how many events each step adds to its
aggregate, so it knows the version that aggregate has before and after each step. Before a step
runs, the aggregate's stored version is read: at or beyond the step's "after" version the step is
skipped; at its "before" version it runs (and the version it returns is checked); anything else
means the stored data is not what the script wrote and the run stops without writing. Each step
is one atomic save, so an interrupted run leaves a prefix of the script, and a re-run completes it.

Every business date is on or before 15/11/2026 (due dates of tasks and recommendations may be
later: they are deadlines, not facts).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from uuid import UUID, uuid5

from domain.accountability import Ref
from domain.actor import Actor
from domain.base import NAMESPACE, natural_id, today
from domain.enums import (
    DeferralReason,
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
from domain.errors import RuleViolated, TrackerError
from domain.inspections import EvidenceRef, Inspection, RecommendationInput
from domain.kpi import KpiFigures, UnitKpiReport
from domain.legal import fmt_date
from domain.organisation import Official, Unit
from domain.tasks import AssignedTask
from services import Services, Written
from tracker import plan83

# The latest business date in the demo; the script refuses to run on a clock before it.
LATEST_DATE = date(2026, 11, 15)

# Who records what: an administrator, two inspectors, two officers of Sở Nội vụ.
ADMIN = Actor("quantri.hung", "admin")
INSPECTOR_LAN = Actor("thanhtra.lan", "inspector")
INSPECTOR_DUC = Actor("thanhtra.duc", "inspector")
HOME_AFFAIRS_MINH = Actor("noivu.minh", "home_affairs")
HOME_AFFAIRS_THAO = Actor("noivu.thao", "home_affairs")

# The demo's sign-in accounts (`tracker seed-demo --users`); the sign-in page lists them in demo mode.
DEMO_PASSWORD = "demo-2026"
DEMO_USERS = (("quantri.hung", "admin", "Lê Văn Hùng"), ("thanhtra.lan", "inspector", "Trần Thị Lan"),
              ("thanhtra.duc", "inspector", "Phạm Minh Đức"), ("noivu.minh", "home_affairs", "Nguyễn Văn Minh"),
              ("noivu.thao", "home_affairs", "Đỗ Phương Thảo"), ("kiemtoan.ha", "auditor", "Vũ Thu Hà"))

PLAN_REF = plan83.PLAN_REF
PLAN_ASSIGNED_ON = date(2026, 6, 10)


@dataclass(frozen=True)
class SeedResult:
    """How many steps of the script this run wrote, and how many were already in the store."""

    steps_run: int
    steps_skipped: int


class DemoDataDiverged(TrackerError):
    """The store holds something at a demo id that the demo script did not write."""

    rule = "demo_data_diverged"


# -- the step machinery ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Step:
    """One command of the script: it moves `aggregate_id` from version `before` to `after`."""

    label: str
    aggregate_id: UUID
    before: int
    after: int
    run: Callable[[], Written]
    expected_ids: dict[str, object] = field(default_factory=dict)


class Script:
    """An ordered list of steps, counting the version each aggregate has after each step."""

    def __init__(self) -> None:
        self.steps: list[Step] = []
        self.versions: dict[UUID, int] = defaultdict(int)

    def add(self, label: str, aggregate_id: UUID, run: Callable[[], Written], *, events: int = 1,
            touches: Iterable[UUID] = (), **expected_ids: object) -> None:
        """Append a step writing `events` events to `aggregate_id` (and one to each of `touches`)."""
        before = self.versions[aggregate_id]
        after = before + events
        self.versions[aggregate_id] = after
        for other in touches:
            self.versions[other] += 1
        self.steps.append(Step(label, aggregate_id, before, after, run, expected_ids))


def stored_version(services: Services, aggregate_id: UUID) -> int:
    """The version of the aggregate's last stored event (0 when nothing is stored)."""
    events = services.store.app.recorder.select_events(aggregate_id, desc=True, limit=1)
    return events[0].originator_version if events else 0


def run_script(services: Services, steps: Sequence[Step],
               on_step: Callable[[int, int], None] | None = None) -> SeedResult:
    """Run the steps not yet in the store, in order; report progress after each step."""
    run = skipped = 0
    total = len(steps)
    for done, step in enumerate(steps, start=1):
        current = stored_version(services, step.aggregate_id)
        if current >= step.after:
            skipped += 1
        elif current == step.before:
            written = step.run()
            problems = [] if written.version == step.after else [
                f"phiên bản {written.version} thay vì {step.after}"]
            for name, expected in step.expected_ids.items():
                actual = getattr(written, name)
                if actual != expected:
                    problems.append(f"{name} = {actual} thay vì {expected}")
            if problems:
                raise DemoDataDiverged(
                    f"Bước '{step.label}' của dữ liệu mẫu cho kết quả khác kịch bản: "
                    + "; ".join(problems) + ".", field="aggregate_id", value=str(step.aggregate_id))
            run += 1
        else:
            raise DemoDataDiverged(
                f"Không thể chạy bước '{step.label}': đối tượng {step.aggregate_id} đang ở phiên bản "
                f"{current}, kịch bản cần phiên bản {step.before}. Kho sự kiện có dữ liệu khác với "
                "dữ liệu mẫu; hãy dùng một kho trống.", field="aggregate_id",
                value=str(step.aggregate_id))
        if on_step is not None:
            on_step(done, total)
    return SeedResult(steps_run=run, steps_skipped=skipped)


# -- helpers --------------------------------------------------------------------------------------

def d(text: str) -> date:
    return date.fromisoformat(text)


def evidence(name: str, content: str) -> EvidenceRef:
    """An evidence file pinned by the SHA-256 of its (here, textual) content."""
    return EvidenceRef(name, hashlib.sha256(content.encode("utf-8")).hexdigest())


def kpi(total: int, online: int, docs: int, procedures: float, digitised: float, electronic: float,
        trained: float, days: tuple[float, float, float] = (0.5, 1.0, 1.5)) -> KpiFigures:
    return KpiFigures(conferences_total=total, conferences_online=online,
                      longest_indoctrination_days=days[0], longest_professional_days=days[1],
                      longest_important_days=days[2], documents_issued=docs,
                      procedures_online_pct=procedures, documents_digitised_pct=digitised,
                      electronic_sending_pct=electronic, staff_trained_pct=trained)


def accountability_id(key: str) -> UUID:
    """Accountability decisions have no natural id; the demo derives one from its own key."""
    return uuid5(NAMESPACE, f"demo:accountability:{key}")


# Keyword arguments of the discipline commands that are business dates.
DATE_ARGUMENTS = frozenset({"on", "held_on", "convened_on", "decided_on"})

C, CS, PE = OfficialCategory.CADRE, OfficialCategory.CIVIL_SERVANT, OfficialCategory.PUBLIC_EMPLOYEE


class DemoBuilder:
    """Writes the script: each method appends steps and returns the ids later steps need."""

    def __init__(self, services: Services) -> None:
        self.s = services
        self.script = Script()
        self.units: dict[str, UUID] = {}
        self.officials: dict[str, UUID] = {}
        self._open_head: dict[UUID, bool] = {}
        self._findings: dict[UUID, int] = defaultdict(int)

    # -- organisation -----------------------------------------------------------------------------
    def unit(self, code: str, name: str, kind: UnitKind) -> UUID:
        unit_id = Unit.id_for(code)
        self.units[code] = unit_id
        self.script.add(f"Đăng ký đơn vị {name}", unit_id, lambda: self.s.organisation.register_unit(
            ADMIN, code=code, name=name, kind=kind), id=unit_id)
        return unit_id

    def official(self, code: str, full_name: str, category: OfficialCategory, unit: str,
                 is_leader: bool, since: str) -> UUID:
        official_id = Official.id_for(code)
        self.officials[code] = official_id
        unit_id = self.units[unit]
        self.script.add(f"Đăng ký cán bộ {full_name}", official_id,
                        lambda: self.s.organisation.register_official(
                            ADMIN, personnel_code=code, full_name=full_name, category=category,
                            unit_id=unit_id, is_leader=is_leader, since=d(since)), id=official_id)
        return official_id

    def head(self, unit: str, official: str, since: str) -> None:
        unit_id, official_id = self.units[unit], self.officials[official]
        # Appointing over an open term also ends it: HeadTermEnded + HeadAppointed.
        events = 2 if self._open_head.get(unit_id) else 1
        self._open_head[unit_id] = True
        self.script.add(f"Bổ nhiệm người đứng đầu {unit} từ {since}", unit_id,
                        lambda: self.s.organisation.appoint_head(
                            ADMIN, unit_id, official_id=official_id, since=d(since)), events=events)

    def transfer(self, official: str, unit: str, on: str, is_leader: bool, reason: str) -> None:
        official_id, unit_id = self.officials[official], self.units[unit]
        self.script.add(f"Điều động {official}", official_id,
                        lambda: self.s.organisation.transfer_official(
                            ADMIN, official_id, unit_id=unit_id, on=d(on), is_leader=is_leader,
                            reason=reason))

    def initiative(self, official: str, title: str, decision_no: str, on: str) -> None:
        official_id = self.officials[official]
        self.script.add(f"Công nhận sáng kiến của {official}", official_id,
                        lambda: self.s.organisation.recognise_initiative(
                            HOME_AFFAIRS_MINH, official_id, title=title, decision_no=decision_no,
                            recognised_on=d(on)))

    def change_category(self, official: str, category: OfficialCategory, on: str, reason: str) -> None:
        official_id = self.officials[official]
        self.script.add(f"Chuyển loại cán bộ {official}", official_id,
                        lambda: self.s.organisation.change_category(
                            ADMIN, official_id, category=category, on=d(on), reason=reason))

    # -- inspections ------------------------------------------------------------------------------
    def inspection(self, actor: Actor, *, kind: InspectionKind, decision_no: str, decided_on: str,
                   unit: str, scope: str, team: Sequence[str]) -> UUID:
        inspection_id = Inspection.id_for(decision_no)
        unit_id = self.units[unit]
        self.script.add(f"Quyết định thanh tra {decision_no}", inspection_id,
                        lambda: self.s.inspections.open_inspection(
                            actor, kind=kind, decision_no=decision_no, decided_on=d(decided_on),
                            target_unit_id=unit_id, scope=scope, team=list(team)), id=inspection_id)
        return inspection_id

    def finding(self, actor: Actor, inspection_id: UUID, *, category: FindingCategory,
                severity: Severity, description: str, occurred_on: str, officials: Sequence[str] = (),
                evidence: Sequence[EvidenceRef] = ()) -> UUID:
        # Findings are numbered in the order they are recorded (see Inspection.record_finding).
        self._findings[inspection_id] += 1
        finding_id = uuid5(inspection_id, f"finding-{self._findings[inspection_id]}")
        official_ids = [self.officials[o] for o in officials]
        self.script.add(f"Phát hiện {finding_id}", inspection_id,
                        lambda: self.s.inspections.record_finding(
                            actor, inspection_id, category=category, severity=severity,
                            description=description, occurred_on=d(occurred_on),
                            official_ids=official_ids, evidence=list(evidence)),
                        finding_id=finding_id)
        return finding_id

    def correct_finding(self, actor: Actor, inspection_id: UUID, finding_id: UUID, *,
                        changes: dict[str, object], reason: str) -> None:
        changes = dict(changes)
        if "official_ids" in changes:
            changes["official_ids"] = [self.officials[o] for o in changes["official_ids"]]  # type: ignore[union-attr]
        self.script.add(f"Sửa phát hiện {finding_id}", inspection_id,
                        lambda: self.s.inspections.correct_finding(
                            actor, inspection_id, finding_id, changes=changes, reason=reason))

    def retract_finding(self, actor: Actor, inspection_id: UUID, finding_id: UUID, reason: str) -> None:
        self.script.add(f"Rút lại phát hiện {finding_id}", inspection_id,
                        lambda: self.s.inspections.retract_finding(actor, inspection_id, finding_id,
                                                                   reason=reason))

    def conclude(self, actor: Actor, inspection_id: UUID, *, conclusion_no: str, concluded_on: str,
                 recommendations: Sequence[tuple[str, str, str]]) -> list[UUID]:
        """Recommendations are (text, due date, responsible unit code)."""
        recs = [RecommendationInput(text, d(due), self.units[unit]) for text, due, unit in recommendations]
        ids = [uuid5(inspection_id, f"recommendation-{i}") for i in range(1, len(recs) + 1)]
        self.script.add(f"Kết luận thanh tra {conclusion_no}", inspection_id,
                        lambda: self.s.inspections.conclude(
                            actor, inspection_id, conclusion_no=conclusion_no,
                            concluded_on=d(concluded_on), recommendations=recs),
                        recommendation_ids=tuple(ids))
        return ids

    def implement(self, actor: Actor, inspection_id: UUID, recommendation_id: UUID, on: str,
                  note: str) -> None:
        self.script.add(f"Thực hiện kiến nghị {recommendation_id}", inspection_id,
                        lambda: self.s.inspections.implement_recommendation(
                            actor, inspection_id, recommendation_id, implemented_on=d(on), note=note))

    def close(self, actor: Actor, inspection_id: UUID, on: str) -> None:
        self.script.add(f"Kết thúc cuộc thanh tra {inspection_id}", inspection_id,
                        lambda: self.s.inspections.close(actor, inspection_id, closed_on=d(on)))

    # -- discipline -------------------------------------------------------------------------------
    def case(self, actor: Actor, inspection_id: UUID, finding_id: UUID, official: str, *,
             category: FindingCategory, nature: Nature, severity: Severity, occurred_on: str,
             detected_on: str) -> UUID:
        official_id = self.officials[official]
        # One violation, one case: the service derives the id from the finding and the official.
        case_id = natural_id("case", f"{finding_id}/{official_id}")
        self.script.add(f"Mở vụ việc kỷ luật {official}", case_id,
                        lambda: self.s.discipline.open_case(
                            actor, official_id=official_id, category=category, nature=nature,
                            severity=severity, occurred_on=d(occurred_on), detected_on=d(detected_on),
                            inspection_id=inspection_id, finding_id=finding_id), id=case_id)
        return case_id

    def case_step(self, label: str, case_id: UUID, action: str, actor: Actor, **kwargs: object) -> None:
        kwargs = {k: d(v) if k in DATE_ARGUMENTS else v for k, v in kwargs.items()}  # type: ignore[arg-type]
        command = getattr(self.s.discipline, action)
        self.script.add(f"{label} ({case_id})", case_id, lambda: command(actor, case_id, **kwargs))

    def decide(self, actor: Actor, case_id: UUID, official: str, *, form: DisciplineForm,
               decision_no: str, decided_on: str) -> None:
        # The decision is noted on the official's record in the same transaction.
        self.script.add(f"Quyết định kỷ luật {decision_no}", case_id,
                        lambda: self.s.discipline.decide(actor, case_id, form=form,
                                                         decision_no=decision_no,
                                                         decided_on=d(decided_on)),
                        touches=[self.officials[official]])

    # -- accountability, tasks, KPI ---------------------------------------------------------------
    def accountability(self, actor: Actor, key: str, *, head: str, unit: str,
                       responsibility: Responsibility, outcome: Outcome, decided_on: str,
                       reason: str, refs: Sequence[Ref] = ()) -> UUID:
        decision_id = accountability_id(key)
        head_id, unit_id = self.officials[head], self.units[unit]
        self.script.add(f"Quyết định trách nhiệm {key}", decision_id,
                        lambda: self.s.accountability.make_decision(
                            actor, head_official_id=head_id, unit_id=unit_id,
                            responsibility=responsibility, outcome=outcome, decided_on=d(decided_on),
                            reason=reason, refs=list(refs), decision_id=decision_id), id=decision_id)
        return decision_id

    def task(self, *, row_no: str, title: str, lead: str, responsible: str | None,
             coordinating: Sequence[str], expected_result: str, due_on: str | None = None,
             responsibility: str = "Chủ trì thực hiện; người đứng đầu chịu trách nhiệm trước Chủ tịch "
                                   "UBND thành phố về tiến độ và kết quả") -> UUID:
        lead_id = self.units[lead]
        task_id = AssignedTask.id_for(PLAN_REF, row_no, lead_id)
        responsible_id = None if responsible is None else self.officials[responsible]
        coordinating_ids = [self.units[u] for u in coordinating]
        self.script.add(f"Giao nhiệm vụ mục {row_no} cho {lead}", task_id,
                        lambda: self.s.tasks.assign(
                            ADMIN, plan_ref=PLAN_REF, row_no=row_no, title=title, lead_unit_id=lead_id,
                            responsible_official_id=responsible_id, responsibility=responsibility,
                            coordinating_unit_ids=coordinating_ids, expected_result=expected_result,
                            assigned_on=PLAN_ASSIGNED_ON, due_on=d(due_on) if due_on else None,
                            deadline_text=plan83.BY_ROW[row_no].deadline), id=task_id)
        return task_id

    def progress(self, task_id: UUID, on: str, percent: int, note: str) -> None:
        self.script.add(f"Báo cáo tiến độ {task_id}", task_id, lambda: self.s.tasks.report_progress(
            HOME_AFFAIRS_THAO, task_id, on=d(on), percent=percent, note=note))

    def complete(self, task_id: UUID, on: str, result: str) -> None:
        self.script.add(f"Hoàn thành nhiệm vụ {task_id}", task_id, lambda: self.s.tasks.complete(
            HOME_AFFAIRS_THAO, task_id, on=d(on), result=result))

    def reassign(self, task_id: UUID, *, lead: str, responsible: str | None, due_on: str, on: str,
                 reason: str) -> None:
        lead_id = self.units[lead]
        responsible_id = None if responsible is None else self.officials[responsible]
        self.script.add(f"Giao lại nhiệm vụ {task_id}", task_id, lambda: self.s.tasks.reassign(
            ADMIN, task_id, lead_unit_id=lead_id, responsible_official_id=responsible_id,
            due_on=d(due_on), on=d(on), reason=reason))

    def kpi_report(self, unit: str, period: str, reported_on: str, figures: KpiFigures,
                   reason: str | None = None) -> None:
        unit_id = self.units[unit]
        report_id = UnitKpiReport.id_for(unit_id, period)
        self.script.add(f"Báo cáo chỉ tiêu {unit} {period}", report_id,
                        lambda: self.s.kpi.put_report(HOME_AFFAIRS_THAO, unit_id, period,
                                                      reported_on=d(reported_on), figures=figures,
                                                      reason=reason), id=report_id)


# -- the content ----------------------------------------------------------------------------------

UNITS: tuple[tuple[str, str, UnitKind], ...] = (
    ("SNV", "Sở Nội vụ", UnitKind.DEPARTMENT),
    ("VPUBND", "Văn phòng UBND thành phố", UnitKind.DEPARTMENT),
    ("STP", "Sở Tư pháp", UnitKind.DEPARTMENT),
    ("TTTP", "Thanh tra thành phố", UnitKind.DEPARTMENT),
    ("SKHCN", "Sở Khoa học và Công nghệ", UnitKind.DEPARTMENT),
    ("STC", "Sở Tài chính", UnitKind.DEPARTMENT),
    ("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch", UnitKind.DEPARTMENT),
    ("P-TRANBIEN", "Phường Trấn Biên", UnitKind.COMMUNE),
    ("P-BIENHOA", "Phường Biên Hòa", UnitKind.COMMUNE),
    ("P-LONGBINH", "Phường Long Bình", UnitKind.COMMUNE),
    ("X-LONGTHANH", "Xã Long Thành", UnitKind.COMMUNE),
    ("X-TRANGBOM", "Xã Trảng Bom", UnitKind.COMMUNE),
    ("X-DINHQUAN", "Xã Định Quán", UnitKind.COMMUNE),
    ("TTPVHCC", "Trung tâm Phục vụ hành chính công thành phố", UnitKind.PUBLIC_SERVICE_UNIT),
    ("TTCNTT", "Trung tâm Công nghệ thông tin và Truyền thông", UnitKind.PUBLIC_SERVICE_UNIT),
)

# (personnel code, full name, category, unit, leader or manager, working there since); the
# departments were reorganised on 01/3/2025, the wards and communes created on 01/7/2025.
OFFICIALS: tuple[tuple[str, str, OfficialCategory, str, bool, str], ...] = (
    ("SNV-0001", "Võ Thị Thanh Hương", CS, "SNV", True, "2025-03-01"),        # Giám đốc
    ("SNV-0014", "Đặng Quốc Bảo", CS, "SNV", False, "2019-08-01"),
    ("VP-0001", "Trần Minh Khoa", CS, "VPUBND", True, "2024-01-15"),          # Chánh Văn phòng
    ("VP-0027", "Lý Thị Ngọc Trâm", CS, "VPUBND", False, "2018-04-01"),
    ("STP-0001", "Hồ Văn Thắng", CS, "STP", True, "2023-06-01"),              # Giám đốc
    ("STP-0019", "Phan Thị Mỹ Linh", CS, "STP", False, "2020-10-01"),
    ("TTTP-0001", "Nguyễn Hữu Phước", CS, "TTTP", True, "2024-08-01"),        # Chánh Thanh tra
    ("TTTP-0032", "Bùi Thị Lan", CS, "TTTP", False, "2016-03-01"),            # Thanh tra viên
    ("TTTP-0041", "Lương Văn Đức", CS, "TTTP", False, "2017-09-01"),          # Thanh tra viên
    ("KHCN-0001", "Đỗ Thành Trung", CS, "SKHCN", True, "2025-03-01"),         # Giám đốc
    ("KHCN-0006", "Châu Ngọc Sơn", CS, "SKHCN", True, "2025-03-01"),          # Phó Giám đốc
    ("KHCN-0023", "Tạ Minh Nhật", CS, "SKHCN", False, "2021-02-01"),
    ("STC-0001", "Lê Quang Vinh", CS, "STC", True, "2022-05-01"),             # Giám đốc đến 30/9/2025
    ("STC-0002", "Phạm Minh Tuấn", CS, "STC", True, "2025-03-01"),            # Giám đốc từ 01/10/2025
    ("STC-0037", "Trịnh Văn Lộc", CS, "STC", False, "2014-07-01"),
    ("STC-0045", "Huỳnh Thị Kim Oanh", CS, "STC", False, "2012-09-01"),
    ("VHTTDL-0001", "Nguyễn Đình Khôi", CS, "SVHTTDL", True, "2025-03-01"),   # Giám đốc
    ("VHTTDL-0015", "Mai Thị Thu Thủy", CS, "SVHTTDL", False, "2019-05-01"),
    ("TB-0001", "Trần Văn Hải", C, "P-TRANBIEN", True, "2025-07-01"),         # Chủ tịch đến 15/3/2026
    ("TB-0002", "Nguyễn Thị Thu Hà", C, "P-TRANBIEN", True, "2025-07-01"),    # Chủ tịch từ 16/3/2026
    ("TB-0018", "Lâm Quốc Việt", CS, "P-TRANBIEN", False, "2025-07-01"),      # Công chức địa chính
    ("BH-0001", "Dương Thị Bích Ngọc", C, "P-BIENHOA", True, "2025-07-01"),   # Chủ tịch
    ("BH-0021", "Vũ Đức Hiếu", CS, "P-BIENHOA", False, "2025-07-01"),         # Công chức tư pháp - hộ tịch
    ("BH-0025", "Kiều Thị Hạnh", CS, "P-BIENHOA", False, "2025-07-01"),       # Công chức văn phòng
    ("LB-0001", "Ngô Minh Tâm", C, "P-LONGBINH", True, "2025-07-01"),         # Chủ tịch
    ("LB-0016", "Cao Thị Yến", CS, "P-LONGBINH", False, "2025-07-01"),
    ("LT-0001", "Đinh Văn Quang", C, "X-LONGTHANH", True, "2025-07-01"),      # Chủ tịch
    ("LT-0012", "Thái Hoàng Nam", CS, "X-LONGTHANH", False, "2025-07-01"),    # Công chức địa chính
    ("TBO-0001", "La Thị Minh Châu", C, "X-TRANGBOM", True, "2025-07-01"),    # Chủ tịch
    ("TBO-0020", "Quách Văn Tùng", CS, "X-TRANGBOM", False, "2025-07-01"),    # Công chức xây dựng
    ("DQ-0001", "Hà Văn Lực", C, "X-DINHQUAN", True, "2025-07-01"),           # Chủ tịch
    ("DQ-0009", "Điểu Thị Hoa", CS, "X-DINHQUAN", False, "2025-07-01"),
    ("DQ-0014", "Đoàn Văn Sang", CS, "X-DINHQUAN", False, "2025-07-01"),
    ("TTPV-0001", "Tôn Nữ Diễm Phương", PE, "TTPVHCC", True, "2025-03-01"),   # Giám đốc Trung tâm
    ("TTPV-0011", "Lưu Hoàng Phúc", PE, "TTPVHCC", False, "2022-06-01"),
    ("CNTT-0001", "Phùng Thanh Tâm", PE, "TTCNTT", True, "2023-11-01"),       # Giám đốc Trung tâm
    ("CNTT-0008", "Âu Minh Triết", PE, "TTCNTT", False, "2020-01-01"),
)

# (unit, head, since): the first head of every unit, then the changes.
HEADS: tuple[tuple[str, str, str], ...] = (
    ("SNV", "SNV-0001", "2025-03-01"),
    ("VPUBND", "VP-0001", "2024-01-15"),
    ("STP", "STP-0001", "2023-06-01"),
    ("TTTP", "TTTP-0001", "2024-08-01"),
    ("SKHCN", "KHCN-0001", "2025-03-01"),
    ("STC", "STC-0001", "2022-05-01"),
    ("SVHTTDL", "VHTTDL-0001", "2025-03-01"),
    ("P-TRANBIEN", "TB-0001", "2025-07-01"),
    ("P-BIENHOA", "BH-0001", "2025-07-01"),
    ("P-LONGBINH", "LB-0001", "2025-07-01"),
    ("X-LONGTHANH", "LT-0001", "2025-07-01"),
    ("X-TRANGBOM", "TBO-0001", "2025-07-01"),
    ("X-DINHQUAN", "DQ-0001", "2025-07-01"),
    ("TTPVHCC", "TTPV-0001", "2025-03-01"),
    ("TTCNTT", "CNTT-0001", "2023-11-01"),
    # Lê Quang Vinh retires; his deputy takes over Sở Tài chính.
    ("STC", "STC-0002", "2025-10-01"),
    # Trần Văn Hải moves to Sở Nội vụ; the vice-chair becomes chair of Phường Trấn Biên.
    ("P-TRANBIEN", "TB-0002", "2026-03-16"),
)

TEAM_LAN = ("Bùi Thị Lan (Trưởng đoàn)", "Lương Văn Đức", "Phan Thị Mỹ Linh")
TEAM_DUC = ("Lương Văn Đức (Trưởng đoàn)", "Bùi Thị Lan", "Đặng Quốc Bảo")
TEAM_SNV = ("Đặng Quốc Bảo (Trưởng đoàn)", "Mai Thị Thu Thủy", "Lương Văn Đức")


def build(services: Services) -> Script:
    """The whole demo as a script (nothing is written until the script runs)."""
    b = DemoBuilder(services)
    for code, name, kind in UNITS:
        b.unit(code, name, kind)
    for code, full_name, category, unit, is_leader, since in OFFICIALS:
        b.official(code, full_name, category, unit, is_leader, since)
    for unit, official, since in HEADS:
        b.head(unit, official, since)
    b.transfer("TB-0001", "SNV", "2026-03-16", True,
               "Quyết định số 415/QĐ-UBND ngày 10/3/2026 của Chủ tịch UBND thành phố điều động, "
               "bổ nhiệm giữ chức Phó Giám đốc Sở Nội vụ.")
    b.change_category("TB-0001", CS, "2026-03-16",
                      "Thôi giữ chức Chủ tịch UBND phường Trấn Biên, chuyển sang công chức lãnh đạo "
                      "Sở theo Quyết định số 415/QĐ-UBND ngày 10/3/2026.")
    b.transfer("KHCN-0006", "VPUBND", "2026-09-01", True,
               "Quyết định số 1580/QĐ-UBND ngày 25/8/2026 điều động giữ chức Phó Chánh Văn phòng "
               "UBND thành phố.")

    # Initiatives recognised by the city's council (a condition of Chiến sĩ thi đua cơ sở).
    b.initiative("KHCN-0001", "Số hóa quy trình thẩm định nhiệm vụ khoa học và công nghệ cấp cơ sở",
                 "112/QĐ-HĐSK", "2025-11-20")
    b.initiative("CNTT-0001", "Nền tảng tiếp nhận phản ánh, kiến nghị qua Zalo OA của thành phố",
                 "47/QĐ-HĐSK", "2026-05-28")
    cases = _inspections_and_cases(b)
    _accountability(b, cases)
    _tasks(b)
    _kpi_reports(b)
    _plan_rows(b)
    return b.script


def _inspections_and_cases(b: DemoBuilder) -> dict[str, tuple[UUID, UUID | None, UUID | None]]:
    """Inspections with their findings, and the discipline cases opened from them.

    Returns named references (inspection id, finding id, case id) for accountability decisions.
    """
    refs: dict[str, tuple[UUID, UUID | None, UUID | None]] = {}
    L, D = INSPECTOR_LAN, INSPECTOR_DUC
    M, T = HOME_AFFAIRS_MINH, HOME_AFFAIRS_THAO

    # 1. Planned inspection of Sở Tài chính (2025): waste in procurement; an old violation.
    i1 = b.inspection(L, kind=InspectionKind.PLANNED, decision_no="15/QĐ-TTTP", decided_on="2025-02-17",
                      unit="STC", team=TEAM_LAN,
                      scope="Thanh tra việc quản lý, sử dụng ngân sách, mua sắm tài sản công và thực hiện "
                            "các quy định về phòng, chống tham nhũng, lãng phí giai đoạn 2020–2025 tại Sở "
                            "Tài chính.")
    f11 = b.finding(L, i1, category=FindingCategory.CORRUPTION_WASTE, severity=Severity.SERIOUS,
                    occurred_on="2025-01-08", officials=["STC-0037"],
                    description="Nghiệm thu, thanh toán gói thầu mua sắm 120 bộ máy tính và thiết bị mạng khi "
                                "chưa đủ hồ sơ; đơn giá cao hơn giá thị trường, gây lãng phí ngân sách "
                                "1.215.400.000 đồng.",
                    evidence=[evidence("Hồ sơ gói thầu MS-03/2024.pdf", "Hồ sơ gói thầu MS-03/2024 Sở Tài chính"),
                              evidence("Chứng thư thẩm định giá số 112/2025.pdf",
                                       "Chứng thư thẩm định giá 112/2025: chênh lệch 1.215.400.000 đồng")])
    f12 = b.finding(L, i1, category=FindingCategory.DOCUMENT_RULES, severity=Severity.LESS_SERIOUS,
                    occurred_on="2020-02-14", officials=["STC-0045"],
                    description="Ký thừa lệnh ban hành Công văn số 245/STC-QLG ngày 14/02/2020 về giá dịch vụ "
                                "khi chưa được Giám đốc Sở ủy quyền.",
                    evidence=[evidence("Công văn 245/STC-QLG.pdf", "Công văn số 245/STC-QLG ngày 14/02/2020")])
    f13 = b.finding(L, i1, category=FindingCategory.PROCEDURE_RULES, severity=Severity.LESS_SERIOUS,
                    occurred_on="2024-03-31",
                    description="Chưa công khai quyết toán ngân sách năm 2023 theo đúng thời hạn quy định.")
    c_loc = b.case(M, i1, f11, "STC-0037", category=FindingCategory.CORRUPTION_WASTE,
                   nature=Nature.SELF_INTEREST, severity=Severity.SERIOUS, occurred_on="2025-01-08",
                   detected_on="2025-04-10")
    c_oanh = b.case(M, i1, f12, "STC-0045", category=FindingCategory.DOCUMENT_RULES,
                    nature=Nature.NEGLIGENCE, severity=Severity.LESS_SERIOUS, occurred_on="2020-02-14",
                    detected_on="2025-04-10")
    b.retract_finding(L, i1, f13, "Đơn vị đã xuất trình Quyết định số 15/QĐ-STC ngày 28/3/2024 công bố "
                                  "công khai quyết toán và biên bản niêm yết; phát hiện không có căn cứ.")
    b.case_step("Thời hiệu", c_oanh, "mark_time_barred", M, on="2025-04-25")
    b.case_step("Kiểm điểm", c_loc, "hold_review_meeting", M, held_on="2025-05-05",
                proposed_form=DisciplineForm.SALARY_STEP_DOWN,
                minutes="Tập thể phòng Quản lý giá và công sản kiểm điểm; đương sự nhận khuyết điểm.")
    r1 = b.conclude(L, i1, conclusion_no="45/KL-TTTP", concluded_on="2025-05-30", recommendations=[
        ("Thu hồi nộp ngân sách nhà nước số tiền 1.215.400.000 đồng do thanh toán vượt giá thị trường.",
         "2025-08-31", "STC"),
        ("Tổ chức kiểm điểm trách nhiệm tập thể lãnh đạo Sở và cá nhân có liên quan đến gói thầu MS-03/2024.",
         "2025-07-31", "STC"),
    ])
    b.case_step("Hội đồng kỷ luật", c_loc, "convene_council", M, convened_on="2025-06-05",
                recommended_form=DisciplineForm.SALARY_STEP_DOWN,
                members=["Phạm Minh Tuấn (Chủ tịch Hội đồng)", "Đặng Quốc Bảo", "Đại diện Công đoàn Sở"])
    b.decide(M, c_loc, "STC-0037", form=DisciplineForm.SALARY_STEP_DOWN, decision_no="318/QĐ-STC",
             decided_on="2025-06-24")
    b.implement(L, i1, r1[0], "2025-08-20", "Đã nộp ngân sách theo Giấy nộp tiền số 0041 ngày 20/8/2025.")
    b.implement(L, i1, r1[1], "2025-09-15", "Biên bản kiểm điểm ngày 15/9/2025 (chậm 46 ngày).")
    b.close(L, i1, "2025-10-10")
    refs["stc_waste"] = (i1, f11, c_loc)

    # 2. Surprise inspection of Phường Trấn Biên (2025) after a citizen's complaint of harassment.
    i2 = b.inspection(D, kind=InspectionKind.SURPRISE, decision_no="102/QĐ-TTTP", decided_on="2025-08-25",
                      unit="P-TRANBIEN", team=TEAM_DUC,
                      scope="Thanh tra đột xuất việc tiếp nhận, giải quyết hồ sơ đăng ký đất đai theo phản ánh "
                            "của người dân tại Bộ phận một cửa phường Trấn Biên.")
    f21 = b.finding(D, i2, category=FindingCategory.HARASSMENT, severity=Severity.SERIOUS,
                    occurred_on="2025-08-05", officials=["TB-0018"],
                    description="Yêu cầu người dân nộp thêm giấy tờ ngoài quy định (bản sao sổ hộ khẩu, xác nhận "
                                "tình trạng nhà đất) và hẹn lại nhiều lần đối với hồ sơ đăng ký biến động đất "
                                "đai số 000.12.34.H29-250712-0031.",
                    evidence=[evidence("Đơn phản ánh của bà Nguyễn Thị Mai ngày 12/8/2025.pdf",
                                       "Đơn phản ánh ngày 12/8/2025 về hồ sơ H29-250712-0031"),
                              evidence("Biên bản làm việc ngày 28/8/2025.pdf",
                                       "Biên bản làm việc với ông Lâm Quốc Việt ngày 28/8/2025")])
    f22 = b.finding(D, i2, category=FindingCategory.LATE_HANDLING, severity=Severity.LESS_SERIOUS,
                    occurred_on="2025-07-31",
                    description="37 hồ sơ đất đai trễ hạn tại Bộ phận một cửa trong tháng 7/2025, không có văn "
                                "bản xin lỗi người dân.",
                    evidence=[evidence("Trích xuất Hệ thống giải quyết TTHC tháng 7-2025.xlsx",
                                       "Báo cáo hồ sơ trễ hạn phường Trấn Biên tháng 7/2025")])
    c_viet1 = b.case(M, i2, f21, "TB-0018", category=FindingCategory.HARASSMENT,
                     nature=Nature.SELF_INTEREST, severity=Severity.SERIOUS, occurred_on="2025-08-05",
                     detected_on="2025-09-05")
    b.correct_finding(D, i2, f22, changes={
        "description": "29 hồ sơ đất đai trễ hạn tại Bộ phận một cửa trong tháng 7/2025, không có văn bản "
                       "xin lỗi người dân."},
        reason="Đối chiếu lại với Hệ thống thông tin giải quyết TTHC thành phố: 8 hồ sơ đã được gia hạn "
               "hợp lệ, không tính là trễ hạn.")
    b.case_step("Kiểm điểm", c_viet1, "hold_review_meeting", M, held_on="2025-09-22",
                proposed_form=DisciplineForm.REPRIMAND,
                minutes="Kiểm điểm tại cuộc họp cơ quan UBND phường; đương sự xin lỗi người dân.")
    b.decide(M, c_viet1, "TB-0018", form=DisciplineForm.REPRIMAND, decision_no="215/QĐ-UBND",
             decided_on="2025-10-10")
    r2 = b.conclude(D, i2, conclusion_no="130/KL-TTTP", concluded_on="2025-10-20", recommendations=[
        ("Chấn chỉnh Bộ phận một cửa; công khai xin lỗi người dân có hồ sơ bị yêu cầu bổ sung trái quy định.",
         "2025-11-30", "P-TRANBIEN"),
        ("Rà soát toàn bộ hồ sơ đất đai trễ hạn năm 2025, thông báo và xin lỗi người dân theo quy định.",
         "2026-01-31", "P-TRANBIEN"),
    ])
    b.implement(D, i2, r2[0], "2025-11-25", "Báo cáo số 88/BC-UBND ngày 25/11/2025 của UBND phường.")
    b.implement(D, i2, r2[1], "2026-02-20", "Báo cáo số 21/BC-UBND ngày 20/02/2026 (chậm 20 ngày).")
    b.close(D, i2, "2026-03-05")
    refs["tranbien_harassment"] = (i2, f21, c_viet1)

    # 3. Duty check (kiểm tra công vụ) of Phường Biên Hòa by Sở Nội vụ (2025).
    i3 = b.inspection(L, kind=InspectionKind.DUTY_CHECK, decision_no="135/QĐ-SNV", decided_on="2025-09-08",
                      unit="P-BIENHOA", team=TEAM_SNV,
                      scope="Kiểm tra công vụ việc chấp hành kỷ luật, kỷ cương hành chính và giải quyết thủ "
                            "tục hành chính tại UBND phường Biên Hòa.")
    f31 = b.finding(L, i3, category=FindingCategory.LATE_HANDLING, severity=Severity.SERIOUS,
                    occurred_on="2025-08-18", officials=["BH-0021"],
                    description="Để 52 hồ sơ chứng thực, hộ tịch quá hạn giải quyết, không thông báo và xin lỗi "
                                "người dân theo quy định.",
                    evidence=[evidence("Danh sách 52 hồ sơ quá hạn.xlsx", "52 hồ sơ hộ tịch quá hạn Biên Hòa")])
    f32 = b.finding(L, i3, category=FindingCategory.PROCEDURE_RULES, severity=Severity.LESS_SERIOUS,
                    occurred_on="2025-08-25", officials=["BH-0025"],
                    description="Tiếp nhận hồ sơ không qua Hệ thống thông tin giải quyết thủ tục hành chính, trả "
                                "kết quả không đúng quy trình.")
    c_hieu = b.case(T, i3, f31, "BH-0021", category=FindingCategory.LATE_HANDLING,
                    nature=Nature.NEGLIGENCE, severity=Severity.SERIOUS, occurred_on="2025-08-18",
                    detected_on="2025-09-10")
    c_hanh = b.case(T, i3, f32, "BH-0025", category=FindingCategory.PROCEDURE_RULES,
                    nature=Nature.NEGLIGENCE, severity=Severity.LESS_SERIOUS, occurred_on="2025-08-25",
                    detected_on="2025-09-10")
    b.case_step("Tạm hoãn", c_hanh, "defer", T, reason=DeferralReason.ILLNESS, on="2025-10-01",
                note="Điều trị nội trú tại Bệnh viện Đa khoa Đồng Nai.")
    r3 = b.conclude(L, i3, conclusion_no="12/KL-SNV", concluded_on="2025-10-15", recommendations=[
        ("Tổ chức kiểm điểm tập thể lãnh đạo UBND phường và cá nhân để hồ sơ quá hạn.", "2025-11-30",
         "P-BIENHOA"),
        ("Thông báo, xin lỗi người dân đối với 52 hồ sơ quá hạn.", "2025-11-15", "P-BIENHOA"),
    ])
    b.case_step("Tiếp tục xử lý", c_hanh, "resume", T, on="2025-10-20", note="Đã ra viện, đi làm trở lại.")
    b.implement(L, i3, r3[1], "2025-11-10", "Đã gửi 52 thư xin lỗi qua Hệ thống thông tin giải quyết TTHC.")
    b.case_step("Gia hạn", c_hanh, "extend", T, on="2025-11-25",
                reason="Cần xác minh thêm 14 hồ sơ tại Bộ phận một cửa và lấy lời khai người dân.")
    b.case_step("Kiểm điểm", c_hanh, "hold_review_meeting", T, held_on="2026-01-05",
                proposed_form=DisciplineForm.REPRIMAND, minutes="Đương sự nhận khuyết điểm.")
    b.decide(T, c_hanh, "BH-0025", form=DisciplineForm.REPRIMAND, decision_no="09/QĐ-UBND",
             decided_on="2026-01-15")
    # Decided after the 90-day handling deadline (09/12/2025), without an extension.
    b.decide(T, c_hieu, "BH-0021", form=DisciplineForm.REPRIMAND, decision_no="14/QĐ-UBND",
             decided_on="2026-01-20")
    refs["bienhoa_late"] = (i3, f31, c_hieu)

    # 4. Planned inspection of Văn phòng UBND thành phố (2026): meetings and documents.
    i4 = b.inspection(D, kind=InspectionKind.PLANNED, decision_no="18/QĐ-TTTP", decided_on="2026-02-09",
                      unit="VPUBND", team=TEAM_DUC,
                      scope="Thanh tra việc thực hiện quy định về tổ chức hội nghị, cuộc họp và ban hành văn "
                            "bản hành chính năm 2025 tại Văn phòng UBND thành phố.")
    f41 = b.finding(D, i4, category=FindingCategory.MEETING_RULES, severity=Severity.LESS_SERIOUS,
                    occurred_on="2025-11-12", officials=["VP-0027"],
                    description="Tham mưu tổ chức 14 hội nghị trực tiếp, mỗi hội nghị 1 ngày, đối với nội dung có "
                                "thể tổ chức trực tuyến hoặc lồng ghép.",
                    evidence=[evidence("Lịch hội nghị quý IV-2025.pdf", "Lịch hội nghị Văn phòng quý IV/2025")])
    b.finding(D, i4, category=FindingCategory.DOCUMENT_RULES, severity=Severity.LESS_SERIOUS,
              occurred_on="2025-12-31",
              description="Số văn bản hành chính ban hành năm 2025 tăng 8% so với năm 2024, chưa thực hiện chủ "
                          "trương tinh giản văn bản.")
    r4 = b.conclude(D, i4, conclusion_no="40/KL-TTTP", concluded_on="2026-04-15", recommendations=[
        ("Xây dựng quy chế tổ chức hội nghị trực tuyến, bảo đảm tỷ lệ từ 60% trở lên.", "2026-06-30", "VPUBND"),
        ("Rà soát, tinh giản văn bản hành chính, giảm ít nhất 15% so với năm trước.", "2026-06-30", "VPUBND"),
    ])
    b.implement(D, i4, r4[0], "2026-06-25", "Quyết định số 1102/QĐ-UBND ngày 25/6/2026 ban hành quy chế.")
    b.implement(D, i4, r4[1], "2026-07-02", "Kế hoạch tinh giản văn bản ban hành ngày 02/7/2026 (chậm 2 ngày).")
    b.close(D, i4, "2026-07-10")
    refs["vp_meetings"] = (i4, f41, None)

    # 5. Surprise inspection of Phường Trấn Biên (2026): the same civil servant again.
    i5 = b.inspection(L, kind=InspectionKind.SURPRISE, decision_no="61/QĐ-TTTP", decided_on="2026-03-02",
                      unit="P-TRANBIEN", team=TEAM_LAN,
                      scope="Thanh tra đột xuất việc giải quyết hồ sơ cấp giấy chứng nhận quyền sử dụng đất "
                            "theo phản ánh trên Cổng dịch vụ công.")
    f51 = b.finding(L, i5, category=FindingCategory.HARASSMENT, severity=Severity.SERIOUS,
                    occurred_on="2026-02-10", officials=["TB-0018"],
                    description="Tiếp tục yêu cầu người dân bổ sung giấy tờ không có trong thành phần hồ sơ, gây "
                                "phiền hà đối với 6 hồ sơ cấp giấy chứng nhận quyền sử dụng đất.",
                    evidence=[evidence("Phản ánh trên Cổng dịch vụ công 02-2026.pdf",
                                       "6 phản ánh trên Cổng dịch vụ công tháng 02/2026")])
    c_viet2 = b.case(M, i5, f51, "TB-0018", category=FindingCategory.HARASSMENT,
                     nature=Nature.SELF_INTEREST, severity=Severity.SERIOUS, occurred_on="2026-02-10",
                     detected_on="2026-03-12")
    r5 = b.conclude(L, i5, conclusion_no="52/KL-TTTP", concluded_on="2026-04-10", recommendations=[
        ("Xử lý kỷ luật công chức tái phạm; công khai kết quả xử lý tại trụ sở UBND phường.", "2026-05-15",
         "P-TRANBIEN"),
    ])
    # Repeat offence while the reprimand of 10/10/2025 is in force. The review meeting finds the new
    # violation on its own warrants a reprimand, so branch (a) of khoản 3 Điều 2 Nghị định 172/2025
    # applies: one level above the reprimand in force, a warning.
    b.case_step("Kiểm điểm", c_viet2, "hold_review_meeting", M, held_on="2026-04-15",
                proposed_form=DisciplineForm.REPRIMAND,
                minutes="Kiểm điểm tại UBND phường: vi phạm mới, xét riêng, ở mức khiển trách; đương sự "
                        "đang trong thời gian chấp hành quyết định kỷ luật số 215/QĐ-UBND.")
    b.decide(M, c_viet2, "TB-0018", form=DisciplineForm.WARNING, decision_no="76/QĐ-UBND",
             decided_on="2026-04-20")
    b.implement(L, i5, r5[0], "2026-04-24", "Quyết định số 76/QĐ-UBND ngày 20/4/2026; đã niêm yết công khai.")
    refs["tranbien_repeat"] = (i5, f51, c_viet2)

    # 6. Planned inspection of Xã Trảng Bom (2026): heads' responsibility (row 6 of the plan).
    i6 = b.inspection(D, kind=InspectionKind.PLANNED, decision_no="45/QĐ-TTTP", decided_on="2026-05-11",
                      unit="X-TRANGBOM", team=TEAM_DUC,
                      scope="Thanh tra trách nhiệm người đứng đầu trong thực hiện lề lối làm việc, tiếp nhận và "
                            "giải quyết thủ tục hành chính tại UBND xã Trảng Bom.")
    f61 = b.finding(D, i6, category=FindingCategory.SHIRKING, severity=Severity.SERIOUS,
                    occurred_on="2026-03-18", officials=["TBO-0020"],
                    description="Không tham mưu giải quyết hồ sơ cấp giấy phép xây dựng, chuyển qua lại giữa các "
                                "bộ phận, kéo dài 45 ngày so với thời hạn.",
                    evidence=[evidence("Phiếu kiểm soát quá trình giải quyết hồ sơ.pdf",
                                       "Phiếu kiểm soát hồ sơ cấp phép xây dựng Trảng Bom")])
    b.finding(D, i6, category=FindingCategory.PROCEDURE_RULES, severity=Severity.LESS_SERIOUS,
              occurred_on="2026-04-30",
              description="Niêm yết công khai thủ tục hành chính tại Bộ phận một cửa chưa cập nhật theo quyết "
                          "định công bố mới của Chủ tịch UBND thành phố.")
    c_tung = b.case(T, i6, f61, "TBO-0020", category=FindingCategory.SHIRKING, nature=Nature.NEGLIGENCE,
                    severity=Severity.SERIOUS, occurred_on="2026-03-18", detected_on="2026-06-15")
    r6 = b.conclude(D, i6, conclusion_no="88/KL-TTTP", concluded_on="2026-07-20", recommendations=[
        ("Niêm yết công khai đầy đủ, đúng quy định các thủ tục hành chính.", "2026-08-31", "X-TRANGBOM"),
        ("Kiểm điểm trách nhiệm của Chủ tịch UBND xã để xảy ra đùn đẩy, né tránh.", "2026-09-30",
         "X-TRANGBOM"),
    ])
    b.implement(D, i6, r6[0], "2026-08-15", "Đã niêm yết lại 214 thủ tục hành chính.")
    b.case_step("Kiểm điểm", c_tung, "hold_review_meeting", T, held_on="2026-08-25",
                minutes="Đương sự chưa nhận khuyết điểm, đề nghị xác minh thêm.")
    b.case_step("Gia hạn", c_tung, "extend", T, on="2026-09-10",
                reason="Đương sự khiếu nại kết quả xác minh; cần lấy ý kiến Sở Xây dựng.")
    refs["trangbom_shirking"] = (i6, f61, c_tung)

    # 7. Planned inspection of Xã Long Thành (2026): a pilot that went wrong, in good faith.
    i7 = b.inspection(L, kind=InspectionKind.PLANNED, decision_no="70/QĐ-TTTP", decided_on="2026-06-22",
                      unit="X-LONGTHANH", team=TEAM_LAN,
                      scope="Thanh tra việc thí điểm tiếp nhận hồ sơ đất đai không phụ thuộc địa giới hành chính "
                            "tại UBND xã Long Thành.")
    f71 = b.finding(L, i7, category=FindingCategory.PROCEDURE_RULES, severity=Severity.SERIOUS,
                    occurred_on="2026-04-06", officials=["LT-0012"],
                    description="Tiếp nhận hồ sơ đất đai theo mô hình thí điểm khi quy trình nội bộ chưa ban hành "
                                "đầy đủ; 12 hồ sơ phải giải quyết lại.",
                    evidence=[evidence("Quyết định 1234/QĐ-UBND phê duyệt thí điểm.pdf",
                                       "Quyết định số 1234/QĐ-UBND ngày 20/3/2026 phê duyệt thí điểm")])
    c_nam = b.case(T, i7, f71, "LT-0012", category=FindingCategory.PROCEDURE_RULES,
                   nature=Nature.INNOVATION_RISK, severity=Severity.SERIOUS, occurred_on="2026-04-06",
                   detected_on="2026-07-10")
    # Its recommendation stays unimplemented past its due date.
    b.conclude(L, i7, conclusion_no="97/KL-TTTP", concluded_on="2026-08-10", recommendations=[
        ("Hoàn thiện, ban hành quy trình nội bộ thực hiện thí điểm trước khi mở rộng.", "2026-10-31",
         "X-LONGTHANH"),
    ])
    b.case_step("Miễn kỷ luật", c_nam, "exempt", T, ground=ExemptionGround.INNOVATION_RISK,
                decided_on="2026-09-15",
                basis="Thực hiện thí điểm theo Quyết định số 1234/QĐ-UBND ngày 20/3/2026 được phê duyệt; vì lợi "
                      "ích chung, không vụ lợi; đã chủ động khắc phục 12 hồ sơ (Nghị định 73/2023/NĐ-CP).")
    refs["longthanh_pilot"] = (i7, f71, c_nam)

    # 8. Duty check of Xã Định Quán (2026): one case withdrawn, one open, one on the chair himself.
    i8 = b.inspection(D, kind=InspectionKind.DUTY_CHECK, decision_no="210/QĐ-SNV", decided_on="2026-07-06",
                      unit="X-DINHQUAN", team=TEAM_SNV,
                      scope="Kiểm tra công vụ đột xuất việc chấp hành giờ giấc làm việc, chế độ hội họp và giải "
                            "quyết kiến nghị của người dân tại UBND xã Định Quán.")
    f81 = b.finding(D, i8, category=FindingCategory.MEETING_RULES, severity=Severity.LESS_SERIOUS,
                    occurred_on="2026-06-18", officials=["DQ-0009"],
                    description="Vắng mặt không báo cáo tại 3 cuộc họp giao ban trực tuyến của UBND xã.")
    f82 = b.finding(D, i8, category=FindingCategory.LATE_HANDLING, severity=Severity.SERIOUS,
                    occurred_on="2026-06-30", officials=["DQ-0014"],
                    description="Chậm giải quyết 18 hồ sơ đăng ký hộ kinh doanh, quá hạn trên 15 ngày.",
                    evidence=[evidence("Sổ theo dõi hồ sơ hộ kinh doanh 2026.xlsx",
                                       "18 hồ sơ hộ kinh doanh quá hạn tại Định Quán")])
    f83 = b.finding(D, i8, category=FindingCategory.SHIRKING, severity=Severity.SERIOUS,
                    occurred_on="2026-06-25", officials=["DQ-0001"],
                    description="Chủ tịch UBND xã không trực tiếp chủ trì giải quyết kiến nghị của 23 hộ dân về "
                                "bồi thường, giao lại cho cấp phó nhiều lần, kéo dài quá thời hạn.",
                    evidence=[evidence("Đơn kiến nghị của 23 hộ dân.pdf", "Đơn kiến nghị tập thể 23 hộ dân")])
    c_hoa = b.case(M, i8, f81, "DQ-0009", category=FindingCategory.MEETING_RULES,
                   nature=Nature.NEGLIGENCE, severity=Severity.LESS_SERIOUS, occurred_on="2026-06-18",
                   detected_on="2026-07-15")
    c_luc = b.case(M, i8, f83, "DQ-0001", category=FindingCategory.SHIRKING, nature=Nature.NEGLIGENCE,
                   severity=Severity.SERIOUS, occurred_on="2026-06-25", detected_on="2026-07-20")
    b.case_step("Rút vụ việc", c_hoa, "withdraw", M, on="2026-08-05",
                reason="Đương sự xuất trình quyết định cử đi học và xác nhận tham gia lớp bồi dưỡng trong thời "
                       "gian các cuộc họp; vi phạm không còn căn cứ.")
    b.correct_finding(D, i8, f81, changes={
        "official_ids": [],
        "description": "Chưa cập nhật danh sách cán bộ được cử đi học vào lịch họp giao ban trực tuyến, dẫn "
                       "đến ghi nhận vắng mặt không đúng."},
        reason="Cán bộ vắng mặt có lý do chính đáng (được cử đi học); sửa nội dung phát hiện theo hồ sơ bổ sung.")
    c_sang = b.case(M, i8, f82, "DQ-0014", category=FindingCategory.LATE_HANDLING,
                    nature=Nature.NEGLIGENCE, severity=Severity.SERIOUS, occurred_on="2026-06-30",
                    detected_on="2026-09-01")
    b.case_step("Kiểm điểm", c_luc, "hold_review_meeting", M, held_on="2026-09-10",
                proposed_form=DisciplineForm.REPRIMAND,
                minutes="Kiểm điểm tại Ban Thường vụ Đảng ủy xã; đồng chí Chủ tịch nhận khuyết điểm.")
    r8 = b.conclude(D, i8, conclusion_no="25/KL-SNV", concluded_on="2026-09-15", recommendations=[
        ("Giải quyết dứt điểm 18 hồ sơ hộ kinh doanh quá hạn, xin lỗi người dân.", "2026-10-15", "X-DINHQUAN"),
        ("Ban hành quy chế tiếp nhận, giải quyết kiến nghị của người dân.", "2026-12-15", "X-DINHQUAN"),
    ])
    b.decide(M, c_luc, "DQ-0001", form=DisciplineForm.REPRIMAND, decision_no="1250/QĐ-UBND",
             decided_on="2026-10-14")
    b.implement(D, i8, r8[0], "2026-10-28", "Đã giải quyết 18/18 hồ sơ (chậm 13 ngày so với kiến nghị).")
    b.case_step("Kiểm điểm", c_sang, "hold_review_meeting", M, held_on="2026-10-20",
                proposed_form=DisciplineForm.WARNING, minutes="Đề nghị hình thức cảnh cáo.")
    refs["dinhquan_chair"] = (i8, f83, c_luc)

    # 9. Planned inspection of Trung tâm Phục vụ hành chính công (2026): a public employee.
    i9 = b.inspection(L, kind=InspectionKind.PLANNED, decision_no="80/QĐ-TTTP", decided_on="2026-07-13",
                      unit="TTPVHCC", team=TEAM_LAN,
                      scope="Thanh tra việc tiếp nhận, số hóa hồ sơ và trả kết quả giải quyết thủ tục hành chính "
                            "tại Trung tâm Phục vụ hành chính công thành phố.")
    f91 = b.finding(L, i9, category=FindingCategory.HARASSMENT, severity=Severity.LESS_SERIOUS,
                    occurred_on="2026-06-15", officials=["TTPV-0011"],
                    description="Yêu cầu nộp bản sao chứng thực đối với giấy tờ đã có trong Cơ sở dữ liệu quốc gia "
                                "về dân cư.",
                    evidence=[evidence("Ghi hình quầy số 7 ngày 15-6-2026.mp4", "camera quầy 7 15/6/2026")])
    b.finding(L, i9, category=FindingCategory.DOCUMENT_RULES, severity=Severity.LESS_SERIOUS,
              occurred_on="2026-06-30",
              description="Chưa số hóa kết quả giải quyết của 6% hồ sơ thủ tục hành chính 6 tháng đầu năm 2026.")
    c_phuc = b.case(T, i9, f91, "TTPV-0011", category=FindingCategory.HARASSMENT,
                    nature=Nature.NEGLIGENCE, severity=Severity.LESS_SERIOUS, occurred_on="2026-06-15",
                    detected_on="2026-07-28")
    b.case_step("Tạm hoãn", c_phuc, "defer", T, reason=DeferralReason.ILLNESS, on="2026-08-10",
                note="Nghỉ ốm theo giấy chứng nhận của Bệnh viện Thống Nhất Đồng Nai.")
    b.case_step("Tiếp tục xử lý", c_phuc, "resume", T, on="2026-08-31", note="Đi làm trở lại.")
    b.case_step("Kiểm điểm", c_phuc, "hold_review_meeting", T, held_on="2026-09-08",
                proposed_form=DisciplineForm.REPRIMAND, minutes="Kiểm điểm tại Trung tâm.")
    b.case_step("Hội đồng kỷ luật", c_phuc, "convene_council", T, convened_on="2026-09-20",
                recommended_form=DisciplineForm.REPRIMAND,
                members=["Tôn Nữ Diễm Phương (Chủ tịch Hội đồng)", "Đại diện Công đoàn Trung tâm",
                         "Đặng Quốc Bảo (Sở Nội vụ)"])
    b.conclude(L, i9, conclusion_no="110/KL-TTTP", concluded_on="2026-09-30", recommendations=[
        ("Hoàn thành số hóa kết quả giải quyết thủ tục hành chính, bảo đảm từ 95% trở lên.", "2026-11-30",
         "TTPVHCC"),
    ])
    b.decide(T, c_phuc, "TTPV-0011", form=DisciplineForm.REPRIMAND, decision_no="45/QĐ-TTPVHCC",
             decided_on="2026-10-05")

    # 10. Duty check of Phường Long Bình (2026), still in progress; a case deferred for maternity.
    i10 = b.inspection(L, kind=InspectionKind.DUTY_CHECK, decision_no="265/QĐ-SNV", decided_on="2026-09-14",
                       unit="P-LONGBINH", team=TEAM_SNV,
                       scope="Kiểm tra công vụ việc giải quyết đơn kiến nghị của cử tri và chế độ hội họp tại "
                             "UBND phường Long Bình.")
    f101 = b.finding(L, i10, category=FindingCategory.LATE_HANDLING, severity=Severity.LESS_SERIOUS,
                     occurred_on="2026-08-20", officials=["LB-0016"],
                     description="Chậm 9 ngày trong việc tham mưu trả lời đơn kiến nghị của cử tri về hệ thống "
                                 "thoát nước khu phố 3.")
    b.finding(L, i10, category=FindingCategory.MEETING_RULES, severity=Severity.LESS_SERIOUS,
              occurred_on="2026-08-31",
              description="Tổ chức hội nghị chuyên môn kéo dài 1,5 ngày, vượt mức tối đa 1 ngày.")
    c_yen = b.case(T, i10, f101, "LB-0016", category=FindingCategory.LATE_HANDLING,
                   nature=Nature.NEGLIGENCE, severity=Severity.LESS_SERIOUS, occurred_on="2026-08-20",
                   detected_on="2026-09-18")
    b.case_step("Tạm hoãn", c_yen, "defer", T, reason=DeferralReason.MATERNITY, on="2026-10-01",
                note="Nghỉ thai sản 6 tháng từ 01/10/2026.")
    return refs


def _accountability(b: DemoBuilder, refs: dict[str, tuple[UUID, UUID | None, UUID | None]]) -> None:
    M, T = HOME_AFFAIRS_MINH, HOME_AFFAIRS_THAO

    def on(name: str, *, case: bool = True, finding: bool = True) -> list[Ref]:
        inspection_id, finding_id, case_id = refs[name]
        out = []
        if case and case_id is not None:
            out.append(Ref("discipline_case", case_id))
        if finding and finding_id is not None:
            out.append(Ref("finding", finding_id, inspection_id))
        return out

    b.accountability(M, "STC/2025/lessons", head="STC-0001", unit="STC",
                     responsibility=Responsibility.JOINT, outcome=Outcome.LESSONS_REVIEW,
                     decided_on="2025-07-15", refs=on("stc_waste"),
                     reason="Người đứng đầu để xảy ra lãng phí trong mua sắm tài sản công tại gói thầu MS-03/2024 "
                            "(Kết luận số 45/KL-TTTP); kiểm điểm rút kinh nghiệm.")
    b.accountability(M, "TB/2025/criticism", head="TB-0001", unit="P-TRANBIEN",
                     responsibility=Responsibility.JOINT, outcome=Outcome.CRITICISM,
                     decided_on="2025-11-20", refs=on("tranbien_harassment"),
                     reason="Để công chức Bộ phận một cửa nhũng nhiễu người dân (Kết luận số 130/KL-TTTP); phê "
                            "bình tại hội nghị giao ban UBND thành phố.")
    b.accountability(T, "TTPV/2025/commendation", head="TTPV-0001", unit="TTPVHCC",
                     responsibility=Responsibility.PERSONAL, outcome=Outcome.COMMENDATION,
                     decided_on="2025-12-22",
                     reason="Tỷ lệ hồ sơ thủ tục hành chính giải quyết trực tuyến năm 2025 đạt 97%, không có hồ "
                            "sơ trễ hạn.")
    b.accountability(T, "SVHTTDL/2026/commendation", head="VHTTDL-0001", unit="SVHTTDL",
                     responsibility=Responsibility.PERSONAL, outcome=Outcome.COMMENDATION,
                     decided_on="2026-01-20",
                     reason="Hoàn thành vượt các chỉ tiêu Kết luận 226-KL/TW năm 2025: 69% hội nghị trực tuyến, "
                            "100% cán bộ được bồi dưỡng kỹ năng số.")
    b.accountability(T, "BH/2026/reminder", head="BH-0001", unit="P-BIENHOA",
                     responsibility=Responsibility.JOINT, outcome=Outcome.REMINDER,
                     decided_on="2026-02-10", refs=on("bienhoa_late"),
                     reason="Chậm xử lý kỷ luật quá thời hạn 90 ngày đối với công chức để 52 hồ sơ quá hạn.")
    b.accountability(M, "VP/2026/reminder", head="VP-0001", unit="VPUBND",
                     responsibility=Responsibility.JOINT, outcome=Outcome.REMINDER,
                     decided_on="2026-05-05", refs=on("vp_meetings"),
                     reason="Tổ chức nhiều hội nghị trực tiếp chưa cần thiết (Kết luận số 40/KL-TTTP).")
    b.accountability(M, "DQ/2026/criticism", head="DQ-0001", unit="X-DINHQUAN",
                     responsibility=Responsibility.PERSONAL, outcome=Outcome.CRITICISM,
                     decided_on="2026-08-20", refs=on("dinhquan_chair", case=False),
                     reason="Không trực tiếp chủ trì giải quyết kiến nghị của người dân; chậm ban hành kế hoạch "
                            "triển khai Kế hoạch số 83/KH-UBND (quá hạn 30/6/2026).")
    b.accountability(T, "TBO/2026/lessons", head="TBO-0001", unit="X-TRANGBOM",
                     responsibility=Responsibility.JOINT, outcome=Outcome.LESSONS_REVIEW,
                     decided_on="2026-10-05", refs=on("trangbom_shirking"),
                     reason="Để công chức đùn đẩy, né tránh trong giải quyết hồ sơ cấp phép xây dựng (Kết luận số "
                            "88/KL-TTTP).")


def _tasks(b: DemoBuilder) -> None:
    """Rows 1, 3, 6, 11, 13, 15 and 17 of the assignment table of Kế hoạch số 83/KH-UBND."""
    row1 = ("Xây dựng, ban hành kế hoạch của từng cơ quan, đơn vị, địa phương để triển khai Kế hoạch của "
            "UBND thành phố", "Kế hoạch triển khai của từng cơ quan, đơn vị, địa phương", "2026-06-30")
    for lead, head in (("STP", "STP-0001"), ("SVHTTDL", "VHTTDL-0001"), ("STC", "STC-0002"),
                       ("P-TRANBIEN", "TB-0002"), ("X-DINHQUAN", "DQ-0001")):
        b.task(row_no="1", title=row1[0], lead=lead, responsible=head, coordinating=[],
               expected_result=row1[1], due_on=row1[2])
    t1 = {lead: AssignedTask.id_for(PLAN_REF, "1", b.units[lead])
          for lead in ("STP", "SVHTTDL", "STC", "P-TRANBIEN", "X-DINHQUAN")}
    b.complete(t1["STP"], "2026-06-24", "Kế hoạch số 142/KH-STP ngày 24/6/2026.")
    b.complete(t1["SVHTTDL"], "2026-06-26", "Kế hoạch số 205/KH-SVHTTDL ngày 26/6/2026.")
    b.complete(t1["STC"], "2026-07-03", "Kế hoạch số 318/KH-STC ngày 03/7/2026.")
    b.complete(t1["P-TRANBIEN"], "2026-07-08", "Kế hoạch số 57/KH-UBND ngày 08/7/2026 của UBND phường.")
    b.progress(t1["X-DINHQUAN"], "2026-07-15", 50, "Đã có dự thảo, đang lấy ý kiến các bộ phận.")

    for lead, head, percent, on in (("STC", "STC-0002", 70, "2026-09-30"),
                                    ("P-BIENHOA", "BH-0001", 40, "2026-10-05")):
        task = b.task(row_no="3", lead=lead, responsible=head, coordinating=["VPUBND", "STP"],
                      title="Thực hiện cắt giảm tối thiểu 15% số lượng văn bản hành chính do các cơ quan, đơn "
                            "vị, địa phương ban hành so với năm trước",
                      expected_result="Số lượng văn bản hành chính giảm ít nhất 15% mỗi năm; báo cáo kết quả về "
                                      "UBND thành phố (qua Văn phòng UBND thành phố)",
                      due_on="2026-12-31")
        b.progress(task, on, percent, f"9 tháng đầu năm giảm {percent // 5}% số văn bản so với cùng kỳ.")

    t6 = b.task(row_no="6", lead="TTTP", responsible="TTTP-0001", coordinating=["SNV"],
                title="Tăng cường thanh tra trách nhiệm người đứng đầu trong thực hiện lề lối làm việc mới "
                      "(thường xuyên)",
                expected_result="Kế hoạch thanh tra (kế hoạch thanh tra 6 tháng cuối năm 2026 ban hành trước "
                                "31/7/2026)",
                due_on="2026-07-31")
    b.complete(t6, "2026-07-20", "Kế hoạch số 95/KH-TTTP ngày 20/7/2026 thanh tra trách nhiệm người đứng "
                                 "đầu tại 12 cơ quan, địa phương.")

    for lead, head, percent, on in (("X-TRANGBOM", "TBO-0001", 30, "2026-09-30"),
                                    ("P-LONGBINH", "LB-0001", 55, "2026-10-10")):
        task = b.task(row_no="11", lead=lead, responsible=head, coordinating=["TTTP", "SNV"],
                      title="Tăng cường thanh tra, kiểm tra việc chấp hành kỷ luật, kỷ cương hành chính; phát "
                            "hiện và xử lý nghiêm các trường hợp đùn đẩy, né tránh trách nhiệm",
                      expected_result="Kịp thời phát hiện và xử lý các vi phạm về kỷ luật hành chính; báo cáo "
                                      "Chủ tịch UBND thành phố kết quả thanh tra, kiểm tra",
                      due_on="2026-12-31")
        b.progress(task, on, percent, "Đã kiểm tra nội bộ các bộ phận chuyên môn theo kế hoạch.")

    row13 = dict(title="Thực hiện việc xử lý thủ tục hành chính trên môi trường số và số hóa văn bản đạt từ "
                       "95% trở lên",
                 expected_result="Tỷ lệ hồ sơ thủ tục hành chính xử lý trực tuyến đạt từ 95% trở lên; 100% văn "
                                 "bản hành chính không mật gửi nhận điện tử; báo cáo kết quả định kỳ",
                 coordinating=["SKHCN", "STP"], due_on="2026-12-31")
    t13a = b.task(row_no="13", lead="TTPVHCC", responsible="TTPV-0001", **row13)  # type: ignore[arg-type]
    t13b = b.task(row_no="13", lead="X-LONGTHANH", responsible="LT-0001", **row13)  # type: ignore[arg-type]
    b.progress(t13a, "2026-09-15", 90, "Tỷ lệ xử lý trực tuyến 96,1%, số hóa 93,5%.")
    b.complete(t13a, "2026-10-30", "Tỷ lệ xử lý trực tuyến 97,4%; số hóa 96,2%; 100% văn bản không mật gửi "
                                   "điện tử.")
    b.progress(t13b, "2026-10-15", 60, "Tỷ lệ xử lý trực tuyến 91%; đang nâng cấp thiết bị số hóa.")

    t15 = b.task(row_no="15", lead="SKHCN", responsible="KHCN-0006", coordinating=["SNV"],
                 title="Bồi dưỡng kỹ năng số và kỹ năng lãnh đạo, quản lý trong môi trường số cho đội ngũ cán "
                       "bộ, công chức",
                 expected_result="Các chương trình tập huấn, bồi dưỡng được triển khai; phấn đấu 100% cán bộ, "
                                 "công chức, viên chức được đào tạo kỹ năng số",
                 due_on="2026-12-31")
    b.progress(t15, "2026-08-15", 35, "Đã mở 4 lớp bồi dưỡng cho 620 cán bộ, công chức.")
    b.reassign(t15, lead="SKHCN", responsible="KHCN-0023", due_on="2026-12-31", on="2026-09-05",
               reason="Đồng chí Châu Ngọc Sơn được điều động sang Văn phòng UBND thành phố từ 01/9/2026; giao "
                      "đồng chí Tạ Minh Nhật tiếp tục theo dõi.")
    b.progress(t15, "2026-10-20", 65, "Đã bồi dưỡng 1.480/2.270 cán bộ, công chức, viên chức.")

    t17 = b.task(row_no="17", lead="SNV", responsible="SNV-0001",
                 coordinating=["VPUBND", "STP", "TTTP", "SKHCN", "STC", "SVHTTDL"],
                 title="Theo dõi, đôn đốc và định kỳ tổng hợp báo cáo về kết quả triển khai Kết luận 226-KL/TW "
                       "(giảm số lượng văn bản, giảm số cuộc họp, mức độ chuyển đổi số)",
                 expected_result="Báo cáo tình hình, kết quả thực hiện Kết luận 226-KL/TW định kỳ 6 tháng, hằng "
                                 "năm (trước ngày 20/6 và 20/12) gửi Thành ủy, UBND thành phố",
                 due_on="2026-06-20")
    b.complete(t17, "2026-06-19", "Báo cáo số 215/BC-SNV ngày 19/6/2026 kết quả 6 tháng đầu năm 2026.")


# Conclusion 226 reports: (unit, period, reported on, figures). Targets: online ≥60%; −10%
# conferences and −15% documents on the previous year; procedures online and digitised ≥95%;
# 100% electronic sending and trained staff; conference days within ½, 1 and 1½ days.
KPI_REPORTS: tuple[tuple[str, str, str, KpiFigures], ...] = (
    ("SNV", "2025-H1", "2025-07-10", kpi(24, 13, 1840, 92.0, 90.5, 98.0, 70.0)),
    ("SNV", "2025", "2026-01-12", kpi(46, 27, 3620, 93.5, 92.0, 99.0, 82.0)),
    ("SNV", "2026-H1", "2026-07-08", kpi(20, 14, 1510, 96.2, 95.8, 100.0, 94.0, (0.5, 1.0, 1.0))),
    ("VPUBND", "2025-H1", "2025-07-11", kpi(38, 18, 2700, 94.0, 93.0, 99.5, 85.0)),
    ("VPUBND", "2025", "2026-01-14", kpi(80, 41, 5820, 95.0, 94.0, 100.0, 92.0)),
    ("VPUBND", "2026-H1", "2026-07-09", kpi(36, 19, 2950, 97.0, 96.0, 100.0, 100.0)),
    ("STP", "2025-H1", "2025-07-09", kpi(12, 6, 860, 95.5, 94.0, 100.0, 88.0)),
    ("STP", "2025", "2026-01-10", kpi(22, 13, 1690, 96.0, 95.5, 100.0, 95.0, (0.5, 1.0, 1.0))),
    ("STP", "2026-H1", "2026-07-06", kpi(10, 7, 700, 98.1, 97.3, 100.0, 100.0, (0.5, 1.0, 1.0))),
    ("TTTP", "2025-H1", "2025-07-14", kpi(8, 3, 420, 90.0, 91.0, 97.0, 75.0)),
    ("TTTP", "2025", "2026-01-15", kpi(15, 8, 810, 93.0, 94.0, 99.0, 90.0)),
    ("TTTP", "2026-H1", "2026-07-10", kpi(7, 5, 365, 95.0, 96.0, 100.0, 100.0, (0.5, 1.0, 1.0))),
    ("SKHCN", "2025-H1", "2025-07-08", kpi(16, 11, 980, 97.0, 96.0, 100.0, 90.0)),
    ("SKHCN", "2025", "2026-01-09", kpi(30, 21, 1900, 98.0, 97.0, 100.0, 96.0)),
    ("SKHCN", "2026-H1", "2026-07-06", kpi(13, 10, 800, 99.0, 98.5, 100.0, 100.0, (0.5, 1.0, 1.0))),
    ("STC", "2025-H1", "2025-07-15", kpi(30, 12, 2400, 88.0, 85.0, 96.0, 65.0, (0.5, 1.5, 2.0))),
    ("STC", "2025", "2026-01-16", kpi(58, 26, 4700, 91.0, 88.0, 97.5, 78.0)),
    ("STC", "2026-H1", "2026-07-14", kpi(26, 15, 2100, 94.5, 93.0, 99.0, 90.0)),
    ("SVHTTDL", "2025-H1", "2025-07-10", kpi(14, 9, 760, 96.0, 95.0, 100.0, 92.0)),
    ("SVHTTDL", "2025", "2026-01-12", kpi(26, 18, 1430, 97.0, 96.0, 100.0, 100.0)),
    ("SVHTTDL", "2026-H1", "2026-07-07", kpi(12, 9, 630, 98.0, 97.0, 100.0, 100.0, (0.5, 1.0, 1.0))),
    ("P-TRANBIEN", "2025", "2026-01-13", kpi(18, 8, 1250, 82.5, 80.0, 95.0, 60.0)),
    ("P-TRANBIEN", "2026-H1", "2026-07-10", kpi(15, 8, 1190, 90.0, 88.0, 97.0, 85.0)),
    ("P-BIENHOA", "2025", "2026-01-14", kpi(16, 10, 1100, 90.0, 86.0, 98.0, 75.0)),
    ("P-BIENHOA", "2026-H1", "2026-07-09", kpi(14, 9, 980, 95.5, 95.0, 100.0, 96.0, (0.5, 1.0, 1.0))),
    ("P-LONGBINH", "2025", "2026-01-15", kpi(12, 6, 820, 88.0, 84.0, 97.0, 70.0)),
    ("P-LONGBINH", "2026-H1", "2026-07-13", kpi(11, 5, 760, 93.0, 92.0, 99.0, 88.0, (0.5, 1.5, 1.0))),
    ("X-LONGTHANH", "2025", "2026-01-12", kpi(10, 5, 700, 89.0, 87.0, 98.0, 72.0)),
    ("X-LONGTHANH", "2026-H1", "2026-07-08", kpi(9, 6, 640, 96.0, 95.2, 100.0, 100.0, (0.5, 1.0, 1.0))),
    ("X-TRANGBOM", "2025", "2026-01-16", kpi(14, 5, 980, 85.0, 83.0, 95.0, 65.0)),
    ("X-TRANGBOM", "2026-H1", "2026-07-15", kpi(13, 6, 900, 89.0, 87.0, 95.0, 80.0)),
    # Xã Định Quán sends no report for 2026-H1.
    ("X-DINHQUAN", "2025", "2026-01-20", kpi(9, 3, 700, 78.0, 72.0, 90.0, 55.0, (1.0, 1.0, 1.5))),
    ("TTPVHCC", "2025-H1", "2025-07-08", kpi(6, 4, 310, 96.0, 97.0, 100.0, 100.0, (0.5, 1.0, 1.0))),
    ("TTPVHCC", "2025", "2026-01-08", kpi(11, 8, 590, 97.0, 98.0, 100.0, 100.0, (0.5, 1.0, 1.0))),
    ("TTPVHCC", "2026-H1", "2026-07-06", kpi(5, 4, 250, 98.6, 99.1, 100.0, 100.0, (0.5, 1.0, 1.0))),
    ("TTCNTT", "2025", "2026-01-09", kpi(8, 7, 280, 99.0, 99.0, 100.0, 100.0, (0.5, 1.0, 1.0))),
    ("TTCNTT", "2026-H1", "2026-07-07", kpi(7, 7, 240, 99.5, 99.0, 100.0, 100.0, (0.5, 1.0, 1.0))),
)


def _kpi_reports(b: DemoBuilder) -> None:
    for unit, period, reported_on, figures in KPI_REPORTS:
        b.kpi_report(unit, period, reported_on, figures)
    # Phường Long Bình corrects its 2026-H1 report.
    b.kpi_report("P-LONGBINH", "2026-H1", "2026-07-25",
                 kpi(11, 7, 760, 93.0, 92.0, 99.0, 88.0, (0.5, 1.5, 1.0)),
                 reason="Bổ sung 2 hội nghị trực tuyến tổ chức qua hệ thống họp trực tuyến của thành phố nhưng "
                        "chưa được thống kê.")


def _plan_rows(b: DemoBuilder) -> None:
    """The other rows of the assignment table, so that all 18 are tracked: the task, product and deadline
    as the plan words them (the due date follows from the wording), led by the units that took them on."""
    def row(no: str, lead: str, responsible: str, coordinating: Sequence[str] = ()) -> UUID:
        r = plan83.BY_ROW[no]
        return b.task(row_no=no, title=r.title, lead=lead, responsible=responsible, coordinating=coordinating,
                      expected_result=r.expected_result)

    b.progress(row("2", "STC", "STC-0002", ["STP"]), "2026-10-15", 60,
               "Đã rà soát 46 văn bản; đề nghị sửa đổi 7 văn bản.")
    b.progress(row("2", "TTTP", "TTTP-0001", ["STP"]), "2026-10-20", 40, "Đang rà soát văn bản về thanh tra.")
    b.complete(row("4", "SNV", "SNV-0001"), "2026-09-22",
               "Chỉ thị số 12/CT-UBND ngày 22/9/2026 về tăng cường kỷ cương, chấn chỉnh lề lối làm việc.")
    b.complete(row("5", "VPUBND", "VP-0001", ["STP"]), "2026-09-28",
               "Quyết định số 1702/QĐ-UBND ngày 28/9/2026 ban hành Quy chế làm việc sửa đổi.")
    b.progress(row("7", "SNV", "SNV-0001", ["VPUBND"]), "2026-10-10", 70, "9 tháng: 17 hội nghị, 71% trực tuyến.")
    b.progress(row("7", "P-LONGBINH", "LB-0001", ["VPUBND"]), "2026-10-12", 50,
               "9 tháng: 16 hội nghị, 50% trực tuyến.")
    b.progress(row("8", "SKHCN", "KHCN-0001", ["STC", "VPUBND", "P-BIENHOA", "X-LONGTHANH"]), "2026-10-30", 40,
               "Đã nâng cấp điểm cầu tại 38/95 xã, phường.")
    b.complete(row("9", "STP", "STP-0001", ["SNV"]), "2026-09-18", "Quyết định số 96/QĐ-STP ngày 18/9/2026.")
    b.complete(row("9", "TTCNTT", "CNTT-0001", ["SNV"]), "2026-09-29",
               "Quy chế làm việc sửa đổi ngày 29/9/2026.")
    b.complete(row("10", "SVHTTDL", "VHTTDL-0001", ["SNV", "STP"]), "2026-09-25",
               "Báo cáo số 301/BC-SVHTTDL ngày 25/9/2026.")
    b.complete(row("10", "X-LONGTHANH", "LT-0001", ["SNV", "STP"]), "2026-09-30",
               "Báo cáo số 88/BC-UBND ngày 30/9/2026 của UBND xã.")
    b.progress(row("12", "TTCNTT", "CNTT-0001", ["SKHCN"]), "2026-10-25", 80, "Dự thảo kế hoạch chuyển đổi số.")
    b.progress(row("14", "TTTP", "TTTP-0001", ["VPUBND"]), "2026-10-25", 50, "Dự thảo biểu mẫu báo cáo.")
    b.progress(row("16", "P-BIENHOA", "BH-0001", ["SNV"]), "2026-10-28", 30,
               "Đang xây dựng tiêu chí đánh giá người đứng đầu các bộ phận.")
    b.progress(row("18", "SVHTTDL", "VHTTDL-0001"), "2026-10-31", 75,
               "Đã đăng 42 tin bài, 3 chuyên mục về Kết luận 226-KL/TW.")


# -- entry point ------------------------------------------------------------------------------------

def seed_demo(services: Services, on_step: Callable[[int, int], None] | None = None) -> SeedResult:
    """Write the demo data; a re-run writes only the steps not yet stored (none after a full run)."""
    if today() < LATEST_DATE:
        raise RuleViolated(
            f"Dữ liệu mẫu có ngày nghiệp vụ đến {fmt_date(LATEST_DATE)}, sau ngày hiện tại của hệ thống "
            f"({fmt_date(today())}); kiểm tra đồng hồ hệ thống.", rule="demo_dates_in_future")
    return run_script(services, build(services).steps, on_step)
