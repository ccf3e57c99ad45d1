"""The agency directory: packaged data, tree queries, validity, loader checks."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from pathlib import Path

import pytest

from domain.agencies import (
    OLD_TO_NEW_PROVINCE,
    Agency,
    Directory,
    Level,
    default_directory,
)
from domain.errors import UnknownAgency

OLD_DAY = date(2020, 3, 31)
NEW_DAY = date(2026, 1, 1)
HEADER = "code,name,parent,level,valid_from,valid_to\n"


@pytest.fixture(scope="module")
def d() -> Directory:
    return default_directory()


def codes(agencies: list[Agency]) -> list[str]:
    return [a.code for a in agencies]


# --- packaged data --------------------------------------------------------------------------


def test_default_directory_is_cached(d: Directory) -> None:
    assert default_directory() is d
    assert len(d) == 1 + 63 + 9 + 34 + 355


def test_63_provinces_in_2020(d: Directory) -> None:
    provinces = d.provinces(OLD_DAY)
    assert len(provinces) == 63
    assert all(a.code.startswith("C") and len(a.code) == 3 for a in provinces)
    assert codes(provinces) == sorted(codes(provinces))
    assert d.get("C26").name == "Cục Thi hành án dân sự tỉnh Vĩnh Phúc"
    assert d.get("C01").name == "Cục Thi hành án dân sự thành phố Hà Nội"
    assert d.get("C79").name == "Cục Thi hành án dân sự Thành phố Hồ Chí Minh"


def test_vinh_phuc_has_its_9_sub_departments(d: Directory) -> None:
    offices = d.offices(OLD_DAY, province="C26")
    assert {a.code: a.name for a in offices} == {
        "CC243": "Chi cục Thi hành án dân sự thành phố Vĩnh Yên",
        "CC244": "Chi cục Thi hành án dân sự thành phố Phúc Yên",
        "CC246": "Chi cục Thi hành án dân sự huyện Lập Thạch",
        "CC247": "Chi cục Thi hành án dân sự huyện Tam Dương",
        "CC248": "Chi cục Thi hành án dân sự huyện Tam Đảo",
        "CC249": "Chi cục Thi hành án dân sự huyện Bình Xuyên",
        "CC251": "Chi cục Thi hành án dân sự huyện Yên Lạc",
        "CC252": "Chi cục Thi hành án dân sự huyện Vĩnh Tường",
        "CC253": "Chi cục Thi hành án dân sự huyện Sông Lô",
    }
    assert codes(d.children("C26")) == codes(offices)
    assert all(a.level == Level.OFFICE and a.parent == "C26" for a in offices)
    assert d.offices(OLD_DAY) == offices  # the only 2020 offices in the demo data


def test_34_provinces_and_355_offices_now(d: Directory) -> None:
    provinces = d.provinces(NEW_DAY)
    assert len(provinces) == 34
    assert all(re.fullmatch(r"T\d\d", a.code) for a in provinces)
    assert d.get("T01").name == "Thi hành án dân sự thành phố Hà Nội"
    assert d.get("T25").name == "Thi hành án dân sự tỉnh Phú Thọ"
    offices = d.offices(NEW_DAY)
    assert len(offices) == 355
    for p in provinces:
        mine = d.offices(NEW_DAY, province=p.code)
        assert len(mine) >= 2
        assert [a.code for a in mine] == [f"{p.code}-KV{n:02d}" for n in range(1, len(mine) + 1)]
        assert [a.name for a in mine] == [
            f"Phòng Thi hành án dân sự khu vực {n}" for n in range(1, len(mine) + 1)
        ]
    assert sum(len(d.offices(NEW_DAY, province=p.code)) for p in provinces) == 355


def test_no_2020_agency_is_valid_now(d: Directory) -> None:
    old = [a for a in d if a.code.startswith("C")]
    assert len(old) == 63 + 9
    assert not [a.code for a in old if a.valid_on(NEW_DAY)]
    assert not [a.code for a in d if a.code.startswith("T") and a.valid_on(OLD_DAY)]
    assert d.get("VN").valid_on(OLD_DAY) and d.get("VN").valid_on(NEW_DAY)


def test_every_name_is_vietnamese_text(d: Directory) -> None:
    for a in d:
        assert a.name.strip() == a.name and a.name, a.code
        assert unicodedata.is_normalized("NFC", a.name), a.code
        assert "thi hành án dân sự" in a.name.lower(), a.code
        assert re.fullmatch(r"[\w -]+", a.name), a.code
        assert not re.search(r"\d", a.name) or a.level == Level.OFFICE, a.code


def test_old_to_new_mapping(d: Directory) -> None:
    old = {a.code for a in d.provinces(OLD_DAY)}
    new = {a.code for a in d.provinces(NEW_DAY)}
    assert set(OLD_TO_NEW_PROVINCE) == old
    assert set(OLD_TO_NEW_PROVINCE.values()) == new
    assert OLD_TO_NEW_PROVINCE["C26"] == OLD_TO_NEW_PROVINCE["C17"] == "T25"
    # each new province keeps the code of one of the provinces merged into it
    for new_code in new:
        assert "C" + new_code[1:] in {o for o, n in OLD_TO_NEW_PROVINCE.items() if n == new_code}


# --- queries ------------------------------------------------------------------------------


def test_ancestors_and_province_of(d: Directory) -> None:
    assert codes(d.ancestors("CC243")) == ["C26", "VN"]
    assert codes(d.ancestors("T25-KV03")) == ["T25", "VN"]
    assert d.ancestors("VN") == []
    assert d.province_of("CC243") == d.get("C26")
    assert d.province_of("C26") == d.get("C26")
    assert d.province_of("VN") is None


def test_is_within(d: Directory) -> None:
    assert d.is_within("CC243", "CC243")
    assert d.is_within("CC243", "C26")
    assert d.is_within("CC243", "VN")
    assert d.is_within("T25-KV01", "T25")
    assert not d.is_within("C26", "CC243")
    assert not d.is_within("CC243", "C01")
    assert not d.is_within("CC243", "T25")  # lineage is not ancestry
    assert not d.is_within("NOPE", "VN")
    assert not d.is_within("CC243", "NOPE")


def test_children_and_descendants(d: Directory) -> None:
    assert len(d.children("VN")) == 63 + 34
    assert len(d.children("VN", on=OLD_DAY)) == 63
    assert len(d.children("VN", on=NEW_DAY)) == 34
    assert len(d.descendants("VN")) == len(d) - 1
    assert len(d.descendants("VN", on=NEW_DAY)) == 34 + 355
    assert len(d.descendants("C26", on=NEW_DAY)) == 0
    assert d.children("CC243") == []


def test_contains_get_unknown(d: Directory) -> None:
    assert "C26" in d and "XX" not in d
    with pytest.raises(UnknownAgency) as err:
        d.get("XX")
    assert "XX" in err.value.message
    assert err.value.field == "agency"
    assert err.value.rule == "unknown_agency"
    with pytest.raises(UnknownAgency):
        d.children("XX")


def test_check_valid(d: Directory) -> None:
    assert d.check_valid("CC243", OLD_DAY) == d.get("CC243")
    assert d.check_valid("T25-KV01", NEW_DAY).parent == "T25"
    with pytest.raises(UnknownAgency) as err:
        d.check_valid("CC243", date(2026, 1, 5))
    assert err.value.message == (
        "agency CC243 did not exist on 2026-01-05 (valid 2008-08-01 to 2025-06-30)"
    )
    assert err.value.field == "agency"
    with pytest.raises(UnknownAgency) as err:
        d.check_valid("T25", date(2025, 6, 30), field="handling_agency")
    assert err.value.message == "agency T25 did not exist on 2025-06-30 (valid from 2025-07-01)"
    assert err.value.field == "handling_agency"
    with pytest.raises(UnknownAgency) as err:
        d.check_valid("ZZ9", NEW_DAY)
    assert "ZZ9" in err.value.message


def test_validity_bounds_are_inclusive(d: Directory) -> None:
    assert d.get("C26").valid_on(date(2025, 6, 30))
    assert not d.get("C26").valid_on(date(2025, 7, 1))
    assert d.get("T25").valid_on(date(2025, 7, 1))


# --- loader checks ------------------------------------------------------------------------


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "agencies.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


ROOT = "VN,Cục Quản lý thi hành án dân sự,,national,2008-07-01,\n"


def test_loads_a_small_valid_file(tmp_path: Path) -> None:
    d = Directory.load(write(tmp_path, ROOT + "A,Cục A,VN,province,2010-01-01,\n"))
    assert len(d) == 2 and d.get("A").parent == "VN" and d.get("A").valid_to is None


def test_rejects_unknown_parent(tmp_path: Path) -> None:
    path = write(tmp_path, ROOT + "A,Cục A,ZZ,province,2010-01-01,\n")
    with pytest.raises(ValueError, match=r"agency A: parent ZZ is not in the directory"):
        Directory.load(path)


def test_rejects_duplicate_code(tmp_path: Path) -> None:
    body = ROOT + "A,Cục A,VN,province,2010-01-01,\nA,Cục B,VN,province,2010-01-01,\n"
    path = write(tmp_path, body)
    with pytest.raises(ValueError, match=r"agency A: duplicate code"):
        Directory.load(path)


def test_rejects_cycle(tmp_path: Path) -> None:
    body = ROOT + "A,Cục A,B,province,2010-01-01,\nB,Cục B,A,province,2010-01-01,\n"
    with pytest.raises(ValueError, match=r"agency A: cycle"):
        Directory.load(write(tmp_path, body))


def test_rejects_child_level_not_below_parent(tmp_path: Path) -> None:
    body = ROOT + "A,Cục A,VN,office,2010-01-01,\nB,Cục B,A,province,2010-01-01,\n"
    with pytest.raises(ValueError, match=r"agency B: parent A \(office\) is not above province"):
        Directory.load(write(tmp_path, body))


def test_rejects_child_valid_outside_parent(tmp_path: Path) -> None:
    body = ROOT + "A,Cục A,VN,province,2010-01-01,2020-12-31\nB,Chi cục B,A,office,2010-01-01,\n"
    with pytest.raises(ValueError, match=r"agency B: valid from 2010-01-01 is outside parent A"):
        Directory.load(write(tmp_path, body))


def test_rejects_bad_rows(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r":3 \(A\)"):
        Directory.load(write(tmp_path, ROOT + "A,Cục A,VN,province,2010-13-01,\n"))
    with pytest.raises(ValueError, match=r":3 \(A\)"):
        Directory.load(write(tmp_path, ROOT + "A,Cục A,VN,county,2010-01-01,\n"))
    with pytest.raises(ValueError, match=r"agency A: valid_to"):
        Directory.load(write(tmp_path, ROOT + "A,Cục A,VN,province,2010-01-01,2009-01-01\n"))
    with pytest.raises(ValueError, match=r"needs a parent"):
        Directory.load(write(tmp_path, ROOT + "A,Cục A,,province,2010-01-01,\n"))
    with pytest.raises(ValueError, match=r"columns"):
        Directory.load(write(tmp_path, ROOT + "A,Cục A,VN,province\n"))
    bad_header = tmp_path / "bad.csv"
    bad_header.write_text("code,name\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"header"):
        Directory.load(bad_header)


def test_directory_from_agencies_directly() -> None:
    root = Agency("VN", "Cục", None, Level.NATIONAL, date(2008, 7, 1), None)
    kid = Agency("A", "Cục A", "VN", Level.PROVINCE, date(2009, 1, 1), date(2009, 12, 31))
    d = Directory([root, kid])
    assert list(d) == [root, kid]
    assert d.provinces(date(2009, 6, 1)) == [kid]
    assert d.provinces(date(2010, 1, 1)) == []
