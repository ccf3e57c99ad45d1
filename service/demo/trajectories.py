"""Trajectories over SPEC §3: what is done to a case to bring it where ``outcomes`` put it.
Carried-over cases first get the history they had before 1 October 2019 (``history``)."""

from __future__ import annotations

from collections.abc import Callable

from service.demo.acts import Acts, history, lower, prepare, rounded

SOLD_NOT_DELIVERED = "Người phải thi hành án chưa bàn giao tài sản cho người mua trúng đấu giá"

# ---------------------------------------------------------------------- finished in the period


def completed(b: Acts) -> None:
    p, rng, o = b.plan, b.rng, b.plan.outstanding
    if p.path == "obligation":
        history(b)
        b.verify(True)
        b.close(gap=(10, 60))
    elif p.path in ("voluntary", "deduction"):
        history(b)
        b.verify(True, gap=(5, 20) if not p.carried else (0, 40))
        if rng.random() < 0.08:  # held for a while, then resumed
            if rng.random() < 0.7:
                b.hold("postpone", "hoan.48.1.c")
            else:
                b.hold("suspend", "tdc.49.1")
            b.resume()
        parts = rng.choice([1, 1, 1, 2, 3]) if p.path == "voluntary" else rng.randint(2, 4)
        b.installments(o, p.path, parts, gap=(3, 40) if p.path == "voluntary" else (25, 35))
        b.close()
    elif p.path == "auction":
        asset, price = prepare(b, o)
        if rng.random() < 0.3:
            b.fail(asset)
            price = lower(b, price)
            b.reduce(asset, price)
        sold = max(price, rounded(price * rng.uniform(1.0, 1.08)))
        b.sell(asset, sold)
        b.collect(min(o, sold), "auction", gap=(5, 30), pay=False)
        b.add("deliver", (10, 30), asset_id=asset)
        if o > sold:
            b.collect(o - sold, "voluntary", pay=False)
        b.pay(o)
        b.close()
    else:  # the creditor takes the asset unsold at a reduced price
        asset, price = prepare(b, o)
        b.fail(asset)
        price = lower(b, price)
        b.reduce(asset, price)
        b.fail(asset, gap=(20, 40))
        taken = min(o, price)
        b.add("hand-to-creditor", (5, 20), asset_id=asset, price=taken)
        if o > taken:
            b.collect(o - taken, "voluntary")
        b.close()


def terminated(b: Acts) -> None:
    p, rng = b.plan, b.rng
    history(b)
    if p.creditor["kind"] == "state" and p.kind == "criminal":
        reason = "dc.50.1.e" if rng.random() < 0.6 else "dc.50.1.a"
    elif p.debtor["kind"] == "organisation":
        reason = "dc.50.1.g" if rng.random() < 0.5 else "dc.50.1.dd"
    else:
        reason = rng.choices(["dc.50.1.c", "dc.50.1.a", "dc.50.1.d"], [60, 25, 15])[0]
    b.verify(reason == "dc.50.1.c")
    if reason == "dc.50.1.g":
        b.hold("suspend", "tdc.49.2")
    elif reason == "dc.50.1.d":
        b.hold("suspend", "tdc.49.1")
    b.add("terminate", (10, 60), reason=reason)


def returned(b: Acts) -> None:
    history(b)
    if b.rng.random() < 0.7:
        b.verify(False)
        b.add("return-request", (10, 40), reason="td.51.1.a")
    else:
        b.verify(True)
        b.add("return-request", (10, 40), reason="td.51.1.c")


def entrusted(b: Acts) -> None:
    p = b.plan
    history(b)
    assert p.entrust_to is not None
    where = b.directory.get(p.entrust_to).name
    b.note(f"Người phải thi hành án cư trú và có tài sản tại địa bàn {where}", gap=(5, 20))
    b.add("entrust", (5, 20), to_agency=p.entrust_to)


def before(b: Acts) -> None:
    """A case finished before the statistical year: completed or terminated."""
    b.verify(True)
    if b.rng.random() < 0.8:
        if b.plan.amount:
            b.installments(b.plan.amount, "voluntary", b.rng.randint(1, 2))
        b.close()
    else:
        b.add("terminate", (20, 90), reason="dc.50.1.c")


