"""The enforcement case aggregate (việc thi hành án): every command of SPEC §3.

Each public command checks its rules first and then calls a private method decorated with
``@event``; the decorated body is the only code that changes state, so a replay of the stored
events runs exactly those bodies and nothing else.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain import clock
from domain.checks import check_amount, check_choice, check_date, check_text
from domain.errors import (
    AmountExceedsDue,
    DateOutOfOrder,
    IllegalTransition,
    InvalidValue,
    PaidOutExceedsCollected,
    UnknownAsset,
)
from domain.values import (
    LARGE_CASE_THRESHOLD,
    Asset,
    AssetKind,
    AssetStatus,
    AuctionOutcome,
    AuctionRecord,
    CaseState,
    CollectionSource,
    Initiation,
    JudgmentKind,
    Outcome,
    PartyKind,
    Stage,
    VerificationResult,
)

CASE_NAMESPACE = uuid5(NAMESPACE_URL, "urn:thads:enforcement-case")

CORRECTABLE_FIELDS = (
    "amount_due",
    "obligation",
    "creditor.name",
    "creditor.kind",
    "debtor.name",
    "debtor.kind",
    "judgment.court",
    "judgment.number",
    "judgment.date",
    "judgment.kind",
)


def case_id(agency: str, number: str, year: int) -> UUID:
    """Case numbers are unique per agency per year, so the id is derived from them: a second
    case with the same number collides on the store's (id, version) key and is refused."""
    return uuid5(CASE_NAMESPACE, f"{agency}/{year}/{number}")


