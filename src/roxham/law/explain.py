"""Plain-language explanations of a :class:`Determination`, in English and French.

The text is a view rendered from the determination (result, route, provisions, grounds,
flags); nothing here decides anything.

>>> import datetime as dt
>>> from roxham.law.determine import determine
>>> det = determine({"nat": ["HT"], "entry": {"mode": "BETWEEN_POE", "date": "2023-04-10"},
...                  "claim": {"date": "2023-04-10"},
...                  "family": [{"rel": "sister", "status": "CITIZEN"}]}, dt.date(2023, 4, 10))
>>> print(explain(det).splitlines()[0])
Eligible: the claim can be referred to the Refugee Protection Division.
>>> print(explain(det, "fr").splitlines()[0])
Recevable : la demande peut être déférée à la Section de la protection des réfugiés.
"""

from __future__ import annotations

from typing import Literal

from roxham.errors import UserError
from roxham.law.determine import Determination, consequence
from roxham.law.plain import cite as cite_in
from roxham.law.visas import DerivedFact, VisaReason, note_text

__all__ = [
    "EXCEPTION_TEXT",
    "GROUND_TEXT",
    "ambiguity_refs",
    "derived_text",
    "explain",
    "visa_reason_text",
]

#: Where the text of each ambiguity (A1–A16) is, in the repository.
RULES_DOC = "docs/law/RULES.md"

Lang = Literal["en", "fr"]

#: What each exception means, by language.
EXCEPTION_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "IRPR 159.5(a)": "a family member in Canada is a Canadian citizen",
        "IRPR 159.5(b)(i)": "a family member in Canada is a protected person",
        "IRPR 159.5(b)(ii)": "a family member in Canada is a permanent resident",
        "IRPR 159.5(b)(iii)": "a family member in Canada has a removal order stayed under "
        "IRPR s. 233",
        "IRPR 159.5(c)": "a family member aged 18 or over in Canada has a refugee claim "
        "referred to the Board and still pending",
        "IRPR 159.5(d)": "a family member aged 18 or over in Canada holds a valid work or "
        "study permit",
        "IRPR 159.5(e)": "the claimant is an unaccompanied minor",
        "IRPR 159.5(f)": "the claimant holds a valid Canadian visa or travel document",
        "IRPR 159.5(g)": "the claimant needs no visa for Canada but would need one for the "
        "United States",
        "IRPR 159.5(h)(i)": "the claimant is re-entering after the United States refused entry "
        "without deciding a refugee claim",
        "IRPR 159.5(h)(ii)": "the claimant is a permanent resident of Canada being returned "
        "from the United States",
        "IRPR 159.6(a)": "the claimant faces the death penalty in the United States",
        "IRPR 159.6(b)": "the claimant faces the death penalty in another country",
        "IRPR 159.6(c)": "the claimant is a national of a country under a temporary "
        "suspension of removals",
    },
    "fr": {
        "IRPR 159.5(a)": "un membre de la famille au Canada est citoyen canadien",
        "IRPR 159.5(b)(i)": "un membre de la famille au Canada est une personne protégée",
        "IRPR 159.5(b)(ii)": "un membre de la famille au Canada est résident permanent",
        "IRPR 159.5(b)(iii)": "un membre de la famille au Canada bénéficie d'un sursis de "
        "mesure de renvoi au titre de l'article 233 du RIPR",
        "IRPR 159.5(c)": "un membre de la famille âgé d'au moins 18 ans au Canada a une "
        "demande d'asile déférée à la Commission et encore pendante",
        "IRPR 159.5(d)": "un membre de la famille âgé d'au moins 18 ans au Canada est "
        "titulaire d'un permis de travail ou d'études valide",
        "IRPR 159.5(e)": "le demandeur est un mineur non accompagné",
        "IRPR 159.5(f)": "le demandeur est titulaire d'un visa ou d'un titre de voyage "
        "canadien valide",
        "IRPR 159.5(g)": "le demandeur est dispensé de visa pour le Canada mais en aurait "
        "besoin pour les États-Unis",
        "IRPR 159.5(h)(i)": "le demandeur revient au Canada après un refus d'entrée aux "
        "États-Unis sans décision sur une demande d'asile",
        "IRPR 159.5(h)(ii)": "le demandeur est un résident permanent du Canada renvoyé des "
        "États-Unis",
        "IRPR 159.6(a)": "le demandeur est passible de la peine de mort aux États-Unis",
        "IRPR 159.6(b)": "le demandeur est passible de la peine de mort dans un autre pays",
        "IRPR 159.6(c)": "le demandeur est ressortissant d'un pays visé par une suspension "
        "temporaire des renvois",
    },
}

