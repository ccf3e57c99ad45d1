"""Legal grounds a hold or a closing may cite (Law on Civil Judgment Enforcement 2008,
amended 2014, Articles 48–51). A reason is either one of these codes or free text."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Ground:
    code: str
    article: str
    vi: str
    en: str


POSTPONEMENT = (
    Ground("hoan.48.1.a", "48.1.a", "Người phải thi hành án bị ốm nặng hoặc mất năng lực hành vi dân sự",
           "Debtor seriously ill or lacking legal capacity"),
    Ground("hoan.48.1.b", "48.1.b", "Chưa xác định được địa chỉ của người phải thi hành án",
           "Debtor's address not yet known"),
    Ground("hoan.48.1.c", "48.1.c", "Đương sự đồng ý hoãn thi hành án", "The parties agree to postpone"),
    Ground("hoan.48.1.d", "48.1.d", "Tài sản để thi hành án đang được Tòa án giải quyết",
           "The asset is before a court"),
    Ground("hoan.48.1.dd", "48.1.đ", "Đang trong thời hạn giải thích bản án, quyết định",
           "Awaiting an interpretation of the judgment"),
    Ground("hoan.48.1.h", "48.1.h", "Tài sản kê biên không bán được, người được thi hành án không nhận",
           "Seized asset unsold and not taken by the creditor"),
    Ground("hoan.48.2", "48.2", "Người có thẩm quyền kháng nghị yêu cầu hoãn",
           "Postponement requested by an official who may appeal"),
)

SUSPENSION = (
    Ground("tdc.49.1", "49.1", "Có quyết định tạm đình chỉ của người có thẩm quyền kháng nghị",
           "Suspended pending a cassation or reopening appeal"),
    Ground("tdc.49.2", "49.2", "Tòa án thụ lý đơn yêu cầu mở thủ tục phá sản",
           "A court accepted a bankruptcy petition against the debtor"),
)

TERMINATION = (
    Ground("dc.50.1.a", "50.1.a", "Người phải thi hành án chết không để lại di sản",
           "Debtor died leaving no estate"),
    Ground("dc.50.1.b", "50.1.b", "Người được thi hành án chết, quyền lợi không được thừa kế",
           "Creditor died and the rights are not inherited"),
    Ground("dc.50.1.c", "50.1.c", "Đương sự thỏa thuận hoặc người được thi hành án không yêu cầu tiếp tục",
           "The parties agreed, or the creditor withdrew"),
    Ground("dc.50.1.d", "50.1.d", "Bản án, quyết định bị hủy", "The judgment was annulled"),
    Ground("dc.50.1.dd", "50.1.đ", "Tổ chức phải thi hành án đã giải thể, không còn tài sản",
           "The debtor organisation was dissolved with no assets"),
    Ground("dc.50.1.e", "50.1.e", "Có quyết định miễn, giảm nghĩa vụ thi hành án",
           "The obligation was waived or reduced"),
    Ground("dc.50.1.g", "50.1.g", "Tòa án mở thủ tục phá sản đối với người phải thi hành án",
           "Bankruptcy proceedings opened against the debtor"),
)

RETURN = (
    Ground("td.51.1.a", "51.1.a", "Người phải thi hành án không có thu nhập, tài sản để thi hành án",
           "Debtor has no income or assets to execute against"),
    Ground("td.51.1.c", "51.1.c", "Người được thi hành án yêu cầu trả đơn",
           "The creditor asked for the request to be returned"),
)

ALL = {g.code: g for g in POSTPONEMENT + SUSPENSION + TERMINATION + RETURN}


def describe(reason: str) -> str:
    """The Vietnamese text of a ground code, or the free-text reason itself."""
    ground = ALL.get(reason)
    return ground.vi if ground else reason
