"""Plausible Vietnamese names for the demo: people, companies, banks, courts, judgments.

Everything is drawn from a ``random.Random`` the caller passes in, so the same seed gives the
same names. The pools are small on purpose: they only have to look right on a screen.
"""

from __future__ import annotations

import random
import unicodedata

# Family names weighted roughly by their share of the population.
SURNAMES = (
    ("Nguyễn", 38), ("Trần", 11), ("Lê", 9), ("Phạm", 7), ("Hoàng", 5), ("Phan", 4),
    ("Vũ", 4), ("Đặng", 2), ("Bùi", 2), ("Đỗ", 2), ("Ngô", 1), ("Dương", 1), ("Đào", 1),
    ("Đinh", 1), ("Trịnh", 1), ("Lưu", 1), ("Tạ", 1), ("Khổng", 1), ("Kim", 1), ("Hà", 1),
)
MIDDLE = {
    "m": ("Văn", "Văn", "Văn", "Đức", "Minh", "Quang", "Hữu", "Công", "Xuân", "Đình", "Mạnh",
          "Tiến", "Thanh", "Ngọc"),
    "f": ("Thị", "Thị", "Thị", "Thu", "Ngọc", "Thanh", "Hồng", "Minh", "Phương", "Thùy", "Kim",
          "Bích"),
}
GIVEN = {
    "m": ("Hùng", "Dũng", "Tuấn", "Nam", "Long", "Hải", "Sơn", "Thắng", "Cường", "Trung", "Hiếu",
          "Phong", "Quân", "Thành", "Đạt", "Huy", "Khánh", "Tùng", "Bình", "Toàn", "Vinh", "Hòa"),
    "f": ("Lan", "Hương", "Mai", "Hoa", "Hạnh", "Nga", "Thảo", "Trang", "Linh", "Yến", "Hằng",
          "Nhung", "Huyền", "Loan", "Dung", "Oanh", "Vân", "Thủy", "Hà", "Liên"),
}

COMPANY_FORMS = ("Công ty TNHH", "Công ty TNHH", "Công ty cổ phần", "Công ty TNHH một thành viên",
                 "Doanh nghiệp tư nhân", "Hợp tác xã")
COMPANY_TRADES = ("Thương mại", "Xây dựng", "Thương mại và Dịch vụ", "Đầu tư và Xây dựng",
                  "Vận tải", "Sản xuất và Thương mại", "Cơ khí", "Vật liệu xây dựng", "Nông sản",
                  "Đầu tư Phát triển", "May mặc", "Gỗ nội thất")
COMPANY_BRANDS = ("Hoàng Long", "Phúc Thịnh", "Minh Phát", "Đại Lộc", "Hưng Thịnh", "An Khang",
                  "Thành Công", "Tân Phú", "Vĩnh Hưng", "Hoàng Gia", "Đức Anh", "Trường Sơn",
                  "Bảo Minh", "Phú Cường", "Nam Việt", "Hải Đăng", "Kim Ngân", "Thiên Phú",
                  "Tam Đảo", "Sông Hồng", "Phúc An", "Việt Hàn")

# (full name, short name, weight): Agribank lends most in the countryside.
BANKS = (
    ("Ngân hàng Nông nghiệp và Phát triển Nông thôn Việt Nam", "Agribank", 6),
    ("Ngân hàng TMCP Đầu tư và Phát triển Việt Nam", "BIDV", 3),
    ("Ngân hàng TMCP Công thương Việt Nam", "VietinBank", 3),
    ("Ngân hàng TMCP Ngoại thương Việt Nam", "Vietcombank", 2),
    ("Ngân hàng TMCP Việt Nam Thịnh Vượng", "VPBank", 2),
    ("Ngân hàng TMCP Kỹ thương Việt Nam", "Techcombank", 1),
    ("Ngân hàng TMCP Quân đội", "MB", 1),
    ("Ngân hàng TMCP Sài Gòn Thương Tín", "Sacombank", 1),
    ("Ngân hàng TMCP Hàng Hải Việt Nam", "MSB", 1),
    ("Ngân hàng Chính sách xã hội", "NHCSXH", 1),
)

STATE_CREDITOR = "Ngân sách Nhà nước"

# Judgment kind -> the letters in a judgment number (25/2019/HS-ST).
JUDGMENT_CODES = {
    "criminal": "HS", "civil": "DS", "business": "KDTM", "labour": "LĐ", "family": "HNGĐ",
    "administrative": "HC",
}

VILLAGES = ("thôn Đông", "thôn Đoài", "thôn Nam", "thôn Bắc", "thôn Trung", "thôn Hậu",
            "thôn Tiền", "thôn Thượng", "thôn Hạ", "tổ dân phố số 3", "tổ dân phố số 7")
STREETS = ("Nguyễn Tất Thành", "Mê Linh", "Hùng Vương", "Trần Phú", "Lý Thường Kiệt",
           "Nguyễn Trãi", "Hai Bà Trưng", "Lê Lợi", "Ngô Quyền", "Kim Ngọc", "Tôn Đức Thắng")
