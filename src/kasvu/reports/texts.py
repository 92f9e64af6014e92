"""Headings, labels and fixed paragraphs of the bundled reports in Finnish, Swedish and English.

Together with the sentences of :mod:`kasvu.reports.narrative` these can be overridden per template folder
by ``phrases.yaml`` (language → key → text).
"""

from __future__ import annotations

from pathlib import Path

from kasvu.labels import source_name
from kasvu.reports.narrative import load_phrases

LABELS: dict[str, dict[str, str]] = {
    "fi": {
        "regional_title": "Lasten, nuorten ja perheiden palvelut ja hyvinvointi: {area} {year}",
        "regional_subtitle": "Alueellinen vuosiraportti. Kunnat: {members}.",
        "profile_title": "Kuntaprofiili: {area} {year}",
        "profile_subtitle": "Lasten ja nuorten hyvinvointi. Vertailualueet: {refs}.",
        "followup_title": "Seurantaraportti {year}: {plan}",
        "introduction": "Johdanto",
        "summary": "Tiivistelmä",
        "area_chapter": "Alue ja väestö",
        "rights_part": "Lapsen seitsemän oikeutta",
        "themes": "Indikaattorit teemoittain",
        "methods": "Menetelmät ja tulkinta",
        "provenance": "Liite: tietojen alkuperä",
        "municipality": "Kunta",
        "area": "Alue",
        "indicator": "Indikaattori",
        "year": "Vuosi",
        "value_col": "Arvo",
        "interval": "95 %:n luottamusväli",
        "vs": "vrt. {ref}",
        "trend": "Kehitys {years}",
        "population": "Väkiluku",
        "source": "Lähde",
        "licence": "Lisenssi",
        "attribution": "Lähdemaininta",
        "retrieved": "Haettu",
        "imported_on": "(tuontipäivä)",
        "imports": "Tuonnit",
        "years": "Vuodet",
        "v_higher": "suurempi",
        "v_lower": "pienempi",
        "v_same": "ei eroa",
        "v_untestable": "ei testattavissa",
        "v_better": "parempi",
        "v_worse": "heikompi",
        "t_up": "nouseva",
        "t_down": "laskeva",
        "t_none": "ei suuntausta",
        "suppressed_note": "– = arvoa ei julkaista tietosuojan vuoksi (alle {threshold} henkilöä tai voisi paljastaa "
        "tällaisen arvon).",
        "generated_note": "Generoitu demoaineisto, ei todellinen.",
        "generated_notice": "Tämä raportti sisältää generoitua demoaineistoa, joka ei ole todellista. Se on merkitty "
        "kaikkialla, missä se näkyy.",
        "internal_notice": "SISÄINEN VERSIO: sisältää pieniä lukuja, ei julkaistavaksi.",
        "fig_bars": "Kuvio {n}. {title}, {year}, kunnittain. Viivat: 95 %:n luottamusvälit; pystyviivat: {refs}.",
        "fig_map": "Kartta {n}. {title}, {year}. Tummempi väri = suurempi arvo; harmaa = ei julkaistua arvoa.",
        "fig_trend": "Kuvio {n}. {title}, {years}. Varjostus: 95 %:n luottamusväli.",
        "alt_bars": "Pylväskuvio: {title} {year} kunnittain. Suurin arvo {max_area} {max}, pienin {min_area} "
        "{min}. {refs_text}. Luvut ovat kuvion alla olevassa taulukossa.",
        "alt_map": "Kartta: {title} {year} alueen {area} kunnissa. Suurin arvo {max_area} {max}, pienin {min_area} "
        "{min}. Luvut ovat taulukossa {table}.",
        "alt_trend": "Viivakuvio: {title} vuosina {years}: {series}. Luvut ovat kuvion alla olevassa taulukossa.",
        "source_line": "Lähde: {attribution}.",
        "table_members": "Taulukko: {title}, {year}",
        "see_section": "{title}: katso luku {chapter}.",
        "no_indicators": "Tähän oikeuteen ei ole aineistossa vielä indikaattoreita.",
        "rights_intro": "Luvussa tarkastellaan indikaattoreita, jotka kuvaavat lapsen oikeutta: {right}.",
        "intro_regional": "Raportti kuvaa lasten, nuorten ja perheiden hyvinvointia ja palveluja alueella {area} "
        "vuonna {year}. Kunkin kunnan arvoa verrataan alueen ja koko maan arvoon. Alueen arvo lasketaan kuntien "
        "osoittajien ja nimittäjien summista, ei kuntien arvojen keskiarvona.",
        "intro_profile": "Profiili kuvaa lasten ja nuorten hyvinvointia kunnassa {area} vuonna {year} ja vertaa "
        "sitä vertailualueisiin: {refs}.",
        "summary_none": "Alueen arvo ei eroa tilastollisesti merkitsevästi koko maan arvosta yhdessäkään "
        "testatussa indikaattorissa.",
        "summary_lead": "{area}: {n}/{m} indikaattorissa arvo eroaa tilastollisesti merkitsevästi vähintään "
        "yhdestä vertailualueesta. Tärkeimmät havainnot oikeuksittain, epäsuotuisat ensin; kaikki vertailut ovat "
        "taulukossa.",
        "summary_more": "Lisäksi {n} merkitsevää eroa: katso taulukko.",
        "summary_profile_none": "{area}: arvo ei eroa tilastollisesti merkitsevästi yhdestäkään vertailualueesta "
        "yhdessäkään testatussa indikaattorissa.",
        "summary_profile_untested": "{area}: yhtään vertailua ei voitu testata (arvot puuttuvat, niitä ei julkaista "
        "tai lukumäärät puuttuvat).",
        "summary_table": "Kaikki vertailut: {area} {year}",
        "summary_no_country": "Aluetta ei voitu verrata koko maahan: vertailualueen {ref} arvo puuttuu tai sitä "
        "ei julkaista yhdessäkään indikaattorissa.",
        "summary_untested": "{n}/{m} indikaattorissa vertailua koko maahan ei voitu tehdä (vertailualueen {ref} "
        "arvo puuttuu, sitä ei julkaista tai lukumäärät puuttuvat).",
        "methods_text": "Luottamusvälit ovat 95 %:n välejä: osuuksille Wilsonin väli, ilmaantuvuuksille tarkka "
        "Poisson-väli. Alueen eroa vertailualueeseen testataan kahden osuuden z-testillä (osuudet) tai tarkalla "
        "ilmaantuvuustiheyksien testillä; jos alue kuuluu vertailualueeseen, sitä verrataan vertailualueen muuhun "
        "osaan. Kehityssuuntaa testataan Cochran–Armitagen testillä (osuudet) tai Poisson-regression pistemäärätestillä. "
        "Merkitsevyystaso on 5 %; kun testejä on paljon, noin joka 20. ero voi olla sattumaa. Teksti kertoo erosta "
        "tai suuntauksesta vain, kun testi on merkitsevä. Arvot, jotka perustuvat alle {threshold} henkilöön tai "
        "voisivat paljastaa tällaisen arvon, on peitetty (–).",
        "methods_bh": "Kuntaprofiilissa vertailujen p-arvot on korjattu monen testin vuoksi Benjaminin–Hochbergin "
        "menetelmällä koko profiilin yli samoin kuin verkkopalvelun alueprofiilissa, joten raportti ja verkkosivu "
        "pitävät merkitsevinä samat erot.",
        "methods_survey_refs": "Kyselyn indikaattoreita verrataan kyselyn omaan alueeseen ({refs}), muita "
        "indikaattoreita maakuntaan, hyvinvointialueeseen ja koko maahan.",
        "methods_bh_regional": "Vertailujen p-arvot on korjattu monen testin vuoksi Benjaminin–Hochbergin "
        "menetelmällä kaikkien raportissa esitettyjen vertailujen yli, kuten verkkopalvelussa.",
        "followup_intro": "Raportti kertoo, miten suunnitelman {plan} tavoitteet ja toimenpiteet toteutuivat "
        "vuonna {year}.",
        "goal": "Tavoite {n}",
        "action": "Toimenpide",
        "owner": "Vastuutaho",
        "status": "Tila",
        "how_it_went": "Toteutuminen",
        "baseline": "Lähtötaso",
        "target": "Tavoitetaso",
        "latest": "Viimeisin arvo",
        "implementation": "Toimeenpanon tavoitteet",
    },
    "sv": {
        "regional_title": "Tjänster och välfärd för barn, unga och familjer: {area} {year}",
        "regional_subtitle": "Regional årsrapport. Kommuner: {members}.",
        "profile_title": "Kommunprofil: {area} {year}",
        "profile_subtitle": "Barns och ungas välfärd. Jämförelseområden: {refs}.",
        "followup_title": "Uppföljningsrapport {year}: {plan}",
        "introduction": "Inledning",
        "summary": "Sammanfattning",
        "area_chapter": "Området och befolkningen",
        "rights_part": "Barnets sju rättigheter",
        "themes": "Indikatorer efter tema",
        "methods": "Metoder och tolkning",
        "provenance": "Bilaga: uppgifternas ursprung",
        "municipality": "Kommun",
        "area": "Område",
        "indicator": "Indikator",
        "year": "År",
        "value_col": "Värde",
        "interval": "95 % konfidensintervall",
        "vs": "jfr {ref}",
        "trend": "Utveckling {years}",
        "population": "Folkmängd",
        "source": "Källa",
        "licence": "Licens",
        "attribution": "Källhänvisning",
        "retrieved": "Hämtad",
        "imported_on": "(importdatum)",
        "imports": "Importer",
        "years": "År",
        "v_higher": "högre",
        "v_lower": "lägre",
        "v_same": "ingen skillnad",
        "v_untestable": "kan inte testas",
        "v_better": "bättre",
        "v_worse": "sämre",
        "t_up": "stigande",
        "t_down": "sjunkande",
        "t_none": "ingen trend",
        "suppressed_note": "– = värdet publiceras inte av dataskyddsskäl (färre än {threshold} personer eller kunde "
        "avslöja ett sådant värde).",
        "generated_note": "Genererade demodata, inte verkliga.",
        "generated_notice": "Rapporten innehåller genererade demodata som inte är verkliga. De är märkta överallt där "
        "de syns.",
        "internal_notice": "INTERN VERSION: innehåller små tal, inte för publicering.",
        "fig_bars": "Figur {n}. {title}, {year}, per kommun. Linjer: 95 % konfidensintervall; lodräta linjer: {refs}.",
        "fig_map": "Karta {n}. {title}, {year}. Mörkare färg = högre värde; grått = inget publicerat värde.",
        "fig_trend": "Figur {n}. {title}, {years}. Skuggning: 95 % konfidensintervall.",
        "alt_bars": "Stapeldiagram: {title} {year} per kommun. Högst {max_area} {max}, lägst {min_area} {min}. "
        "{refs_text}. Talen finns i tabellen under figuren.",
        "alt_map": "Karta: {title} {year} i kommunerna i {area}. Högst {max_area} {max}, lägst {min_area} {min}. "
        "Talen finns i tabell {table}.",
        "alt_trend": "Linjediagram: {title} åren {years}: {series}. Talen finns i tabellen under figuren.",
        "source_line": "Källa: {attribution}.",
        "table_members": "Tabell: {title}, {year}",
        "see_section": "{title}: se kapitel {chapter}.",
        "no_indicators": "Det finns ännu inga indikatorer för denna rättighet i materialet.",
        "rights_intro": "Kapitlet behandlar indikatorer som beskriver barnets rätt: {right}.",
        "intro_regional": "Rapporten beskriver välfärden och tjänsterna för barn, unga och familjer i {area} år "
        "{year}. Varje kommuns värde jämförs med områdets och hela landets värde. Områdets värde beräknas från "
        "summorna av kommunernas täljare och nämnare, inte som ett medelvärde av kommunernas värden.",
        "intro_profile": "Profilen beskriver barns och ungas välfärd i {area} år {year} och jämför den med "
        "jämförelseområdena: {refs}.",
        "summary_none": "Områdets värde skiljer sig inte statistiskt signifikant från hela landet i någon testad "
        "indikator.",
        "summary_lead": "{area}: i {n} av {m} indikatorer skiljer sig värdet statistiskt signifikant från minst "
        "ett jämförelseområde. De viktigaste resultaten per rättighet, de ogynnsamma först; alla jämförelser finns "
        "i tabellen.",
        "summary_more": "Ytterligare {n} signifikanta skillnader: se tabellen.",
        "summary_profile_none": "{area}: värdet skiljer sig inte statistiskt signifikant från något "
        "jämförelseområde i någon testad indikator.",
        "summary_profile_untested": "{area}: ingen jämförelse kunde testas (värdena saknas, publiceras inte eller "
        "antalen saknas).",
        "summary_table": "Alla jämförelser: {area} {year}",
        "summary_no_country": "Området kunde inte jämföras med hela landet: värdet för {ref} saknas eller "
        "publiceras inte i någon indikator.",
        "summary_untested": "I {n} av {m} indikatorer kunde ingen jämförelse med hela landet göras (värdet för "
        "{ref} saknas eller publiceras inte, eller antalen saknas).",
        "methods_text": "Konfidensintervallen är 95 %-intervall: Wilsonintervall för andelar, exakta "
        "Poissonintervall för incidenser. Skillnaden mot jämförelseområdet testas med z-test för två andelar eller "
        "ett exakt test för incidenser; om området ingår i jämförelseområdet jämförs det med resten av "
        "jämförelseområdet. Trender testas med Cochran–Armitage-test eller Poissonregressionens scoretest. "
        "Signifikansnivån är 5 %; bland många test kan ungefär var tjugonde skillnad vara slump. Texten nämner en "
        "skillnad eller trend endast när testet är signifikant. Värden som bygger på färre än {threshold} personer "
        "eller kunde avslöja ett sådant värde är dolda (–).",
        "methods_bh": "I kommunprofilen är jämförelsernas p-värden justerade för många test med Benjamini–Hochbergs "
        "metod över hela profilen, som i webbens områdesprofil, så att rapporten och webbsidan anser samma "
        "skillnader vara signifikanta.",
        "methods_survey_refs": "Enkätens indikatorer jämförs med enkätens eget område ({refs}), övriga "
        "indikatorer med landskapet, välfärdsområdet och hela landet.",
        "methods_bh_regional": "Jämförelsernas p-värden är justerade för många test med Benjamini–Hochbergs "
        "metod över alla jämförelser i rapporten, som på webben.",
        "followup_intro": "Rapporten beskriver hur målen och åtgärderna i planen {plan} genomfördes år {year}.",
        "goal": "Mål {n}",
        "action": "Åtgärd",
        "owner": "Ansvarig",
        "status": "Status",
        "how_it_went": "Genomförande",
        "baseline": "Utgångsnivå",
        "target": "Målnivå",
        "latest": "Senaste värde",
        "implementation": "Mål för genomförandet",
    },
    "en": {
        "regional_title": "Services and wellbeing of children, young people and families: {area} {year}",
        "regional_subtitle": "Yearly regional report. Municipalities: {members}.",
        "profile_title": "Municipality profile: {area} {year}",
        "profile_subtitle": "Wellbeing of children and young people. Reference areas: {refs}.",
        "followup_title": "Follow-up report {year}: {plan}",
        "introduction": "Introduction",
        "summary": "Summary",
        "area_chapter": "The area and its population",
        "rights_part": "The seven rights of the child",
        "themes": "Indicators by theme",
        "methods": "Methods and how to read the report",
        "provenance": "Appendix: where the numbers come from",
        "municipality": "Municipality",
        "area": "Area",
        "indicator": "Indicator",
        "year": "Year",
        "value_col": "Value",
        "interval": "95% confidence interval",
        "vs": "vs {ref}",
        "trend": "Trend {years}",
        "population": "Population",
        "source": "Source",
        "licence": "Licence",
        "attribution": "Attribution",
        "retrieved": "Retrieved",
        "imported_on": "(import date)",
        "imports": "Imports",
        "years": "Years",
        "v_higher": "higher",
        "v_lower": "lower",
        "v_same": "no difference",
        "v_untestable": "not testable",
        "v_better": "better",
        "v_worse": "worse",
        "t_up": "rising",
        "t_down": "falling",
        "t_none": "no trend",
        "suppressed_note": "– = not published for data protection (fewer than {threshold} persons, or could reveal "
        "such a value).",
        "generated_note": "Generated demo data, not real.",
        "generated_notice": "This report contains generated demo data, not real. It is labelled wherever it shows.",
        "internal_notice": "INTERNAL VERSION: contains small numbers, not for publication.",
        "fig_bars": "Figure {n}. {title}, {year}, by municipality. Lines: 95% confidence intervals; vertical "
        "lines: {refs}.",
        "fig_map": "Map {n}. {title}, {year}. Darker = higher value; grey = no published value.",
        "fig_trend": "Figure {n}. {title}, {years}. Shading: 95% confidence interval.",
        "alt_bars": "Bar chart: {title} {year} by municipality. Highest {max_area} {max}, lowest {min_area} {min}. "
        "{refs_text}. The numbers are in the table below the figure.",
        "alt_map": "Map: {title} {year} in the municipalities of {area}. Highest {max_area} {max}, lowest "
        "{min_area} {min}. The numbers are in table {table}.",
        "alt_trend": "Line chart: {title} in {years}: {series}. The numbers are in the table below the figure.",
        "source_line": "Source: {attribution}.",
        "table_members": "Table: {title}, {year}",
        "see_section": "{title}: see chapter {chapter}.",
        "no_indicators": "There are no indicators for this right in the data yet.",
        "rights_intro": "This chapter covers the indicators of the child's right: {right}.",
        "intro_regional": "This report describes the wellbeing of and services for children, young people and "
        "families in {area} in {year}. Each municipality is compared with the area and the whole country. The "
        "area's value is computed from the sums of the municipalities' numerators and denominators, never as an "
        "average of their values.",
        "intro_profile": "This profile describes the wellbeing of children and young people in {area} in {year} "
        "and compares it with the reference areas: {refs}.",
        "summary_none": "The area's value does not differ statistically significantly from the whole country in any "
        "indicator tested.",
        "summary_lead": "{area}: in {n} of {m} indicators the value differs statistically significantly from at "
        "least one reference area. The main findings by right, unfavourable first; every comparison is in the "
        "table.",
        "summary_more": "{n} more significant differences: see the table.",
        "summary_profile_none": "{area}: the value does not differ statistically significantly from any reference "
        "area in any indicator tested.",
        "summary_profile_untested": "{area}: no comparison could be tested (the values are missing or not "
        "published, or the counts are missing).",
        "summary_table": "All comparisons: {area} {year}",
        "summary_no_country": "The area could not be compared with the whole country: the value of {ref} is "
        "missing or not published for every indicator.",
        "summary_untested": "In {n} of {m} indicators there is no comparison with the whole country (the value of "
        "{ref} is missing or not published, or the counts are missing).",
        "methods_text": "Confidence intervals are 95% intervals: Wilson intervals for proportions, exact Poisson "
        "intervals for rates. The difference from a reference area is tested with a two-proportion z test or an "
        "exact test for rates; an area inside its reference is compared with the rest of the reference. Trends "
        "are tested with the Cochran–Armitage test or the score test of a Poisson regression. The significance "
        "level is 5%; among many tests about one difference in twenty can be chance. The text states a "
        "difference or a trend only when its test is significant. Values based on fewer than {threshold} persons, "
        "or that could reveal such a value, are hidden (–).",
        "methods_bh": "In the municipality profile the p values of the comparisons are adjusted for many tests with "
        "the Benjamini–Hochberg method over the whole profile, as on the web's area profile, so the report and the "
        "web page call the same differences significant.",
        "methods_survey_refs": "A survey's indicators are compared with the survey's own area ({refs}); the other "
        "indicators with the region, the wellbeing services county and Finland.",
        "methods_bh_regional": "The p values of the comparisons are adjusted for many tests with the "
        "Benjamini–Hochberg method over all comparisons the report states, as on the web.",
        "followup_intro": "This report tells how the goals and actions of the plan {plan} went in {year}.",
        "goal": "Goal {n}",
        "action": "Action",
        "owner": "Responsible",
        "status": "Status",
        "how_it_went": "How it went",
        "baseline": "Baseline",
        "target": "Target",
        "latest": "Latest value",
        "implementation": "Implementation goals",
    },
}


class Texts:
    """The texts of one language: ``t("key", **values)``; ``phrases`` for :mod:`kasvu.reports.narrative`."""

    def __init__(self, lang: str, override: Path | None = None) -> None:
        self.lang = lang if lang in LABELS else "en"
        merged = load_phrases(override)
        for code, labels in LABELS.items():
            merged[code] = {**labels, **merged.get(code, {})}
        if override is not None and override.exists():
            # labels overridden in the same file win over the bundled labels
            import yaml

            data = yaml.safe_load(override.read_text("utf-8")) or {}
            for code, texts in data.items():
                if code in merged and isinstance(texts, dict):
                    merged[code].update({str(k): str(v) for k, v in texts.items()})
        self.phrases = merged

    def t(self, key: str, **values: object) -> str:
        return self.phrases[self.lang][key].format(**values)

    def source(self, attribution: str) -> str:
        """ "Lähde: THL, Sotkanet.fi." for the stored "Source: THL, Sotkanet.fi", in this language."""
        return self.t("source_line", attribution=source_name(attribution, self.lang))