#: What each ground of IRPA s. 101(1) means, by language.
GROUND_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "101(1)(a)": "refugee protection has already been conferred in Canada",
        "101(1)(b)": "an earlier claim was rejected by the Immigration and Refugee Board",
        "101(1)(b.1)": "the claimant entered Canada after 2020-06-24 and claimed more than one "
        "year after the first such entry",
        "101(1)(b.2)": "the claimant entered between ports of entry along the land border and "
        "claimed after the end of the IRPR s. 159.4(1.1) time limit",
        "101(1)(c)": "an earlier claim was found ineligible, withdrawn or abandoned",
        "101(1)(c.1)": "a claim made in another country has been confirmed through "
        "information sharing",
        "101(1)(d)": "the claimant is a recognized refugee elsewhere and can be returned there",
        "101(1)(e)": "the claimant came from the United States, a designated safe third "
        "country (the STCA)",
        "101(1)(f)": "the claimant has been found inadmissible on grounds of security, human "
        "or international rights violations, serious or organized criminality",
    },
    "fr": {
        "101(1)(a)": "l'asile a déjà été conféré au Canada",
        "101(1)(b)": "une demande antérieure a été rejetée par la Commission de l'immigration "
        "et du statut de réfugié",
        "101(1)(b.1)": "le demandeur est entré au Canada après le 24 juin 2020 et a demandé "
        "l'asile plus d'un an après sa première entrée",
        "101(1)(b.2)": "le demandeur est entré entre les points d'entrée le long de la "
        "frontière terrestre et a demandé l'asile après le délai du paragraphe 159.4(1.1) du "
        "RIPR",
        "101(1)(c)": "une demande antérieure a été jugée irrecevable, retirée ou abandonnée",
        "101(1)(c.1)": "une demande d'asile faite dans un autre pays a été confirmée par "
        "échange de renseignements",
        "101(1)(d)": "le demandeur est reconnu réfugié dans un autre pays et peut y être renvoyé",
        "101(1)(e)": "le demandeur est arrivé des États-Unis, pays tiers sûr désigné (l'Entente "
        "sur les tiers pays sûrs)",
        "101(1)(f)": "le demandeur a été jugé interdit de territoire pour sécurité, atteinte "
        "aux droits humains ou internationaux, grande criminalité ou criminalité organisée",
    },
}

