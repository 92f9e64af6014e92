"""kasvu demo load: the bundled demo data (real where we have it, generated and labelled where not)."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from kasvu import demo
from kasvu.bank.areas import create_group, install_finland
from kasvu.bank.loader import load
from kasvu.classification import DEMO_GROUPS, data_path


class Command(BaseCommand):
    help = (
        "Load the demo data set: Finland's areas, real THL and Statistics Finland values, generated extras."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["load"])
        parser.add_argument(
            "--no-generated", action="store_true", help="Only real data, no generated values."
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        from kasvu import precompute

        # No waiting for the profiles to be computed ahead (minutes for 1,290 profiles): `kasvu serve`
        # starts that in the background (precompute.done), and a page asked for before computes itself.
        with precompute.skipped():
            self._load(**opts)
        if precompute.enabled():
            self.stdout.write(
                "Profiles are computed ahead in the background once `kasvu serve` starts "
                "(or now: `kasvu precompute`)."
            )

    def _load(self, **opts: Any) -> None:
        say = self.stdout.write
        counts = install_finland()
        say(
            f"areas: {counts['areas']} new, {counts['memberships']} memberships, {counts['successions']} mergers"
        )
        for code, (names, members) in DEMO_GROUPS.items():
            create_group(code, names, members, description="Example group of the regional unit (demo).")
        say(f"groups: {', '.join(n['en'] for n, _ in DEMO_GROUPS.values())}")
        call_command("import_", "sotkanet-2013", str(data_path("sotkanet_2013")), stdout=self.stdout)
        call_command(
            "import_",
            "sotkanet",
            "--metadata",
            str(data_path("sotkanet_metadata", "indicators_metadata.json")),
            stdout=self.stdout,
        )
        fixture_meta = str(data_path("sotkanet_fixtures", "metadata_171_5513.json"))
        for name in ("sotkanet_127_fixture.json", "sotkanet_171_fixture.json", "sotkanet_5513_fixture.json"):
            call_command(
                "import_",
                "sotkanet",
                str(data_path("sotkanet_fixtures", name)),
                "--metadata",
                fixture_meta,
                stdout=self.stdout,
            )
        for kind, file, mapping in (
            ("px", ("statfin_px", "statfin_vaerak_pxt_11rc.px"), ("mappings", "statfin_vaerak_11rc.yaml")),
            (
                "jsonstat",
                ("statfin_jsonstat", "api-query-three-cities.json"),
                ("mappings", "statfin_11re.yaml"),
            ),
        ):
            if data_path(*mapping).exists():
                call_command(
                    "import_",
                    kind,
                    str(data_path(*file)),
                    "--mapping",
                    str(data_path(*mapping)),
                    stdout=self.stdout,
                )
        say(f"population 2025: {load(demo.population_2025(), kind='table')}")
        if not opts["no_generated"]:
            say(f"GENERATED demo data (not real, flagged 'generated'): {load(demo.generate(), kind='demo')}")
        if not opts["no_generated"]:
            from kasvu.surveys.demo import load_demo_survey

            say(f"GENERATED survey data (not real, flagged 'generated'): {load_demo_survey()}")
        self._plans_and_knowledge()
        if not opts["no_generated"]:
            from kasvu.collection.demo import load_demo

            say(f"GENERATED data collection rounds (not real, flagged 'generated'): {load_demo()}")
        say("Demo data loaded.")
        say(sign_in_hint())

    def _plans_and_knowledge(self) -> None:
        """The example plan (seed 003), the knowledge bank's entries and seed 004's needs analysis."""
        from kasvu.knowledge.models import Round
        from kasvu.plans.models import Plan

        plan_file = data_path("plans", "espoo_example.yaml")
        if not Plan.objects.exists():
            call_command("plan", "import", str(plan_file), stdout=self.stdout)
        call_command("knowledge", "import", str(data_path("knowledge", "entries.yaml")), stdout=self.stdout)
        if not Round.objects.filter(slug="arvo-2008").exists():
            call_command(
                "needs",
                "import",
                str(data_path("knowledge", "seed004_coding.csv")),
                "--round",
                "arvo-2008",
                "--name",
                "Kuntakohtaisten kehittämistarpeiden analyysi (seed 004)",
                "--date",
                "2008-01-01",
                "--total",
                "13",
                "--synthetic",
                stdout=self.stdout,
            )


def sign_in_hint() -> str:
    """How to sign in after a demo load: the demo makes no accounts (no known passwords on any server)."""
    from django.contrib.auth import get_user_model

    users = list(get_user_model().objects.order_by("username").values_list("username", flat=True)[:5])
    if users:
        return f"Sign in at /accounts/login/ as one of: {', '.join(users)}."
    return (
        "To sign in (plans, follow-ups, surveys), create a user first, e.g.\n"
        "  kasvu users add coordinator --role regional_admin\n"
        "  (asks for a password; roles: viewer, municipal_editor --areas 444, analyst, regional_admin)\n"
        "then sign in at /accounts/login/ (the link at the top right of every page)."
    )
