"""Case numbers generated per agency per calendar year (số thụ lý), from a counter table."""

from __future__ import annotations

from service.store import Database

SCHEMA = [
    """CREATE TABLE IF NOT EXISTS thads_case_numbers (
        agency TEXT NOT NULL,
        year INTEGER NOT NULL,
        last_number BIGINT NOT NULL,
        PRIMARY KEY (agency, year)
    )""",
]


class CaseNumbers:
    def __init__(self, db: Database):
        self.db = db

    def next(self, agency: str, year: int) -> str:
        """The next number of this agency and year; gaps are possible, repeats are not."""
        rows = self.db.execute(
            "INSERT INTO thads_case_numbers (agency, year, last_number) VALUES (%s, %s, 1) "
            "ON CONFLICT (agency, year) DO UPDATE "
            "SET last_number = thads_case_numbers.last_number + 1 RETURNING last_number",
            (agency, year),
        )
        return format_number(int(rows[0]["last_number"]), year)


def format_number(n: int, year: int) -> str:
    return f"{n}/{year}/QĐ-THA"
