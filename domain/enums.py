"""Enumerations of the glossary (DESIGN §1): snake_case codes, Vietnamese labels."""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

from domain.errors import InvalidInput


class UnitKind(StrEnum):
    DEPARTMENT = "department"
    COMMUNE = "commune"
    PUBLIC_SERVICE_UNIT = "public_service_unit"


class OfficialCategory(StrEnum):
    CADRE = "cadre"
    CIVIL_SERVANT = "civil_servant"
    PUBLIC_EMPLOYEE = "public_employee"


class InspectionKind(StrEnum):
    PLANNED = "planned"
    SURPRISE = "surprise"
    DUTY_CHECK = "duty_check"


class Severity(StrEnum):
    LESS_SERIOUS = "less_serious"
    SERIOUS = "serious"
    VERY_SERIOUS = "very_serious"


class FindingCategory(StrEnum):
    HARASSMENT = "harassment"
    SHIRKING = "shirking"
    LATE_HANDLING = "late_handling"
    MEETING_RULES = "meeting_rules"
    DOCUMENT_RULES = "document_rules"
    PROCEDURE_RULES = "procedure_rules"
    CORRUPTION_WASTE = "corruption_waste"
    OTHER = "other"


class Nature(StrEnum):
    SELF_INTEREST = "self_interest"
    INNOVATION_RISK = "innovation_risk"
    NEGLIGENCE = "negligence"


class DisciplineForm(StrEnum):
    REPRIMAND = "reprimand"
    WARNING = "warning"
    SALARY_STEP_DOWN = "salary_step_down"
    DEMOTION = "demotion"
    REMOVAL_FROM_POST = "removal_from_post"
    DISMISSAL = "dismissal"
    RECALL = "recall"
    # Xóa tư cách chức vụ đã đảm nhiệm: for officials disciplined after they retired or left.
    REMOVAL_OF_TITLE = "removal_of_title"


class NoLimitationGround(StrEnum):
    """Violations to which no limitation period applies."""

    NATIONAL_SECURITY = "national_security"
    INTERNAL_POLITICAL_SECURITY = "internal_political_security"
    FALSE_CREDENTIALS = "false_credentials"
    PARTY_EXPULSION = "party_expulsion"


class ExemptionGround(StrEnum):
    INNOVATION_RISK = "innovation_risk"
    SUPERIOR_ORDER = "superior_order"
    LOSS_OF_CAPACITY = "loss_of_capacity"
    FORCE_MAJEURE = "force_majeure"


class DeferralReason(StrEnum):
    ILLNESS = "illness"
    ANNUAL_LEAVE = "annual_leave"
    PERMITTED_LEAVE = "permitted_leave"
    PREGNANCY = "pregnancy"
    MATERNITY = "maternity"
    CHILD_UNDER_12_MONTHS = "child_under_12_months"
    PROSECUTION = "prosecution"


class CaseState(StrEnum):
    OPEN = "open"
    DEFERRED = "deferred"
    DECIDED = "decided"
    EXEMPTED = "exempted"
    TIME_BARRED = "time_barred"
    WITHDRAWN = "withdrawn"


class Responsibility(StrEnum):
    PERSONAL = "personal"
    JOINT = "joint"


class Outcome(StrEnum):
    COMMENDATION = "commendation"
    REMINDER = "reminder"
    CRITICISM = "criticism"
    LESSONS_REVIEW = "lessons_review"


class Rating(StrEnum):
    EXCELLENT = "excellent"
    GOOD = "good"
    COMPLETED = "completed"
    NOT_COMPLETED = "not_completed"


class EmulationTitle(StrEnum):
    ADVANCED_WORKER = "advanced_worker"
    EMULATION_FIGHTER = "emulation_fighter"


class ConferenceType(StrEnum):
    INDOCTRINATION = "indoctrination"
    PROFESSIONAL = "professional"
    IMPORTANT = "important"