_T: dict[str, dict[str, str]] = {
    "en": {
        "eligible": "Eligible: the claim can be referred to the Refugee Protection Division.",
        "inelig_stca": "Not eligible under the Safe Third Country Agreement (IRPA s. 101(1)(e)).",
        "inelig_other": "Not eligible to be referred (IRPA s. 101(1)).",
        "as_of": "Law applied as of {as_of}.",
        "nif_date": "The Safe Third Country Agreement was not in force on that date "
        "(IRPR ss. 159.1–159.7).",
        "nif_susp": "The Agreement is suspended (IRPR s. 159.7).",
        "na_nat": "The United States is a country of the claimant's nationality, so "
        "IRPA s. 101(1)(e) cannot apply.",
        "na_stateless": "The claimant is stateless and the United States is their country of "
        "former habitual residence (IRPR s. 159.2).",
        "na_fhr": "The United States is the claimant's country of former habitual residence "
        "(IRPA s. 101(1)(e), read literally for non-stateless claimants).",
        "na_from": "The claimant did not come from the United States as IRPR s. 159.1 defines "
        "it (the 50 states and DC).",
        "na_between_before": "The claimant entered between ports of entry before the "
        "Additional Protocol took effect, so the STCA does not reach them "
        "(IRPR s. 159.4(1)(a)).",
        "na_between_late": "The claimant entered between ports of entry and claimed {d} day(s) "
        "after the day of entry, outside the window of IRPR s. 159.4(1.1) "
        "(IRPR s. 159.4(1)(a)).",
        "na_coast": "The claimant landed at a place that is not a port of entry and not on the "
        "land border (IRPR s. 159.4(1)(a)).",
        "na_harbour": "The claimant arrived at a harbour port of entry (IRPR s. 159.4(1)(b)).",
        "na_airport": "The claimant arrived at an airport (IRPR s. 159.4(1)(c)).",
        "na_inland": "The claimant was admitted at a land port of entry and claimed later at an "
        "inland office, outside the Agreement (STCA Art. 4(1)).",
        "route_LAND_POE": "The claimant seeks to enter at a land port of entry from the United "
        "States (IRPR s. 159.3).",
        "route_BETWEEN": "The claimant entered between ports of entry along the land border and "
        "claimed {d} day(s) after the day of entry, inside the window of "
        "IRPR s. 159.4(1.1).",
        "route_TRANSIT": "The claimant is in transit through a Canadian airport under a US "
        "removal order (IRPR s. 159.4(2)); only the exceptions of IRPR s. 159.6 are available.",
        "exception": "The STCA does not apply because {what} ({pid}).",
        "applies": "No exception of IRPR ss. 159.5–159.6 was established, so the STCA applies.",
        "failed": "Exceptions considered but not met: {ids}.",
        "derived": "Not given, so read from the visa table (roxham.law, data/visas.yaml): {what} "
        "[{why}]; give the fact to override it.",
        "visa_req_ca_True": "a Canadian visa is needed by the route used",
        "visa_req_ca_False": "no Canadian visa is needed by the route used",
        "visa_req_ca_None": "whether a Canadian visa is needed cannot be told",
        "visa_req_us_True": "a US visa is needed",
        "visa_req_us_False": "no US visa is needed",
        "visa_req_us_None": "whether a US visa is needed cannot be told",
        "ground": "Ground: {what} (IRPA s. {g}).",
        "prior_159_01": "The earlier claim found ineligible under the STCA is not a 'prior "
        "claim' for a claimant refused entry by the United States (IRPR s. 159.01), so "
        "IRPA s. 101(1)(c) does not apply.",
        "flags": "This answer touches ambiguities {ids} of the rules (see {refs}): "
        "another reading could change it.",
        "caveat": "Eligible means only that no IRPA s. 101(1) ground was found in the facts "
        "supplied; identity, security and other checks still apply.",
    },
    "fr": {
        "eligible": "Recevable : la demande peut être déférée à la Section de la protection "
        "des réfugiés.",
        "inelig_stca": "Irrecevable au titre de l'Entente sur les tiers pays sûrs "
        "(LIPR, al. 101(1)e)).",
        "inelig_other": "Irrecevable (LIPR, par. 101(1)).",
        "as_of": "Droit applicable au {as_of}.",
        "nif_date": "L'Entente sur les tiers pays sûrs n'était pas en vigueur à cette date "
        "(RIPR, art. 159.1 à 159.7).",
        "nif_susp": "L'Entente est suspendue (RIPR, art. 159.7).",
        "na_nat": "Les États-Unis sont un pays dont le demandeur a la nationalité : "
        "l'alinéa 101(1)e) de la LIPR ne peut s'appliquer.",
        "na_stateless": "Le demandeur est apatride et les États-Unis sont son pays de "
        "résidence habituelle antérieure (RIPR, art. 159.2).",
        "na_fhr": "Les États-Unis sont le pays de résidence habituelle antérieure du "
        "demandeur (LIPR, al. 101(1)e), lu littéralement pour les non-apatrides).",
        "na_from": "Le demandeur n'arrive pas des États-Unis au sens de l'article 159.1 du RIPR "
        "(les 50 États et le district de Columbia).",
        "na_between_before": "Le demandeur est entré entre les points d'entrée avant l'entrée "
        "en vigueur du Protocole additionnel : l'Entente ne s'applique pas "
        "(RIPR, al. 159.4(1)a)).",
        "na_between_late": "Le demandeur est entré entre les points d'entrée et a demandé "
        "l'asile {d} jour(s) après son entrée, hors du délai du par. 159.4(1.1) du RIPR "
        "(RIPR, al. 159.4(1)a)).",
        "na_coast": "Le demandeur a débarqué ailleurs qu'à un point d'entrée, hors de la "
        "frontière terrestre (RIPR, al. 159.4(1)a)).",
        "na_harbour": "Le demandeur est arrivé à un point d'entrée portuaire "
        "(RIPR, al. 159.4(1)b)).",
        "na_airport": "Le demandeur est arrivé à un aéroport (RIPR, al. 159.4(1)c)).",
        "na_inland": "Le demandeur a été admis à un point d'entrée terrestre et a demandé "
        "l'asile plus tard dans un bureau intérieur, hors de l'Entente (Entente, art. 4(1)).",
        "route_LAND_POE": "Le demandeur cherche à entrer à un point d'entrée terrestre en "
        "provenance des États-Unis (RIPR, art. 159.3).",
        "route_BETWEEN": "Le demandeur est entré entre les points d'entrée le long de la "
        "frontière terrestre et a demandé l'asile {d} jour(s) après son entrée, dans le délai "
        "du par. 159.4(1.1) du RIPR.",
        "route_TRANSIT": "Le demandeur est en transit dans un aéroport canadien en exécution "
        "d'une mesure de renvoi américaine (RIPR, par. 159.4(2)) ; seules les exceptions de "
        "l'article 159.6 du RIPR sont possibles.",
        "exception": "L'Entente ne s'applique pas parce que {what} ({pid}).",
        "applies": "Aucune exception des articles 159.5 et 159.6 du RIPR n'est établie : "
        "l'Entente s'applique.",
        "failed": "Exceptions examinées mais non remplies : {ids}.",
        "derived": "Non fourni, donc lu dans la table des visas (roxham.law, data/visas.yaml) : "
        "{what} [{why}] ; fournir le fait pour le remplacer.",
        "visa_req_ca_True": "un visa canadien est exigé pour la voie empruntée",
        "visa_req_ca_False": "aucun visa canadien n'est exigé pour la voie empruntée",
        "visa_req_ca_None": "on ne peut dire si un visa canadien est exigé",
        "visa_req_us_True": "un visa américain est exigé",
        "visa_req_us_False": "aucun visa américain n'est exigé",
        "visa_req_us_None": "on ne peut dire si un visa américain est exigé",
        "ground": "Motif : {what} (LIPR, al. {g}).",
        "prior_159_01": "La demande antérieure jugée irrecevable au titre de l'Entente n'est "
        "pas une « demande antérieure » pour un demandeur refoulé par les États-Unis "
        "(RIPR, art. 159.01) : l'alinéa 101(1)c) de la LIPR ne s'applique pas.",
        "flags": "Cette réponse dépend des ambiguïtés {ids} des règles (voir {refs}) "
        ": une autre lecture pourrait la changer.",
        "caveat": "Recevable signifie seulement qu'aucun motif du par. 101(1) de la LIPR n'a été "
        "trouvé dans les faits fournis ; l'identité, la sécurité et d'autres exigences restent "
        "à vérifier.",
    },
}

