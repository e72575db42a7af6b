"""The screener's questions over the facts of the STCA rules (docs/law/RULES.md §2), in EN and FR.

Each :class:`Question` names the fact it fills (a dotted key such as ``entry.mode``), how it is
asked, and ``show_if``: the condition under which it matters. The page shows a question only
when its condition holds, so a person is asked only what can change the answer (a minor's
guardians only for a minor, a claim state only for a family member who is a claimant, family
and documents only when the route can put the STCA in play, the TSR exception only before its
repeal). The dates in the conditions and help texts are the law's (``roxham.law.law_date``),
never written here. Hidden questions are not sent, so the law's defaults apply.

Conditions are a tiny language read by ``static/screener.js``: clauses joined by ``&``, each
``key=value``, ``key!=value``, ``key in A|B``, ``key<N``, ``key>=N``, ``key<=YYYY-MM-DD``
(dates compare as ISO strings), or ``key`` alone (a ticked box).

>>> q = QUESTIONS_BY_KEY["fhr"]
>>> q.show_if
'stateless'
>>> q.label("fr")
'Pays de résidence habituelle antérieure (codes ISO, séparés par des virgules)'
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from roxham.law import law_date
from roxham.law.registry import CONSTANTS


def _law_day(name: str) -> dt.date:
    day = law_date(name)
    assert day is not None, name  # the law as enacted dates it
    return day


_PROTOCOL = _law_day("D_PROTOCOL")
_PROTOCOL_EVE = _PROTOCOL - dt.timedelta(days=1)
_PROTOCOL_TIME = CONSTANTS["D_PROTOCOL"].time or "00:00"
_PROTOCOL_TIME_FR = f"{int(_PROTOCOL_TIME[:2])} h {_PROTOCOL_TIME[3:]}"
_TSR_LAST_DAY = _law_day("D_TSR_REPEAL") - dt.timedelta(days=1)
_C12_RA = _law_day("D_C12_RA")

Kind = Literal[
    "date", "time", "int", "select", "bool", "tristate", "country", "countries", "dates"
]

#: Routes on which the STCA exceptions of IRPR s. 159.5 can matter.
ROUTE_MODES = "LAND_POE|BETWEEN_POE"


@dataclass(frozen=True)
class Option:
    """One choice of a select."""

    value: str
    en: str
    fr: str

    def label(self, lang: str) -> str:
        """The choice's label in ``lang``."""
        return self.fr if lang == "fr" else self.en


@dataclass(frozen=True)
class Question:
    """One input of the screener form."""

    key: str
    kind: Kind
    en: str
    fr: str
    show_if: str = ""
    options: tuple[Option, ...] = ()
    default: str = ""
    required: bool = False
    help_en: str = ""
    help_fr: str = ""
    cite: str = ""

    def label(self, lang: str) -> str:
        """The question in ``lang``."""
        return self.fr if lang == "fr" else self.en

    def help(self, lang: str) -> str:
        """Help text in ``lang``."""
        return self.help_fr if lang == "fr" else self.help_en


@dataclass(frozen=True)
class Section:
    """A group of questions, itself shown only when ``show_if`` holds."""

    id: str
    en: str
    fr: str
    questions: tuple[Question, ...] = ()
    show_if: str = ""
    repeat: str = ""  # a list fact filled by repeated rows (``family``, ``docs``)
    row_questions: tuple[Question, ...] = field(default=())

    def label(self, lang: str) -> str:
        """The section title in ``lang``."""
        return self.fr if lang == "fr" else self.en


def _yn(value: str, en: str, fr: str) -> Option:
    return Option(value, en, fr)


ENTRY_MODES = (
    Option("LAND_POE", "Land port of entry (road, foot, bus, rail)",
           "Point d'entrée terrestre (route, à pied, autobus, train)"),
    Option("BETWEEN_POE", "Between ports of entry along the land border (incl. border waters)",
           "Entre les points d'entrée, le long de la frontière terrestre (y compris les eaux)"),
    Option("AIRPORT", "Airport", "Aéroport"),
    Option("HARBOUR", "Harbour or ferry landing", "Port ou débarcadère de traversier"),
    Option("COAST_NON_POE", "Coast, not a port of entry", "Côte, hors point d'entrée"),
)