class EnforcementCase(Aggregate):
    """One enforcement case of one agency, from acceptance (thụ lý) to closing."""

    @staticmethod
    def create_id(agency: str, number: str, on: date) -> UUID:
        return case_id(agency, number, on.year)

    # ------------------------------------------------------------------ create

    @classmethod
    def receive(
        cls,
        *,
        number: str,
        agency: str,
        on: date,
        initiation: str,
        judgment: dict[str, Any],
        creditor: dict[str, Any],
        debtor: dict[str, Any],
        amount_due: int,
        by: str,
        obligation: str | None = None,
        enforcer: str | None = None,
        entrusted_from: str | None = None,
        requested_on: date | None = None,
    ) -> EnforcementCase:
        """Accept a case (thụ lý) under a judgment; ``on`` is the date of acceptance and
        ``requested_on`` the date the request or the judgment reached the agency (default
        ``on``), where the time limit for the enforcement decision starts."""
        on = _check_business_date(on, previous=None)
        number = check_text(number, "number", limit=50)
        agency = check_text(agency, "agency", limit=50)
        initiation = check_choice(initiation, Initiation, "initiation")
        judgment = _check_judgment(judgment, on)
        requested_on = _check_requested_on(requested_on, judgment["date"], on)
        creditor = _check_party(creditor, "creditor")
        debtor = _check_party(debtor, "debtor")
        amount_due = check_amount(amount_due, "amount_due", minimum=0)
        obligation = check_text(obligation, "obligation", required=False) or None
        if amount_due == 0 and not obligation:
            raise InvalidValue(
                "a case with no amount due must state its non-monetary obligation",
                field="obligation",
                rule="nothing_to_execute",
            )
        if enforcer is not None:
            enforcer = check_text(enforcer, "enforcer", limit=100)
        return cls(
            number=number,
            agency=agency,
            on=on,
            initiation=initiation,
            judgment=judgment,
            creditor=creditor,
            debtor=debtor,
            amount_due=amount_due,
            obligation=obligation,
            enforcer=enforcer,
            entrusted_from=entrusted_from,
            by=by,
            requested_on=requested_on,
        )

    @event("Received")
    def __init__(
        self,
        number: str,
        agency: str,
        on: date,
        initiation: str,
        judgment: dict[str, Any],
        creditor: dict[str, Any],
        debtor: dict[str, Any],
        amount_due: int,
        obligation: str | None,
        enforcer: str | None,
        entrusted_from: str | None,
        by: str,
        requested_on: date | None = None,  # absent from events stored before it existed
    ) -> None:
        self.number = number
        self.agency = agency
        self.received_on = on
        self.requested_on = requested_on or on
        self.initiation = initiation
        # Copies: a later correction must never reach into the event's own attributes.
        self.judgment = dict(judgment)
        self.creditor = dict(creditor)
        self.debtor = dict(debtor)
        self.amount_due = amount_due
        self.obligation = obligation
        self.enforcer = enforcer
        self.entrusted_from = entrusted_from
        self.created_by = by
        self.last_on = on
        self.stage = Stage.RECEIVED.value
        self.state = CaseState.ACTIVE.value
        self.outcome: str | None = None
        self.able: bool | None = None
        self.verified_on: date | None = None
        self.verifications = 0
        self.assets: list[Asset] = []
        self.collected = 0
        self.paid_out = 0
        self.hold: dict[str, Any] | None = None
        self.difficult = False
        self.difficult_reason: str | None = None
        self.entrusted_to: str | None = None
        self.entrusted_case: str | None = None
        self.closed_on: date | None = None
        self.notes = 0
        self.corrections = 0

    # ------------------------------------------------------------ derived

    @property
    def outstanding(self) -> int:
        """Money still to be collected."""
        return self.amount_due - self.collected

    @property
    def flags(self) -> list[str]:
        flags = []
        if self.amount_due > LARGE_CASE_THRESHOLD:
            flags.append("large")
        if self.creditor["kind"] == PartyKind.CREDIT_INSTITUTION:
            flags.append("credit_institution")
        if self.difficult:
            flags.append("difficult")
        return flags

    @property
    def is_finished(self) -> bool:
        """Closed for good, or handed to another agency's books."""
        return self.state in (CaseState.CLOSED, CaseState.ENTRUSTED)

    # ------------------------------------------------------------ checks

    def check_on(self, on: date | None) -> date:
        """The business date: today by default, never in the future, never before the last act."""
        return _check_business_date(on, previous=self.last_on)

    def check_open(self) -> None:
        if self.state == CaseState.CLOSED:
            raise IllegalTransition(
                f"the case is closed ({self.outcome}); only notes may be added", rule="case_closed"
            )
        if self.state == CaseState.ENTRUSTED:
            raise IllegalTransition(
                f"the case was entrusted to {self.entrusted_to}; only notes may be added",
                rule="case_entrusted",
            )

    def check_active(self) -> None:
        self.check_open()
        if self.state != CaseState.ACTIVE:
            raise IllegalTransition(
                f"the case is {self.state}; only resume, terminate or a note are allowed",
                rule=f"case_{self.state}",
            )

    def check_asset(self, asset_id: object, *allowed: AssetStatus, action: str) -> Asset:
        if isinstance(asset_id, bool) or not isinstance(asset_id, int):
            raise InvalidValue("asset_id must be an integer", field="asset_id")
        if not 1 <= asset_id <= len(self.assets):
            raise UnknownAsset(f"the case holds no asset {asset_id}", field="asset_id")
        asset = self.assets[asset_id - 1]
        if asset.status not in allowed:
            wanted = " or ".join(s.value for s in allowed)
            raise IllegalTransition(
                f"cannot {action} asset {asset_id}: it is {asset.status}, it must be {wanted}",
                field="asset_id",
                rule=f"asset_{asset.status}",
            )
        return asset

    def check_collectable(self, amount: int, field: str) -> None:
        if self.collected + amount > self.amount_due:
            raise AmountExceedsDue(
                f"{field} {amount:,} would bring money collected to "
                f"{self.collected + amount:,}, above the amount due {self.amount_due:,}",
                field=field,
            )

    # ------------------------------------------------------------ commands

    def verify(self, result: str, by: str, on: date | None = None, findings: str | None = None) -> None:
        """Record the result of verifying the debtor's means (xác minh điều kiện thi hành án)."""
        self.check_active()
        on = self.check_on(on)
        result = check_choice(result, VerificationResult, "result")
        self._verified(result, check_text(findings, "findings", required=False), on, by)

    @event("Verified")
    def _verified(self, result: str, findings: str, on: date, by: str) -> None:
        self.able = result == VerificationResult.ABLE
        self.verified_on = on
        self.verifications += 1
        self._advance(Stage.VERIFIED, on)

    def seize(
        self, description: str, kind: str, estimated_value: int, by: str, on: date | None = None
    ) -> int:
        """Seize an asset (kê biên); answers the new asset's id."""
        self.check_active()
        on = self.check_on(on)
        if self.able is not True:
            raise IllegalTransition(
                "an asset may be seized only once the case is verified able to be executed",
                rule="not_verified_able",
            )
        description = check_text(description, "asset.description", limit=500)
        kind = check_choice(kind, AssetKind, "asset.kind")
        estimated_value = check_amount(estimated_value, "asset.estimated_value", minimum=0)
        asset_id = len(self.assets) + 1
        self._asset_seized(asset_id, description, kind, estimated_value, on, by)
        return asset_id

    @event("AssetSeized")
    def _asset_seized(
        self, asset_id: int, description: str, kind: str, estimated_value: int, on: date, by: str
    ) -> None:
        self.assets.append(Asset(asset_id, description, kind, estimated_value, seized_on=on))
        self._advance(Stage.SEIZED, on)

    def value(self, asset_id: int, price: int, by: str, on: date | None = None) -> None:
        """Record the valuation (thẩm định giá) that sets an asset's starting price."""
        self.check_active()
        on = self.check_on(on)
        self.check_asset(
            asset_id, AssetStatus.SEIZED, AssetStatus.VALUED, AssetStatus.UNSOLD, action="value"
        )
        self._asset_valued(asset_id, check_amount(price, "price"), on, by)

    @event("AssetValued")
    def _asset_valued(self, asset_id: int, price: int, on: date, by: str) -> None:
        asset = self.assets[asset_id - 1]
        asset.valuation = price
        asset.valued_on = on
        asset.starting_price = price
        asset.price_reductions = 0  # reductions count from the latest valuation
        asset.status = AssetStatus.VALUED.value
        self.last_on = on

    def auction(
        self, asset_id: int, outcome: str, by: str, on: date | None = None, price: int | None = None
    ) -> None:
        """Record an auction (bán đấu giá): ``sold`` at ``price`` or ``failed``."""
        self.check_active()
        on = self.check_on(on)
        asset = self.check_asset(asset_id, AssetStatus.VALUED, action="auction")
        outcome = check_choice(outcome, AuctionOutcome, "outcome")
        if outcome == AuctionOutcome.SOLD:
            price = check_amount(price, "price")
            assert asset.starting_price is not None
            if price < asset.starting_price:
                raise InvalidValue(
                    f"a sale price {price:,} below the starting price "
                    f"{asset.starting_price:,} is not a sale",
                    field="price",
                    rule="price_below_start",
                )
        elif price is not None:
            raise InvalidValue("a failed auction has no price", field="price")
        self._auction_held(asset_id, outcome, price, on, by)

    @event("AuctionHeld")
    def _auction_held(self, asset_id: int, outcome: str, price: int | None, on: date, by: str) -> None:
        asset = self.assets[asset_id - 1]
        assert asset.starting_price is not None
        asset.auctions.append(AuctionRecord(on, asset.starting_price, outcome, price))
        if outcome == AuctionOutcome.SOLD:
            asset.status = AssetStatus.SOLD.value
            asset.sold_price = price
            asset.sold_on = on
            self._advance(Stage.AUCTIONED, on)
        else:
            asset.status = AssetStatus.UNSOLD.value
            self.last_on = on

    def reduce_price(self, asset_id: int, price: int, by: str, on: date | None = None) -> None:
        """Lower the starting price after a failed auction (giảm giá)."""
        self.check_active()
        on = self.check_on(on)
        asset = self.check_asset(asset_id, AssetStatus.UNSOLD, action="reduce the price of")
        price = check_amount(price, "price")
        assert asset.starting_price is not None
        if price >= asset.starting_price:
            raise InvalidValue(
                f"the new starting price {price:,} must be lower than {asset.starting_price:,}",
                field="price",
                rule="price_not_lower",
            )
        self._price_reduced(asset_id, price, on, by)

    @event("PriceReduced")
    def _price_reduced(self, asset_id: int, price: int, on: date, by: str) -> None:
        asset = self.assets[asset_id - 1]
        asset.starting_price = price
        asset.price_reductions += 1
        asset.status = AssetStatus.VALUED.value
        self.last_on = on

    def hand_to_creditor(self, asset_id: int, price: int, by: str, on: date | None = None) -> None:
        """The creditor takes an asset unsold at a reduced price, against the debt."""
        self.check_active()
        on = self.check_on(on)
        asset = self.check_asset(asset_id, AssetStatus.UNSOLD, action="hand to the creditor")
        if asset.price_reductions == 0:
            raise IllegalTransition(
                "the creditor may take an asset only after an auction failed at a reduced price",
                field="asset_id",
                rule="price_not_reduced",
            )
        price = check_amount(price, "price")
        assert asset.starting_price is not None
        if price > asset.starting_price:
            raise InvalidValue(
                f"the creditor takes the asset at most at its last starting price "
                f"{asset.starting_price:,}",
                field="price",
            )
        self.check_collectable(price, "price")
        self._taken_by_creditor(asset_id, price, on, by)

    @event("AssetTakenByCreditor")
    def _taken_by_creditor(self, asset_id: int, price: int, on: date, by: str) -> None:
        asset = self.assets[asset_id - 1]
        asset.status = AssetStatus.TAKEN.value
        asset.taken_price = price
        asset.taken_on = on
        # Taken in kind: collected and, at the same moment, paid to the creditor.
        self.collected += price
        self.paid_out += price
        self._advance(Stage.AUCTIONED, on)

    def deliver(self, asset_id: int, by: str, on: date | None = None) -> None:
        """Hand a sold asset to its buyer (giao tài sản cho người mua trúng đấu giá)."""
        self.check_active()
        on = self.check_on(on)
        self.check_asset(asset_id, AssetStatus.SOLD, action="deliver")
        self._asset_delivered(asset_id, on, by)

    @event("AssetDelivered")
    def _asset_delivered(self, asset_id: int, on: date, by: str) -> None:
        asset = self.assets[asset_id - 1]
        asset.status = AssetStatus.DELIVERED.value
        asset.delivered_on = on
        self._advance(Stage.DELIVERED, on)

    def collect(self, amount: int, source: str, by: str, on: date | None = None) -> None:
        """Record money collected from the debtor (thu tiền)."""
        self.check_active()
        on = self.check_on(on)
        amount = check_amount(amount, "amount")
        source = check_choice(source, CollectionSource, "source")
        if source == CollectionSource.AUCTION and not any(
            a.status in (AssetStatus.SOLD, AssetStatus.DELIVERED) for a in self.assets
        ):
            raise IllegalTransition(
                "auction proceeds need an asset sold at auction", field="source", rule="nothing_sold"
            )
        self.check_collectable(amount, "amount")
        self._money_collected(amount, source, on, by)

    @event("MoneyCollected")
    def _money_collected(self, amount: int, source: str, on: date, by: str) -> None:
        self.collected += amount
        self.last_on = on

    def pay_out(self, amount: int, by: str, on: date | None = None) -> None:
        """Record money paid out to the creditor (chi trả)."""
        self.check_active()
        on = self.check_on(on)
        amount = check_amount(amount, "amount")
        if self.paid_out + amount > self.collected:
            raise PaidOutExceedsCollected(
                f"amount {amount:,} would bring money paid out to {self.paid_out + amount:,}, "
                f"above the money collected {self.collected:,}",
                field="amount",
            )
        self._money_paid_out(amount, on, by)

    @event("MoneyPaidOut")
    def _money_paid_out(self, amount: int, on: date, by: str) -> None:
        self.paid_out += amount
        self.last_on = on

    def postpone(self, reason: str, by: str, on: date | None = None, until: date | None = None) -> None:
        """Postpone enforcement (hoãn thi hành án) on a legal ground; ``until`` is when the
        ground is expected to end, if known."""
        self._hold(CaseState.POSTPONED, reason, by, on, until)

    def suspend(self, reason: str, by: str, on: date | None = None, until: date | None = None) -> None:
        """Suspend enforcement (tạm đình chỉ thi hành án) on a legal ground; ``until`` as for
        a postponement."""
        self._hold(CaseState.SUSPENDED, reason, by, on, until)

    def _hold(self, state: CaseState, reason: str, by: str, on: date | None, until: date | None) -> None:
        self.check_active()
        on = self.check_on(on)
        reason = check_text(reason, "reason")
        if until is not None:
            until = check_date(until, "until")
            if until < on:
                raise DateOutOfOrder(
                    f"the ground cannot end ({until.isoformat()}) before the {state.value} case is "
                    f"held ({on.isoformat()})",
                    field="until",
                )
        if state == CaseState.POSTPONED:
            self._postponed(reason, on, by, until)
        else:
            self._suspended(reason, on, by, until)

    # ``until`` defaults to None: events stored before it existed lack it.
    @event("Postponed")
    def _postponed(self, reason: str, on: date, by: str, until: date | None = None) -> None:
        self._held(CaseState.POSTPONED, reason, on, until)

    @event("Suspended")
    def _suspended(self, reason: str, on: date, by: str, until: date | None = None) -> None:
        self._held(CaseState.SUSPENDED, reason, on, until)

    def _held(self, state: CaseState, reason: str, on: date, until: date | None) -> None:
        self.state = state.value
        self.hold = {"kind": state.value, "reason": reason, "since": on}
        if until is not None:
            self.hold["until"] = until
        self.last_on = on

    def resume(self, by: str, on: date | None = None) -> None:
        """End a postponement or suspension."""
        self.check_open()
        on = self.check_on(on)
        if self.state not in (CaseState.POSTPONED, CaseState.SUSPENDED):
            raise IllegalTransition(
                "only a postponed or suspended case can be resumed", rule="not_on_hold"
            )
        self._resumed(self.state, on, by)

    @event("Resumed")
    def _resumed(self, held: str, on: date, by: str) -> None:
        self.state = CaseState.ACTIVE.value
        self.hold = None
        self.last_on = on

    def entrust(self, to_agency: str, new_case: str, by: str, on: date | None = None) -> None:
        """Entrust the case to another agency (ủy thác); it leaves this agency's books and
        ``new_case`` is the receiving agency's case."""
        self.check_active()
        on = self.check_on(on)
        to_agency = check_text(to_agency, "to_agency", limit=50)
        new_case = check_text(new_case, "new_case", limit=100)
        if to_agency == self.agency:
            raise InvalidValue("a case cannot be entrusted to its own agency", field="to_agency")
        self._entrusted(to_agency, new_case, self.outstanding, on, by)

    @event("Entrusted")
    def _entrusted(self, to_agency: str, new_case: str, outstanding: int, on: date, by: str) -> None:
        self.state = CaseState.ENTRUSTED.value
        self.entrusted_to = to_agency
        self.entrusted_case = new_case
        self.closed_on = on
        self.last_on = on

    def terminate(self, reason: str, by: str, on: date | None = None) -> None:
        """Terminate enforcement (đình chỉ thi hành án); closes the case."""
        self.check_open()
        on = self.check_on(on)
        self._terminated(check_text(reason, "reason"), self.outstanding, on, by)

    @event("Terminated")
    def _terminated(self, reason: str, outstanding: int, on: date, by: str) -> None:
        self._finish(Outcome.TERMINATED, on)

    def return_request(self, reason: str, by: str, on: date | None = None) -> None:
        """Return the creditor's request (trả đơn yêu cầu); only for cases opened on request."""
        self.check_active()
        on = self.check_on(on)
        if self.initiation != Initiation.ON_REQUEST:
            raise IllegalTransition(
                "only a case opened on request can have its request returned",
                rule="not_on_request",
            )
        self._request_returned(check_text(reason, "reason"), self.outstanding, on, by)

    @event("RequestReturned")
    def _request_returned(self, reason: str, outstanding: int, on: date, by: str) -> None:
        self._finish(Outcome.RETURNED, on)

    def close(self, by: str, on: date | None = None) -> None:
        """Close the case as completed (thi hành xong)."""
        self.check_active()
        on = self.check_on(on)
        if self.collected < self.amount_due:
            raise IllegalTransition(
                f"{self.outstanding:,} VND of {self.amount_due:,} is still to be collected",
                rule="money_outstanding",
            )
        if self.paid_out < self.collected:
            raise IllegalTransition(
                f"{self.collected - self.paid_out:,} VND collected is not yet paid out",
                rule="money_not_paid_out",
            )
        undelivered = [a.id for a in self.assets if a.status == AssetStatus.SOLD]
        if undelivered:
            raise IllegalTransition(
                f"sold assets {undelivered} are not yet delivered to their buyers",
                rule="asset_not_delivered",
            )
        self._closed(on, by)

    @event("Closed")
    def _closed(self, on: date, by: str) -> None:
        self._finish(Outcome.COMPLETED, on)

    def reassign(self, enforcer: str, by: str, on: date | None = None) -> None:
        """Assign the case to another enforcer (phân công lại)."""
        self.check_active()
        on = self.check_on(on)
        enforcer = check_text(enforcer, "enforcer", limit=100)
        if enforcer == self.enforcer:
            raise InvalidValue(f"the case is already assigned to {enforcer}", field="enforcer")
        self._reassigned(self.enforcer, enforcer, on, by)

    @event("Reassigned")
    def _reassigned(self, previous: str | None, enforcer: str, on: date, by: str) -> None:
        self.enforcer = enforcer
        self.last_on = on

    def note(self, text: str, by: str, on: date | None = None) -> None:
        """Add a note; allowed at any time, also on a closed case."""
        on = self.check_on(on)
        self._note_added(check_text(text, "text"), on, by)

    @event("NoteAdded")
    def _note_added(self, text: str, on: date, by: str) -> None:
        self.notes += 1
        self.last_on = on

    def mark_difficult(self, difficult: bool, reason: str, by: str, on: date | None = None) -> None:
        """Mark or unmark the case difficult after review by the Council of Enforcers."""
        self.check_active()
        on = self.check_on(on)
        if not isinstance(difficult, bool):
            raise InvalidValue("difficult must be true or false", field="difficult")
        if difficult == self.difficult:
            state = "already" if difficult else "not"
            raise IllegalTransition(f"the case is {state} marked difficult", field="difficult")
        self._difficulty_marked(difficult, check_text(reason, "reason"), on, by)

    @event("DifficultyMarked")
    def _difficulty_marked(self, difficult: bool, reason: str, on: date, by: str) -> None:
        self.difficult = difficult
        self.difficult_reason = reason if difficult else None
        self.last_on = on

    def correct(
        self, corrects: int, field: str, value: Any, reason: str, by: str, on: date | None = None
    ) -> None:
        """Correct a particular recorded by mistake; the mistaken event stays in the history."""
        self.check_active()
        on = self.check_on(on)
        if isinstance(corrects, bool) or not isinstance(corrects, int) or not 1 <= corrects <= self.version:
            raise InvalidValue(
                f"corrects must be the version of an event of this case (1–{self.version})",
                field="corrects",
            )
        if field not in CORRECTABLE_FIELDS:
            raise InvalidValue(
                f"field must be one of {', '.join(CORRECTABLE_FIELDS)}; got {field!r}", field="field"
            )
        value = self._check_correction(field, value)
        self._corrected(corrects, field, value, check_text(reason, "reason"), on, by)

    def _check_correction(self, field: str, value: Any) -> Any:
        if field == "amount_due":
            value = check_amount(value, "value", minimum=0)
            if value < self.collected:
                raise AmountExceedsDue(
                    f"the amount due cannot fall below the {self.collected:,} VND already collected",
                    field="value",
                )
            if value == 0 and not self.obligation:
                raise InvalidValue("a case with no amount due needs an obligation", field="value")
            return value
        if field == "obligation":
            text = check_text(value, "value", required=self.amount_due == 0)
            return text or None
        part, key = field.split(".")
        if key == "kind":
            kinds = JudgmentKind if part == "judgment" else PartyKind
            return check_choice(value, kinds, "value")
        if key == "date":
            if isinstance(value, str):
                try:
                    value = date.fromisoformat(value)
                except ValueError:
                    raise InvalidValue("value must be a date YYYY-MM-DD", field="value") from None
            value = check_date(value, "value")
            if value > self.received_on:
                raise DateOutOfOrder("the judgment date cannot be after the case was received", field="value")
            return value
        return check_text(value, "value", limit=100 if field == "judgment.number" else 300)

    @event("Corrected")
    def _corrected(self, corrects: int, field: str, value: Any, reason: str, on: date, by: str) -> None:
        if "." in field:
            part, key = field.split(".")
            setattr(self, part, {**getattr(self, part), key: value})
        else:
            setattr(self, field, value)
        self.corrections += 1
        self.last_on = on

    # ------------------------------------------------------------ helpers

    def _advance(self, stage: Stage, on: date) -> None:
        if stage.rank > Stage(self.stage).rank:
            self.stage = stage.value
        self.last_on = on

    def _finish(self, outcome: Outcome, on: date) -> None:
        self.state = CaseState.CLOSED.value
        self.outcome = outcome.value
        self.stage = Stage.CLOSED.value
        self.hold = None
        self.closed_on = on
        self.last_on = on