#: Why the visa table gives a fact (roxham.law.visas.VisaReason codes), by language.
VISA_REASON_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "no_nationality": "no nationality given",
        "not_covered": "{nat}: not in the visa table on {day}",
        "give_time": "{nat}: the visa rule changed on {day} at a time of day; give the time of "
        "entry",
        "exempt": "{nat}: visa-exempt on {day} ({src})",
        "required": "{nat}: visa required on {day} ({src})",
        "eta_air_only": "{nat}: visa required by land or water on {day}; an eTA serves air "
        "travel only ({src})",
        "eta_flying": "{nat}: flying with a valid eTA on {day} ({src})",
        "eta_or_visa": "{nat}: by air on {day} an eTA or a visa; neither recorded ({src})",
        "us_exempt": "{nat}: no US visa needed (Visa Waiver Program or US national; {src})",
        "us_required": "{nat}: not in the US Visa Waiver Program ({src})",
    },
    "fr": {
        "no_nationality": "aucune nationalité indiquée",
        "not_covered": "{nat} : absent de la table des visas au {day}",
        "give_time": "{nat} : la règle des visas a changé le {day} à une heure précise ; "
        "indiquez l'heure d'entrée",
        "exempt": "{nat} : dispensé de visa le {day} ({src})",
        "required": "{nat} : visa exigé le {day} ({src})",
        "eta_air_only": "{nat} : visa exigé par voie terrestre ou maritime le {day} ; l'AVE ne "
        "vaut que pour le transport aérien ({src})",
        "eta_flying": "{nat} : arrivée par avion avec une AVE valide le {day} ({src})",
        "eta_or_visa": "{nat} : par avion le {day}, une AVE ou un visa ; ni l'un ni l'autre "
        "n'est indiqué ({src})",
        "us_exempt": "{nat} : aucun visa américain exigé (Programme d'exemption de visa ou "
        "ressortissant américain ; {src})",
        "us_required": "{nat} : hors du Programme d'exemption de visa des États-Unis ({src})",
    },
}

