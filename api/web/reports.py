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
from tracker.report_files import DOCX, XLSX, filename, report_docx, report_xlsx, source_line


class ReportPages(WebPages):
    path = "/bao-cao"

    @get("/", sync_to_thread=True)
    def report(self, request: Request[Any, Any, Any], state: State,
               ky: Annotated[str | None, QueryParameter(name="ky")] = None) -> Template:
        """The report for a period, section by section, with its downloads."""
        user = signed_in(request, ANALYSTS)
        at = state.reads.as_of()
        ky = ky or f"{at.today.year}-H1"
        try:
            built = state.reads.city_report(Period.parse(ky, field="ky").code, at)
        except InvalidInput as e:
            return page(request, "report.html", user, status=400, period=ky, report=None, error=e.message)
        return page(request, "report.html", user, period=built.period.code, report=built, error=None,
                    source=source_line(built))

    @get("/tai", sync_to_thread=True)
    def download(self, request: Request[Any, Any, Any], state: State, ky: Annotated[str, QueryParameter(name="ky")],
                 dinh_dang: Annotated[str, QueryParameter(name="dinh-dang")] = "xlsx") -> Response[Any]:
        """The report as an .xlsx workbook or a .docx report."""
        signed_in(request, ANALYSTS)
        if dinh_dang not in ("xlsx", "docx"):
            raise InvalidInput("Định dạng tải về phải là xlsx hoặc docx.", field="dinh-dang", value=dinh_dang)
        built = state.reads.city_report(Period.parse(ky, field="ky").code, state.reads.as_of())
        body, media = (report_xlsx(built), XLSX) if dinh_dang == "xlsx" else (report_docx(built), DOCX)
        return Response(body, media_type=media,
                        headers={"Content-Disposition": f'attachment; filename="{filename(built, dinh_dang)}"'})