CLAIM_WHERE = (
    Option("POE_ON_ARRIVAL", "At the port of entry, on arrival", "Au point d'entrée, à l'arrivée"),
    Option("INLAND_OFFICE", "At an inland IRCC/CBSA office, after entry",
           "Dans un bureau intérieur d'IRCC/ASFC, après l'entrée"),
    Option("AIRPORT_ON_ARRIVAL", "At an airport, on arrival", "À l'aéroport, à l'arrivée"),
)

RELATIONS = tuple(
    Option(v, en, fr)
    for v, en, fr in (
        ("spouse", "Spouse", "Époux ou épouse"),
        ("common_law_partner", "Common-law partner", "Conjoint de fait"),
        ("legal_guardian", "Legal guardian", "Tuteur légal"),
        ("child", "Child", "Enfant"),
        ("father", "Father", "Père"),
        ("mother", "Mother", "Mère"),
        ("brother", "Brother", "Frère"),
        ("sister", "Sister", "Sœur"),
        ("half_brother", "Half-brother", "Demi-frère"),
        ("half_sister", "Half-sister", "Demi-sœur"),
        ("grandfather", "Grandfather", "Grand-père"),
        ("grandmother", "Grandmother", "Grand-mère"),
        ("grandchild", "Grandchild", "Petit-enfant"),
        ("uncle", "Uncle", "Oncle"),
        ("aunt", "Aunt", "Tante"),
        ("nephew", "Nephew", "Neveu"),
        ("niece", "Niece", "Nièce"),
        ("cousin", "Cousin", "Cousin ou cousine"),
        ("brother_in_law", "Brother-in-law", "Beau-frère"),
        ("step_brother", "Step-brother", "Demi-frère par alliance"),
        ("friend", "Friend", "Ami ou amie"),
    )
)

STATUSES = tuple(
    Option(v, en, fr)
    for v, en, fr in (
        ("CITIZEN", "Canadian citizen", "Citoyen canadien"),
        ("PR", "Permanent resident", "Résident permanent"),
        ("PROTECTED_PERSON", "Protected person (IRPA s. 95(2))",
         "Personne protégée (LIPR, par. 95(2))"),
        ("STAY_R233", "Removal stayed under IRPR s. 233 (H&C / public policy)",
         "Sursis au titre de l'art. 233 du RIPR (CH / intérêt public)"),
        ("CLAIMANT", "Refugee claimant", "Demandeur d'asile"),
        ("WORK_PERMIT", "Work permit holder", "Titulaire d'un permis de travail"),
        ("STUDY_PERMIT", "Study permit holder", "Titulaire d'un permis d'études"),
        ("VISITOR", "Visitor", "Visiteur"),
        ("OTHER_STAY", "Other stay of removal (court, TSR)", "Autre sursis (tribunal, STR)"),
        ("NONE", "No status", "Sans statut"),
    )
)

CLAIM_STATES = tuple(
    Option(v, en, fr)
    for v, en, fr in (
        ("REFERRED_PENDING", "Referred to the IRB, not yet decided",
         "Déférée à la CISR, en attente"),
        ("NOT_REFERRED", "Not yet referred", "Pas encore déférée"),
        ("INELIGIBLE", "Found ineligible", "Jugée irrecevable"),
        ("WITHDRAWN", "Withdrawn", "Retirée"),
        ("ABANDONED", "Abandoned", "Désistement"),
        ("REJECTED", "Rejected", "Rejetée"),
        ("REJECTED_APPEAL_PENDING", "Rejected, appeal pending", "Rejetée, appel en cours"),
        ("TERMINATED_104", "Terminated (IRPA s. 104)", "Close (LIPR, art. 104)"),
    )
)

