"""Inspections: findings, conclusions with recommendations, and their follow-up (DESIGN §4)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any
from uuid import UUID, uuid5

from domain.actor import Actor
from domain.base import (
    TrackerAggregate,
    illegal,
    natural_id,
    not_before,
    not_in_future,
    parse_uuid,
    require_date,
    require_reason,
    require_sha256,
    require_text,
)
from domain.enums import FindingCategory, InspectionKind, Severity, parse_enum
from domain.errors import InvalidInput, NotFound
from domain.legal import fmt_date


@dataclass(frozen=True)
class EvidenceRef:
    """A file kept outside the store, pinned by its SHA-256."""

    name: str
    sha256: str


@dataclass(frozen=True)
class Finding:
    """A finding as it currently stands; `version` is the event that last changed it."""

    finding_id: UUID
    category: FindingCategory
    severity: Severity
    description: str
    occurred_on: date
    official_ids: tuple[UUID, ...]
    evidence: tuple[EvidenceRef, ...]
    version: int
    retracted: bool = False
    referred_on: date | None = None  # handed to the criminal investigation agency

    @property
    def is_violation(self) -> bool:
        """A finding attributed to officials is a violation."""
        return bool(self.official_ids) and not self.retracted


@dataclass(frozen=True)
class Recommendation:
    recommendation_id: UUID
    text: str
    due_on: date
    responsible_unit_id: UUID
    implemented_on: date | None = None
    note: str = ""


@dataclass(frozen=True)
class RecommendationInput:
    text: str
    due_on: date
    responsible_unit_id: UUID


# Fields of a finding that a correction may change, with their wire names for errors.
CORRECTABLE = {"category": "category", "severity": "severity", "description": "description",
               "occurred_on": "occurredOn", "official_ids": "officialIds", "evidence": "evidence"}


class Inspection(TrackerAggregate):
    """A planned or surprise inspection (or duty check) of a unit."""

    class Opened(TrackerAggregate.Created):
        kind: InspectionKind
        decision_no: str
        decided_on: date
        target_unit_id: UUID
        team: tuple[str, ...]
        scope: str

    class FindingRecorded(TrackerAggregate.Event):
        finding_id: UUID
        category: FindingCategory
        severity: Severity
        description: str
        occurred_on: date
        official_ids: tuple[UUID, ...]
        evidence: tuple[EvidenceRef, ...]

        def apply(self, inspection: Inspection) -> None:
            inspection.findings = {**inspection.findings, str(self.finding_id): Finding(
                self.finding_id, self.category, self.severity, self.description, self.occurred_on,
                tuple(self.official_ids), tuple(self.evidence), self.originator_version)}

    class FindingCorrected(TrackerAggregate.Event):
        """Points at the finding and the version of the event it corrects; only changes are set."""

        finding_id: UUID
        corrects_version: int
        changes: dict[str, Any]
        reason: str

        def apply(self, inspection: Inspection) -> None:
            key = str(self.finding_id)
            old = inspection.findings[key]
            inspection.findings = {**inspection.findings, key: replace(
                old, version=self.originator_version, **_typed_changes(self.changes))}

    class FindingRetracted(TrackerAggregate.Event):
        finding_id: UUID
        retracts_version: int
        reason: str

        def apply(self, inspection: Inspection) -> None:
            key = str(self.finding_id)
            inspection.findings = {**inspection.findings, key: replace(
                inspection.findings[key], retracted=True, version=self.originator_version)}

    class FindingReferred(TrackerAggregate.Event):
        """The finding was referred to the criminal investigation agency (chuyển cơ quan điều tra):
        corruption or waste so referred counts as handled for the appraisal of the unit's head."""

        finding_id: UUID
        referred_on: date
        agency: str
        document_no: str

        def apply(self, inspection: Inspection) -> None:
            key = str(self.finding_id)
            inspection.findings = {**inspection.findings, key: replace(
                inspection.findings[key], referred_on=self.referred_on)}

    class Concluded(TrackerAggregate.Event):
        conclusion_no: str
        concluded_on: date
        recommendations: tuple[Recommendation, ...]

        def apply(self, inspection: Inspection) -> None:
            inspection.conclusion_no = self.conclusion_no
            inspection.concluded_on = self.concluded_on
            inspection.recommendations = {str(r.recommendation_id): r for r in self.recommendations}

    class RecommendationImplemented(TrackerAggregate.Event):
        recommendation_id: UUID
        implemented_on: date
        note: str

        def apply(self, inspection: Inspection) -> None:
            key = str(self.recommendation_id)
            inspection.recommendations = {**inspection.recommendations, key: replace(
                inspection.recommendations[key], implemented_on=self.implemented_on, note=self.note)}

    class Closed(TrackerAggregate.Event):
        closed_on: date

        def apply(self, inspection: Inspection) -> None:
            inspection.closed_on = self.closed_on

    kind: InspectionKind
    decision_no: str
    decided_on: date
    target_unit_id: UUID
    team: tuple[str, ...]
    scope: str
    findings: dict[str, Finding]
    conclusion_no: str | None
    concluded_on: date | None
    recommendations: dict[str, Recommendation]
    closed_on: date | None

    def __init__(self, kind: InspectionKind, decision_no: str, decided_on: date,
                 target_unit_id: UUID, team: tuple[str, ...], scope: str) -> None:
        self.kind = kind
        self.decision_no = decision_no
        self.decided_on = decided_on
        self.target_unit_id = target_unit_id
        self.team = tuple(team)
        self.scope = scope
        self.findings = {}
        self.conclusion_no = None
        self.concluded_on = None
        self.recommendations = {}
        self.closed_on = None

    @staticmethod
    def id_for(decision_no: str) -> UUID:
        return natural_id("inspection", decision_no)

    @classmethod
    def open(cls, *, kind: Any, decision_no: str, decided_on: date, target_unit_id: UUID,
             team: Iterable[str], scope: str, recorded_by: Actor) -> Inspection:
        decision_no = require_text(decision_no, "decisionNo", "số quyết định thanh tra")
        decided_on = require_date(decided_on, "decidedOn")
        not_in_future(decided_on, "decidedOn")
        members = tuple(m.strip() for m in team if m and m.strip())
        if not members:
            raise InvalidInput("Đoàn thanh tra phải có ít nhất một thành viên.", field="team", value=[])
        return cls._create(cls.Opened, id=cls.id_for(decision_no),
                           kind=parse_enum(InspectionKind, kind, "kind"), decision_no=decision_no,
                           decided_on=decided_on, target_unit_id=target_unit_id, team=members,
                           scope=require_text(scope, "scope", "phạm vi thanh tra"),
                           recorded_by=recorded_by)

    # -- state -----------------------------------------------------------------------------------
    @property
    def status(self) -> str:
        if self.closed_on is not None:
            return "closed"
        if self.concluded_on is not None:
            return "concluded"
        return "open"

    def finding(self, finding_id: UUID) -> Finding:
        try:
            return self.findings[str(finding_id)]
        except KeyError:
            raise NotFound(f"Không tìm thấy phát hiện {finding_id} trong cuộc thanh tra.",
                           field="findingId", value=str(finding_id)) from None

    def _check_not_concluded(self) -> None:
        if self.concluded_on is not None:
            raise illegal("Cuộc thanh tra đã có kết luận; không thể ghi thêm phát hiện.",
                          "inspection_concluded", self.status)

    def _check_not_closed(self) -> None:
        if self.closed_on is not None:
            raise illegal("Cuộc thanh tra đã kết thúc.", "inspection_closed", self.status)

    # -- commands --------------------------------------------------------------------------------
    def record_finding(self, *, category: Any, severity: Any, description: str, occurred_on: date,
                       official_ids: Iterable[UUID], evidence: Iterable[EvidenceRef],
                       recorded_by: Actor) -> UUID:
        self._check_not_concluded()
        fields = _validated_finding_fields(dict(
            category=category, severity=severity, description=description, occurred_on=occurred_on,
            official_ids=official_ids, evidence=evidence))
        finding_id = uuid5(self.id, f"finding-{len(self.findings) + 1}")
        self.trigger_event(self.FindingRecorded, finding_id=finding_id, recorded_by=recorded_by,
                           **fields)
        return finding_id

    def correct_finding(self, *, finding_id: UUID, changes: Mapping[str, Any], reason: str,
                        recorded_by: Actor) -> None:
        self._check_not_closed()
        finding = self.finding(finding_id)
        if finding.retracted:
            raise illegal("Phát hiện đã bị rút lại.", "finding_retracted", "retracted")
        unknown = set(changes) - set(CORRECTABLE)
        if unknown:
            field = sorted(unknown)[0]
            raise InvalidInput(f"Không thể sửa trường '{field}' của phát hiện.", field=field)
        fields = _validated_finding_fields(dict(changes))
        effective = {k: v for k, v in fields.items() if getattr(finding, k) != v}
        if not effective:
            raise InvalidInput("Bản sửa đổi không thay đổi nội dung nào của phát hiện.",
                               field="changes")
        self.trigger_event(self.FindingCorrected, finding_id=finding.finding_id,
                           corrects_version=finding.version, changes=_plain_changes(effective),
                           reason=require_reason(reason), recorded_by=recorded_by)

    def retract_finding(self, *, finding_id: UUID, reason: str, recorded_by: Actor) -> None:
        self._check_not_closed()
        finding = self.finding(finding_id)
        if finding.retracted:
            raise illegal("Phát hiện đã bị rút lại trước đó.", "finding_retracted", "retracted")
        self.trigger_event(self.FindingRetracted, finding_id=finding.finding_id,
                           retracts_version=finding.version, reason=require_reason(reason),
                           recorded_by=recorded_by)

    def refer_finding(self, *, finding_id: UUID, referred_on: date, agency: str, document_no: str,
                      recorded_by: Actor) -> None:
        finding = self.finding(finding_id)
        if finding.retracted:
            raise illegal("Phát hiện đã bị rút lại; không thể chuyển cơ quan điều tra.", "finding_retracted",
                          "retracted")
        if finding.referred_on is not None:
            raise illegal(f"Phát hiện đã được chuyển cơ quan điều tra ngày {fmt_date(finding.referred_on)}.",
                          "finding_already_referred", "referred")
        referred_on = require_date(referred_on, "referredOn")
        not_before(referred_on, finding.occurred_on, rule="referral_before_violation", field="referredOn",
                   message="Ngày chuyển cơ quan điều tra trước ngày xảy ra vi phạm.")
        not_in_future(referred_on, "referredOn")
        self.trigger_event(self.FindingReferred, finding_id=finding.finding_id, referred_on=referred_on,
                           agency=require_text(agency, "agency", "cơ quan điều tra nhận hồ sơ"),
                           document_no=require_text(document_no, "documentNo", "số văn bản chuyển hồ sơ"),
                           recorded_by=recorded_by)

    def conclude(self, *, conclusion_no: str, concluded_on: date,
                 recommendations: Iterable[RecommendationInput], recorded_by: Actor) -> list[UUID]:
        self._check_not_concluded()
        concluded_on = require_date(concluded_on, "concludedOn")
        not_before(concluded_on, self.decided_on, rule="conclusion_before_decision",
                   field="concludedOn",
                   message=f"Ngày kết luận trước ngày quyết định thanh tra ({fmt_date(self.decided_on)}).")
        not_in_future(concluded_on, "concludedOn")
        recs = []
        for i, rec in enumerate(recommendations, start=1):
            due_on = require_date(rec.due_on, f"recommendations[{i - 1}].dueOn")
            not_before(due_on, concluded_on, rule="recommendation_due_before_conclusion",
                       field=f"recommendations[{i - 1}].dueOn",
                       message="Hạn thực hiện kiến nghị trước ngày kết luận.")
            recs.append(Recommendation(uuid5(self.id, f"recommendation-{i}"),
                                       require_text(rec.text, f"recommendations[{i - 1}].text",
                                                    "nội dung kiến nghị"),
                                       due_on, rec.responsible_unit_id))
        self.trigger_event(self.Concluded,
                           conclusion_no=require_text(conclusion_no, "conclusionNo", "số kết luận"),
                           concluded_on=concluded_on, recommendations=tuple(recs),
                           recorded_by=recorded_by)
        return [r.recommendation_id for r in recs]

    def implement_recommendation(self, *, recommendation_id: UUID, implemented_on: date, note: str,
                                 recorded_by: Actor) -> None:
        self._check_not_closed()
        rec = self.recommendations.get(str(recommendation_id))
        if rec is None:
            raise NotFound(f"Không tìm thấy kiến nghị {recommendation_id}.",
                           field="recommendationId", value=str(recommendation_id))
        if rec.implemented_on is not None:
            raise illegal(f"Kiến nghị đã được ghi nhận thực hiện ngày {fmt_date(rec.implemented_on)}.",
                          "recommendation_already_implemented", "implemented")
        implemented_on = require_date(implemented_on, "implementedOn")
        assert self.concluded_on is not None
        not_before(implemented_on, self.concluded_on, rule="implementation_before_conclusion",
                   field="implementedOn", message="Ngày thực hiện trước ngày kết luận thanh tra.")
        not_in_future(implemented_on, "implementedOn")
        self.trigger_event(self.RecommendationImplemented, recommendation_id=rec.recommendation_id,
                           implemented_on=implemented_on, note=(note or "").strip(),
                           recorded_by=recorded_by)

    def close(self, *, closed_on: date, recorded_by: Actor) -> None:
        self._check_not_closed()
        if self.concluded_on is None:
            raise illegal("Chưa có kết luận thanh tra; không thể kết thúc.", "inspection_not_concluded",
                          self.status)
        closed_on = require_date(closed_on, "closedOn")
        not_before(closed_on, self.concluded_on, rule="closure_before_conclusion", field="closedOn",
                   message="Ngày kết thúc trước ngày kết luận.")
        self.trigger_event(self.Closed, closed_on=closed_on, recorded_by=recorded_by)


