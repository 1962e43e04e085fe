"""Heads of units for Sở Nội vụ: the ranking for a period, scorecards whose lines lead to their events,
accountability decisions, and the charts."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get
from litestar.datastructures import State
from litestar.params import QueryParameter
from litestar.response import Template

from api.web.common import ANALYSTS, WebPages, page, signed_in
from domain.enums import RATING_ABBREVIATIONS
from domain.errors import InvalidInput
from domain.periods import Period


class RankingPages(WebPages):
    path = "/xep-hang"

    @get("/", sync_to_thread=True)
    def ranking(self, request: Request[Any, Any, Any], state: State,
                ky: Annotated[str, QueryParameter(name="ky")] = "2026-H1") -> Template:
        user = signed_in(request, ANALYSTS)
        error = None
        try:
            period = Period.parse(ky, field="ky")
            cards, quota = state.reads.ranking(period.code, state.reads.as_of())
        except InvalidInput as e:
            cards, quota, error = [], None, e.message
        return page(request, "ranking.html", user, period=ky, cards=cards, quota=quota, error=error,
                    abbreviations=RATING_ABBREVIATIONS)