LABELS_VI: dict[StrEnum, str] = {
    UnitKind.DEPARTMENT: "Sở, ban, ngành",
    UnitKind.COMMUNE: "UBND xã, phường",
    UnitKind.PUBLIC_SERVICE_UNIT: "Đơn vị sự nghiệp công lập",
    OfficialCategory.CADRE: "Cán bộ",
    OfficialCategory.CIVIL_SERVANT: "Công chức",
    OfficialCategory.PUBLIC_EMPLOYEE: "Viên chức",
    InspectionKind.PLANNED: "Thanh tra theo kế hoạch",
    InspectionKind.SURPRISE: "Thanh tra đột xuất",
    InspectionKind.DUTY_CHECK: "Kiểm tra công vụ",
    Severity.LESS_SERIOUS: "Ít nghiêm trọng",
    Severity.SERIOUS: "Nghiêm trọng",
    Severity.VERY_SERIOUS: "Rất nghiêm trọng",
    FindingCategory.HARASSMENT: "Nhũng nhiễu",
    FindingCategory.SHIRKING: "Đùn đẩy, né tránh",
    FindingCategory.LATE_HANDLING: "Chậm giải quyết",
    FindingCategory.MEETING_RULES: "Vi phạm chế độ hội họp",
    FindingCategory.DOCUMENT_RULES: "Vi phạm quy định văn bản",
    FindingCategory.PROCEDURE_RULES: "Vi phạm thủ tục hành chính",
    FindingCategory.CORRUPTION_WASTE: "Tham nhũng, lãng phí",
    FindingCategory.OTHER: "Khác",
    Nature.SELF_INTEREST: "Vụ lợi",
    Nature.INNOVATION_RISK: "Rủi ro đổi mới, sáng tạo",
    Nature.NEGLIGENCE: "Thiếu trách nhiệm",
    DisciplineForm.REPRIMAND: "Khiển trách",
    DisciplineForm.WARNING: "Cảnh cáo",
    DisciplineForm.SALARY_STEP_DOWN: "Hạ bậc lương",
    DisciplineForm.DEMOTION: "Giáng chức",
    DisciplineForm.REMOVAL_FROM_POST: "Cách chức",
    DisciplineForm.DISMISSAL: "Buộc thôi việc",
    DisciplineForm.RECALL: "Bãi nhiệm",
    DisciplineForm.REMOVAL_OF_TITLE: "Xóa tư cách chức vụ đã đảm nhiệm",
    NoLimitationGround.NATIONAL_SECURITY: "Xâm hại lợi ích quốc gia trong lĩnh vực quốc phòng, an ninh, "
                                          "đối ngoại",
    NoLimitationGround.INTERNAL_POLITICAL_SECURITY: "Vi phạm về công tác bảo vệ chính trị nội bộ",
    NoLimitationGround.FALSE_CREDENTIALS: "Sử dụng văn bằng, chứng chỉ, giấy chứng nhận, xác nhận giả "
                                          "hoặc không hợp pháp",
    NoLimitationGround.PARTY_EXPULSION: "Đảng viên vi phạm đến mức phải xử lý kỷ luật bằng hình thức "
                                        "khai trừ",
    ExemptionGround.INNOVATION_RISK: "Rủi ro khi thực hiện đổi mới, sáng tạo (Nghị định 73/2023)",
    ExemptionGround.SUPERIOR_ORDER: "Chấp hành quyết định của cấp trên",
    ExemptionGround.LOSS_OF_CAPACITY: "Mất năng lực hành vi dân sự",
    ExemptionGround.FORCE_MAJEURE: "Sự kiện bất khả kháng",
    DeferralReason.ILLNESS: "Ốm đau, điều trị nội trú",
    DeferralReason.ANNUAL_LEAVE: "Nghỉ hằng năm",
    DeferralReason.PERMITTED_LEAVE: "Nghỉ theo chế độ, nghỉ việc riêng được cho phép",
    DeferralReason.PREGNANCY: "Đang mang thai",
    DeferralReason.MATERNITY: "Nghỉ thai sản",
    DeferralReason.CHILD_UNDER_12_MONTHS: "Nuôi con dưới 12 tháng tuổi",
    DeferralReason.PROSECUTION: "Bị tạm giữ, tạm giam, khởi tố",
    CaseState.OPEN: "Đang xử lý",
    CaseState.DEFERRED: "Tạm hoãn",
    CaseState.DECIDED: "Đã quyết định kỷ luật",
    CaseState.EXEMPTED: "Miễn kỷ luật",
    CaseState.TIME_BARRED: "Hết thời hiệu",
    CaseState.WITHDRAWN: "Đã rút",
    Responsibility.PERSONAL: "Trách nhiệm cá nhân",
    Responsibility.JOINT: "Trách nhiệm liên đới",
    Outcome.COMMENDATION: "Biểu dương",
    Outcome.REMINDER: "Nhắc nhở",
    Outcome.CRITICISM: "Phê bình",
    Outcome.LESSONS_REVIEW: "Kiểm điểm rút kinh nghiệm",
    Rating.EXCELLENT: "Hoàn thành xuất sắc nhiệm vụ",
    Rating.GOOD: "Hoàn thành tốt nhiệm vụ",
    Rating.COMPLETED: "Hoàn thành nhiệm vụ",
    Rating.NOT_COMPLETED: "Không hoàn thành nhiệm vụ",
    EmulationTitle.ADVANCED_WORKER: "Lao động tiên tiến",
    EmulationTitle.EMULATION_FIGHTER: "Chiến sĩ thi đua cơ sở",
    ConferenceType.INDOCTRINATION: "Hội nghị quán triệt",
    ConferenceType.PROFESSIONAL: "Hội nghị chuyên môn",
    ConferenceType.IMPORTANT: "Hội nghị quan trọng",
}

RATING_ABBREVIATIONS = {Rating.EXCELLENT: "HTXSNV", Rating.GOOD: "HTTNV", Rating.COMPLETED: "HTNV",
                        Rating.NOT_COMPLETED: "KHTNV"}

E = TypeVar("E", bound=StrEnum)


def parse_enum(enum_cls: type[E], value: object, field: str) -> E:
    """Coerce a raw value into the enum, or raise InvalidInput naming the field and the choices."""
    try:
        return enum_cls(value)
    except ValueError:
        choices = ", ".join(m.value for m in enum_cls)
        raise InvalidInput(
            f"Giá trị {value!r} không hợp lệ cho trường '{field}'; chọn một trong: {choices}.",
            field=field, value=value,
        ) from None


def label(value: StrEnum) -> str:
    """The Vietnamese label of an enum member."""
    return LABELS_VI.get(value, str(value))
