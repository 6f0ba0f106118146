"""The import corpus: plan specs whose texts and structures follow published Swedish plans.

Each spec names the public page its structure and wording follow (`source`); texts are
shortened and paraphrased from those pages, not copied. `TEST_SPLIT` was fixed before the
structure step was tuned on the other documents, and must not be changed to improve a figure.
"""

from __future__ import annotations

from typing import Any

TEST_SPLIT = frozenset({"heby-effektmal", "vansbro-nämndmål", "linkoping-krisberedskap",
                        "jarfalla-sakerhet"})

_RISKS_VASTERVIK = [
    ("Långvarigt elavbrott i hela kommunen", 3, 4, "Reservkraft till vård- och omsorgsboenden"),
    ("Störning i dricksvattenförsörjningen", 2, 5, "Planera nödvattenförsörjning"),
    ("Skogsbrand nära bebyggelse", 3, 3, "Öva utrymning och mottagande"),
    ("It-angrepp mot verksamhetssystem", 4, 3, ""),
]

CORPUS: list[dict[str, Any]] = [
    {
        "id": "heby-effektmal", "layout": "lettered",
        "source": "https://heby.se/kommun-politik/mal-budget-och-uppfoljning/verksamhetsplaner/",
        "title": "Verksamhetsplan 2023 för Socialnämnden",
        "goals": [
            {"number": "1", "label": "Effektmål", "text": "Invånarna upplever trygghet i sin vardag",
             "prose": "Nämnden arbetar förebyggande tillsammans med polis och civilsamhälle.",
             "indicators": ["Andelen invånare som känner sig trygga i sitt bostadsområde ska "
                            "vara minst 75 %", "Antal genomförda trygghetsvandringar"],
             "activities": ["Genomföra trygghetsvandringar i varje kommundel",
                            "Ta fram en lägesbild över brottsligheten tillsammans med polisen"]},
            {"number": "2", "label": "Effektmål", "text": "Verksamheten klarar en samhällsstörning",
             "indicators": ["Andel enheter med uppdaterad kontinuitetsplan"],
             "activities": ["Utbilda krisledningsgruppen i stabsmetodik"]},
        ],
    },
    {
        "id": "vansbro-nämndmål", "layout": "tables",
        "source": "https://finansiellinfo.se/Vansbro_2019/Maluppfyllelse.html",
        "title": "Verksamhetsplan 2019 Kommunstyrelsen i Vansbro",
        "goals": [
            {"number": "1", "text": "Hög måluppfyllelse i skolan",
             "indicators": ["Andel elever med godkända betyg i alla ämnen"], "target": "85 %",
             "activities": ["Införa läsfrämjande insatser i lågstadiet"]},
            {"number": "2", "text": "Den enskildes situation förbättras genom kontakt med "
             "individ- och familjeomsorgen",
             "indicators": ["Andel brukare som upplever förbättrad situation"], "target": "70 %",
             "activities": []},
            {"number": "3", "text": "Kommunen har en god krisberedskap",
             "indicators": ["Antal genomförda krisledningsövningar"], "target": "2",
             "activities": ["Revidera planen för hantering av extraordinära händelser",
                            "Öva krisledningsnämnden"]},
        ],
        "risks": _RISKS_VASTERVIK[:2],
    },
    {
        "id": "malmo-verksamhetsmal", "layout": "sections",
        "source": "http://redovisningar.malmo.se/2014/arsredovisning-2014/mal-verksamheten/",
        "title": "Verksamhetsplan 2014 för Stadsbyggnadsnämnden",
        "goals": [
            {"number": "1", "text": "Malmö ska vara en trygg stad för alla",
             "prose": "Målet följs upp genom stadens trygghetsmätning.",
             "indicators": ["Andel invånare som upplever otrygghet i bostadsområdet"],
             "activities": ["Belysa gång- och cykelvägar i otrygga miljöer"]},
            {"number": "2", "text": "Stadens verksamheter ska vara robusta vid kris",
             "indicators": ["Andel förvaltningar med övad krisledning"],
             "activities": ["Genomföra en risk- och sårbarhetsanalys för förvaltningen",
                            "Utbilda medarbetare i informationssäkerhet"]},
        ],
    },
    {
        "id": "linkoping-krisberedskap", "layout": "tree",
        "source": "http://docplayer.se/69233155-Riktlinje-for-linkopings-kommuns-arbete-med-"
                  "krisberedskap.html",
        "title": "Verksamhetsplan 2020 Kommunstyrelsen Linköping",
        "goals": [
            {"number": "1", "label": "KF-mål", "text": "Kommunen har god förmåga att hantera "
             "extraordinära händelser", "indicators": [], "activities": [],
             "children": [
                 {"number": "1.1", "label": "Nämndmål", "text": "Krisledningsorganisationen är "
                  "övad och utbildad", "indicators": ["Antal genomförda övningar per år"],
                  "activities": ["Öva krisledningsnämnden minst en gång per mandatperiod"]},
                 {"number": "1.2", "label": "Nämndmål", "text": "Samhällsviktig verksamhet har "
                  "kontinuitetsplaner", "indicators": ["Andel samhällsviktiga verksamheter med "
                  "kontinuitetsplan"], "activities": ["Ta fram kontinuitetsplaner för "
                  "vattenförsörjningen"]},
             ]},
        ],
        "risks": _RISKS_VASTERVIK[2:],
    },
    {
        "id": "jarfalla-sakerhet", "layout": "lettered",
        "source": "https://cupdf.com/document/dnr-kst-2013145-ml-och-riktlinjer-fr-arbetet-med-"
                  "frn-externa-aktrer.html",
        "title": "Verksamhetsplan 2021 Järfälla kommunstyrelse",
        "goals": [
            {"number": "1", "label": "Mål", "text": "Kommunens säkerhetsskydd är ändamålsenligt",
             "prose": "Säkerhetsskyddsanalysen ligger till grund för arbetet.",
             "indicators": ["Säkerhetsskyddsanalysen är uppdaterad under året"],
             "activities": ["Uppdatera säkerhetsskyddsanalysen", "Utbilda chefer i "
                            "säkerhetsskydd"]},
            {"number": "2", "label": "Mål", "text": "Kommunen kan verka under höjd beredskap",
             "indicators": ["Andel medarbetare som är krigsplacerade"],
             "activities": ["Krigsplacera personal i samhällsviktig verksamhet"]},
        ],
        "risks": _RISKS_VASTERVIK[:3],
    },
    {
        "id": "overformyndare-2019", "layout": "sections",
        "source": "https://docplayer.se/amp/155912700-Verksamhetsplan-2019-overformyndarnamnden.html",
        "title": "Verksamhetsplan 2019 Överförmyndarnämnden",
        "goals": [
            {"number": "1", "text": "Handläggningen är rättssäker och effektiv",
             "indicators": ["Andel granskade årsräkningar inom sex månader"],
             "activities": ["Digitalisera inlämningen av årsräkningar"]},
            {"number": "2", "text": "Ställföreträdarna får stöd och utbildning",
             "indicators": ["Antal utbildningstillfällen för gode män"],
             "activities": ["Erbjuda introduktionsutbildning för nya ställföreträdare"]},
        ],
    },
    {
        "id": "miljo-samhallsbyggnad", "layout": "tree",
        "source": "https://docplayer.se/amp/29285835-Miljo-och-samhallsbyggnadsnamndens-"
                  "verksamhetsplan-antagen-av-miljo-och-samhallsbyggnadsnamnden.html",
        "title": "Miljö- och samhällsbyggnadsnämndens verksamhetsplan 2017",
        "goals": [
            {"number": "1", "label": "Inriktningsmål", "text": "En trygg och hållbar kommun",
             "children": [
                 {"number": "1.1", "label": "Nämndmål", "text": "Tillsynen förebygger olyckor",
                  "indicators": ["Andel tillsynsobjekt som besökts enligt plan"],
                  "activities": ["Samordna tillsyn med räddningstjänsten"]},
             ]},
            {"number": "2", "label": "Inriktningsmål", "text": "Nöjda invånare och företagare",
             "indicators": ["Nöjd kund-index för bygglov"], "activities": []},
        ],
    },
    {
        "id": "vasterviks-rsa", "layout": "tables",
        "source": "https://docplayer.se/amp/11021169-Risk-och-sarbarhetsanalys-2015.html",
        "title": "Verksamhetsplan 2016 Kommunstyrelsen Västervik",
        "goals": [
            {"number": "1", "text": "Samhällsviktig verksamhet kan upprätthållas vid kris",
             "indicators": ["Andel samhällsviktiga verksamheter med reservkraft"],
             "target": "100 %", "activities": ["Installera reservkraft på vattenverket"]},
        ],
        "risks": _RISKS_VASTERVIK,
    },
]
