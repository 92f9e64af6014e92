"""The seven children's rights that structure plans, profiles and reports.

Finnish child and youth welfare plans group their goals under seven rights (see
``docs/concepts.md``). The keys are stable identifiers stored in the database;
the labels are for people.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Right:
    key: str
    fi: str
    sv: str
    en: str

    def label(self, lang: str) -> str:
        return {"fi": self.fi, "sv": self.sv}.get(lang, self.en)


RIGHTS: tuple[Right, ...] = (
    Right("equality", "Oikeus yhdenvertaisuuteen", "Rätt till jämlikhet", "Equality"),
    Right("care", "Oikeus hoivaan ja huolenpitoon", "Rätt till omvårdnad och omsorg", "Care"),
    Right("participation", "Oikeus osallisuuteen", "Rätt till delaktighet", "Participation"),
    Right("health", "Oikeus terveyteen", "Rätt till hälsa", "Health"),
    Right("safety", "Oikeus turvallisuuteen", "Rätt till trygghet", "Safety"),
    Right(
        "learning",
        "Oikeus oppimiseen ja onnistumiseen",
        "Rätt till lärande och framgång",
        "Learning and success",
    ),
    Right(
        "leisure", "Oikeus vapaa-aikaan ja liikuntaan", "Rätt till fritid och motion", "Leisure and sports"
    ),
)

RIGHT_KEYS: frozenset[str] = frozenset(r.key for r in RIGHTS)


def get_right(key: str) -> Right:
    """Return the right with ``key``, or raise ``KeyError`` naming the valid keys."""
    for right in RIGHTS:
        if right.key == key:
            return right
    raise KeyError(f"Unknown children's right {key!r}. Use one of: {', '.join(sorted(RIGHT_KEYS))}.")
