"""Realistic synthetic plans for the benchmarks: seeded, deterministic, cached as .xlsx.

A plan is built from Swedish phrase templates per topic (plus everyday non-safety lines and the
false friends topics.md warns about: trygg förskolemiljö, trygghetslarm, personalkontinuitet), with
the shape of a real stadsdelsnämnd's plan: inriktningsmål over nämndmål, aktiviteter and indikatorer
linked to mål, aktiviteter naming the RSA risks they meet, a few dangling references, overdue
aktiviteter and old documents, so that every kind of rule has something to find.

The workbook is written with `template.write_plan_xlsx`, i.e. exactly in the Excel contract, and
cached under a key that changes whenever this module or the contract/template/model does.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import random
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from planchecker.common.model import (
    Activity,
    Document,
    DocumentType,
    Goal,
    Indicator,
    Namnd,
    NamndType,
    Plan,
    Risk,
    Status,
    Topic,
    Waiver,
)
from planchecker.reading.template import write_plan_xlsx

DEFAULT_CACHE = Path(__file__).parent / ".cache"
PLAN_YEAR = 2022  # inside säkerhetsprogrammet 2020–2023
# Plans are checked as at T2 time: some aktiviteter are overdue, most are not. The default as-of
# (the end of the plan year) would make most of them overdue and the report unrealistically long.
AS_OF = dt.date(PLAN_YEAR, 9, 1)


@dataclass(frozen=True)
class Size:
    name: str
    goals: int
    activities: int
    risks: int

    @property
    def indicators(self) -> int:
        return 2 * self.goals

    @property
    def n(self) -> int:
        """The size measure the growth exponent uses: mål + aktiviteter + risks."""
        return self.goals + self.activities + self.risks


SIZES: dict[str, Size] = {
    "S": Size("S", 10, 30, 20),
    "M": Size("M", 50, 300, 100),
    "L": Size("L", 200, 3_000, 500),
    "XL": Size("XL", 1_000, 30_000, 2_000),
}

# --- phrase bank ---------------------------------------------------------------------------------

_SLOTS: dict[str, tuple[str, ...]] = {
    "omrade": ("äldreomsorgen", "förskoleverksamheten", "hemtjänsten",
               "individ- och familjeomsorgen", "funktionsnedsättningsområdet",
               "stadsmiljöverksamheten", "ekonomiskt bistånd"),
    "enhet": ("samtliga förskolor", "vård- och omsorgsboendena", "fritidsgårdarna",
              "kontaktcenter", "förvaltningens kontor", "gruppbostäderna", "hemtjänstgrupperna",
              "mottagningsenheten"),
    "partner": ("polisen", "räddningstjänsten", "civilsamhället", "fastighetsägarna",
                "Länsstyrelsen", "Stockholm Vatten och Avfall", "Svenska kyrkan"),
    "plats": ("Hagsätra centrum", "Älvsjö centrum", "området kring tunnelbanan",
              "Högdalens centrum", "Rågsveds centrum", "Skarpnäcks allé", "Medborgarplatsen",
              "Bandhagen"),
    "tid": ("under våren", "senast i oktober", "inför tertialrapport 2", "under hösten",
            "löpande under året", "före sommaren", "under första kvartalet"),
}

_UNIT_KINDS = ("förskolan", "vård- och omsorgsboendet", "gruppbostaden", "fritidsgården",
               "hemtjänstgruppen", "enheten", "mottagningen", "skolan")
_UNIT_NAMES = ("Solrosen", "Blåklockan", "Ekbacken", "Lärkan", "Tallen", "Sjöstjärnan", "Vitsippan",
               "Björken", "Måsen", "Hagen", "Norr", "Söder", "Väst", "Öst", "Centrum", "Rosendal",
               "Gläntan", "Kvarnen", "Äppelgården", "Stjärnan")
# Real plans seldom repeat a line word for word; these details keep most generated lines distinct,
# so that the classifier's per-text cache is not flattered by the generator.
_DETAILS = ("för cirka {k} medarbetare", "i {k} verksamheter", "på {unit}", "på {unit} och {unit}",
            "med {k} deltagare", "enligt uppdrag {k} i nämndens budget", "i samverkan med {unit}")

_PHRASES: dict[str, dict[str, tuple[str, ...]]] = {
    Topic.krisberedskap: {
        "goal": ("Förvaltningen har en god krisberedskap och kan upprätthålla samhällsviktig "
                 "verksamhet vid allvarliga störningar",
                 "Nämndens krisledningsorganisation är övad och kan leda verksamheten vid en "
                 "extraordinär händelse",
                 "Samhällsviktig verksamhet inom {omrade} fungerar även vid elavbrott och "
                 "värmebölja"),
        "activity": ("Uppdatera risk- och sårbarhetsanalysen för {omrade}",
                     "Revidera kontinuitetsplanen för {enhet} med reservrutiner vid elavbrott",
                     "Genomföra en krisledningsövning för förvaltningens krisledningsgrupp",
                     "Utbilda tjänsteperson i beredskap (TiB) och uppdatera larmlistan",
                     "Inventera behovet av reservkraft och nödvatten på {enhet}",
                     "Planera trygghetspunkter i stadsdelsområdet tillsammans med {partner}",
                     "Ta fram en handlingsplan för värmebölja inom {omrade}",
                     "Öva POSOM-gruppen och uppdatera rutinerna för krisstöd",
                     "Säkerställa att lägesbilder kan rapporteras i WIS vid en samhällsstörning"),
        "indicator": ("Andel verksamheter inom {omrade} med aktuell kontinuitetsplan",
                      "Antal genomförda krisledningsövningar",
                      "Andel chefer som deltagit i utbildning i krisledning"),
        "risk": ("Långvarigt elavbrott som slår ut {omrade}",
                 "Värmebölja som drabbar sköra äldre på {enhet}",
                 "Pandemi med hög sjukfrånvaro bland personalen",
                 "Översvämning efter skyfall vid {plats}",
                 "Avbrott i dricksvattenförsörjningen",
                 "Snöoväder som hindrar hemtjänstens framkomlighet"),
    },
    Topic.civilt_forsvar: {
        "goal": ("Förvaltningen har påbörjat planeringen för civilt försvar och verksamhet under "
                 "höjd beredskap",),
        "activity": ("Krigsplacera personal i samhällsviktig verksamhet inom {omrade}",
                     "Ta fram en plan för förvaltningens krigsorganisation",
                     "Utse och utrusta en alternativ ledningsplats",
                     "Genomföra beredskapsförberedelser för höjd beredskap tillsammans med "
                     "{partner}",
                     "Kartlägga försörjningsberedskapen för livsmedel inom {omrade}",
                     "Delta i totalförsvarsövningen och utvärdera förvaltningens insats"),
        "indicator": ("Andel krigsplacerad personal i samhällsviktig verksamhet",),
        "risk": ("Väpnat angrepp som kräver höjd beredskap",
                 "Desinformation och informationspåverkan riktad mot stadsdelsområdet"),
    },
    Topic.sakerhetsskydd: {
        "goal": ("Säkerhetskänslig verksamhet skyddas enligt säkerhetsskyddslagen",),
        "activity": ("Uppdatera säkerhetsskyddsanalysen för förvaltningens säkerhetskänsliga "
                     "verksamhet",
                     "Genomföra säkerhetsprövning och registerkontroll vid nyanställning",
                     "Se över tillträdesskyddet till förvaltningens serverrum",
                     "Utbilda chefer i säkerhetsskydd och skydd mot spioneri och sabotage",
                     "Teckna säkerhetsskyddsavtal vid säkerhetsskyddad upphandling"),
        "indicator": ("Andel säkerhetsprövade befattningar i säkerhetsklass",),
        "risk": ("Sabotage mot samhällsviktig verksamhet",
                 "Röjande av säkerhetsskyddsklassificerade uppgifter"),
    },
    Topic.informationssakerhet: {
        "goal": ("Förvaltningens informationssäkerhet är god och personuppgifter hanteras enligt "
                 "dataskyddsförordningen",),
        "activity": ("Genomföra informationsklassning med KLASSA för verksamhetssystemen inom "
                     "{omrade}",
                     "Utbilda medarbetare i informationssäkerhet och nätfiske {tid}",
                     "Införa tvåfaktorsautentisering för {enhet}",
                     "Se över behörighetsstyrningen i verksamhetssystemen",
                     "Öva incidenthantering vid ransomware tillsammans med stadens IT",
                     "Säkerställa säkerhetskopiering och återställning av verksamhetskritisk "
                     "information"),
        "indicator": ("Andel medarbetare som genomgått utbildning i informationssäkerhet",
                      "Antal rapporterade personuppgiftsincidenter"),
        "risk": ("Ransomware-angrepp som krypterar verksamhetssystemen",
                 "Nätfiske som leder till intrång i e-posten"),
    },
    Topic.forebygga_olyckor: {
        "goal": ("Olyckor och bränder i förvaltningens verksamheter förebyggs genom systematiskt "
                 "brandskyddsarbete",
                 "Barn och äldre i stadsdelsområdet skadas inte i fallolyckor och drunkning"),
        "activity": ("Genomföra utrymningsövningar på {enhet} {tid}",
                     "Utbilda brandskyddsombud i systematiskt brandskyddsarbete (SBA)",
                     "Genomföra brandskyddsronder på {enhet}",
                     "Erbjuda simundervisning för att öka simkunnigheten",
                     "Genomföra fallpreventiva insatser inom hemtjänsten",
                     "Byta brandvarnare och kontrollera släckutrustning på {enhet}"),
        "indicator": ("Andel enheter som genomfört utrymningsövning",
                      "Antal brandskyddsronder per enhet"),
        "risk": ("Brand på {enhet} med svårigheter att utrymma",
                 "Fallolyckor bland äldre i ordinärt boende",
                 "Anlagd brand i skolmiljö"),
    },
    Topic.hot_och_vald: {
        "goal": ("Medarbetare och förtroendevalda skyddas mot otillåten påverkan samt hot och "
                 "våld",),
        "activity": ("Uppdatera riskbedömningen av hot och våld för {enhet}",
                     "Införa personlarm för medarbetare med ensamarbete inom {omrade}",
                     "Utbilda medarbetare i konflikthantering och lågaffektivt bemötande",
                     "Revidera säkerhetsrutinerna för hembesök",
                     "Följa upp tillbud om hot mot medarbetare i KIA {tid}",
                     "Ta fram en handlingsplan mot otillåten påverkan för förtroendevalda"),
        "indicator": ("Antal rapporterade tillbud om hot och våld",
                      "Andel medarbetare som genomgått utbildning i hot och våld"),
        "risk": ("Hot mot handläggare vid myndighetsutövning",
                 "Otillåten påverkan mot förtroendevalda"),
    },
    Topic.brottsforebyggande: {
        "goal": ("Stadsdelsområdet är tryggt och brottsligheten minskar genom lokal samverkan",
                 "Stockholm är en trygg och säker stad att bo och vistas i"),
        "activity": ("Genomföra trygghetsvandringar vid {plats} tillsammans med {partner}",
                     "Följa upp medborgarlöftet med polisen {tid}",
                     "Ta fram en lägesbild över brottsligheten i stadsdelsområdet",
                     "Förbättra belysningen vid {plats} för ökad trygghet",
                     "Sanera klotter inom 24 timmar vid {plats}",
                     "Utveckla SSPF-samverkan för unga i riskzon",
                     "Utbilda personal i att förebygga våldsbejakande extremism",
                     "Samordna det lokala brottsförebyggande rådet"),
        "indicator": ("Andel invånare som känner sig trygga i sitt bostadsområde kvällstid",
                      "Antal genomförda trygghetsvandringar"),
        "risk": ("Ökad gängkriminalitet vid {plats}", "Skadegörelse och klotter vid {plats}"),
    },
    "none": {
        "goal": ("Nämndens verksamheter bedrivs med god ekonomisk hushållning och ekonomin är i "
                 "balans",
                 "Äldre får omsorg och service av god kvalitet",
                 "Förskolan erbjuder en trygg förskolemiljö där alla barn utvecklas och lär",
                 "Fler bostäder byggs i stadsdelsområdet",
                 "Förvaltningen är en attraktiv arbetsgivare med låg sjukfrånvaro",
                 "Invånarna har tillgång till ett rikt kultur- och fritidsliv"),
        "activity": ("Öka personalkontinuiteten i hemtjänsten",
                     "Införa digitala trygghetslarm för äldre i ordinärt boende",
                     "Stärka förvaltningens brand som arbetsgivare i sociala medier",
                     "Rekrytera fler familjehem och beredskapshem",
                     "Följa upp budgeten månadsvis per enhet",
                     "Utveckla språkutvecklande arbetssätt i {enhet}",
                     "Säkerställa patientsäkerheten vid läkemedelshantering",
                     "Genomföra medarbetarenkäten och ta fram handlingsplaner {tid}",
                     "Digitalisera ansökan om ekonomiskt bistånd",
                     "Erbjuda sommarlovsaktiviteter för barn och unga vid {plats}",
                     "Minska matsvinnet i {enhet}",
                     "Skapa en trygg övergång mellan förskola och förskoleklass"),
        "indicator": ("Budgetföljsamhet för nämnden", "Andel nöjda brukare i hemtjänsten",
                      "Sjukfrånvaro bland medarbetarna", "Antal besök på fritidsgårdarna"),
        "risk": ("Brist på legitimerad personal inom {omrade}",
                 "Ekonomiskt underskott i {omrade}"),
    },
}

# Share of rows per topic ("none" is everyday business); roughly what real plans hold.
_TOPIC_WEIGHTS: dict[str, int] = {
    Topic.krisberedskap: 12, Topic.civilt_forsvar: 5, Topic.sakerhetsskydd: 3,
    Topic.informationssakerhet: 6, Topic.forebygga_olyckor: 7, Topic.hot_och_vald: 6,
    Topic.brottsforebyggande: 9, "none": 52,
}
_RISK_TOPICS = (Topic.krisberedskap, Topic.krisberedskap, Topic.krisberedskap,
                Topic.forebygga_olyckor, Topic.informationssakerhet, Topic.hot_och_vald,
                Topic.brottsforebyggande, Topic.civilt_forsvar, Topic.sakerhetsskydd, "none")
_FUNCTIONS = ("Äldreomsorg", "Hemtjänst", "Förskola", "Socialtjänst", "Ekonomiskt bistånd",
              "Kriskommunikation", "Ledning och samordning")
_RESPONSIBLE = ("Säkerhetssamordnare", "Avdelningschef äldreomsorg", "Förskolechef",
                "Enhetschef", "Kommunikationschef", "HR-chef", "IT-samordnare", "Stadsdelsdirektör")
_NAMNDER = ("Älvsjö", "Skarpnäck", "Södermalm", "Enskede-Årsta-Vantör", "Farsta",
            "Hägersten-Älvsjö", "Kungsholmen", "Norrmalm", "Östermalm", "Spånga-Tensta",
            "Rinkeby-Kista", "Bromma")
_TARGETS = (("90", "procent"), ("2", "antal"), ("100", "procent"), ("minst 4", "antal"),
            ("75", "procent"), (None, None))


def _fill(rng: random.Random, template: str) -> str:
    return template.format(**{slot: rng.choice(words) for slot, words in _SLOTS.items()})


def _pick_topic(rng: random.Random) -> str:
    return rng.choices(list(_TOPIC_WEIGHTS), weights=list(_TOPIC_WEIGHTS.values()))[0]


def _unit(rng: random.Random) -> str:
    return f"{rng.choice(_UNIT_KINDS)} {rng.choice(_UNIT_NAMES)}"


def _text(rng: random.Random, topic: str, kind: str) -> str:
    template = rng.choice(_PHRASES[topic][kind])
    text = _fill(rng, template)
    if kind in ("activity", "risk") and rng.random() < 0.85:
        detail = rng.choice(_DETAILS).replace("{unit}", "{}")
        text += " " + detail.format(*(_unit(rng) for _ in range(detail.count("{}"))),
                                    k=rng.randint(2, 400))
    if kind == "activity" and "{tid}" not in template and rng.random() < 0.4:
        text += " " + rng.choice(_SLOTS["tid"])
    return text


def _tags(rng: random.Random, topic: str, share: float) -> list[Topic]:
    """The Fokusområde cell: filled for part of the safety rows, the rest is left to inference."""
    return [Topic(topic)] if topic != "none" and rng.random() < share else []


# --- the plan ------------------------------------------------------------------------------------


def _goals(rng: random.Random, size: Size) -> tuple[list[Goal], list[str]]:
    """A few inriktningsmål on top, nämndmål under them; returns the goals and each one's topic."""
    top = max(1, size.goals // 10)
    goals: list[Goal] = []
    topics: list[str] = []
    for number in range(1, size.goals + 1):
        topic = _pick_topic(rng)
        if number <= top:
            goals.append(Goal(id=f"KF{number}", text=_text(rng, topic, "goal"), level="KF-mål",
                              topics=_tags(rng, topic, 0.5)))
        else:
            goals.append(Goal(id=f"M{number - top}", text=_text(rng, topic, "goal"),
                              level="Nämndmål", topics=_tags(rng, topic, 0.5),
                              parent=f"KF{rng.randint(1, top)}"))
        topics.append(topic)
    return goals, topics


def _risks(rng: random.Random, size: Size) -> tuple[list[Risk], list[str]]:
    risks: list[Risk] = []
    topics: list[str] = []
    for number in range(1, size.risks + 1):
        topic = rng.choice(_RISK_TOPICS)
        risks.append(Risk(id=f"R{number}", text=_text(rng, topic, "risk"),
                          function=rng.choice(_FUNCTIONS), probability=rng.randint(1, 5),
                          consequence=rng.randint(1, 5),
                          measure=rng.choice((None, "Se aktiviteter i planen",
                                              "Kontinuitetsplan och reservrutiner"))))
        topics.append(topic)
    return risks, topics


def _goal_link(rng: random.Random, goals: Sequence[Goal], by_topic: dict[str, list[str]],
               topic: str) -> str | None:
    """Mostly a mål of the same topic; sometimes none, and now and then one that does not exist."""
    roll = rng.random()
    if roll < 0.03:
        return None
    if roll < 0.035:
        return f"M{len(goals) + rng.randint(1, 50)}"  # a dangling reference, as people make them
    same = by_topic.get(topic)
    return rng.choice(same) if same and rng.random() < 0.8 else rng.choice(goals).id


def _risk_links(rng: random.Random, risks: Sequence[Risk], by_topic: dict[str, list[str]],
                topic: str) -> list[str]:
    candidates = by_topic.get(topic) or []
    if not candidates or rng.random() > 0.35:
        return []
    links = rng.sample(candidates, k=min(len(candidates), rng.randint(1, 2)))
    if rng.random() < 0.01:
        links.append(f"R{len(risks) + rng.randint(1, 20)}")  # dangling
    return links


def _activities(rng: random.Random, size: Size, goals: Sequence[Goal], goal_topics: Sequence[str],
                risks: Sequence[Risk], risk_topics: Sequence[str]) -> list[Activity]:
    risks_by_topic: dict[str, list[str]] = {}
    for risk, topic in zip(risks, risk_topics, strict=True):
        risks_by_topic.setdefault(topic, []).append(risk.id)
    goals_by_topic: dict[str, list[str]] = {}
    for goal, topic in zip(goals, goal_topics, strict=True):
        goals_by_topic.setdefault(topic, []).append(goal.id)
    year_start = dt.date(PLAN_YEAR, 1, 1).toordinal()
    activities: list[Activity] = []
    for number in range(1, size.activities + 1):
        topic = _pick_topic(rng)
        start = dt.date.fromordinal(year_start + rng.randint(0, 200))
        end = dt.date.fromordinal(start.toordinal() + rng.randint(30, 300))
        activities.append(Activity(
            id=f"A{number}", goal_id=_goal_link(rng, goals, goals_by_topic, topic),
            text=_text(rng, topic, "activity"), topics=_tags(rng, topic, 0.4),
            responsible=rng.choice(_RESPONSIBLE), start=start, end=end,
            status=rng.choice((Status.planerad, Status.pagar, Status.pagar, Status.klar,
                               Status.installd, None)),
            risk_ids=_risk_links(rng, risks, risks_by_topic, topic)))
    return activities


def _indicators(rng: random.Random, size: Size, goals: Sequence[Goal],
                goal_topics: Sequence[str]) -> list[Indicator]:
    indicators: list[Indicator] = []
    for number in range(1, size.indicators + 1):
        index = rng.randrange(len(goals))
        target, unit = rng.choice(_TARGETS)
        indicators.append(Indicator(id=f"I{number}", goal_id=goals[index].id,
                                    text=_text(rng, goal_topics[index], "indicator"),
                                    target=target, unit=unit))
    return indicators


_DOCUMENTS: tuple[tuple[str, DocumentType], ...] = (
    ("Risk- och sårbarhetsanalys", DocumentType.rsa),
    ("Plan för extraordinära händelser", DocumentType.plan_extraordinara_handelser),
    ("Kontinuitetsplan", DocumentType.kontinuitetsplan),
    ("Utbildnings- och övningsplan", DocumentType.utbildnings_och_ovningsplan),
    ("Handlingsplan mot hot och våld", DocumentType.handlingsplan_hot_och_vald),
    ("Systematiskt brandskyddsarbete", DocumentType.sba),
    ("Lägesbild över brottsligheten", DocumentType.lagesbild_brott),
    ("Samverkansöverenskommelse med polisen", DocumentType.samverkansoverenskommelse),
    ("Informationssäkerhetspolicy", DocumentType.informationssakerhetspolicy),
    ("Säkerhetsskyddsanalys", DocumentType.sakerhetsskyddsanalys),
)


def _documents(rng: random.Random) -> list[Document]:
    documents: list[Document] = []
    for name, kind in _DOCUMENTS:
        if rng.random() < 0.15:
            continue  # a missing document is a finding
        decided = dt.date(PLAN_YEAR - rng.randint(0, 4), rng.randint(1, 12), rng.randint(1, 28))
        valid = rng.choice((None, dt.date(decided.year + rng.randint(1, 4), 12, 31)))
        documents.append(Document(name=f"{name} {decided.year}", type=kind, decided=decided,
                                  valid_until=valid, decided_by="Nämnden"))
    return documents


def build_plan(size: Size, seed: int = 0) -> Plan:
    """The synthetic plan of this size and seed; the same arguments give the same plan."""
    rng = random.Random(f"planchecker-benchmark-{size.name}-{seed}")
    goals, goal_topics = _goals(rng, size)
    risks, risk_topics = _risks(rng, size)
    namnd = Namnd(name=f"{rng.choice(_NAMNDER)} stadsdelsnämnd", type=NamndType.stadsdelsnamnd,
                  year=PLAN_YEAR)
    waivers = [Waiver(rule="SAK20-SSK-MAL", motivation="Nämnden bedriver ingen säkerhetskänslig "
                      "verksamhet enligt säkerhetsskyddsanalysen.", decided_by="Nämnden",
                      valid_until=dt.date(PLAN_YEAR, 12, 31))]
    return Plan(namnd=namnd, goals=goals, indicators=_indicators(rng, size, goals, goal_topics),
                activities=_activities(rng, size, goals, goal_topics, risks, risk_topics),
                risks=risks, documents=_documents(rng), waivers=waivers)


# --- the cache -----------------------------------------------------------------------------------


def _cache_key() -> str:
    """Changes whenever anything that shapes the written workbook changes."""
    import planchecker.common.model
    import planchecker.reading.contract
    import planchecker.reading.template

    digest = hashlib.sha256()
    for module_file in (__file__, planchecker.reading.contract.__file__, planchecker.common.model.__file__,
                        planchecker.reading.template.__file__):
        digest.update(Path(module_file).read_bytes())
    return digest.hexdigest()[:10]


def _prune(stale: Iterable[Path]) -> None:
    """Drop workbooks written under an older cache key; an XL plan is a couple of megabytes."""
    for path in stale:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def plan_path(size: Size, seed: int = 0, cache: Path = DEFAULT_CACHE) -> Path:
    """The cached workbook for (size, seed), generated on first use."""
    path = cache / f"plan-{size.name}-{seed}-{_cache_key()}.xlsx"
    if not path.exists():
        cache.mkdir(parents=True, exist_ok=True)
        _prune(cache.glob(f"plan-{size.name}-{seed}-*.xlsx"))
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(write_plan_xlsx(build_plan(size, seed)))
        os.replace(tmp, path)  # concurrent runs never see half a file
    return path


def batch_paths(count: int, variants: int = 25, cache: Path = DEFAULT_CACHE) -> list[Path]:
    """`count` M workbooks in their own folder: copies of `variants` differently seeded M plans."""
    folder = cache / f"batch-M-{count}-{variants}-{_cache_key()}"
    paths = [folder / f"plan-{number:04d}.xlsx" for number in range(1, count + 1)]
    if not all(path.exists() for path in paths):
        _prune(cache.glob(f"batch-M-{count}-{variants}-*"))
        folder.mkdir(parents=True, exist_ok=True)
        sources = [plan_path(SIZES["M"], seed, cache) for seed in range(min(variants, count))]
        for number, path in enumerate(paths):
            shutil.copyfile(sources[number % len(sources)], path)
    return paths


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Generate (and cache) the benchmark plans.")
    parser.add_argument("--sizes", default="S,M,L,XL", help="comma-separated sizes (S,M,L,XL)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    args = parser.parse_args(argv)
    for name in args.sizes.split(","):
        print(plan_path(SIZES[name.strip().upper()], args.seed, args.cache))


if __name__ == "__main__":
    main()
