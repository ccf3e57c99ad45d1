"""Vietnamese text folded for search: "Nguyễn Văn Ánh" and "nguyen van anh" fold alike.

Folding lowercases, takes the diacritics off (tones and the marks of ă â ê ô ơ ư, and đ → d,
which Unicode does not decompose), and collapses runs of white space, so a search typed
without a Vietnamese keyboard still finds the name.
"""

from __future__ import annotations

import unicodedata

_LATIN = [*range(0x00C0, 0x0250), *range(0x1E00, 0x1F00)]
"""Latin-1, Latin Extended-A/B and Latin Extended Additional: every precomposed Vietnamese
letter is in these blocks."""


def _bare(char: str) -> str:
    decomposed = unicodedata.normalize("NFD", char)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_TABLE: dict[int, str | None] = {code: _bare(chr(code)).lower() for code in _LATIN}
_TABLE.update({ord(c): "d" for c in "đĐðÐ"})
_TABLE.update({code: None for code in range(0x0300, 0x0370)})  # combining marks of decomposed input


def fold(text: str | None) -> str:
    """``text`` lowercased, without diacritics, with single spaces and no outer spaces."""
    if not text:
        return ""
    folded = text.translate(_TABLE).lower()
    if not folded.isascii():  # rare: letters outside the table (other scripts, other marks)
        folded = _bare(unicodedata.normalize("NFC", folded)).casefold()
    return " ".join(folded.split())


def like_pattern(needle: str) -> str:
    """A LIKE pattern (with ``ESCAPE '\\'``) matching ``needle`` folded, anywhere in the text."""
    escaped = fold(needle).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
