"""The accountability policy as a versioned data file, validated on load."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Annotated

import msgspec

from domain.kpi import KpiTargets

from domain.enums import FindingCategory
from domain.errors import InvalidInput

POLICY_DIR = Path(__file__).parent / "policies"

Penalty = Annotated[float, msgspec.Meta(le=0)]
Bonus = Annotated[float, msgspec.Meta(ge=0)]
Pct = Annotated[float, msgspec.Meta(ge=0, le=100)]
Days = Annotated[float, msgspec.Meta(gt=0)]


class Strict(msgspec.Struct, forbid_unknown_fields=True, frozen=True, kw_only=True):
    pass


class PersonalDiscipline(Strict):
    reprimand: Penalty
    warning: Penalty
    salary_step_down: Penalty
    demotion: Penalty
    removal_from_post: Penalty
    dismissal: Penalty
    recall: Penalty
    removal_of_title: Penalty = -50  # retired officials only (added 2026-12; same as removal)


class AccountabilityPoints(Strict):
    commendation: Bonus
    commendation_cap: Bonus
    reminder: Penalty
    criticism: Penalty
    lessons_review: Penalty


class JointResponsibility(Strict):
    less_serious: Penalty
    serious: Penalty
    very_serious: Penalty
    doubled_categories: tuple[str, ...]
    multiplier: Annotated[float, msgspec.Meta(ge=1)]
    cap: Penalty


class Corruption(Strict):
    points: Penalty


class Clocks(Strict):
    late_or_overdue: Penalty
    time_barred: Penalty


class Capped(Strict):
    overdue: Penalty
    cap: Penalty


class Kpi(Strict):
    missed_target: Penalty
    cap: Penalty
    missing_report: Penalty
    online_share_min_pct: Pct
    conferences_cut_pct: Pct
    documents_cut_pct: Pct
    procedures_online_min_pct: Pct
    documents_digitised_min_pct: Pct
    electronic_sending_min_pct: Pct
    staff_trained_min_pct: Pct
    indoctrination_max_days: Days
    professional_max_days: Days
    important_max_days: Days


    @property
    def targets(self) -> KpiTargets:
        return KpiTargets(**{f: getattr(self, f) for f in KpiTargets.__dataclass_fields__})


class Tasks(Strict):
    late: Penalty
    cap: Penalty


class Policy(Strict):
    version: str
    title: str
    start: Annotated[float, msgspec.Meta(gt=0, le=100)]
    personal_discipline: PersonalDiscipline
    accountability: AccountabilityPoints
    joint_responsibility: JointResponsibility
    corruption: Corruption
    clocks: Clocks
    recommendations: Capped
    kpi: Kpi
    tasks: Tasks


def parse_policy(text: str, source: str = "policy") -> Policy:
    """Parse and validate a policy; an error names the offending field."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise InvalidInput(f"Tệp chính sách {source} không đọc được: {e}", field=source) from None
    try:
        policy = msgspec.convert(raw, Policy)
    except msgspec.ValidationError as e:
        message = str(e)
        path = message.rsplit("at `$.", 1)[1].rstrip("`") if "at `$." in message else ""
        name = message.split("`")[1] if ("missing required" in message or "unknown field" in message) else ""
        field = ".".join(p for p in (path, name) if p) or "policy"
        raise InvalidInput(f"Tệp chính sách {source} không hợp lệ: {message} (trường: {field}).",
                           field=field) from None
    known = {c.value for c in FindingCategory}
    for category in policy.joint_responsibility.doubled_categories:
        if category not in known:
            raise InvalidInput(f"Tệp chính sách {source}: loại phát hiện không có: {category!r}.",
                               field="joint_responsibility.doubled_categories", value=category)
    return policy


@lru_cache(maxsize=8)
def load_policy(version: str = "v1") -> Policy:
    path = POLICY_DIR / f"{version}.toml"
    if not path.is_file():
        raise InvalidInput(f"Không có chính sách phiên bản {version!r}.", field="policyVersion",
                           value=version)
    policy = parse_policy(path.read_text(encoding="utf-8"), path.name)
    if policy.version != version:
        raise InvalidInput(f"Tệp {path.name} khai báo phiên bản {policy.version!r}.", field="version")
    return policy
