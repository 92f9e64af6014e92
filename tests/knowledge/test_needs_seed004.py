"""Seed 004's three tables are reproduced from the coding sheet, from CSV and XLSX, file and database.

The numbers below are typed from seed 004 (analysis of January 2008, N of 13
municipalities). The coding sheet's assignment to municipalities is synthetic
(see data/make_seed004_coding.py); the counts are the seed's.
"""

from __future__ import annotations

import datetime as dt

import pytest

from kasvu.knowledge.coding import CodedRow, read_csv, read_sheet, write_csv, write_xlsx
from kasvu.knowledge.models import Round
from kasvu.knowledge.needs import NeedsTable, build_table, compare_tables
from kasvu.knowledge.rounds import import_rows, round_rows, round_table

M = 13

# theme: (N, {content: count}); None for contents the seed lists without a count.
SEED004 = {
    "1.1": (
        12,
        {
            "Lapsuuden nivelvaiheet": 7,
            "Yhteistyön ja verkostoitumisen perustuminen elinkaariajattelulle": 4,
            "Poikkihallinnolliset prosessikuvaukset": 4,
            "Kustannukset": 4,
        },
    ),
    "1.2": (3, {"Hyvinvointianalyysin tekeminen (mm. lasten ja vanhempien näkökulma)": None}),
    "1.3": (
        10,
        {
            "Rakenteelliset mallit": None,
            "Perhekeskustoiminnan tulokset": None,
            "Varhainen puuttuminen": None,
            "Oppilashuollon järjestäminen": None,
            "Nuorisovaltuusto": None,
            "Hyvinvointistrategia/ Lapsipoliittinen ohjelma": None,
            "Lastensuojelun organisointi": None,
            "Kokemusten jakaminen hankkeista": None,
        },
    ),
    "1.4": (
        9,
        {
            "Tietopankki?": 7,
            "Tieteellisen tiedon ja arkitiedon yhdistäminen": 2,
            "Alueen hankkeiden koordinointi": 3,
        },
    ),
    "1.5": (
        9,
        {
            "Mittarit (lapsuuden- ja nuoruuden hyvinvointi, kouluterveyskyselyt, oppilashuolto)": 5,
            "Vaikuttavuuden arviointi (verkostotyö, kehittämissyksikkö)": 4,
            "Arvioinnin menetelmien kehittämien": 2,
            "Arvioinnin tietopohja": 2,
            "Olemassa olevien toimintamallien arviointi": 1,
        },
    ),
    "1.6": (
        4,
        {"Hyvinvointi/ Pahoinvointi": None, "Osallisuus (nuorten osallisuus)": None, "Vaikuttavuus": None},
    ),
    "1.7": (4, {}),
    "1.8": (4, {"Kuntien henkilöstöressurssien lisääminen": 2, "Rahoitus": 2}),
    "2.1.1": (
        12,
        {
            "Kehittämistyön lähtökohta pysyvän poikkihallinnollisen työryhmän toiminta, "
            "kunnan sisäinen organisoituminen": 9,
            "Aikaisempien rakenteiden hyödyntäminen": 5,
        },
    ),
    "2.1.2": (
        13,
        {
            "Kunnan sisäisen yhteistyön tehostaminen": 9,
            "Organisaatioiden selkeyttäminen ja tiedon jakaminen": 6,
            "Päättäjien sitouttaminen (vaikuttavuus, resurssit)": 8,
            "Palveluiden kehittäminen hallinnon ja käytännön työssä": 4,
            "Hankkeen kuntatyöryhmä (mm. koulutusorganisointi)": 3,
        },
    ),
    "2.1.3": (
        11,
        {
            "Verkostoituminen hyvien peruspalvelujen turva": 4,
            "Koulutus poikkihallinnollisen yhteistyön tukena": 4,
            "Moniammatillisten työtiimien vahvistaminen": 2,
            "Moniammatillisuus prosessien kautta pysyviksi": 2,
            "Yhteisöllisyyden vahvistaminen": 1,
        },
    ),
    "2.2.1": (
        9,
        {
            "Hankkeen alueen laajuus (+ / -)": 3,
            "Menetelmien kehittäminen seudullisesti": 4,
            "Seudulliset verkostot osaamisen tukena": 5,
            "Yhteiset seudulliset toimintasuunnitelmat": 1,
        },
    ),
    "2.2.2": (
        8,
        {
            "Alueellisen kehittämisen merkitys korostuu kuntaliitoksissa": 4,
            "Seudulliset organisaatiouudistukset": 2,
            "Kunnan sisäiset organisaatiouudistukset": 4,
        },
    ),
    "2.2.3": (
        6,
        {
            "Mm. vammaispalvelun organisoinnin kehittäminen, nuorisotoiminnan koordinointi ylikunnallisesti": 5,
            "Henkilöstön koordinointi": 2,
        },
    ),
    "3.1": (
        12,
        {
            "Asiakasprosessien kehittäminen": 3,
            "Lapsen erityinen tuki": 3,
            "Oppilashuollon kehittäminen ja vahvistaminen": 5,
            "Kouluterveydenhuollon kehittäminen ja vahvistaminen": 5,
            "Varhainen puuttuminen ja tuki": 5,
            "Tietopohjan vahvistaminen esim. keskushermoston kehitys": 1,
        },
    ),
    "3.2": (11, {"Ennaltaehkäisevä työ": 11, "Vertailtavuus kuntien välillä": 1}),
    "3.3": (
        12,
        {
            "Matalan kynnyksen tuki": 5,
            "Nivelvaiheet": 8,
            "Avioerot, yksinhuoltajat": 4,
            "Perhe/ lähisuhdeväkivalta": 3,
            "Mielenterveyden tukeminen (masentuneisuus)": 3,
            "Arvolähtökohdat esim. kiintymyssuhteet": 1,
        },
    ),
    "3.4": (
        6,
        {
            "Vanhemmat asiantuntijoina (esim. nivelvaiheet)": 2,
            "Menetelmiä osallisuuden lisäämiseksi (vanhemmat, lapset, nuoret)": 3,
            "Erityisryhmien osallisuus": 2,
            "Dialogisuus ja tasavertaisuus": 1,
        },
    ),
    "3.5": (
        6,
        {
            "Päihdeongelmat": None,
            "Ilkivalta": None,
            "Seksuaalisuus/seksuaalikasvatus": None,
            "Mediakasvatus": 4,
            "Oppilashuollon kehittäminen": None,
        },
    ),
    "3.6": (
        13,
        {
            "Toimiva koulutusrakenne": 10,
            "Yhteiset koulutukset perheille ja työntekijöille": 2,
            "Verkostotyökoulutus": 5,
            "Työnohjaus": 3,
        },
    ),
}
HEADINGS = {"1", "2", "2.1", "2.2", "3"}  # the seed gives no N for these


