"""Plans, knowledge and the bank fall back between languages the same way (readmodel.pick_text)."""

from types import SimpleNamespace

from kasvu.bank.models import _pick as bank_pick
from kasvu.knowledge.models import _pick as knowledge_pick
from kasvu.plans.models import pick as plan_pick


def test_one_fallback_for_plans_knowledge_and_bank():
    # A Swedish reader of a text written only in English and Swedish gets Swedish; a Finnish reader
    # gets the English text (fi, en, sv), as indicator names do. Plans fell back fi → sv only.
    obj = SimpleNamespace(title_fi="", title_sv="Mål", title_en="Goal")
    for pick in (plan_pick, knowledge_pick, bank_pick):
        assert pick(obj, "title", "sv") == "Mål"
        assert pick(obj, "title", "fi") == "Goal"
    only_sv = SimpleNamespace(title_fi="", title_sv="Mål", title_en="")
    assert {pick(only_sv, "title", "en") for pick in (plan_pick, knowledge_pick, bank_pick)} == {"Mål"}
