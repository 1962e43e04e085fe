"""The assignment table (Phụ lục) of Kế hoạch số 83/KH-UBND ngày 10/6/2026, as the plan words it.

Each row: number, task, lead agencies, coordinating agencies, product/result, deadline. Rows whose lead
is every agency ("Các cơ quan, đơn vị, địa phương") become one task per unit that takes it on; the demo
assigns each row to the units named in `DEMO_LEADS` (codes of tracker.demo.UNITS).
"""

from __future__ import annotations

from dataclasses import dataclass

PLAN_REF = "83/KH-UBND"
EVERY_AGENCY = "Các cơ quan, đơn vị, địa phương"


@dataclass(frozen=True)
class PlanRow:
    row_no: str
    title: str
    lead: str
    coordinating: str
    expected_result: str
    deadline: str


ROWS: tuple[PlanRow, ...] = (
    PlanRow("1", "Xây dựng, ban hành kế hoạch của từng cơ quan, đơn vị, địa phương để triển khai Kế hoạch của UBND "
            "thành phố", "Các sở, ban, ngành, đơn vị sự nghiệp công lập thành phố, UBND các xã, phường", "",
            "Kế hoạch triển khai của từng cơ quan, đơn vị, địa phương", "Tháng 6 năm 2026"),
    PlanRow("2", "Rà soát, sửa đổi, bổ sung, ban hành hoặc trình cấp có thẩm quyền ban hành các văn bản quy phạm "
            "pháp luật có quy định còn chồng chéo, không còn phù hợp thực tiễn; rà soát cắt giảm, đơn giản hóa thủ "
            "tục hành chính trong quá trình ban hành văn bản quy phạm pháp luật", "Các sở, ban, ngành", "Sở Tư pháp",
            "Báo cáo Chủ tịch UBND thành phố danh mục văn bản cần sửa đổi; tham mưu ban hành văn bản sửa đổi, bổ "
            "sung, thay thế đảm bảo đúng quy định", "Thường xuyên"),
    PlanRow("3", "Thực hiện cắt giảm tối thiểu 15% số lượng văn bản hành chính do các cơ quan, đơn vị, địa phương "
            "ban hành so với năm trước", "Các sở, ban, ngành, đơn vị sự nghiệp công lập thành phố, UBND các xã, "
            "phường", "Văn phòng UBND thành phố, Sở Tư pháp",
            "Số lượng văn bản hành chính giảm ít nhất 15% mỗi năm; báo cáo kết quả về UBND thành phố (qua Văn "
            "phòng UBND thành phố)", "Hàng năm, bắt đầu từ năm 2026"),
    PlanRow("4", "Xây dựng Văn bản chỉ đạo của Chủ tịch UBND thành phố về tăng cường kỷ cương, chấn chỉnh lề lối "
            "làm việc", "Sở Nội vụ", EVERY_AGENCY, "Văn bản (Chỉ thị) của Chủ tịch UBND thành phố",
            "Sau khi Thủ tướng Chính phủ ban hành Chỉ thị (Quý III/2026)"),
    PlanRow("5", "Sửa đổi, bổ sung Quy chế làm việc của UBND thành phố phù hợp với chỉ đạo của Ban Bí thư tại Kết "
            "luận số 226-KL/TW và quy định của Chính phủ (nếu có)", "Văn phòng UBND thành phố",
            "Sở Tư pháp, các cơ quan, đơn vị, địa phương", "Quy chế làm việc của UBND thành phố", "Quý III/2026"),
    PlanRow("6", "Tăng cường thanh tra trách nhiệm người đứng đầu trong thực hiện lề lối làm việc mới",
            "Thanh tra thành phố", "Sở Nội vụ, các cơ quan, đơn vị, địa phương", "Kế hoạch thanh tra",
            "Thường xuyên"),
    PlanRow("7", "Thực hiện cắt giảm tối thiểu 10% số lượng hội nghị, cuộc họp toàn ngành, toàn tỉnh mỗi năm; đồng "
            "thời tăng tỷ lệ hội nghị trực tuyến đạt từ 60% trở lên trên tổng số hội nghị", EVERY_AGENCY,
            "Văn phòng UBND thành phố", "Số lượng hội nghị giảm ít nhất 10% mỗi năm; tỷ lệ hội nghị trực tuyến đạt "
            "từ 60% trở lên; báo cáo kết quả về UBND thành phố (Văn phòng UBND thành phố)",
            "Hàng năm, từ năm 2026"),
    PlanRow("8", "Nâng cấp, mở rộng hạ tầng công nghệ thông tin, hệ thống họp trực tuyến từ trung ương đến địa "
            "phương, bảo đảm kết nối thông suốt, an toàn, ổn định", "Sở Khoa học và Công nghệ",
            "Sở Tài chính, Văn phòng UBND thành phố, UBND các xã, phường",
            "Hệ thống hội nghị truyền hình trực tuyến được nâng cấp đồng bộ, khả năng phục vụ họp trực tuyến quy mô "
            "lớn được cải thiện", "2026-2027"),
    PlanRow("9", "Rà soát, hoàn thiện chức năng, nhiệm vụ, quyền hạn và quy chế làm việc, quy chế phối hợp của các "
            "cơ quan, đơn vị, địa phương; bãi bỏ các quy trình, thủ tục không còn phù hợp; bảo đảm nguyên tắc “một "
            "việc - một đầu mối, 6 rõ”", EVERY_AGENCY, "Sở Nội vụ",
            "Chức năng, nhiệm vụ và quy chế làm việc, quy chế phối hợp được điều chỉnh, hoàn thiện; báo cáo Chủ tịch "
            "UBND thành phố kết quả rà soát", "Quý III/2026"),
    PlanRow("10", "Đánh giá việc thực hiện phân cấp, phân quyền trong quản lý nhà nước; đề xuất hoàn thiện các quy "
            "định nhằm bảo đảm phân định rõ trách nhiệm, quyền hạn giữa các cấp", EVERY_AGENCY,
            "Sở Nội vụ, Sở Tư pháp", "Báo cáo đánh giá và kiến nghị UBND thành phố về hoàn thiện cơ chế phân cấp, "
            "phân quyền", "Quý III/2026"),
    PlanRow("11", "Tăng cường thanh tra, kiểm tra việc chấp hành kỷ luật, kỷ cương hành chính; phát hiện và xử lý "
            "nghiêm các trường hợp đùn đẩy, né tránh trách nhiệm hoặc can thiệp trái quy định vào công việc của cấp "
            "dưới", EVERY_AGENCY, "Thanh tra thành phố, Sở Nội vụ; các cơ quan, đơn vị, địa phương",
            "Kịp thời phát hiện và xử lý các vi phạm về kỷ luật hành chính; báo cáo Chủ tịch UBND thành phố kết quả "
            "thanh tra, kiểm tra", "Năm 2026 và các năm tiếp theo"),
    PlanRow("12", "Ban hành quy định hoặc kế hoạch của từng cơ quan, đơn vị về ứng dụng công nghệ thông tin và chuyển "
            "đổi số trong công tác quản lý, điều hành", EVERY_AGENCY, "Sở Khoa học và Công nghệ",
            "Quy định/kế hoạch chuyển đổi số của từng cơ quan, đơn vị được ban hành và triển khai", "Quý IV/2026"),
    PlanRow("13", "Thực hiện việc xử lý thủ tục hành chính trên môi trường số và số hóa văn bản đạt từ 95% trở lên",
            EVERY_AGENCY, "Sở Khoa học và Công nghệ; Sở Tư pháp",
            "Tỷ lệ hồ sơ thủ tục hành chính xử lý trực tuyến đạt từ 95% trở lên; 100% văn bản hành chính không mật "
            "gửi nhận điện tử; báo cáo kết quả định kỳ", "Đến cuối năm 2026"),
    PlanRow("14", "Chuẩn hóa chế độ báo cáo, thống nhất hệ thống biểu mẫu, chỉ tiêu báo cáo", EVERY_AGENCY,
            "Văn phòng UBND thành phố", "Ban hành hướng dẫn chế độ báo cáo thống nhất", "Năm 2026"),
    PlanRow("15", "Bồi dưỡng kỹ năng số và kỹ năng lãnh đạo, quản lý trong môi trường số cho đội ngũ cán bộ, công "
            "chức", "Sở Khoa học và Công nghệ", "Sở Nội vụ, Trường Chính trị",
            "Các chương trình tập huấn, bồi dưỡng được triển khai; phấn đấu 100% cán bộ, công chức, viên chức được "
            "đào tạo kỹ năng số", "Từ năm 2026 và các năm tiếp theo"),
    PlanRow("16", "Bổ sung tiêu chí về kết quả triển khai Kết luận 226-KL/TW vào quy định đánh giá, xếp loại người "
            "đứng đầu cơ quan, đơn vị và tiêu chí thi đua, khen thưởng hằng năm", EVERY_AGENCY, "Sở Nội vụ",
            "Văn bản hướng dẫn về đánh giá cán bộ và thi đua khen thưởng; nội dung thực hiện Kết luận 226-KL/TW "
            "được đưa vào tiêu chí đánh giá", "Năm 2026"),
    PlanRow("17", "Theo dõi, đôn đốc và định kỳ tổng hợp báo cáo Thủ tướng Chính phủ, Ban Bí thư về kết quả triển "
            "khai Kết luận 226-KL/TW (trọng tâm: giảm số lượng văn bản, giảm số cuộc họp, mức độ chuyển đổi số...)",
            "Sở Nội vụ", EVERY_AGENCY, "Báo cáo tình hình, kết quả thực hiện Kết luận 226-KL/TW định kỳ 6 tháng, "
            "hằng năm (trước ngày 20/6 và 20/12) gửi Thành ủy, UBND thành phố", "Định kỳ hằng năm"),
    PlanRow("18", "Tuyên truyền, phổ biến rộng rãi trên các phương tiện thông tin đại chúng về nội dung và kết quả "
            "triển khai Kết luận 226-KL/TW; biểu dương tập thể, cá nhân thực hiện tốt, phê bình những hạn chế",
            "Sở Văn hóa, Thể thao và Du lịch", "Ban Tuyên giáo và Dân vận Thành ủy; Báo và Phát thanh, Truyền hình "
            "Đồng Nai và các cơ quan, đơn vị có liên quan",
            "Nhiều tin bài, chuyên mục tuyên truyền được đăng phát; dư luận xã hội đồng thuận, ủng hộ việc chấn "
            "chỉnh lề lối làm việc, nâng cao hiệu quả hoạt động của hệ thống chính trị", "Thường xuyên từ năm 2026"),
)

BY_ROW = {row.row_no: row for row in ROWS}
