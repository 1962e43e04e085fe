"""The Conclusion 226 report in the browser: read it for a period, download it as Excel or Word."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, get
from litestar.datastructures import State
from litestar.params import QueryParameter
from litestar.response import Template

from api.web.common import ANALYSTS, WebPages, page, signed_in
from domain.errors import InvalidInput
from domain.periods import Period
from domain.reporting import ND09, parse_window
from projections.report_files import DOCX, XLSX, filename, report_docx, report_xlsx, source_line


class ReportPages(WebPages):
    path = "/bao-cao"

    @get("/", sync_to_thread=True)
    def report(self, request: Request[Any, Any, Any], state: State,
               ky: Annotated[str | None, QueryParameter(name="ky")] = None,
               chot: Annotated[str | None, QueryParameter(name="chot-so-lieu")] = None) -> Template:
        """The report for a period, section by section, with its downloads; the data window is chosen
        (Điều 12 Nghị định 09/2019/NĐ-CP by default, or the calendar period)."""
        user = signed_in(request, ANALYSTS)
        at = state.reads.as_of()
        ky = ky or f"{at.today.year}-H1"
        try:
            period = Period.parse(ky, field="ky").code
        except InvalidInput as e:
            return page(request, "report.html", user, status=400, period=ky, window=chot or ND09, report=None,
                        error=e.message, window_error=None)
        try:
            window = parse_window(chot, field="chot-so-lieu")
        except InvalidInput as e:
            return page(request, "report.html", user, status=400, period=period, window=chot, report=None,
                        error=None, window_error=e.message)
        built = state.reads.city_report(period, at, window)
        return page(request, "report.html", user, period=built.period.code, window=window, report=built,
                    error=None, window_error=None, source=source_line(built))

    @get("/tai", sync_to_thread=True)
    def download(self, request: Request[Any, Any, Any], state: State, ky: Annotated[str, QueryParameter(name="ky")],
                 dinh_dang: Annotated[str, QueryParameter(name="dinh-dang")] = "xlsx",
                 chot: Annotated[str | None, QueryParameter(name="chot-so-lieu")] = None) -> Response[Any]:
        """The report as an .xlsx workbook or a .docx report."""
        signed_in(request, ANALYSTS)
        if dinh_dang not in ("xlsx", "docx"):
            raise InvalidInput("Định dạng tải về phải là xlsx hoặc docx.", field="dinh-dang", value=dinh_dang)
        code = Period.parse(ky, field="ky").code
        built = state.reads.city_report(code, state.reads.as_of(), parse_window(chot, field="chot-so-lieu"))
        body, media = (report_xlsx(built), XLSX) if dinh_dang == "xlsx" else (report_docx(built), DOCX)
        return Response(body, media_type=media,
                        headers={"Content-Disposition": f'attachment; filename="{filename(built, dinh_dang)}"'})
