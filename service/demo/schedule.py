"""Finishing touches on a case's acts: notes, reassignments, the Council's difficulty
findings and corrections of typing mistakes; then business dates and who acts."""

from __future__ import annotations

import random
from datetime import date, timedelta

from service.demo import names
from service.demo.acts import Act
from service.demo.population import CasePlan
from service.demo.scenario import END, START
from service.demo.staff import Unit

TERMINAL = ("close", "terminate", "return-request", "entrust")
NOTES = (
    "Đã gửi giấy triệu tập đương sự đến làm việc",
    "Đã niêm yết công khai quyết định thi hành án tại Ủy ban nhân dân cấp xã",
    "Người phải thi hành án xin nộp dần, cam kết thực hiện trong năm",
    "Đã phối hợp với công an cấp xã xác minh nơi cư trú",
    "Đã báo cáo Viện kiểm sát nhân dân cùng cấp",
    "Người được thi hành án đề nghị đẩy nhanh tiến độ thi hành án",
    "Đã gửi văn bản yêu cầu cung cấp thông tin tài khoản đến các ngân hàng trên địa bàn",
)
DIFFICULT = (
    "Hội đồng Chấp hành viên họp ngày {d}: việc có giá trị lớn, tài sản bảo đảm đang có tranh "
    "chấp, cần báo cáo Ban chỉ đạo thi hành án dân sự tỉnh",
    "Hội đồng Chấp hành viên họp ngày {d}: đương sự chống đối quyết liệt, cần phối hợp lực "
    "lượng cưỡng chế",
    "Hội đồng Chấp hành viên họp ngày {d}: tài sản kê biên nhiều lần bán đấu giá không thành",
)
UNMARK = "Hội đồng Chấp hành viên xem xét lại: đã xác định được tài sản, hết khó khăn"
MISTAKES = {
    "debtor.name": "Ghi sai họ tên người phải thi hành án so với bản án",
    "judgment.number": "Ghi sai số bản án",
    "amount_due": "Nhập sai số tiền phải thi hành so với bản án",
}


def decorate(rng: random.Random, p: CasePlan, acts: list[Act], unit: Unit,
             mistake: bool) -> None:
    """Add the acts that do not move the case: notes, reassignment, difficulty, correction."""
    for _ in range(rng.choice([1, 1, 1, 2]) if rng.random() < 0.12 else 0):
        at = rng.randint(1, len(acts))
        acts.insert(at, Act("note", {"text": rng.choice(NOTES)}, (0, 10), acts[at - 1].phase))
    # Reassignment and the Council's finding need an active case (not held, not finished).
    slots = _active_slots(acts)
    others = [e for e in unit.enforcers if e != p.enforcer]
    if p.copy_of is None and others and slots and rng.random() < 0.03:
        at = rng.choice(slots)
        acts.insert(at, Act("reassign", {"enforcer": rng.choice(others)}, (0, 15),
                            acts[at - 1].phase, "head"))
        slots = _active_slots(acts)
    unfinished = p.status in ("open", "postponed", "suspended", "without")
    if p.large and unfinished and slots and rng.random() < 0.35:
        at = slots[-1]
        acts.insert(at, Act("mark-difficult", {"difficult": True, "reason": rng.choice(DIFFICULT)},
                            (5, 40), acts[at - 1].phase, "head"))
        if at == len(acts) - 1 and rng.random() < 0.15:
            acts.append(Act("mark-difficult", {"difficult": False, "reason": UNMARK}, (20, 60),
                            "in", "head"))
    if mistake and acts[0].command == "create":
        _mistake(rng, p, acts)


def _active_slots(acts: list[Act]) -> list[int]:
    """Positions where an act can be inserted while the case is active."""
    slots, held = [], False
    for i, act in enumerate(acts):
        if act.command in TERMINAL:
            break
        held = act.command in ("postpone", "suspend") or (held and act.command != "resume")
        if not held:
            slots.append(i + 1)
    return slots


def _mistake(rng: random.Random, p: CasePlan, acts: list[Act]) -> None:
    """The case was typed in wrong and is corrected a few days later."""
    data = acts[0].args
    field = rng.choice(list(MISTAKES) if p.amount else ["debtor.name", "judgment.number"])
    if field == "debtor.name":
        right = data["debtor"]["name"]
        wrong = right
        while wrong == right:
            wrong = " ".join([*right.split()[:-1], names.person(rng).split()[-1]])
        data["debtor"] = {**data["debtor"], "name": wrong}
    elif field == "judgment.number":
        right = data["judgment"]["number"]
        n, rest = right.split("/", 1)
        wrong = f"{int(n) + rng.randint(1, 9):02d}/{rest}"
        data["judgment"] = {**data["judgment"], "number": wrong}
    else:
        right = p.amount
        wrong = p.amount * 10  # one zero too many
        data["amount_due"] = wrong
    args = {"corrects": 1, "field": field, "value": right, "reason": MISTAKES[field]}
    acts.insert(1, Act("correct", args, (1, 10), acts[0].phase))


def schedule(rng: random.Random, p: CasePlan, acts: list[Act]) -> None:
    """Business dates: acts before the period fit between receipt and 30 September 2019,
    the others between 1 October 2019 (or receipt) and 31 March 2020."""
    assert p.received_on is not None
    first = 0
    if acts and acts[0].command == "create":
        acts[0].on = p.received_on
        first = 1
    pre = [a for a in acts[first:] if a.phase == "pre"]
    later = [a for a in acts[first:] if a.phase == "in"]
    day = p.received_on
    if pre:
        day = _place(rng, pre, day, START - timedelta(days=1))
    if later:
        extra = rng.randint(0, 75) if p.received_on < START else 0
        _place(rng, later, max(day, START) if p.received_on < START else day, END, extra)


def _place(rng: random.Random, acts: list[Act], begin: date, end: date, extra: int = 0) -> date:
    gaps = [rng.randint(*a.gap) for a in acts]
    gaps[0] += extra
    room = (end - begin).days
    total = sum(gaps)
    if total > room:
        gaps = [g * room // total for g in gaps]
    day = begin
    for act, gap in zip(acts, gaps, strict=True):
        day = _workday(min(end, day + timedelta(days=gap)), day, end)
        act.on = day
        if act.command == "mark-difficult":
            act.args["reason"] = act.args["reason"].format(d=day.strftime("%d/%m/%Y"))
    return day


def _workday(d: date, earliest: date, latest: date) -> date:
    """Move a weekend date to the Friday before or the Monday after, within bounds."""
    if d.weekday() < 5:
        return d
    friday = d - timedelta(days=d.weekday() - 4)
    monday = d + timedelta(days=7 - d.weekday())
    return friday if friday >= earliest else monday if monday <= latest else d


def resolve_actors(p: CasePlan, acts: list[Act], unit: Unit) -> None:
    """Who gives each act: the creator, the agency's head, or the enforcer of the case then."""
    enforcer: str | None = p.enforcer if p.copy_of is None else None
    for act in acts:
        if act.by == "creator":
            assert p.creator is not None
            act.actor = p.creator
        elif act.by == "head":
            act.actor = unit.head
        else:
            assert enforcer is not None, f"case {p.index}: no enforcer for {act.command}"
            act.actor = enforcer
        if act.command == "reassign":
            enforcer = act.args["enforcer"]
