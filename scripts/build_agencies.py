# NOTE: the per-province counts of the 355 regional offices (2025-07-01 on) are ILLUSTRATIVE:
# the real distribution is not available offline, so they are apportioned by number of wards.
"""Generate domain/data/agencies.csv, the agency directory (SPEC §2).

Run from the repository root: ``.venv/bin/python scripts/build_agencies.py``.
The package never imports this script; it reads the CSV it writes.

- ``VN``: the national department.
- 2020-era structure (to 2025-06-30): 63 province departments ``C<GSO>`` and Vĩnh Phúc's 9
  district sub-departments ``CC<GSO district>``.
- Current structure (from 2025-07-01): the 34 provinces of ``vietnam_provinces``, ``T<code>``,
  and 355 regional offices ``T<code>-KV<NN>``, at least 2 per province, otherwise apportioned in
  proportion to the province's wards/communes (largest remainders, ties broken by code).
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

from vietnam_provinces import Province, VietNamDivisionType, Ward

OUT = Path(__file__).resolve().parent.parent / "domain" / "data" / "agencies.csv"
COLUMNS = ["code", "name", "parent", "level", "valid_from", "valid_to"]

NATIONAL_FROM = "2008-07-01"
OLD_FROM, OLD_TO = "2008-08-01", "2025-06-30"
NEW_FROM = "2025-07-01"
REGIONAL_OFFICES = 355
MIN_OFFICES = 2

# GSO codes and names of the 63 provinces before 1 July 2025; True = centrally-run city.
# fmt: off
OLD_PROVINCES: list[tuple[str, str, bool]] = [
    ("01", "Hà Nội", True), ("02", "Hà Giang", False), ("04", "Cao Bằng", False),
    ("06", "Bắc Kạn", False), ("08", "Tuyên Quang", False), ("10", "Lào Cai", False),
    ("11", "Điện Biên", False), ("12", "Lai Châu", False), ("14", "Sơn La", False),
    ("15", "Yên Bái", False), ("17", "Hòa Bình", False), ("19", "Thái Nguyên", False),
    ("20", "Lạng Sơn", False), ("22", "Quảng Ninh", False), ("24", "Bắc Giang", False),
    ("25", "Phú Thọ", False), ("26", "Vĩnh Phúc", False), ("27", "Bắc Ninh", False),
    ("30", "Hải Dương", False), ("31", "Hải Phòng", True), ("33", "Hưng Yên", False),
    ("34", "Thái Bình", False), ("35", "Hà Nam", False), ("36", "Nam Định", False),
    ("37", "Ninh Bình", False), ("38", "Thanh Hóa", False), ("40", "Nghệ An", False),
    ("42", "Hà Tĩnh", False), ("44", "Quảng Bình", False), ("45", "Quảng Trị", False),
    ("46", "Thừa Thiên Huế", False), ("48", "Đà Nẵng", True), ("49", "Quảng Nam", False),
    ("51", "Quảng Ngãi", False), ("52", "Bình Định", False), ("54", "Phú Yên", False),
    ("56", "Khánh Hòa", False), ("58", "Ninh Thuận", False), ("60", "Bình Thuận", False),
    ("62", "Kon Tum", False), ("64", "Gia Lai", False), ("66", "Đắk Lắk", False),
    ("67", "Đắk Nông", False), ("68", "Lâm Đồng", False), ("70", "Bình Phước", False),
    ("72", "Tây Ninh", False), ("74", "Bình Dương", False), ("75", "Đồng Nai", False),
    ("77", "Bà Rịa - Vũng Tàu", False), ("79", "Hồ Chí Minh", True), ("80", "Long An", False),
    ("82", "Tiền Giang", False), ("83", "Bến Tre", False), ("84", "Trà Vinh", False),
    ("86", "Vĩnh Long", False), ("87", "Đồng Tháp", False), ("89", "An Giang", False),
    ("91", "Kiên Giang", False), ("92", "Cần Thơ", True), ("93", "Hậu Giang", False),
    ("94", "Sóc Trăng", False), ("95", "Bạc Liêu", False), ("96", "Cà Mau", False),
]
# fmt: on

# Vĩnh Phúc's districts (GSO code, kind, name, valid_from). Sông Lô was split from Lập Thạch by
# Decree 09/NĐ-CP of 23 Dec 2008; 2009-01-01 is an approximation of its sub-department's start.
# fmt: off
VINH_PHUC_DISTRICTS: list[tuple[str, str, str, str]] = [
    ("243", "thành phố", "Vĩnh Yên", OLD_FROM), ("244", "thành phố", "Phúc Yên", OLD_FROM),
    ("246", "huyện", "Lập Thạch", OLD_FROM), ("247", "huyện", "Tam Dương", OLD_FROM),
    ("248", "huyện", "Tam Đảo", OLD_FROM), ("249", "huyện", "Bình Xuyên", OLD_FROM),
    ("251", "huyện", "Yên Lạc", OLD_FROM), ("252", "huyện", "Vĩnh Tường", OLD_FROM),
    ("253", "huyện", "Sông Lô", "2009-01-01"),
]
# fmt: on


def city_or_province(name: str, is_city: bool) -> str:
    """'tỉnh X', 'thành phố X', or 'Thành phố Hồ Chí Minh' (the city's proper name)."""
    if name == "Hồ Chí Minh":
        return "Thành phố Hồ Chí Minh"
    return f"{'thành phố' if is_city else 'tỉnh'} {name}"


def apportion(weights: dict[str, int], total: int, minimum: int) -> dict[str, int]:
    """Split ``total`` in proportion to ``weights``, each share >= ``minimum``, sum exact."""
    fixed: dict[str, int] = {}
    while True:  # pin to the minimum whoever would get less, then share the rest
        free = {k: w for k, w in weights.items() if k not in fixed}
        budget = total - sum(fixed.values())
        weight = sum(free.values())
        quota = {k: budget * w / weight for k, w in free.items()}
        low = {k for k, q in quota.items() if q < minimum}
        if not low:
            break
        fixed.update(dict.fromkeys(low, minimum))
    shares = {k: math.floor(q) for k, q in quota.items()}
    left = budget - sum(shares.values())
    for k in sorted(quota, key=lambda k: (-(quota[k] - shares[k]), k))[:left]:
        shares[k] += 1
    shares.update(fixed)
    assert sum(shares.values()) == total
    return shares


def rows() -> list[dict[str, str]]:
    out = [row("VN", "Cục Quản lý thi hành án dân sự", "", "national", NATIONAL_FROM, "")]
    for gso, name, is_city in OLD_PROVINCES:
        label = city_or_province(name, is_city)
        out.append(
            row(f"C{gso}", f"Cục Thi hành án dân sự {label}", "VN", "province", OLD_FROM, OLD_TO)
        )
    for gso, kind, name, start in VINH_PHUC_DISTRICTS:
        out.append(
            row(
                f"CC{gso}",
                f"Chi cục Thi hành án dân sự {kind} {name}",
                "C26",
                "office",
                start,
                OLD_TO,
            )
        )

    provinces = sorted(Province.iter_all(), key=lambda p: int(p.code))
    wards = {
        f"T{int(p.code):02d}": sum(1 for _ in Ward.iter_by_province(p.code)) for p in provinces
    }
    counts = apportion(wards, REGIONAL_OFFICES, MIN_OFFICES)
    for p in provinces:
        code = f"T{int(p.code):02d}"
        is_city = p.division_type == VietNamDivisionType.THANH_PHO_TRUNG_UONG
        bare = p.name.removeprefix("Thành phố ")
        out.append(
            row(
                code,
                f"Thi hành án dân sự {city_or_province(bare, is_city)}",
                "VN",
                "province",
                NEW_FROM,
                "",
            )
        )
        for n in range(1, counts[code] + 1):
            out.append(
                row(
                    f"{code}-KV{n:02d}",
                    f"Phòng Thi hành án dân sự khu vực {n}",
                    code,
                    "office",
                    NEW_FROM,
                    "",
                )
            )
    return out


def row(code: str, name: str, parent: str, level: str, start: str, end: str) -> dict[str, str]:
    return dict(zip(COLUMNS, (code, name, parent, level, start, end), strict=True))


def main() -> None:
    data = rows()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(data)
    print(f"wrote {len(data)} agencies to {OUT}")


if __name__ == "__main__":
    main()
