"""The plan model: one verksamhetsplan as frozen pydantic v2 models, and the one Location type.

Everything downstream (topics, facts, engine, findings, writers) reads these models; nothing here
knows about files or rules. Dangling references (an aktivitet naming a mål that does not exist) are
kept as they are: the rules report them, the model does not refuse them.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import unicodedata
from enum import Enum, StrEnum
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator


class Location(BaseModel):
    """Where something stands in the file the user gave us.

    `row` is the Excel row number the user sees (1-based, header included); `column` is the header
    text and `letter` the column letter. JSON/YAML plans use `sheet` for the list name and `row` for
    the 1-based position in that list.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    file: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    letter: str | None = None

    def describe(self) -> str:
        """Swedish one-line position, e.g. `plan.xlsx, blad Mål, rad 4, kolumn Id (A)`."""
        parts = [self.file]
        if self.sheet:
            parts.append(f"blad {self.sheet}")
        if self.row is not None:
            parts.append(f"rad {self.row}")
        if self.column:
            parts.append(f"kolumn {self.column}" + (f" ({self.letter})" if self.letter else ""))
        elif self.letter:
            parts.append(f"kolumn {self.letter}")
        return ", ".join(parts)


class Topic(StrEnum):
    """The seven topic codes, stable across program versions (see shared/topics.md)."""

    krisberedskap = "krisberedskap"
    civilt_forsvar = "civilt_forsvar"
    sakerhetsskydd = "sakerhetsskydd"
    informationssakerhet = "informationssakerhet"
    forebygga_olyckor = "forebygga_olyckor"
    hot_och_vald = "hot_och_vald"
    brottsforebyggande = "brottsforebyggande"


class NamndType(StrEnum):
    stadsdelsnamnd = "stadsdelsnamnd"
    facknamnd = "facknamnd"
    bolagsstyrelse = "bolagsstyrelse"
    kommunstyrelse = "kommunstyrelse"


class DocumentType(StrEnum):
    rsa = "rsa"
    plan_extraordinara_handelser = "plan_extraordinara_handelser"
    kontinuitetsplan = "kontinuitetsplan"
    utbildnings_och_ovningsplan = "utbildnings_och_ovningsplan"
    sakerhetsskyddsanalys = "sakerhetsskyddsanalys"
    sakerhetsskyddsplan = "sakerhetsskyddsplan"
    handlingsplan_hot_och_vald = "handlingsplan_hot_och_vald"
    riskbedomning_hot_och_vald = "riskbedomning_hot_och_vald"
    fordjupad_lagesbild = "fordjupad_lagesbild"
    riskhandlingsplan = "riskhandlingsplan"
    sba = "sba"
    lagesbild_brott = "lagesbild_brott"
    atgardsplan_brott = "atgardsplan_brott"
    samverkansoverenskommelse = "samverkansoverenskommelse"
    informationssakerhetspolicy = "informationssakerhetspolicy"
    reglemente_krisledningsnamnd = "reglemente_krisledningsnamnd"
    styrdokument_krisberedskap = "styrdokument_krisberedskap"
    handlingsprogram_lso = "handlingsprogram_lso"
    krigsorganisation = "krigsorganisation"
    ovrigt = "ovrigt"


class Status(StrEnum):
    planerad = "planerad"
    pagar = "pagar"
    klar = "klar"
    installd = "installd"


def fold(text: str) -> str:
    """Key used to match names typed by people: case, space, NFC/NFD and å/ä/ö vs a/a/o folded."""
    text = unicodedata.normalize("NFKD", text.replace("\u00a0", " "))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.casefold().replace("-", " ").replace("_", " ").split())


# Swedish labels the people filling in plans see, keyed by enum value. The readers accept the label,
# the code, and the folded forms of both.
NAMND_TYPE_LABELS: dict[NamndType, str] = {
    NamndType.stadsdelsnamnd: "Stadsdelsnämnd",
    NamndType.facknamnd: "Facknämnd",
    NamndType.bolagsstyrelse: "Bolagsstyrelse",
    NamndType.kommunstyrelse: "Kommunstyrelse",
}

