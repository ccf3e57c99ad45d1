"""Value types of the enforcement case: the closed sets of SPEC §3 and the asset records."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

MAX_AMOUNT = 10**15
"""No amount in VND above this is plausible (≈ 40 billion USD); larger input is refused."""

LARGE_CASE_THRESHOLD = 500_000_000
"""A case is ``large`` when its amount due exceeds 500 million VND (the seed's threshold)."""

MAX_TEXT = 2000


class JudgmentKind(StrEnum):
    CIVIL = "civil"
    CRIMINAL = "criminal"
    ADMINISTRATIVE = "administrative"
    BUSINESS = "business"
    LABOUR = "labour"
    FAMILY = "family"
    BANKRUPTCY = "bankruptcy"
    ARBITRATION = "arbitration"
    OTHER = "other"


class Initiation(StrEnum):
    EX_OFFICIO = "ex_officio"  # chủ động
    ON_REQUEST = "on_request"  # theo đơn


class PartyKind(StrEnum):
    INDIVIDUAL = "individual"
    ORGANISATION = "organisation"
    CREDIT_INSTITUTION = "credit_institution"
    STATE = "state"


class AssetKind(StrEnum):
    LAND = "land"
    HOUSE = "house"
    VEHICLE = "vehicle"
    MOVABLE = "movable"
    DEPOSIT = "deposit"
    OTHER = "other"


class VerificationResult(StrEnum):
    ABLE = "able"  # có điều kiện thi hành
    UNABLE = "unable"  # chưa có điều kiện thi hành


class AuctionOutcome(StrEnum):
    SOLD = "sold"
    FAILED = "failed"


class CollectionSource(StrEnum):
    VOLUNTARY = "voluntary"
    AUCTION = "auction"
    DEDUCTION = "deduction"
    OTHER = "other"


class Stage(StrEnum):
    RECEIVED = "received"
    VERIFIED = "verified"
    SEIZED = "seized"
    AUCTIONED = "auctioned"
    DELIVERED = "delivered"
    CLOSED = "closed"

    @property
    def rank(self) -> int:
        return _STAGE_ORDER.index(self)


_STAGE_ORDER = list(Stage)


class CaseState(StrEnum):
    ACTIVE = "active"
    POSTPONED = "postponed"  # hoãn
    SUSPENDED = "suspended"  # tạm đình chỉ
    CLOSED = "closed"
    ENTRUSTED = "entrusted"  # ủy thác


class Outcome(StrEnum):
    COMPLETED = "completed"  # thi hành xong
    TERMINATED = "terminated"  # đình chỉ
    RETURNED = "returned"  # trả đơn


class AssetStatus(StrEnum):
    SEIZED = "seized"  # kê biên, awaiting valuation
    VALUED = "valued"  # has a starting price, ready for auction
    UNSOLD = "unsold"  # last auction failed; price must be reduced (or re-valued)
    SOLD = "sold"
    DELIVERED = "delivered"
    TAKEN = "taken"  # taken by the creditor against the debt


@dataclass(frozen=True)
class AuctionRecord:
    """One auction of an asset: its date, the starting price, the outcome and the price."""

    on: date
    starting_price: int
    outcome: str
    price: int | None


@dataclass
class Asset:
    """An asset seized on a case, with its valuation and auction history."""

    id: int
    description: str
    kind: str
    estimated_value: int
    seized_on: date
    status: str = AssetStatus.SEIZED.value
    valuation: int | None = None
    valued_on: date | None = None
    starting_price: int | None = None
    price_reductions: int = 0
    auctions: list[AuctionRecord] = field(default_factory=list)
    sold_price: int | None = None
    sold_on: date | None = None
    delivered_on: date | None = None
    taken_price: int | None = None
    taken_on: date | None = None
