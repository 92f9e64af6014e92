"""Areas and how they nest, year by year: the one :class:`AreaTree`.

Memberships are valid by year (Iitti is in Kymenlaakso until 2020 and in Päijät-Häme from 2021; the
counties begin in 2023) and municipalities merge (Nummi-Pusula into Lohja in 2013). Every question of the
kind "which municipalities make up this group in year Y", "which region is this municipality in", "is A
part of B" and "what is A compared with by default" is answered here, from three frames read once per
data version (:func:`area_tree`). Pure once built.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import polars as pl

from kasvu.readmodel import store
from kasvu.readmodel.cache import cached
from kasvu.readmodel.text import pick_text

Purpose = Literal["profile", "indicator", "report"]
LEAF_KINDS = ("municipality", "district")
GROUP_KINDS = ("group", "region", "county", "subregion", "country")


@dataclass(frozen=True)
class AreaInfo:
    id: int
    kind: str
    code: str
    name_fi: str
    name_sv: str = ""
    name_en: str = ""

    def name(self, lang: str = "fi") -> str:
        return pick_text(self, "name", lang)

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.code}"


class AreaTree:
    """Areas, memberships valid by year and mergers; see the module docstring."""

    def __init__(self, areas: pl.DataFrame, memberships: pl.DataFrame, successions: pl.DataFrame) -> None:
        self.areas = areas
        kinds = areas.select(
            pl.col("area_id").alias("member_id"),
            pl.col("kind").alias("member_kind"),
            pl.col("valid_to").alias("member_valid_to"),
        )
        self.memberships = memberships.join(kinds, on="member_id", how="left")
        self.successions = successions
        self._info = {
            r[0]: AreaInfo(r[0], r[1], r[2], r[3] or "", r[4] or "", r[5] or "")
            for r in areas.select("area_id", "kind", "code", "name_fi", "name_sv", "name_en").iter_rows()
        }
        self._kind = {a: i.kind for a, i in self._info.items()}
        self._by_key = {i.key: a for a, i in self._info.items()}

    # -- areas

    def info(self, area_id: int) -> AreaInfo:
        return self._info[area_id]

    def id_of(self, key: str) -> int | None:
        """The id of the area with this key ("group:west-uusimaa"), None if there is none."""
        return self._by_key.get(key)

    def kind(self, area_id: int) -> str | None:
        return self._kind.get(area_id)

    def of_kind(self, kind: str, *, current: bool = False) -> list[int]:
        """Ids of the areas of ``kind`` (``current``: only those not merged away)."""
        f = self.areas.filter(pl.col("kind") == kind)
        if current:
            f = f.filter(pl.col("valid_to").is_null())
        return f["area_id"].to_list()

    def country(self) -> int | None:
        ids = self.of_kind("country")
        return ids[0] if ids else None

    # -- memberships by year

    def links(self, year: int | None = None) -> pl.DataFrame:
        """Memberships valid in ``year``; without a year, as they stand in each member's last year (the open
        ones, and for a municipality that merged away those it had when it ceased). Containment is judged
        on these, because a municipality that changed region (Iitti, in Kymenlaakso until 2020) is not part
        of its old region's sums after the move."""
        start, end, member_end = pl.col("valid_from"), pl.col("valid_to"), pl.col("member_valid_to")
        m = self.memberships
        if year is None:
            return m.filter(end.is_null() | (member_end.is_not_null() & (end >= member_end)))
        return m.filter(
            (start.is_null() | (start <= year))
            & (end.is_null() | (year <= end))
            & (member_end.is_null() | (year <= member_end))
        )

    def parents(self, area_id: int, kind: str, year: int | None = None) -> list[int]:
        """The areas of ``kind`` that ``area_id`` belongs to in ``year`` (default: now), by code."""
        links = self.links(year).filter(pl.col("member_id") == area_id)
        ids = [g for g in links["group_id"].to_list() if self._kind.get(g) == kind]
        return sorted(ids, key=lambda g: self._info[g].code)

    def members(self, group_id: int, year: int | None = None, kind: str = "municipality") -> list[int]:
        """Members of ``kind`` of a group in ``year`` (default: now), through nested groups too, by code.
        The one answer to "the municipalities of this group in year Y"."""
        links = self.links(year).filter(pl.col("group_id") == group_id)
        direct = links.filter(pl.col("member_kind") == kind)["member_id"].to_list()
        out = set(direct)
        if not out:
            for sub in links.filter(pl.col("member_kind").is_in(list(GROUP_KINDS)))["member_id"].to_list():
                if sub != group_id:
                    out.update(self.members(sub, year, kind))
        return sorted(out, key=lambda a: self._info[a].code)

    def leaves(self, area_id: int, year: int | None = None) -> set[int]:
        """Municipalities that make up an area in ``year`` (an area without members: itself)."""
        return set(self.members(area_id, year)) or {area_id}

    def member_links(self, group_id: int) -> pl.DataFrame:
        """Every membership of the group's municipalities (all years), for computing its values; for a
        group of groups, its sub-groups' memberships."""
        m = self.memberships.filter(pl.col("group_id") == group_id)
        leaf = m.filter(pl.col("member_kind") == "municipality")
        return (leaf if leaf.height else m).select("group_id", "member_id", "valid_from", "valid_to")

    def contains(self, reference_id: int, area_id: int, year: int | None = None) -> bool:
        """Is the area part of the reference (all its municipalities are the reference's) in ``year``?"""
        if area_id == reference_id:
            return True
        m = self.links(year)
        if m.filter((pl.col("group_id") == reference_id) & (pl.col("member_id") == area_id)).height:
            return True
        inner, outer = self.leaves(area_id, year), self.leaves(reference_id, year)
        return bool(inner) and inner <= outer and outer != {reference_id}

    def groups_of(self, area_id: int, year: int | None = None) -> list[int]:
        """Every area ``area_id`` belongs to in ``year``, by kind and code."""
        ids = self.links(year).filter(pl.col("member_id") == area_id)["group_id"].unique().to_list()
        return sorted(ids, key=lambda g: (self._info[g].kind, self._info[g].code))

    # -- default references

    def default_references(
        self, area_id: int, year: int | None = None, purpose: Purpose = "profile"
    ) -> list[int]:
        """What an area is compared with by default, with memberships of ``year`` (default: now).

        ``profile``: region, county and country for a municipality; for a district its municipality, that
        municipality's region and the country; for a group the region of its members and the country; for a
        region, county or sub-region the country. ``indicator`` (an indicator page): the same without the
        county. ``report``: the same as ``profile``, so that a report compares with what the page does;
        user groups (a survey's sample area is one) are references only when someone chooses them (issue 15).
        These are the references of register data; a survey's indicators are compared with the survey's own
        reference population (:func:`kasvu.readmodel.references.references_by_indicator`).
        """
        refs = self._profile_references(area_id, year)
        if purpose == "indicator":
            refs = [r for r in refs if self._kind.get(r) != "county"]
        return refs

    def _profile_references(self, area_id: int, year: int | None) -> list[int]:
        kind = self._kind[area_id]
        country = self.of_kind("country")[:1]
        if kind == "municipality":
            return (
                self.parents(area_id, "region", year)[:1]
                + self.parents(area_id, "county", year)[:1]
                + country
            )
        if kind == "district":
            muni = self.parents(area_id, "municipality", year)[:1]
            return muni + (self.parents(muni[0], "region", year)[:1] if muni else []) + country
        if kind == "group":
            regions: list[int] = []
            for member in sorted(self.leaves(area_id, year)):
                for r in self.parents(member, "region", year):
                    if r not in regions:
                        regions.append(r)
            return regions[:1] + country
        if kind == "country":
            return []
        return country

    def infos(self, ids: Sequence[int]) -> list[AreaInfo]:
        return [self._info[i] for i in ids if i in self._info]


def area_tree() -> AreaTree:
    """The tree of the current data version (cached)."""
    tree: AreaTree = cached(
        "area_tree", lambda: AreaTree(store.area_rows(), store.membership_rows(), store.succession_rows())
    )
    return tree
