"""Reporting periods: a year (`2026`) or a half-year (`2026-H1`, `2026-H2`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from domain.errors import InvalidInput

_PERIOD = re.compile(r"^(\d{4})(?:-H([12]))?$")


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date
    code: str

    @classmethod
    def parse(cls, text: str, field: str = "period") -> Period:
        match = _PERIOD.match((text or "").strip().upper())
        if not match or not 2000 <= int(match.group(1)) <= 2100:
            raise InvalidInput(
                f"Kỳ báo cáo không hợp lệ: {text!r}; dùng dạng 2026, 2026-H1 hoặc 2026-H2.",
                field=field, value=text)
        year, half = int(match.group(1)), match.group(2)
        if half is None:
            return cls(date(year, 1, 1), date(year, 12, 31), str(year))
        if half == "1":
            return cls(date(year, 1, 1), date(year, 6, 30), f"{year}-H1")
        return cls(date(year, 7, 1), date(year, 12, 31), f"{year}-H2")

    @property
    def year(self) -> int:
        return self.start.year

    def contains(self, on: date) -> bool:
        return self.start <= on <= self.end

    def previous_year(self) -> Period:
        """The same span one year earlier (targets compare with the previous year)."""
        suffix = self.code[4:]
        return Period.parse(f"{self.year - 1}{suffix}")

    def __str__(self) -> str:
        return self.code
