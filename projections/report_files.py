"""The city report in its three formats: JSON (camelCase), an .xlsx workbook (a sheet a section) and a
.docx report laid out as an administrative report (heading block, numbered sections, tables)."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from projections.reports import CityReport, Section, period_words
from projections.tables import safe_text

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")
ISSUER = ("ỦY BAN NHÂN DÂN", "THÀNH PHỐ ĐỒNG NAI", "SỞ NỘI VỤ")


def filename(report: CityReport, extension: str) -> str:
    return f"bao-cao-ket-luan-226-{report.period.code}.{extension}"


def _vn(d: date) -> str:
    return d.strftime("%d/%m/%Y")


def source_line(report: CityReport) -> str:
    return (f"Số liệu tổng hợp từ nhật ký sự kiện đến vị trí {report.position}"
            + (f", mã băm chuỗi {report.chain_head}" if report.chain_head else "")
            + f"; tính đến ngày {_vn(report.evaluated_on)}; chính sách đánh giá {report.policy_version}.")


# -- JSON ---------------------------------------------------------------------------------------------

def report_json(report: CityReport) -> dict[str, Any]:
    return {
        "period": report.period.code, "title": report.title, "position": report.position,
        "chainHead": report.chain_head, "asOfDate": report.as_of_date.isoformat(),
        "evaluatedOn": report.evaluated_on.isoformat(), "policyVersion": report.policy_version,
        "deadlines": [{"code": d.code, "recipient": d.recipient, "dueOn": d.due_on.isoformat(), "text": d.text,
                       "basis": d.basis} for d in report.deadlines],
        "unitReportsDueOn": report.unit_deadline.isoformat(),
        "due": report.due, "notDueReason": report.not_due_reason,
        "window": {"code": report.window.code, "from": report.window.start.isoformat(),
                   "to": report.window.end.isoformat(), "basis": report.window.basis, "text": report.window.text},
        "notes": report.notes, "checkpoint": report.checkpoint,
        "sections": [{"key": s.key, "title": s.title, "columns": [{"key": c.key, "title": c.title}
                                                                   for c in s.columns],
                      "rows": s.rows, "total": s.total, "notes": s.notes} for s in report.sections],
    }


# -- the workbook -------------------------------------------------------------------------------------

BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="F2DCDB")


def report_xlsx(report: CityReport) -> bytes:
    book = Workbook()
    info = book.active
    info.title = "Thông tin chung"
    rows = [("Báo cáo", report.title), ("Kỳ báo cáo", report.period.code),
            ("Từ ngày", _vn(report.period.start)), ("Đến ngày", _vn(report.period.end)),
            ("Tính đến ngày", _vn(report.evaluated_on)), ("Vị trí nhật ký", report.position),
            ("Mã băm chuỗi", report.chain_head or ""), ("Chính sách đánh giá", report.policy_version),
            ("Chốt số liệu từ ngày", _vn(report.window.start)), ("Chốt số liệu đến ngày", _vn(report.window.end)),
            ("Căn cứ chốt số liệu", report.window.basis),
            *((("Hạn báo cáo của đơn vị", f"hạn cuối {_vn(report.unit_deadline)}"),) if report.due else ()),
            *((f"Hạn gửi ({d.basis})", d.text) for d in report.deadlines),
            *((f"Ghi chú {n}", note) for n, note in enumerate(report.notes, start=1)),
            *((("Điểm kiểm tra đã ký (nhật ký)", report.checkpoint),) if report.checkpoint else ())]
    for r, (key, value) in enumerate(rows, start=1):
        _put(info, r, 1, key).font = BOLD
        _put(info, r, 2, value)
    info.column_dimensions["A"].width, info.column_dimensions["B"].width = 34, 90
    for n, section in enumerate(report.sections, start=1):
        _sheet(book, f"{n}. {section.title}", section)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# What a spreadsheet reads as the start of a formula (or of a DDE call) when someone edits the cell
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _put(sheet: Any, row: int, column: int, value: Any) -> Any:
    """Every text cell is plain text: never a formula (a unit named "=HYPERLINK(…)" or "+1"), never a
    character the file cannot hold. Such text is stored as a string and marked "quoted" (Excel's leading
    apostrophe), so that editing the cell in Excel or LibreOffice does not turn it into a formula either."""
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        cell.value = safe_text(value)
        cell.data_type = "s"
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
    else:
        cell.value = value
    return cell


def _sheet(book: Workbook, name: str, section: Section) -> None:
    sheet = book.create_sheet(_sheet_name(name))
    _put(sheet, 1, 1, section.title).font = Font(bold=True, size=13)
    for c, column in enumerate(section.columns, start=1):
        cell = _put(sheet, 3, c, column.title)
        cell.font, cell.fill = BOLD, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        width = max([len(column.title) // 2 + 2, 10, *(min(60, len(str(r.get(column.key, ""))) + 2)
                                                       for r in section.rows)])
        sheet.column_dimensions[get_column_letter(c)].width = width
    r = 3
    for r, row in enumerate(section.rows, start=4):
        for c, column in enumerate(section.columns, start=1):
            _put(sheet, r, c, row.get(column.key))
    if section.total is not None:
        r += 1
        for c, column in enumerate(section.columns, start=1):
            _put(sheet, r, c, section.total.get(column.key)).font = BOLD
    sheet.freeze_panes = "B4"


def _sheet_name(name: str) -> str:
    """Excel allows 31 characters and none of []:*?/\\ in a sheet's name."""
    for bad in "[]:*?/\\":
        name = name.replace(bad, " ")
    return name if len(name) <= 31 else name[:30].rstrip() + "…"


# -- the Word report ----------------------------------------------------------------------------------