CAR_MAKES = ("Toyota Vios", "Hyundai Grand i10", "Kia Morning", "Ford Ranger", "Mazda 3",
             "Hyundai Porter", "Thaco Ollin", "Isuzu QKR")
MACHINES = ("Máy xúc đào bánh xích Komatsu PC200", "Dây chuyền sản xuất gạch không nung",
            "Máy ép cọc thủy lực", "Hệ thống máy may công nghiệp (24 máy)",
            "Lô hàng gỗ thành phẩm", "Máy phát điện Cummins 250 kVA")


def person(rng: random.Random) -> str:
    """A full name: họ + tên đệm + tên, of either sex."""
    sex = rng.choice("mf")
    surname = rng.choices([s for s, _ in SURNAMES], weights=[w for _, w in SURNAMES])[0]
    return f"{surname} {rng.choice(MIDDLE[sex])} {rng.choice(GIVEN[sex])}"


def company(rng: random.Random) -> str:
    return f"{rng.choice(COMPANY_FORMS)} {rng.choice(COMPANY_TRADES)} {rng.choice(COMPANY_BRANDS)}"


def bank(rng: random.Random, place: str) -> str:
    """A credit institution's branch in ``place`` (e.g. "tỉnh Vĩnh Phúc")."""
    full, short, _ = rng.choices(BANKS, weights=[w for *_, w in BANKS])[0]
    return f"{full} ({short}) - Chi nhánh {place}"


def area(agency_name: str) -> str:
    """"Chi cục Thi hành án dân sự huyện Lập Thạch" -> "huyện Lập Thạch"; likewise for a Cục."""
    for prefix in ("Chi cục Thi hành án dân sự ", "Cục Thi hành án dân sự "):
        if agency_name.startswith(prefix):
            return agency_name[len(prefix):]
    return agency_name


def place_name(agency_name: str) -> str:
    """The bare place name: "huyện Lập Thạch" -> "Lập Thạch"."""
    words = area(agency_name)
    for kind in ("thành phố ", "Thành phố ", "huyện ", "thị xã ", "tỉnh "):
        if words.startswith(kind):
            return words[len(kind):]
    return words


def slug(text: str) -> str:
    """ASCII, lowercase, no spaces: "Vĩnh Yên" -> "vinhyen"."""
    text = text.replace("đ", "d").replace("Đ", "D")
    bare = unicodedata.normalize("NFD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in bare.lower() if ch.isalnum())


def court(agency_name: str) -> str:
    """The people's court of the agency's area: "Tòa án nhân dân thành phố Vĩnh Yên"."""
    return f"Tòa án nhân dân {area(agency_name)}"


def high_court(province_code: str) -> str:
    """The high court (TAND cấp cao) hearing appeals from a pre-2025 province."""
    number = int(province_code[1:])
    seat = "Hà Nội" if number <= 45 else "Đà Nẵng" if number <= 66 else "Thành phố Hồ Chí Minh"
    return f"Tòa án nhân dân cấp cao tại {seat}"


def judgment_number(rng: random.Random, kind: str, year: int, *, appeal: bool) -> str:
    """"25/2019/HS-ST"; civil matters settled by agreement get a decision "12/2019/QĐST-DS"."""
    code = JUDGMENT_CODES.get(kind, "DS")
    n = rng.randint(1, 60 if appeal else 320)
    if not appeal and kind in ("civil", "family", "business") and rng.random() < 0.25:
        return f"{n:02d}/{year}/QĐST-{code}"
    return f"{n:02d}/{year}/{code}-{'PT' if appeal else 'ST'}"


def address(rng: random.Random, agency_name: str) -> str:
    place = area(agency_name)
    if rng.random() < 0.5:
        return f"số {rng.randint(2, 280)} đường {rng.choice(STREETS)}, {place}"
    return f"{rng.choice(VILLAGES)}, {place}"


def asset_description(rng: random.Random, kind: str, agency_name: str, plate: str) -> str:
    if kind == "land":
        return (f"Quyền sử dụng đất thửa số {rng.randint(12, 980)}, tờ bản đồ số "
                f"{rng.randint(1, 45)}, diện tích {rng.randint(80, 900)} m² tại "
                f"{address(rng, agency_name)}")
    if kind == "house":
        return f"Nhà ở {rng.randint(1, 5)} tầng và quyền sử dụng đất tại {address(rng, agency_name)}"
    if kind == "vehicle":
        make = rng.choice(CAR_MAKES)
        if not plate:
            return f"Xe ô tô {make}"
        number = f"{plate}{rng.choice('ABCDH')}-{rng.randint(100, 999)}.{rng.randint(10, 99)}"
        return f"Xe ô tô {make} biển kiểm soát {number}"
    if kind == "deposit":
        return f"Tài khoản tiền gửi tại {rng.choice(BANKS)[0]}"
    return rng.choice(MACHINES)
