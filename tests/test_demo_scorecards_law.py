"""How issue 13's legal corrections change the demo city's policy v1 scorecards, line by line.

Each test names what changed and why; everything else about the demo's scorecards is unchanged
(tests/test_demo_scorecards.py). "Today" is fixed at 22/11/2026 as there.
"""

from __future__ import annotations

from domain.enums import Rating
from tests.test_demo_scorecards import city  # noqa: F401 - the demo city fixture, "today" fixed there


def card(reads, at, period: str, unit_name: str):
    [found] = [c for c in reads.scorecards(period, at) if c.unit_name == unit_name]
    return found


def test_emulation_fighter_needs_an_initiative_recognised_in_the_year(city) -> None:
    reads, at = city
    # Sở Tư pháp's head rates excellent but has no recognised initiative: was advanced_worker +
    # emulation_fighter, now advanced_worker alone, and the scorecard says why
    thang = card(reads, at, "2026", "Sở Tư pháp")
    assert thang.rating_ceiling == Rating.EXCELLENT
    assert thang.emulation_titles == ("advanced_worker",)
    assert any("sáng kiến" in r for r in thang.emulation_reasons)
    # Sở KH&CN's head had an initiative recognised on 20/11/2025: a fighter for 2025, not for 2026
    trung_2025 = card(reads, at, "2025", "Sở Khoa học và Công nghệ")
    assert trung_2025.emulation_titles == ("advanced_worker", "emulation_fighter")
    assert card(reads, at, "2026", "Sở Khoa học và Công nghệ").emulation_titles == ("advanced_worker",)
    # the IT centre's head had one recognised on 28/05/2026: a fighter for 2026 (and its halves)
    assert card(reads, at, "2026", "Trung tâm Công nghệ thông tin và Truyền thông").emulation_titles == (
        "advanced_worker", "emulation_fighter")


def test_the_fighter_cap_is_flagged_per_group_of_heads(city) -> None:
    reads, at = city
    _, quota = reads.ranking("2026", at)
    groups = {g["group"]: g for g in quota["groups"]}
    psu = groups["public_service_unit"]
    # one fighter among the public service units' advanced workers: over 15% → flagged, nobody hidden
    assert psu["fighters"] == 1 and psu["fighters_exceeded"] == (psu["fighters"] > 0.15 * psu["advanced_workers"])


def test_finance_2025_h2_ceiling_now_sees_the_waste_handled_in_june(city) -> None:
    # The waste case decided on 24/06/2025 (318/QĐ-STC) was handled in the appraisal year 2025: the
    # second half's card now carries the forced ceiling the annual card always had (was EXCELLENT,
    # because the half-year read only the cases closed in the half).
    reads, at = city
    [vinh] = [c for c in reads.scorecards("2025-H2", at)
              if c.unit_name == "Sở Tài chính" and c.official_name == "Lê Quang Vinh"]
    assert vinh.rating_ceiling == Rating.COMPLETED
    assert "318/QĐ-STC" in vinh.ceiling_reasons[0]
    assert vinh.emulation_titles == ()


def test_cadre_and_public_employee_heads_are_appraised_outside_decree_335(city) -> None:
    # Nghị định 335/2025 governs công chức; commune chairs (cán bộ) and public service unit heads
    # (viên chức) keep Nghị định 90/2020 as amended by 48/2023 — was "nd335_2025" for them
    reads, at = city
    assert card(reads, at, "2026", "Sở Tư pháp").appraisal_regime == "nd335_2025"
    assert card(reads, at, "2026", "Phường Long Bình").appraisal_regime == "nd90_2020_cadres_employees_2026"
    assert card(reads, at, "2026", "Trung tâm Công nghệ thông tin và Truyền thông").appraisal_regime == \
        "nd90_2020_cadres_employees_2026"
    dinh_quan = card(reads, at, "2026", "Xã Định Quán")  # disciplined in the year: still forced down
    assert dinh_quan.rating_ceiling == Rating.NOT_COMPLETED
    assert "48/2023" in dinh_quan.ceiling_reasons[0]


def test_the_time_barred_case_counts_to_the_civil_code_last_day(city) -> None:
    # Bộ luật Dân sự 2015 art. 147–148: the day of the violation is not counted, so the limitation of
    # the finance department's old case ends on 14/02/2025 (was shown as 13/02/2025); still −10
    reads, at = city
    [vinh] = [c for c in reads.scorecards("2025", at)
              if c.unit_name == "Sở Tài chính" and c.official_name == "Lê Quang Vinh"]
    barred = [line for line in vinh.lines if "hết thời hiệu" in line.reason]
    assert [(line.points, line.reason) for line in barred] == [
        (-10, "Vụ việc hết thời hiệu xử lý kỷ luật ngày 14/02/2025.")]