# ---------------------------------------------------------------------- not finished at the end


def without(b: Acts) -> None:
    p, rng = b.plan, b.rng
    if p.carried:
        history(b, able=False)
        if rng.random() < 0.75:
            b.verify(False, gap=(0, 120))
    else:
        b.verify(False)
        if rng.random() < 0.3:
            b.verify(False, gap=(90, 150))
    if rng.random() < 0.1:
        b.hold("postpone", "hoan.48.1.b")


def held(b: Acts) -> None:
    p, rng = b.plan, b.rng
    history(b, able=True)
    b.verify(True, gap=(0, 40))
    if p.collects:
        b.installments(p.collected, "voluntary", rng.randint(1, 2))
    if p.status == "suspended":
        b.hold("suspend", "tdc.49.2" if p.debtor["kind"] == "organisation" else "tdc.49.1")
        return
    if rng.random() < 0.25:
        b.hold("postpone", "hoan.48.1.c")
        b.resume()
    b.hold("postpone", rng.choice(["hoan.48.1.a", "hoan.48.1.b", "hoan.48.1.c", "hoan.48.1.d",
                                   "hoan.48.1.dd", "hoan.48.2"]))


def unsold(b: Acts) -> None:
    """Postponed after the asset failed to sell at a reduced price and the creditor refused it."""
    asset, price = prepare(b, b.plan.outstanding)
    b.fail(asset)
    b.reduce(asset, lower(b, price))
    b.fail(asset, gap=(20, 40))
    b.hold("postpone", "hoan.48.1.h")


def in_progress(b: Acts) -> None:
    p, rng, path = b.plan, b.rng, b.plan.path
    if path == "unverified":
        return
    if path == "able_idle":
        history(b)
        b.verify(True, gap=(5, 25) if not p.carried else (0, 90))
        if p.creditor["kind"] == "credit_institution" and rng.random() < 0.4:
            b.note("Đã làm việc với tổ chức tín dụng về tài sản bảo đảm", gap=(10, 40))
    elif path == "reverified":
        history(b, able=False)
        if not p.carried:
            b.verify(False)
        b.verify(True, gap=(40, 120))
    elif path == "installments":
        history(b)
        b.verify(True, gap=(5, 25) if not p.carried else (0, 60))
        b.installments(p.collected, rng.choice(["voluntary", "deduction"]), rng.randint(1, 3))
    elif path in ("seized", "valued", "failed"):
        asset, price = prepare(b, p.outstanding, value=path != "seized")
        if path == "failed":
            b.fail(asset)
            if rng.random() < 0.6:
                b.reduce(asset, lower(b, price))
    else:  # sold at auction, buyer paid; delivered or (the bottleneck) not yet
        asset, price = prepare(b, p.collected)
        b.sell(asset, max(price, p.collected, rounded(price * rng.uniform(1.0, 1.08))))
        b.collect(p.collected, "auction", gap=(5, 30))
        if path == "delivered":
            b.add("deliver", (10, 30), asset_id=asset)
        elif rng.random() < 0.5:
            b.note(SOLD_NOT_DELIVERED, gap=(10, 40))


def copy(b: Acts) -> None:
    """A case received by entrustment: the head assigns it, the enforcer may verify it."""
    b.add("reassign", (1, 7), by="head", enforcer=b.plan.enforcer)
    if b.rng.random() < 0.5:
        b.verify(True)


TRAJECTORIES: dict[str, Callable[[Acts], None]] = {
    "obligation": completed, "voluntary": completed, "deduction": completed, "auction": completed,
    "creditor": completed, "terminated": terminated, "returned": returned,
    "entrusted": entrusted, "before": before, "without": without, "postponed": held,
    "suspended": held, "held": held, "unsold": unsold, "copy": copy, "unverified": in_progress,
    "able_idle": in_progress, "reverified": in_progress, "installments": in_progress,
    "seized": in_progress, "valued": in_progress, "failed": in_progress, "sold": in_progress,
    "delivered": in_progress,
}
