"""The fast disclosure control hides exactly the cells the original one hid on the demo data.

The digest below was computed with the implementation before per-year blocks, incremental audits and
the thin-SVD audit (commit ea93627), by loading ``kasvu.demo.generate()`` and reading the stored pattern.

It survived the change from one sum over all of a group's members to one sum per kind of member that
partitions the group (country = Σ municipalities = Σ regions = Σ counties): the demo stores only
municipal cells, so its constraints are total = boys + girls alone (group sums enter the audit only for
groups with a stored value), and the group values kasvu computes are withheld by the member rule of
``kasvu.bank.disclosure``, which follows every membership. Still 11,979 of 73,920 cells hidden (16.2 %,
10,183 primary) and 8,468 group values withheld; tests/bank/test_disclosure_kinds.py covers stored
group values of every kind.
"""

import hashlib

import pytest

from kasvu.bank.loader import load
from kasvu.bank.models import GroupSuppression, Observation
from kasvu.demo import generate

pytestmark = pytest.mark.django_db

#: (hidden stored cells, withheld group values, sha256 of both sorted lists) before the speed-up.
BEFORE = (11979, 8468, "cc59e3eda2cf741996abe0e4cce27a086bb2e9ec8ff0e24dec73c85443b67146")


def pattern() -> tuple[int, int, str]:
    cells = sorted(
        Observation.objects.exclude(suppressed=0).values_list(
            "indicator__key", "area__kind", "area__code", "year", "breakdown__key", "suppressed"
        )
    )
    groups = sorted(
        GroupSuppression.objects.values_list(
            "indicator__key", "area__kind", "area__code", "year", "breakdown__key", "reason"
        )
    )
    digest = hashlib.sha256(repr((cells, groups)).encode()).hexdigest()
    return len(cells), len(groups), digest


def test_demo_pattern_is_unchanged_by_the_speed_up():
    load(generate(), kind="demo")
    assert pattern() == BEFORE