def assert_reproduces_seed004(table: NeedsTable) -> None:
    assert table.total == M
    assert {r.code for r in table.rows} == set(SEED004) | HEADINGS
    for code in HEADINGS:
        assert table.row(code).n is None, code
    for code, (n, contents) in SEED004.items():
        row = table.row(code)
        assert row.n == n, f"{code}: N {row.n} != seed {n}"
        assert {c.label: c.n for c in row.contents} == contents, code
        assert [c.label for c in row.contents] == list(contents), f"{code}: content order"


def test_seed004_from_the_csv_file(seed004_csv):
    assert_reproduces_seed004(build_table(read_csv(seed004_csv), M))


def test_seed004_from_an_xlsx_made_from_the_csv(seed004_csv, tmp_path):
    rows = read_csv(seed004_csv)
    xlsx = tmp_path / "seed004.xlsx"
    write_xlsx(rows, xlsx)
    back = read_sheet(xlsx)
    assert back == rows
    assert_reproduces_seed004(build_table(back, M))


@pytest.fixture
def round2008(db):
    return Round.objects.create(
        name="Kuntakohtaisten kehittämistarpeiden analyysi",
        slug="arvo-2008",
        date=dt.date(2008, 1, 1),
        total=M,
        assignment_is_synthetic=True,
    )


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_seed004_through_the_database(round2008, seed004_csv, tmp_path, fmt):
    rows = read_csv(seed004_csv)
    path = tmp_path / f"sheet.{fmt}"
    (write_csv if fmt == "csv" else write_xlsx)(rows, path)
    result = import_rows(round2008, read_sheet(path))
    assert result.municipalities == 13
    assert round2008.municipalities.count() == 13
    assert round2008.themes.get(code="2.1.3").parent.code == "2.1"
    assert_reproduces_seed004(round_table(round2008))


def test_export_then_import_gives_the_same_sheet(round2008, seed004_csv, tmp_path):
    import_rows(round2008, read_csv(seed004_csv))
    exported = round_rows(round2008)
    assert sorted(exported, key=repr) == sorted(read_csv(seed004_csv), key=repr)
    write_xlsx(exported, tmp_path / "out.xlsx")
    other = Round.objects.create(name="again", slug="again", date=dt.date(2008, 1, 1), total=M)
    import_rows(other, read_sheet(tmp_path / "out.xlsx"))
    assert round_table(other) == round_table(round2008)


def test_compare_two_rounds_per_theme():
    a = build_table([CodedRow("1.1", "Elinkaari", municipality="444"), CodedRow("1.2", "Kartoitus")], 13)
    b = build_table(
        [CodedRow("1.1", "Elinkaari", municipality=c) for c in ("444", "106", "927")]
        + [CodedRow("1.3", "Osaaminen", municipality="444")],
        13,
    )
    changes = {c.code: (c.n_a, c.n_b, c.change) for c in compare_tables(a, b)}
    assert changes == {"1.1": (1, 3, 2), "1.2": (None, None, None), "1.3": (None, 1, 1)}


def test_unknown_municipality_is_named(round2008):
    from kasvu.knowledge.rounds import UnknownMunicipality

    with pytest.raises(UnknownMunicipality, match="999"):
        import_rows(round2008, [CodedRow("1.1", "Elinkaari", municipality="999")])
