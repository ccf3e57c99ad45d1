"""Folding Vietnamese text for search: case, diacritics, đ and white space do not matter."""

from __future__ import annotations

import pytest

from projections.text import fold, like_pattern


@pytest.mark.parametrize(("text", "folded"), [
    ("Nguyễn Văn A", "nguyen van a"),
    ("NGUYỄN VĂN A", "nguyen van a"),
    ("Đặng Thị Hường", "dang thi huong"),
    ("đặng", "dang"),
    ("Ngân hàng TMCP Á Châu", "ngan hang tmcp a chau"),
    ("Trương Quỳnh Ưng Ơn Ẩn", "truong quynh ung on an"),
    ("10/2020/QĐ-THA", "10/2020/qd-tha"),
])
def test_fold_lowercases_and_strips_diacritics(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_fold_is_the_same_for_composed_and_decomposed_input() -> None:
    composed = "Phạm Thị Ánh"
    decomposed = "Pha\u0323m Thi\u0323 A\u0301nh"
    assert composed != decomposed and fold(composed) == fold(decomposed) == "pham thi anh"


def test_fold_collapses_white_space() -> None:
    assert fold("  Lê \t Thị\u00a0\u00a0Bình \n") == "le thi binh"


def test_fold_of_nothing_is_empty() -> None:
    assert fold(None) == fold("") == fold("   ") == ""


def test_fold_is_idempotent() -> None:
    text = "Công ty TNHH Xây dựng Đông Đô"
    assert fold(fold(text)) == fold(text) == "cong ty tnhh xay dung dong do"


def test_like_pattern_matches_anywhere_and_escapes_wildcards() -> None:
    assert like_pattern("Đặng") == "%dang%"
    assert like_pattern("50%") == "%50\\%%"
    assert like_pattern("a_b") == "%a\\_b%"
    assert like_pattern("c:\\d") == "%c:\\\\d%"