def _validated_finding_fields(raw: dict[str, Any]) -> dict[str, Any]:
    """Validate and coerce the finding fields present in `raw`."""
    out: dict[str, Any] = {}
    if "category" in raw:
        out["category"] = parse_enum(FindingCategory, raw["category"], "category")
    if "severity" in raw:
        out["severity"] = parse_enum(Severity, raw["severity"], "severity")
    if "description" in raw:
        out["description"] = require_text(raw["description"], "description", "mô tả phát hiện")
    if "occurred_on" in raw:
        out["occurred_on"] = require_date(raw["occurred_on"], "occurredOn")
        not_in_future(out["occurred_on"], "occurredOn")
    if "official_ids" in raw:
        out["official_ids"] = tuple(dict.fromkeys(parse_uuid(o, "officialIds") for o in raw["official_ids"]))
    if "evidence" in raw:
        out["evidence"] = tuple(
            EvidenceRef(require_text(e.name, f"evidence[{i}].name", "tên tệp chứng cứ"),
                        require_sha256(e.sha256, f"evidence[{i}].sha256"))
            for i, e in enumerate(raw["evidence"]))
    return out


def _plain_changes(changes: dict[str, Any]) -> dict[str, Any]:
    """Correction payloads are stored as plain JSON values."""
    plain: dict[str, Any] = {}
    for key, value in changes.items():
        if key == "official_ids":
            plain[key] = [str(v) for v in value]
        elif key == "evidence":
            plain[key] = [{"name": e.name, "sha256": e.sha256} for e in value]
        elif isinstance(value, date):
            plain[key] = value.isoformat()
        else:
            plain[key] = str(value)
    return plain


def _typed_changes(changes: dict[str, Any]) -> dict[str, Any]:
    typed: dict[str, Any] = {}
    for key, value in changes.items():
        if key == "category":
            typed[key] = FindingCategory(value)
        elif key == "severity":
            typed[key] = Severity(value)
        elif key == "occurred_on":
            typed[key] = date.fromisoformat(value)
        elif key == "official_ids":
            typed[key] = tuple(UUID(v) for v in value)
        elif key == "evidence":
            typed[key] = tuple(EvidenceRef(e["name"], e["sha256"]) for e in value)
        else:
            typed[key] = value
    return typed
