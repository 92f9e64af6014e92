"""The demo's disclosure pattern: small numbers hidden, totals never.

Before issue 14 (commit 5c480cb) the demo withheld every computed group value with a hidden member:
226 of 240 values of Finland, 2,238 of Finland's regions and 470 of its counties for the eight
generated indicators, so profiles and reports lost their references. Now group values enter the audit
as cells and the cheapest member cells protect them instead.
"""

import pytest

from kasvu.bank import disclosure
from kasvu.bank.loader import load
from kasvu.bank.models import GroupSuppression, Observation
from kasvu.demo import generate

pytestmark = pytest.mark.django_db


def test_demo_hides_no_value_of_finland_a_region_or_a_county():
    load(generate(), kind="demo")
    assert not GroupSuppression.objects.filter(area__kind__in=disclosure.REFERENCE_KINDS).exists()
    small = Observation.objects.filter(numerator__gte=1, numerator__lte=4)
    assert small.exists() and not small.filter(suppressed=0).exists()
    losses = disclosure.last_losses
    assert len(losses) == 8 and all(
        loss.reference_cells > 0 and loss.reference_hidden == 0 for loss in losses
    )