def _check_business_date(on: object, previous: date | None) -> date:
    if on is None:
        on = clock.today()
    on = check_date(on, "on")
    today = clock.today()
    if on > today:
        raise DateOutOfOrder(f"the business date {on.isoformat()} is in the future", field="on")
    if previous is not None and on < previous:
        raise DateOutOfOrder(
            f"the business date {on.isoformat()} is before the case's previous act "
            f"on {previous.isoformat()}",
            field="on",
        )
    return on


def _check_requested_on(requested_on: object, judged_on: date, received_on: date) -> date | None:
    """When the request (or, ex officio, the judgment) reached the agency: on or after the
    judgment, never after the case was received."""
    if requested_on is None:
        return None
    requested_on = check_date(requested_on, "requested_on")
    if requested_on > received_on:
        raise DateOutOfOrder(
            f"the request ({requested_on.isoformat()}) cannot reach the agency after the case was "
            f"received ({received_on.isoformat()})",
            field="requested_on",
        )
    if requested_on < judged_on:
        raise DateOutOfOrder(
            f"the request ({requested_on.isoformat()}) cannot precede the judgment "
            f"({judged_on.isoformat()})",
            field="requested_on",
        )
    return requested_on


def _check_judgment(judgment: object, received_on: date) -> dict[str, Any]:
    if not isinstance(judgment, dict):
        raise InvalidValue("judgment must be an object", field="judgment")
    court = check_text(judgment.get("court"), "judgment.court", limit=300)
    number = check_text(judgment.get("number"), "judgment.number", limit=100)
    judged_on = check_date(judgment.get("date"), "judgment.date")
    if judged_on > received_on:
        raise DateOutOfOrder(
            "the judgment date cannot be after the date the case was received", field="judgment.date"
        )
    kind = check_choice(judgment.get("kind"), JudgmentKind, "judgment.kind")
    return {"court": court, "number": number, "date": judged_on, "kind": kind}


def _check_party(party: object, field: str) -> dict[str, Any]:
    if not isinstance(party, dict):
        raise InvalidValue(f"{field} must be an object", field=field)
    name = check_text(party.get("name"), f"{field}.name", limit=300)
    kind = check_choice(party.get("kind"), PartyKind, f"{field}.kind")
    return {"name": name, "kind": kind}