PERMIT_TYPES = (
    Option("", "No permit", "Aucun permis"),
    Option("WP", "Work permit", "Permis de travail"),
    Option("SP", "Study permit", "Permis d'études"),
)

PERMIT_BASIS = (
    Option("other", "Other basis", "Autre fondement"),
    Option("R206_1_a", "IRPR 206(1)(a) (claimant)", "RIPR 206(1)a) (demandeur)"),
    Option("R206_1_b", "IRPR 206(1)(b) (unenforceable removal order)",
           "RIPR 206(1)b) (mesure de renvoi inexécutable)"),
)

DOC_TYPES = tuple(
    Option(v, en, fr)
    for v, en, fr in (
        ("TRV", "Temporary resident visa", "Visa de résident temporaire"),
        ("PR_VISA", "Permanent resident visa", "Visa de résident permanent"),
        ("TRANSIT_VISA", "Transit visa", "Visa de transit"),
        ("TRP", "Temporary resident permit", "Permis de séjour temporaire"),
        ("PR_TRAVEL_DOC", "PR travel document (IRPA s. 31(3))",
         "Titre de voyage de résident permanent (LIPR, par. 31(3))"),
        ("REFUGEE_TRAVEL_PAPERS", "Refugee travel papers", "Titre de voyage de réfugié"),
        ("TTD_R151", "Temporary travel document (IRPR s. 151)",
         "Titre de voyage temporaire (RIPR, art. 151)"),
        ("WORK_PERMIT", "Work permit", "Permis de travail"),
        ("STUDY_PERMIT", "Study permit", "Permis d'études"),
        ("ETA", "Electronic travel authorization (eTA)",
         "Autorisation de voyage électronique (AVE)"),
    )
)

PRIOR_CLAIMS = (
    Option("", "None", "Aucune"),
    Option("REJECTED_BY_BOARD", "Rejected by the IRB", "Rejetée par la CISR"),
    Option("INELIGIBLE", "Found ineligible", "Jugée irrecevable"),
    Option("INELIGIBLE_101_1_E", "Found ineligible under the STCA (s. 101(1)(e))",
           "Jugée irrecevable en vertu de l'ETPS (al. 101(1)e))"),
    Option("WITHDRAWN", "Withdrawn", "Retirée"),
    Option("ABANDONED", "Abandoned", "Désistement"),
)

DP_STATUS = (
    Option("CHARGED", "Charged", "Accusé"),
    Option("CONVICTED", "Convicted", "Déclaré coupable"),
)

ROUTE = f"entry.mode in {ROUTE_MODES}"