DOCUMENT_TYPE_LABELS: dict[DocumentType, str] = {
    DocumentType.rsa: "Risk- och sårbarhetsanalys (RSA)",
    DocumentType.plan_extraordinara_handelser: "Plan för extraordinära händelser",
    DocumentType.kontinuitetsplan: "Kontinuitetsplan",
    DocumentType.utbildnings_och_ovningsplan: "Utbildnings- och övningsplan",
    DocumentType.sakerhetsskyddsanalys: "Säkerhetsskyddsanalys",
    DocumentType.sakerhetsskyddsplan: "Säkerhetsskyddsplan",
    DocumentType.handlingsplan_hot_och_vald: "Handlingsplan mot hot och våld",
    DocumentType.riskbedomning_hot_och_vald: "Riskbedömning hot och våld",
    DocumentType.fordjupad_lagesbild: "Fördjupad lägesbild",
    DocumentType.riskhandlingsplan: "Handlingsplan för risker (RSA-åtgärder)",
    DocumentType.sba: "Systematiskt brandskyddsarbete (SBA)",
    DocumentType.lagesbild_brott: "Lägesbild över brottsligheten",
    DocumentType.atgardsplan_brott: "Åtgärdsplan brottsförebyggande",
    DocumentType.samverkansoverenskommelse: "Samverkansöverenskommelse med polisen",
    DocumentType.informationssakerhetspolicy: "Informationssäkerhetspolicy",
    DocumentType.reglemente_krisledningsnamnd: "Reglemente för krisledningsnämnden",
    DocumentType.styrdokument_krisberedskap: "Styrdokument för krisberedskap",
    DocumentType.handlingsprogram_lso: "Handlingsprogram enligt LSO",
    DocumentType.krigsorganisation: "Beslut om krigsorganisation och krigsplacering",
    DocumentType.ovrigt: "Övrigt",
}

STATUS_LABELS: dict[Status, str] = {
    Status.planerad: "Planerad",
    Status.pagar: "Pågår",
    Status.klar: "Klar",
    Status.installd: "Inställd",
}

TOPIC_LABELS: dict[Topic, str] = {
    Topic.krisberedskap: "Krisberedskap",
    Topic.civilt_forsvar: "Civilt försvar",
    Topic.sakerhetsskydd: "Säkerhetsskydd",
    Topic.informationssakerhet: "Informationssäkerhet",
    Topic.forebygga_olyckor: "Förebygga olyckor",
    Topic.hot_och_vald: "Hot och våld",
    Topic.brottsforebyggande: "Brottsförebyggande och trygghet",
}

# Fokusområde names as the city's programs spell them, each meaning one or more topics. A cell may
# name the current label, an older program's area, or the topic code itself.
FOKUSOMRADE_ALIASES: dict[str, tuple[Topic, ...]] = {
    "säkerhetsskydd och informationssäkerhet": (Topic.sakerhetsskydd, Topic.informationssakerhet),
    "bygga ett gott säkerhetsskydd": (Topic.sakerhetsskydd,),
    # The programs as a whole (a goal for the program's safety work without a single area).
    "hela säkerhetsprogrammet": (
        Topic.krisberedskap, Topic.civilt_forsvar, Topic.sakerhetsskydd, Topic.informationssakerhet,
        Topic.forebygga_olyckor, Topic.hot_och_vald,
    ),
    "hela trygghets- och säkerhetsprogrammet 2013–2016": (Topic.krisberedskap, Topic.brottsforebyggande),
    "hela trygghets- och säkerhetsprogrammet 2018–2021": (
        Topic.forebygga_olyckor, Topic.brottsforebyggande, Topic.hot_och_vald, Topic.krisberedskap,
        Topic.sakerhetsskydd, Topic.informationssakerhet,
    ),
    "bygga motståndskraft och krishanteringsförmåga": (Topic.krisberedskap,),
    "motståndskraft och krishanteringsförmåga": (Topic.krisberedskap,),
    "förebygga brott": (Topic.brottsforebyggande,),
    "brottsförebyggande": (Topic.brottsforebyggande,),
    "trygghet": (Topic.brottsforebyggande,),
    "otillåten påverkan samt hot och våld": (Topic.hot_och_vald,),
    "förebygga otillåten påverkan samt hot och våld mot anställda": (Topic.hot_och_vald,),
    "otillåten påverkan": (Topic.hot_och_vald,),
    "otillåten påverkan samt hot och våld mot anställda": (Topic.hot_och_vald,),
    "förebygga otillåten påverkan och hot och våld mot anställda": (Topic.hot_och_vald,),
    "trygghet och brottsförebyggande": (Topic.brottsforebyggande,),
    "brottsförebyggande och trygghetsskapande": (Topic.brottsforebyggande,),
    "krishanteringsförmåga": (Topic.krisberedskap,),
    "säkerhetsskydd och informationssäkerhet (cybersäkerhet)": (Topic.sakerhetsskydd, Topic.informationssakerhet),
    "cybersäkerhet": (Topic.informationssakerhet,),
}


