"""Write seed004_coding.csv: seed 004's three tables as a coding sheet.

Seed 004 ("Kuntakohtaisten kehittämistarpeiden analyysi", January 2008, ARVO,
Länsi- ja Keski-Uusimaa) gives, per theme, N (of 13 municipalities) and the
counts of its contents, but not which municipality said what. This script
assigns the mentions to 13 real Uusimaa municipality codes of 2008 by a fixed
rotation, so that every N and every content count of the seed is reproduced.

THE MUNICIPALITY ASSIGNMENT IS SYNTHETIC. The counts are the seed's; which
municipality is on which row is not, and must not be read as what any
municipality said. Run ``python tests/knowledge/data/make_seed004_coding.py``
to regenerate (the output is deterministic).
"""

from __future__ import annotations

import csv
from pathlib import Path

# 13 West and Central Uusimaa municipalities that existed in 2008 (codes of Statistics Finland).
MUNICIPALITIES = ["106", "186", "220", "224", "245", "257", "444", "505", "540", "543", "755", "858", "927"]

# (code, title, note, N or None for a heading, [(content, count or None for listed without count)])
SEED004: list[tuple[str, str, str, int | None, list[tuple[str, int | None]]]] = [
    ("1", "Asiantuntijuus ja tuki kunnan lapsipoliittiselle prosessoinnille", "", None, []),
    (
        "1.1",
        "Elinkaarimallintaminen",
        "",
        12,
        [
            ("Lapsuuden nivelvaiheet", 7),
            ("Yhteistyön ja verkostoitumisen perustuminen elinkaariajattelulle", 4),
            ("Poikkihallinnolliset prosessikuvaukset", 4),
            ("Kustannukset", 4),
        ],
    ),
    (
        "1.2",
        "Hyvinvoinnin nykytilanteen kartoitus ja kehittämisen lähtökohdat",
        "",
        3,
        [
            ("Hyvinvointianalyysin tekeminen (mm. lasten ja vanhempien näkökulma)", None),
        ],
    ),
    (
        "1.3",
        "Osaamisen jakaminen",
        "Mallien ja käytänteiden hyödyntäminen",
        10,
        [
            ("Rakenteelliset mallit", None),
            ("Perhekeskustoiminnan tulokset", None),
            ("Varhainen puuttuminen", None),
            ("Oppilashuollon järjestäminen", None),
            ("Nuorisovaltuusto", None),
            ("Hyvinvointistrategia/ Lapsipoliittinen ohjelma", None),
            ("Lastensuojelun organisointi", None),
            ("Kokemusten jakaminen hankkeista", None),
        ],
    ),
    (
        "1.4",
        "Tutkimustiedon kokoaminen ja tuottaminen",
        "",
        9,
        [
            ("Tietopankki?", 7),
            ("Tieteellisen tiedon ja arkitiedon yhdistäminen", 2),
            ("Alueen hankkeiden koordinointi", 3),
        ],
    ),
    (
        "1.5",
        "Arvioinnin kehittäminen",
        "",
        9,
        [
            ("Mittarit (lapsuuden- ja nuoruuden hyvinvointi, kouluterveyskyselyt, oppilashuolto)", 5),
            ("Vaikuttavuuden arviointi (verkostotyö, kehittämissyksikkö)", 4),
            ("Arvioinnin menetelmien kehittämien", 2),
            ("Arvioinnin tietopohja", 2),
            ("Olemassa olevien toimintamallien arviointi", 1),
        ],
    ),
    (
        "1.6",
        "Käsitteiden yhdenmukaistaminen",
        "Esimerkiksi:",
        4,
        [
            ("Hyvinvointi/ Pahoinvointi", None),
            ("Osallisuus (nuorten osallisuus)", None),
            ("Vaikuttavuus", None),
        ],
    ),
    ("1.7", "Ylisektorisen johtajuuden kehittäminen", "", 4, []),
    (
        "1.8",
        "Pysyvän kehittämissyksikön toiminta (v. 2010->)",
        "",
        4,
        [
            ("Kuntien henkilöstöressurssien lisääminen", 2),
            ("Rahoitus", 2),
        ],
    ),
    ("2", "Lapsuuden hyvinvointia tukevat rakenteet", "", None, []),
    ("2.1", "Kunnan sisäisten rakenteiden vahvistaminen", "", None, []),
    (
        "2.1.1",
        "Lapsuuden hyvinvointia tukevan kuntakohtaisen työryhmän perustaminen",
        "",
        12,
        [
            (
                "Kehittämistyön lähtökohta pysyvän poikkihallinnollisen työryhmän toiminta, "
                "kunnan sisäinen organisoituminen",
                9,
            ),
            ("Aikaisempien rakenteiden hyödyntäminen", 5),
        ],
    ),
    (
        "2.1.2",
        "Kuntakohtaisen työryhmän tavoitteiden ja tehtävien määrittely",
        "",
        13,
        [
            ("Kunnan sisäisen yhteistyön tehostaminen", 9),
            ("Organisaatioiden selkeyttäminen ja tiedon jakaminen", 6),
            ("Päättäjien sitouttaminen (vaikuttavuus, resurssit)", 8),
            ("Palveluiden kehittäminen hallinnon ja käytännön työssä", 4),
            ("Hankkeen kuntatyöryhmä (mm. koulutusorganisointi)", 3),
        ],
    ),
    (
        "2.1.3",
        "Poikkihallinnollisen osaamisen vahvistaminen",
        "",
        11,
        [
            ("Verkostoituminen hyvien peruspalvelujen turva", 4),
            ("Koulutus poikkihallinnollisen yhteistyön tukena", 4),
            ("Moniammatillisten työtiimien vahvistaminen", 2),
            ("Moniammatillisuus prosessien kautta pysyviksi", 2),
            ("Yhteisöllisyyden vahvistaminen", 1),
        ],
    ),
    ("2.2", "Seudullisten rakenteiden vahvistaminen", "", None, []),
    (
        "2.2.1",
        "Kuntien välinen yhteistyö kehittämisen tukena",
        "",
        9,
        [
            ("Hankkeen alueen laajuus (+ / -)", 3),
            ("Menetelmien kehittäminen seudullisesti", 4),
            ("Seudulliset verkostot osaamisen tukena", 5),
            ("Yhteiset seudulliset toimintasuunnitelmat", 1),
        ],
    ),
    (
        "2.2.2",
        "Organisaatiomuutokset kehittämistyön arkea",
        "",
        8,
        [
            ("Alueellisen kehittämisen merkitys korostuu kuntaliitoksissa", 4),
            ("Seudulliset organisaatiouudistukset", 2),
            ("Kunnan sisäiset organisaatiouudistukset", 4),
        ],
    ),
    (
        "2.2.3",
        "Erityispalveluiden kehittäminen seudullisesti",
        "",
        6,
        [
            (
                "Mm. vammaispalvelun organisoinnin kehittäminen, nuorisotoiminnan koordinointi ylikunnallisesti",
                5,
            ),
            ("Henkilöstön koordinointi", 2),
        ],
    ),
    ("3", "Sisältöaiheita", "", None, []),
    (
        "3.1",
        "Peruspalveluiden vahvistaminen",
        "",
        12,
        [
            ("Asiakasprosessien kehittäminen", 3),
            ("Lapsen erityinen tuki", 3),
            ("Oppilashuollon kehittäminen ja vahvistaminen", 5),
            ("Kouluterveydenhuollon kehittäminen ja vahvistaminen", 5),
            ("Varhainen puuttuminen ja tuki", 5),
            ("Tietopohjan vahvistaminen esim. keskushermoston kehitys", 1),
        ],
    ),
    (
        "3.2",
        "Lastensuojelulain toteutuminen moniammatillisesti",
        "",
        11,
        [
            ("Ennaltaehkäisevä työ", 11),
            ("Vertailtavuus kuntien välillä", 1),
        ],
    ),
    (
        "3.3",
        "Vanhemmuuden tukemisen menetelmät",
        "",
        12,
        [
            ("Matalan kynnyksen tuki", 5),
            ("Nivelvaiheet", 8),
            ("Avioerot, yksinhuoltajat", 4),
            ("Perhe/ lähisuhdeväkivalta", 3),
            ("Mielenterveyden tukeminen (masentuneisuus)", 3),
            ("Arvolähtökohdat esim. kiintymyssuhteet", 1),
        ],
    ),
    (
        "3.4",
        "Lapsen ja perheiden osallisuus",
        "",
        6,
        [
            ("Vanhemmat asiantuntijoina (esim. nivelvaiheet)", 2),
            ("Menetelmiä osallisuuden lisäämiseksi (vanhemmat, lapset, nuoret)", 3),
            ("Erityisryhmien osallisuus", 2),
            ("Dialogisuus ja tasavertaisuus", 1),
        ],
    ),
    (
        "3.5",
        "Nuorten hyvinvoinnin tukeminen",
        "Esimerkiksi:",
        6,
        [
            ("Päihdeongelmat", None),
            ("Ilkivalta", None),
            ("Seksuaalisuus/seksuaalikasvatus", None),
            ("Mediakasvatus", 4),
            ("Oppilashuollon kehittäminen", None),
        ],
    ),
    (
        "3.6",
        "Koulutus",
        "",
        13,
        [
            ("Toimiva koulutusrakenne", 10),
            ("Yhteiset koulutukset perheille ja työntekijöille", 2),
            ("Verkostotyökoulutus", 5),
            ("Työnohjaus", 3),
        ],
    ),
]


def coding_rows() -> list[list[str]]:
    rows = [["theme_code", "theme_title", "theme_note", "content", "municipality"]]
    for t, (code, title, note, n, contents) in enumerate(SEED004):
        rows.append([code, title, note, "", ""])
        if n is None:
            continue
        offset = (t * 3) % len(MUNICIPALITIES)
        chosen = (MUNICIPALITIES[offset:] + MUNICIPALITIES[:offset])[:n]
        covered: set[str] = set()
        position = 0
        for label, count in contents:
            if count is None:
                rows.append([code, "", "", label, ""])
                continue
            for k in range(count):
                muni = chosen[(position + k) % n]
                covered.add(muni)
                rows.append([code, "", "", label, muni])
            position = (position + count) % n
        for muni in chosen:
            if muni not in covered:
                rows.append([code, "", "", "", muni])
    return rows


if __name__ == "__main__":
    out = Path(__file__).with_name("seed004_coding.csv")
    with open(out, "w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows(coding_rows())
    print(f"wrote {out}")