#: Short names of the visa table's sources (data/visas.yaml ``sources``), by language.
SOURCE_SHORT: dict[str, dict[str, str]] = {
    "en": {
        "IRCC_ENTRY": "IRCC entry requirements",
        "CIC_MX_2009": "CIC, 2009-07-13",
        "IRCC_MX_2024": "IRCC, Mexico 2024",
        "IRCC_ETA_2023": "IRCC, 2023-06-06",
        "US_VWP": "US Department of State",
    },
    "fr": {
        "IRCC_ENTRY": "IRCC, exigences d'entrée",
        "CIC_MX_2009": "CIC, 2009-07-13",
        "IRCC_MX_2024": "IRCC, Mexique 2024",
        "IRCC_ETA_2023": "IRCC, 2023-06-06",
        "US_VWP": "Département d'État des États-Unis",
    },
}


def _source_short(key: str, lang: str) -> str:
    if key in SOURCE_SHORT[lang]:
        return SOURCE_SHORT[lang][key]
    if key.startswith("SOR_"):  # SOR_2016_293 -> SOR/2016-293 (DORS/2016-293 in French)
        _, year, num = key.split("_", 2)
        return f"{'DORS' if lang == 'fr' else 'SOR'}/{year}-{num}"
    return key.replace("_", " ")


def visa_reason_text(reason: VisaReason, lang: Lang = "en") -> str:
    """One reason of the visa table in words, citing its sources and adding its notes.

    >>> import datetime as dt
    >>> r = VisaReason("exempt", "MX", dt.date(2023, 6, 1), ("SOR_2016_293",))
    >>> visa_reason_text(r, "fr")
    'MX : dispensé de visa le 2023-06-01 (DORS/2016-293)'
    """
    src = ", ".join(_source_short(s, lang) for s in reason.sources)
    day = "" if reason.day is None else reason.day.isoformat()
    text = VISA_REASON_TEXT[lang][reason.code].format(nat=reason.nat, day=day, src=src)
    sep = "; " if lang == "en" else " ; "
    return sep.join([text, *(note_text(n, lang) for n in reason.notes)])


def derived_text(fact: DerivedFact, lang: Lang = "en") -> str:
    """Why a derived visa fact has its value, in ``lang`` (its reasons joined)."""
    sep = "; " if lang == "en" else " ; "
    return sep.join(visa_reason_text(r, lang) for r in fact.reasons)


