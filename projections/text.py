"""Vietnamese text folded for search: "Nguyễn Văn Ánh" and "nguyen van anh" fold alike.

Folding lowercases, takes the diacritics off (tones and the marks of ă â ê ô ơ ư, and đ → d,
which Unicode does not decompose), and collapses runs of white space, so a search typed
without a Vietnamese keyboard still finds the name.
"""

from __future__ import annotations

import unicodedata

_D = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d"})


def fold(text: str | None) -> str:
    """``text`` lowercased, without diacritics, with single spaces and no outer spaces."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.translate(_D).casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(unicodedata.normalize("NFC", bare).split())


def like_pattern(needle: str) -> str:
    """A LIKE pattern (with ``ESCAPE '\\'``) matching ``needle`` folded, anywhere in the text."""
    folded = fold(needle)
    escaped = folded.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