def report_docx(report: CityReport) -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.0))
    section.top_margin = section.bottom_margin = Cm(1.8)
    style = doc.styles["Normal"]
    style.font.name, style.font.size = "Times New Roman", Pt(13)
    heading = doc.styles["Heading 2"]
    heading.font.name, heading.font.size, heading.font.color.rgb = "Times New Roman", Pt(13), RGBColor(0, 0, 0)

    _heading_block(doc, report)
    _centered(doc, "BÁO CÁO", bold=True, size=14)
    _centered(doc, report.title.removeprefix("Báo cáo "), bold=True, size=13)
    _centered(doc, "Kính gửi: Ủy ban nhân dân thành phố", size=13)
    doc.add_paragraph(
        "Thực hiện Kết luận số 226-KL/TW của Ban Bí thư và Kế hoạch số 83/KH-UBND ngày 10/6/2026 của Ủy ban nhân "
        f"dân thành phố, Sở Nội vụ tổng hợp kết quả thực hiện {period_words(report.period)} "
        f"({_vn(report.period.start)} – {_vn(report.period.end)}) của các cơ quan, đơn vị, địa phương như sau:")
    served = (f"Báo cáo phục vụ hạn gửi: {'; '.join(d.text for d in report.deadlines)}." if report.deadlines
              else report.not_due_reason or "")
    doc.add_paragraph(f"{served} {source_line(report)}").runs[0].italic = True
    for note in report.notes:
        if note != report.not_due_reason:
            doc.add_paragraph(note).runs[0].italic = True
    if report.checkpoint:
        doc.add_paragraph("Điểm kiểm tra đã ký của nhật ký tại vị trí này (kiểm bằng khóa công khai của nhật ký, "
                          "GET /api/v1/audit/checkpoint-key):").runs[0].italic = True
        for line in report.checkpoint.splitlines():
            if line:
                doc.add_paragraph(line).runs[0].font.size = Pt(8)
    for n, part in enumerate(report.sections):
        doc.add_heading(f"{ROMAN[n]}. {part.title.upper()}", level=2)
        for note in part.notes:
            doc.add_paragraph(note, style="List Bullet")
        _table(doc, part)
    doc.add_heading(f"{ROMAN[len(report.sections)]}. KIẾN NGHỊ", level=2)
    doc.add_paragraph("Đề nghị Ủy ban nhân dân thành phố chỉ đạo các cơ quan, đơn vị, địa phương chưa báo cáo hoặc "
                      "chưa đạt chỉ tiêu khẩn trương khắc phục; xem xét trách nhiệm người đứng đầu theo kết quả đánh "
                      "giá tại mục V.")
    _signature(doc)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _no_borders(table: Any) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _cell_lines(cell: Any, lines: list[tuple[str, bool, bool]]) -> None:
    """Centered lines in a cell: (text, bold, italic)."""
    cell.paragraphs[0].text = ""
    for i, (text, bold, italic) in enumerate(lines):
        p = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = p.add_run(text)
        run.bold, run.italic, run.font.size = bold, italic, Pt(13)


def _heading_block(doc: Any, report: CityReport) -> None:
    """The issuing body and number on the left, the national motto and place-date on the right."""
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    left, right = table.rows[0].cells
    _cell_lines(left, [(ISSUER[0] + " " + ISSUER[1], False, False), (ISSUER[2], True, False),
                       ("Số:      /BC-SNV", False, False)])
    today = report.as_of_date
    _cell_lines(right, [("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", True, False),
                        ("Độc lập - Tự do - Hạnh phúc", True, False),
                        (f"Đồng Nai, ngày {today.day:02d} tháng {today.month:02d} năm {today.year}", False, True)])


def _centered(doc: Any, text: str, *, bold: bool = False, size: int = 13) -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run(text)
    run.bold, run.font.size = bold, Pt(size)


def _table(doc: Any, section: Section) -> None:
    rows = section.rows + ([section.total] if section.total is not None else [])
    table = doc.add_table(rows=1 + len(rows), cols=1 + len(section.columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    header = ["TT", *(c.title for c in section.columns)]
    for c, text in enumerate(header):
        _cell(table.cell(0, c), text, bold=True)
    repeat = OxmlElement("w:tblHeader")  # the header row repeats on every page the table spans
    repeat.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(repeat)
    for r, row in enumerate(rows, start=1):
        is_total = section.total is not None and r == len(rows)
        _cell(table.cell(r, 0), "" if is_total else str(r), bold=is_total)
        for c, column in enumerate(section.columns, start=1):
            value = row.get(column.key, "")
            _cell(table.cell(r, c), "" if value is None else (f"{value:g}" if isinstance(value, float) else str(value)),
                  bold=is_total)
    if not rows:
        doc.add_paragraph("Không có.")


def _cell(cell: Any, text: str, *, bold: bool = False) -> None:
    cell.text = ""
    run = cell.paragraphs[0].add_run(safe_text(text))
    run.bold, run.font.size = bold, Pt(9)


def _signature(doc: Any) -> None:
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    left, right = table.rows[0].cells
    left.paragraphs[0].text = ""
    run = left.paragraphs[0].add_run("Nơi nhận:")
    run.bold, run.italic = True, True
    for line in ("- Ủy ban nhân dân thành phố;", "- Bộ Nội vụ (để báo cáo);", "- Thường trực Thành ủy;",
                 "- Văn phòng UBND thành phố;", "- Lưu: VT, CCVC."):
        left.add_paragraph(line).runs[0].font.size = Pt(11)
    _cell_lines(right, [("GIÁM ĐỐC", True, False), ("", False, False), ("", False, False), ("", False, False)])
