"""The English catalog is complete and its compiled file is up to date."""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

CATALOG = Path(__file__).parents[2] / "service" / "translations" / "en" / "LC_MESSAGES"


def _messages(catalog: object) -> dict[object, object]:
    return {m.id: m.string for m in catalog if m.id}  # type: ignore[attr-defined]


def test_every_text_has_an_english_translation() -> None:
    with open(CATALOG / "messages.po", "rb") as f:
        po = _messages(read_po(f))
    assert po and not [msgid for msgid, text in po.items() if not text]


def test_the_compiled_catalog_matches_the_source() -> None:
    with open(CATALOG / "messages.po", "rb") as f:
        po = _messages(read_po(f))
    with open(CATALOG / "messages.mo", "rb") as f:
        mo = _messages(read_mo(f))
    assert mo == po, "run `make translations` (or pybabel compile -d service/translations)"


def test_every_text_in_the_code_and_templates_is_in_the_catalog() -> None:
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir

    root = Path(__file__).parents[2]
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
    sources = [("**.py", "python"), ("templates/**.html", "jinja2")]
    found = {message[2] if isinstance(message[2], str) else message[2][0]
             for message in extract_from_dir(root / "service", sources, keywords=keywords)}
    with open(CATALOG / "messages.po", "rb") as f:
        po = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}
    assert not sorted(found - po), "run `make translations` and translate the new texts"
