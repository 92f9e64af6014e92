"""kasvu areas list|show|install|group create|group delete"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import F
from django.utils.text import slugify

from kasvu.bank.areas import AmbiguousArea, AreaNotFound, create_group, find_area, install_finland, members_in
from kasvu.bank.models import Area, AreaKind


class Command(BaseCommand):
    help = "List, show and group areas (municipalities, counties, regions, districts, groups)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        ls = sub.add_parser("list", help="List areas.")
        ls.add_argument("--kind", choices=AreaKind.values, help="Only areas of this kind.")
        ls.add_argument("--year", type=int, help="Only areas valid in this year (default: current ones).")
        ls.add_argument("--all", action="store_true", help="Include areas that no longer exist.")
        ls.add_argument("--lang", default="fi", choices=["fi", "sv", "en"])
        show = sub.add_parser("show", help="Show one area, its groups and members.")
        show.add_argument("area", help="Code (049), kind:code (region:01) or name (Espoo).")
        show.add_argument("--year", type=int, help="Members valid in this year (default: latest).")
        show.add_argument("--lang", default="fi", choices=["fi", "sv", "en"])
        sub.add_parser("install", help="Install or update Finland's areas from the bundled classification.")
        group = sub.add_parser("group", help="User-defined groups of areas.")
        gsub = group.add_subparsers(dest="group_action", required=True)
        create = gsub.add_parser("create", help="Create a group (or redefine one with --replace).")
        create.add_argument("name", help="Name in Finnish, e.g. Länsi-Uusimaa.")
        create.add_argument("--members", nargs="+", required=True, metavar="CODE")
        create.add_argument("--code", help="Short code (default: made from the name).")
        create.add_argument("--name-sv", help="Name in Swedish (with --replace: kept when not given).")
        create.add_argument("--name-en", help="Name in English (with --replace: kept when not given).")
        create.add_argument(
            "--replace",
            action="store_true",
            help="Redefine an existing group with this code: its members become those given now.",
        )
        create.add_argument("--valid-from", type=int)
        create.add_argument("--valid-to", type=int)
        create.add_argument("--description", default="")
        delete = gsub.add_parser("delete", help="Delete a user-defined group.")
        delete.add_argument("code")

    def handle(self, *args: object, **opts: object) -> None:
        try:
            getattr(self, f"_{opts['action']}")(**opts)
        except (AreaNotFound, AmbiguousArea, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        if opts["action"] in ("install", "group"):  # memberships and the suppression pattern changed
            from kasvu import precompute

            before = precompute.requests_so_far()
            precompute.request()
            precompute.report(self.stdout.write, since=before)

    def _install(self, **opts: object) -> None:
        counts = install_finland()
        self.stdout.write(
            f"Areas installed: {counts['areas']} new areas, {counts['memberships']} new memberships "
            f"({counts['memberships_removed']} outdated removed), {counts['successions']} mergers."
        )

    def _list(self, *, kind: str | None, year: int | None, all: bool, lang: str, **_: object) -> None:
        qs = Area.objects.all()
        if kind:
            qs = qs.filter(kind=kind)
        areas = list(qs.order_by("kind", "code"))
        if not all:
            areas = [a for a in areas if (a.is_valid_in(year) if year else a.valid_to is None)]
        for a in areas:
            years = f"  {a.valid_from or ''}–{a.valid_to or ''}" if a.valid_from or a.valid_to else ""
            self.stdout.write(f"{a.kind:<13} {a.code:<14} {a.name(lang)}{years}")
        self.stdout.write(f"{len(areas)} areas")
        if not Area.objects.exists():
            self.stdout.write("No areas yet. Install Finland's with `kasvu areas install`.")

    def _show(self, *, area: str, year: int | None, lang: str, **_: object) -> None:
        a = find_area(area)
        self.stdout.write(f"{a.name(lang)} ({a.key})")
        self.stdout.write(f"  names: fi={a.name_fi!r} sv={a.name_sv!r} en={a.name_en!r}")
        if a.valid_from or a.valid_to:
            self.stdout.write(f"  valid: {a.valid_from or '…'}–{a.valid_to or '…'}")
        for s in a.successions.select_related("successor"):
            self.stdout.write(f"  merged into {s.successor} on 1.1.{s.year}")
        for s in a.predecessions.select_related("predecessor"):
            self.stdout.write(f"  {s.predecessor} joined on 1.1.{s.year}")
        links = a.group_links.select_related("group")
        for link in links.order_by("group__kind", F("valid_from").asc(nulls_first=True)):
            span = (
                f" {link.valid_from or '…'}–{link.valid_to or '…'}"
                if link.valid_from or link.valid_to
                else ""
            )
            self.stdout.write(
                f"  member of {link.group.kind} {link.group.name(lang)} ({link.group.code}){span}"
            )
        if a.member_links.exists():
            y = year or max([m.valid_from or 0 for m in a.member_links.all()] + [2026])
            members = sorted(members_in(a, y), key=lambda m: m.code)
            self.stdout.write(f"  members in {y} ({len(members)}):")
            for m in members:
                self.stdout.write(f"    {m.code:<8} {m.name(lang)}")

    def _group(self, *, group_action: str, **opts: object) -> None:
        if group_action == "delete":
            deleted, _ = Area.objects.filter(kind=AreaKind.GROUP, code=opts["code"]).delete()
            if not deleted:
                raise CommandError(
                    f"No group with code {opts['code']!r}. See `kasvu areas list --kind group`."
                )
            self.stdout.write(f"Deleted group {opts['code']}.")
            return
        name = str(opts["name"])
        code = str(opts["code"] or slugify(name))
        old = Area.objects.filter(kind=AreaKind.GROUP, code=code).first()
        if old is not None and not opts["replace"]:
            raise CommandError(
                f"A group with code {code!r} already exists: {old.name_fi} ({old.member_links.count()} "
                f"members). Nothing was changed. Give --replace to redefine it (its members become those "
                f"given now), or another --code."
            )
        names = {
            "fi": name,
            "sv": str(opts["name_sv"] if opts["name_sv"] is not None else (old.name_sv if old else "")),
            "en": str(opts["name_en"] if opts["name_en"] is not None else (old.name_en if old else "")),
        }
        before = old.member_links.count() if old else 0
        group = create_group(
            code,
            names,
            list(opts["members"]),
            valid_from=opts["valid_from"],
            valid_to=opts["valid_to"],  # type: ignore[arg-type]
            description=str(opts["description"]),
        )
        count = group.member_links.count()
        if old is None:
            self.stdout.write(f"Group {group.name()} ({group.key}) with {count} members.")
        else:
            self.stdout.write(
                f"Replaced group {group.name()} ({group.key}): {before} members before, {count} now; "
                f"names fi={names['fi']!r} sv={names['sv']!r} en={names['en']!r}."
            )
