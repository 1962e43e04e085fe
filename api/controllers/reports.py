"""The city's Conclusion 226 report for a period: JSON, an .xlsx workbook or a .docx report."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from litestar import Controller, Response, get
from litestar.datastructures import State
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import QueryParameter

from api.deps import read_at
from api.security import ANALYSTS, requires_role
from domain.periods import Period
from domain.reporting import parse_window
from projections.report_files import DOCX, XLSX, filename, report_docx, report_json, report_xlsx

Format = Literal["json", "xlsx", "docx"]
WINDOW_HELP = ("Thời gian chốt số liệu: nd09 (mặc định; Điều 12 Nghị định 09/2019/NĐ-CP: 6 tháng đầu năm từ 15/12 "
               "năm trước đến 14/6, năm từ 15/12 năm trước đến 14/12) hoặc calendar (kỳ dương lịch).")


class ReportController(Controller):
    path = "/api/v1/reports"
    tags = ["Báo cáo"]

    @get("/conclusion-226", operation_id="getConclusion226Report", guards=[requires_role(*ANALYSTS)],
         sync_to_thread=True,
         responses={200: ResponseSpec(data_container=dict[str, Any], generate_examples=False,
                                      description="format=json: các mục của báo cáo (bảng: cột, dòng, dòng tổng "
                                                  "toàn thành phố, nhận xét); xlsx/docx: tệp tải về.")})
    def conclusion_226(self, state: State, period: str, format: Format = "json",  # noqa: A002 - the contract's name
                       as_of_position: Annotated[int | None, QueryParameter(name="asOfPosition")] = None,
                       as_of_date: Annotated[date | None, QueryParameter(name="asOfDate")] = None,
                       window: Annotated[str, QueryParameter(enum=["nd09", "calendar"], description=WINDOW_HELP)]
                       = "nd09") -> Response[Any]:
        """Báo cáo kết quả thực hiện Kết luận 226-KL/TW của kỳ (2026-H1, 2026): theo đơn vị và toàn thành phố,
        kèm vị trí nhật ký, mã băm chuỗi, thời gian chốt số liệu và hạn gửi báo cáo."""
        code = Period.parse(period).code
        basis = parse_window(window)
        report = state.reads.city_report(code, read_at(state.reads, None, as_of_position, as_of_date), basis)
        if format == "json":
            return Response(report_json(report))
        body, media_type = (report_xlsx(report), XLSX) if format == "xlsx" else (report_docx(report), DOCX)
        return Response(body, media_type=media_type,
                        headers={"Content-Disposition": f'attachment; filename="{filename(report, format)}"'})
