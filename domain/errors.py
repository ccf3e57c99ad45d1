"""One small hierarchy of domain errors; the web layer maps each to an HTTP status."""

from __future__ import annotations


class CaseError(Exception):
    """A command broke a rule. ``rule`` is a stable code, ``field`` the input it concerns."""

    rule = "rule_violated"

    def __init__(self, message: str, *, field: str | None = None, rule: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if rule is not None:
            self.rule = rule


class InvalidValue(CaseError):
    """A value is out of its allowed range or set (negative amount, unknown kind...)."""

    rule = "invalid_value"


class DateOutOfOrder(CaseError):
    """A business date in the future or before the case's previous act."""

    rule = "date_out_of_order"


class IllegalTransition(CaseError):
    """The command is not allowed in the case's current stage or state."""

    rule = "illegal_transition"


class AmountExceedsDue(CaseError):
    """Money collected would exceed the amount due."""

    rule = "amount_exceeds_due"


class PaidOutExceedsCollected(CaseError):
    """Money paid out would exceed the money collected."""

    rule = "paid_out_exceeds_collected"


class UnknownAsset(CaseError):
    """The command names an asset the case does not hold."""

    rule = "unknown_asset"


class UnknownAgency(CaseError):
    """An agency code that is not in the directory, or not valid on the date."""

    rule = "unknown_agency"


class CaseNotFound(CaseError):
    """No case with that id (or not one the caller may see)."""

    rule = "not_found"