def _lookup(labels: dict[Any, str]) -> dict[str, Any]:
    table: dict[str, Any] = {}
    for member, label in labels.items():
        table[fold(label)] = member
        table[fold(str(member.value))] = member
    return table


_NAMND_TYPES = _lookup(NAMND_TYPE_LABELS)
_DOCUMENT_TYPES = _lookup(DOCUMENT_TYPE_LABELS)
_DOCUMENT_TYPES.update({"rsa": DocumentType.rsa, "sba": DocumentType.sba})
_STATUSES = _lookup(STATUS_LABELS)
_STATUSES.update({"pagaende": Status.pagar, "genomford": Status.klar, "avslutad": Status.klar})
_TOPICS: dict[str, tuple[Topic, ...]] = {k: (v,) for k, v in _lookup(TOPIC_LABELS).items()}
_TOPICS.update({fold(name): topics for name, topics in FOKUSOMRADE_ALIASES.items()})


def parse_namnd_type(value: str) -> NamndType | None:
    return _NAMND_TYPES.get(fold(value))


def parse_document_type(value: str) -> DocumentType | None:
    return _DOCUMENT_TYPES.get(fold(value))


def parse_status(value: str) -> Status | None:
    return _STATUSES.get(fold(value))


def parse_fokusomraden(value: str) -> tuple[list[Topic], list[str]]:
    """Split a Fokusområde cell on comma/semicolon into topics; also return the names not known."""
    topics: list[Topic] = []
    unknown: list[str] = []
    for part in value.replace(";", ",").split(","):
        name = part.strip()
        if not name:
            continue
        found = _TOPICS.get(fold(name))
        if found is None:
            unknown.append(name)
        else:
            topics.extend(t for t in found if t not in topics)
    return topics, unknown


_FOKUSOMRADE_NAMES: dict[str, str] = {
    **{fold(name): name[:1].upper() + name[1:] for name in FOKUSOMRADE_ALIASES},
    **{fold(label): label for label in TOPIC_LABELS.values()},
}


def nearest_fokusomrade(name: str) -> str | None:
    """The fokusområde name a mistyped one most likely meant ("Krisberedskp" -> "Krisberedskap"),
    or None when none is close: only for suggestions, never read as that fokusområde."""
    close = difflib.get_close_matches(fold(name), list(_FOKUSOMRADE_NAMES), n=1, cutoff=0.7)
    return _FOKUSOMRADE_NAMES[close[0]] if close else None


def split_ids(value: str) -> list[str]:
    """Split an id list cell (`R1, R2; R3`) into ids, order kept, duplicates dropped."""
    ids: list[str] = []
    for part in value.replace(";", ",").split(","):
        item = part.strip()
        if item and item not in ids:
            ids.append(item)
    return ids


def _topic_list(value: Any) -> Any:
    # JSON/YAML plans may name fokusområden the way the Excel sheet does ("Civilt försvar").
    if isinstance(value, str):
        value = [value]
    if isinstance(value, list):
        out: list[Any] = []
        for item in value:
            if isinstance(item, str) and item not in Topic.__members__:
                topics, unknown = parse_fokusomraden(item)
                if unknown:
                    raise ValueError(f"okänt fokusområde: {', '.join(unknown)}")
                out.extend(topics)
            else:
                out.append(item)
        return out
    return value


