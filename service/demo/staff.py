"""The demo's staff: an account for every role, with fixed logins and Vietnamese names."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from domain.access import Role
from domain.agencies import Directory
from service.demo import names
from service.demo.scenario import END, PROVINCE_ENFORCERS, VINH_PHUC, VP_AGENCIES
from service.users import UserStore

DEMO_PASSWORD = "thads-demo-2020"
NATIONAL = "VN"


@dataclass(frozen=True)
class StaffMember:
    username: str
    role: str
    agency: str
    full_name: str


@dataclass
class Unit:
    """One agency's people: its head and its enforcers."""

    agency: str
    head: str
    enforcers: list[str] = field(default_factory=list)


def demo_logins() -> list[tuple[str, str, str]]:
    """The headline accounts (username, role, agency) to print and to put in the README;
    all have the password ``DEMO_PASSWORD``."""
    return [
        ("admin", Role.ADMIN.value, NATIONAL),
        ("kiemtra", Role.AUDITOR.value, NATIONAL),
        ("cuctruong.vinhphuc", Role.HEAD.value, VINH_PHUC),
        ("kiemtra.vinhphuc", Role.AUDITOR.value, VINH_PHUC),
        ("truong.vinhyen", Role.HEAD.value, "CC243"),
        ("chv.vinhyen.1", Role.ENFORCER.value, "CC243"),
        ("truong.cuc", Role.HEAD.value, VINH_PHUC),
        ("chv.cuc.1", Role.ENFORCER.value, VINH_PHUC),
        ("truong.c01", Role.HEAD.value, "C01"),
        ("chv.c01.1", Role.ENFORCER.value, "C01"),
    ]


def unit_slug(directory: Directory, code: str) -> str:
    """``cuc`` for Vĩnh Phúc's department, the place for its offices (CC243 -> vinhyen),
    ``c01`` for another province's department."""
    if code == VINH_PHUC:
        return "cuc"
    if directory.get(code).parent == VINH_PHUC:
        return names.slug(names.place_name(directory.get(code).name))
    return code.lower()


def plan_units(directory: Directory) -> dict[str, Unit]:
    """Every agency of the demo with the usernames of its head and enforcers, in code order:
    Vĩnh Phúc's department and offices, then the other provinces' departments."""
    units: dict[str, Unit] = {}
    vp_codes = [VINH_PHUC] + [a.code for a in directory.offices(END, VINH_PHUC)]
    for code in vp_codes:
        slug = unit_slug(directory, code)
        count = VP_AGENCIES.get(code, (0.0, 3))[1]
        units[code] = Unit(code, f"truong.{slug}", [f"chv.{slug}.{i}" for i in range(1, count + 1)])
    for province in directory.provinces(END):
        if province.code == VINH_PHUC:
            continue
        slug = unit_slug(directory, province.code)
        enforcers = [f"chv.{slug}.{i}" for i in range(1, PROVINCE_ENFORCERS + 1)]
        units[province.code] = Unit(province.code, f"truong.{slug}", enforcers)
    return units


def plan_staff(units: dict[str, Unit], seed: int) -> list[StaffMember]:
    """All demo accounts, national and provincial ones first; names depend only on ``seed``."""
    rng = random.Random(f"thads-demo-staff-{seed}")
    staff = [
        StaffMember("admin", Role.ADMIN.value, NATIONAL, names.person(rng)),
        StaffMember("kiemtra", Role.AUDITOR.value, NATIONAL, names.person(rng)),
        StaffMember("cuctruong.vinhphuc", Role.HEAD.value, VINH_PHUC, names.person(rng)),
        StaffMember("kiemtra.vinhphuc", Role.AUDITOR.value, VINH_PHUC, names.person(rng)),
    ]
    for unit in units.values():
        staff.append(StaffMember(unit.head, Role.HEAD.value, unit.agency, names.person(rng)))
        staff.extend(
            StaffMember(username, Role.ENFORCER.value, unit.agency, names.person(rng))
            for username in unit.enforcers
        )
    return staff


def create_staff(users: UserStore, staff: list[StaffMember]) -> int:
    """Create the accounts that do not exist yet; answers how many were created."""
    created = 0
    for member in staff:
        if users.get(member.username) is None:
            users.create(
                member.username, DEMO_PASSWORD, member.role, member.agency, member.full_name
            )
            created += 1
    return created