SECTIONS: tuple[Section, ...] = (
    Section("claim", "The claim", "La demande", (
        Question("as_of_date", "date", "Date of the decision on eligibility",
                 "Date de la décision sur la recevabilité", required=True,
                 help_en="Selects the version of the law; normally the day of the claim.",
                 help_fr="Détermine la version de la loi; normalement le jour de la demande."),
        Question("claim.date", "date", "Day the claim was made", "Jour de la demande",
                 required=True),
        Question("claim.where", "select", "Where the claim was made", "Lieu de la demande",
                 options=CLAIM_WHERE, default="POE_ON_ARRIVAL"),
    )),
    Section("person", "The claimant", "La personne", (
        Question("nat", "countries", "Nationalities (ISO codes, comma-separated, e.g. HT, MX)",
                 "Nationalités (codes ISO, séparés par des virgules, p. ex. HT, MX)",
                 help_en="'US' covers US citizens and non-citizen US nationals.",
                 help_fr="« US » couvre les citoyens et les ressortissants non citoyens des É.-U."),
        Question("stateless", "bool", "Stateless", "Apatride", cite="IRPR 159.1"),
        Question("fhr", "countries",
                 "Countries of former habitual residence (ISO codes, comma-separated)",
                 "Pays de résidence habituelle antérieure (codes ISO, séparés par des virgules)",
                 show_if="stateless", cite="IRPR 159.2"),
        Question("age", "int", "Age in completed years", "Âge en années révolues",
                 required=True),
        Question("has_spouse_or_cl", "bool", "Has a spouse or common-law partner",
                 "A un époux ou conjoint de fait"),
        Question("accompanied_by_parent_or_guardian", "tristate",
                 "Accompanied by a mother, father or legal guardian",
                 "Accompagné de sa mère, de son père ou d'un tuteur légal",
                 show_if=f"age<18&{ROUTE}", default="true", cite="IRPR 159.5(e)"),
        Question("parent_or_guardian_in_ca_or_us", "tristate",
                 "Has a mother, father or legal guardian in Canada or the US",
                 "A une mère, un père ou un tuteur légal au Canada ou aux États-Unis",
                 show_if=f"age<18&{ROUTE}", default="true", cite="IRPR 159.5(e)"),
    )),
    Section("entry", "Entry into Canada", "Entrée au Canada", (
        Question("entry.mode", "select", "Where the person entered Canada",
                 "Lieu d'entrée au Canada", options=ENTRY_MODES, default="LAND_POE",
                 cite="IRPR 159.4"),
        Question("entry.from", "country", "Country left just before entering Canada",
                 "Pays quitté juste avant l'entrée au Canada", default="US",
                 help_en="'US' = the 50 states and DC (not Puerto Rico or other territories).",
                 help_fr="« US » = les 50 États et le D.C. (pas Porto Rico ni les territoires)."),
        Question("entry.date", "date", "Day of entry", "Jour de l'entrée", required=True),
        Question("entry.time", "time", "Local time of entry", "Heure locale de l'entrée",
                 show_if=f"entry.date in {_PROTOCOL_EVE}|{_PROTOCOL}",
                 help_en=f"The Additional Protocol took effect at {_PROTOCOL_TIME} EDT on "
                 f"{_PROTOCOL}.",
                 help_fr=f"Le Protocole additionnel est entré en vigueur le {_PROTOCOL} "
                 f"à {_PROTOCOL_TIME_FR} HAE."),
        Question("us_removal_transit", "bool",
                 "In transit through a Canadian airport under a US removal order",
                 "En transit dans un aéroport canadien sous le coup d'une mesure de renvoi "
                 "des É.-U.",
                 show_if="entry.mode=AIRPORT", cite="IRPR 159.4(2)"),
        Question("entries", "dates", "Other entries into Canada (dates, comma-separated)",
                 "Autres entrées au Canada (dates, séparées par des virgules)",
                 show_if=f"as_of_date>={_C12_RA}", cite="IRPA 101(1.1)"),
    )),
    Section("family", "Family members in Canada", "Membres de la famille au Canada",
            show_if=ROUTE, repeat="family", row_questions=(
        Question("rel", "select", "Relationship", "Lien", options=RELATIONS),
        Question("age", "int", "Age", "Âge"),
        Question("status", "select", "Status in Canada", "Statut au Canada", options=STATUSES),
        Question("claim_state", "select", "State of their claim", "État de sa demande",
                 options=CLAIM_STATES, show_if="status=CLAIMANT"),
        Question("permit.type", "select", "Permit held", "Permis détenu", options=PERMIT_TYPES),
        Question("permit.valid", "tristate", "Permit valid", "Permis valide",
                 show_if="permit.type in WP|SP", default="true"),
        Question("permit.basis", "select", "Basis of the permit", "Fondement du permis",
                 options=PERMIT_BASIS, show_if="permit.type=WP"),
        Question("in_ca", "tristate", "In Canada", "Au Canada", default="true"),
        Question("proven", "tristate", "Relationship and status can be proven",
                 "Le lien et le statut peuvent être prouvés", default="true"),
    )),
    Section("docs", "Canadian documents held", "Documents canadiens détenus",
            show_if=ROUTE, repeat="docs", row_questions=(
        Question("type", "select", "Document", "Document", options=DOC_TYPES),
        Question("valid", "tristate", "Valid", "Valide", default="true"),
        Question("transit_only", "tristate", "For transit only", "Pour le transit seulement",
                 default="false"),
    )),
    Section("exceptions", "Other exceptions", "Autres exceptions", show_if=ROUTE, questions=(
        Question("visa_req_ca", "tristate", "Would need a Canadian visa (TRV) for this route",
                 "Aurait besoin d'un visa canadien (VRT) pour ce trajet", cite="IRPR 159.5(g)",
                 help_en="Leave unknown if unsure: the exception is then not established.",
                 help_fr="Laisser « inconnu » en cas de doute : l'exception n'est pas établie."),
        Question("visa_req_us", "tristate", "Would need a US visa", "Aurait besoin d'un visa "
                 "américain", cite="IRPR 159.5(g)"),
        Question("us_refused_entry_no_adjudication", "bool",
                 "Returning after the US refused entry without deciding a refugee claim",
                 "De retour après un refus d'entrée aux É.-U. sans décision sur l'asile",
                 cite="IRPR 159.5(h)"),
        Question("pr_removed_from_us", "bool",
                 "Canadian permanent resident being returned after removal from the US",
                 "Résident permanent du Canada renvoyé des É.-U.", cite="IRPR 159.5(h)"),
    )),
    Section("penalty", "Death penalty", "Peine de mort", (
        Question("death_penalty.status", "select",
                 "Charged with or convicted of an offence punishable by death",
                 "Accusé ou déclaré coupable d'une infraction punissable de mort",
                 options=(Option("", "No", "Non"), *DP_STATUS), cite="IRPR 159.6"),
        Question("death_penalty.country", "country", "Country (ISO code)", "Pays (code ISO)",
                 show_if="death_penalty.status in CHARGED|CONVICTED"),
        Question("death_penalty.punishable_by_death", "tristate",
                 "The offence is punishable by death there",
                 "L'infraction y est punissable de mort",
                 show_if="death_penalty.status in CHARGED|CONVICTED", default="true"),
        Question("tsr_national", "bool",
                 "National of a country under a temporary suspension of removals",
                 "Ressortissant d'un pays visé par une suspension temporaire des renvois",
                 show_if=f"as_of_date<={_TSR_LAST_DAY}", cite="IRPR 159.6(c)"),
    )),
    Section("prior", "Earlier claims and other grounds", "Demandes antérieures et autres motifs", (
        Question("prior.canada_claim", "select", "An earlier claim in Canada",
                 "Une demande antérieure au Canada", options=PRIOR_CLAIMS),
        Question("prior.protection_conferred_in_canada", "bool",
                 "Already granted refugee protection in Canada",
                 "A déjà obtenu l'asile au Canada", cite="IRPA 101(1)(a)"),
        Question("prior.other_country_claim_confirmed", "bool",
                 "A claim made to another country (e.g. the US), confirmed by information sharing",
                 "Une demande faite dans un autre pays (p. ex. les É.-U.), confirmée",
                 cite="IRPA 101(1)(c.1)"),
        Question("prior.recognized_refugee_elsewhere_returnable", "bool",
                 "Recognized as a refugee by another country and can return there",
                 "Reconnu réfugié par un autre pays et peut y retourner", cite="IRPA 101(1)(d)"),
        Question("inadmissible_101f", "bool",
                 "Already determined inadmissible (security, rights violations, serious or "
                 "organized criminality)",
                 "Déjà interdit de territoire (sécurité, atteinte aux droits, grande criminalité "
                 "ou criminalité organisée)", cite="IRPA 101(1)(f)"),
    )),
)

#: Every top-level question by key.
QUESTIONS_BY_KEY: dict[str, Question] = {q.key: q for s in SECTIONS for q in s.questions}

__all__ = ["QUESTIONS_BY_KEY", "RELATIONS", "SECTIONS", "Option", "Question", "Section"]