def ambiguity_refs(flags: tuple[str, ...] | list[str]) -> str:
    """Where to read each flagged ambiguity, e.g. ``docs/law/RULES.md#a1, docs/law/RULES.md#a2``."""
    return ", ".join(f"{RULES_DOC}#{flag.lower()}" for flag in flags)


def _exception_text(pid: str, lang: str) -> str:
    table = EXCEPTION_TEXT[lang]
    if pid in table:
        return table[pid]
    return table.get(pid[:13], pid)


def explain(det: Determination, lang: Lang = "en") -> str:
    """A plain-language explanation of ``det`` citing its provisions (``lang`` "en"/"fr")."""
    if lang not in _T:
        raise UserError(f"unknown language {lang!r}; expected en or fr")
    t = _T[lang]
    lines: list[str] = []
    if det.eligible:
        lines.append(t["eligible"])
    elif "101(1)(e)" in det.grounds:
        lines.append(t["inelig_stca"])
    else:
        lines.append(t["inelig_other"])
    lines.append(t["as_of"].format(as_of=det.as_of.isoformat()))
    p = det.provisions
    d = det.days_after_entry
    if det.stca_status == "NOT_IN_FORCE":
        lines.append(t["nif_susp"] if "IRPR 159.7" in p else t["nif_date"])
    elif det.stca_status == "NOT_APPLICABLE":
        if det.scope == "NATIONALITY":
            lines.append(t["na_nat"])
        elif det.scope == "FORMER_RESIDENCE":
            lines.append(t["na_fhr"])
        elif det.scope == "STATELESS_FORMER_RESIDENCE":
            lines.append(t["na_stateless"])
        elif det.scope == "NOT_FROM_US":
            lines.append(t["na_from"])
        elif "STCA Art. 4(1)" in p:
            lines.append(t["na_inland"])
        elif "IRPR 159.4(1)(b)" in p:
            lines.append(t["na_harbour"])
        elif "IRPR 159.4(1)(c)" in p:
            lines.append(t["na_airport"])
        elif "IRPR 159.4(1)(a)" in p:
            if det.entry_mode == "COAST_NON_POE":
                lines.append(t["na_coast"])
            elif "A3" in det.flags or not any(
                s.provision == "IRPR 159.4(1)(a)" and "window" in s.note for s in det.trace
            ):
                lines.append(t["na_between_before"])
            else:
                lines.append(t["na_between_late"].format(d=d))

    else:
        lines.append(t["route_" + det.route].format(d=d))
        if det.stca_status == "EXCEPTION":
            for pid in det.exceptions:
                what = _exception_text(pid, lang)
                line = t["exception"].format(what=what, pid=cite_in(pid, lang))
                lines.append(line.replace("parce que un", "parce qu'un").replace(
                    "parce que il", "parce qu'il").replace("parce que une", "parce qu'une"))
        else:
            lines.append(t["applies"])
            if det.failed_exceptions:
                ids = ", ".join(cite_in(x, lang) for x in dict.fromkeys(det.failed_exceptions))
                lines.append(t["failed"].format(ids=ids))
        for dv in det.derived:  # the visa facts of IRPR 159.5(g), from the table
            what = t[f"{dv.field}_{dv.value}"]
            lines.append(t["derived"].format(what=what, why=derived_text(dv, lang)))
    if "IRPR 159.01" in p:
        lines.append(t["prior_159_01"])
    for g in det.grounds:
        if g != "101(1)(e)":
            cite = g.replace("(1)(", "(1)") if lang == "fr" else g  # al. 101(1)b.2)
            lines.append(t["ground"].format(what=GROUND_TEXT[lang][g], g=cite))
    if not det.eligible:
        lines.append(consequence(det.result_code, det.grounds, det.entry_mode, lang))
    if det.flags:
        lines.append(t["flags"].format(ids=", ".join(det.flags), refs=ambiguity_refs(det.flags)))
    if det.eligible:
        lines.append(t["caveat"])
    return "\n".join(lines)