def _enum_by_label(parse: Any) -> Any:
    def convert(value: Any) -> Any:
        # The Excel reader has parsed the label already; folding 30,000 statuses again cost 0.1 s.
        if isinstance(value, str) and not isinstance(value, Enum):
            parsed = parse(value)
            return parsed if parsed is not None else value
        return value

    return convert


def _id_text(value: Any) -> Any:
    # Excel and YAML turn "3" into 3 or 3.0; an id is text.
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int):
        return str(value)
    return value


Id = Annotated[str, BeforeValidator(_id_text), Field(min_length=1, max_length=200)]
Topics = Annotated[list[Topic], BeforeValidator(_topic_list)]


class _Item(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    location: Location | None = Field(
        default=None, description="Var raden står i källfilen; sätts av läsaren."
    )


class Namnd(BaseModel):
    """The nämnd or bolagsstyrelse that owns the plan."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, description="Nämndens eller bolagets namn.")
    type: Annotated[NamndType, BeforeValidator(_enum_by_label(parse_namnd_type))]
    year: int = Field(ge=2000, le=2100, description="Planåret.")
    sakerhetskanslig: bool = Field(
        default=False, description="Bedriver säkerhetskänslig verksamhet (säkerhetsskyddslagen)."
    )


class Goal(_Item):
    """A mål (KF-mål, nämndmål, …)."""

    id: Id
    text: str
    level: str | None = None
    topics: Topics = Field(default_factory=list, description="Fokusområden angivna i planen.")
    parent: Id | None = Field(default=None, description="Överordnat mål (id).")


class Indicator(_Item):
    id: Id
    goal_id: Id | None = None
    text: str
    target: str | None = None
    unit: str | None = None


class Activity(_Item):
    id: Id
    goal_id: Id | None = None
    text: str
    topics: Topics = Field(default_factory=list)
    responsible: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    status: Annotated[Status | None, BeforeValidator(_enum_by_label(parse_status))] = None
    risk_ids: list[Id] = Field(default_factory=list, description="RSA-risker som aktiviteten möter.")


class Risk(_Item):
    """A risk from the nämnd's risk- och sårbarhetsanalys."""

    id: Id
    text: str
    function: str | None = Field(default=None, description="Samhällsviktig verksamhet som berörs.")
    probability: int = Field(ge=1, le=5, description="Sannolikhet 1–5.")
    consequence: int = Field(ge=1, le=5, description="Konsekvens 1–5.")
    measure: str | None = None

    @property
    def score(self) -> int:
        return self.probability * self.consequence


class Document(_Item):
    name: str
    type: Annotated[DocumentType, BeforeValidator(_enum_by_label(parse_document_type))]
    decided: dt.date | None = None
    valid_until: dt.date | None = None
    decided_by: str | None = None


class Waiver(_Item):
    """An undantag: a decided exception from one rule."""

    rule: str = Field(min_length=1, description="Regelns id.")
    motivation: str
    decided_by: str | None = None
    valid_until: dt.date | None = None


class Plan(BaseModel):
    """One verksamhetsplan. Ids are unique per kind; references are checked by the rules."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    namnd: Namnd
    goals: list[Goal] = Field(default_factory=list)
    indicators: list[Indicator] = Field(default_factory=list)
    activities: list[Activity] = Field(default_factory=list)
    risks: list[Risk] = Field(default_factory=list)
    documents: list[Document] = Field(default_factory=list)
    waivers: list[Waiver] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_ids(self) -> Plan:
        for kind in ("goals", "indicators", "activities", "risks"):
            seen: set[str] = set()
            for item in getattr(self, kind):
                if item.id in seen:
                    raise ValueError(f"id {item.id!r} förekommer mer än en gång i {kind}")
                seen.add(item.id)
        return self

    def without_locations(self) -> Plan:
        """The same plan with every Location dropped, to compare plans read from different files."""
        data = self.model_dump(mode="json")
        for kind in ("goals", "indicators", "activities", "risks", "documents", "waivers"):
            for item in data[kind]:
                item["location"] = None
        return Plan.model_validate(data)


def plan_json_schema() -> dict[str, Any]:
    return Plan.model_json_schema()


def write_plan_schema(path: Path) -> None:
    path.write_text(
        json.dumps(plan_json_schema(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
