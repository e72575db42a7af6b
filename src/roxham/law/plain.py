"""Plain-language sentences for a change of facts (``what_would_change``), in EN and FR.

A :class:`~roxham.law.changes.Change` names a fact by its place in the facts JSON
(``family[0].status``); this module says it as a clinic worker would, keeps the claim date
fixed when it moves the entry date (and says so), and states the result in words.

>>> import textwrap
>>> s = sentence("family[0].status", "VISITOR", "CITIZEN", True, "IRPR 159.5(a)", "en")
>>> print(textwrap.fill(s, 90))
If family member no. 1 were a Canadian citizen (not a visitor), the claim would be
eligible to be referred to the Refugee Protection Division (IRPR 159.5(a)).
>>> s = sentence("docs[+]", None, {"type": "TRV"}, True, "IRPR 159.5(f)", "fr")
>>> print(textwrap.fill(s, 90))
Si le demandeur détenait un visa de résident temporaire valide, la demande serait
recevable et pourrait être déférée à la Section de la protection des réfugiés (RIPR
159.5(f)).
>>> s = sentence("entry.date", "2023-04-10", "2023-03-24", True, "IRPR 159.4(1)(a)", "en")
>>> print(textwrap.fill(s, 90))
If the entry had been on 2023-03-24, the claim date kept fixed at the date given, the
claim would be eligible to be referred to the Refugee Protection Division (IRPR
159.4(1)(a)).
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["cite", "sentence", "verdict"]

_STATUS: dict[str, dict[str, str]] = {
    "en": {
        "CITIZEN": "a Canadian citizen", "PR": "a permanent resident",
        "PROTECTED_PERSON": "a protected person",
        "STAY_R233": "a person whose removal order is stayed (IRPR s. 233)",
        "CLAIMANT": "a refugee claimant", "WORK_PERMIT": "a work-permit holder",
        "STUDY_PERMIT": "a study-permit holder", "VISITOR": "a visitor",
        "NONE": "without status in Canada", "OTHER_STAY": "in Canada with another status",
    },
    "fr": {
        "CITIZEN": "citoyen canadien", "PR": "résident permanent",
        "PROTECTED_PERSON": "personne protégée",
        "STAY_R233": "visé par un sursis de mesure de renvoi (RIPR, art. 233)",
        "CLAIMANT": "demandeur d'asile", "WORK_PERMIT": "titulaire d'un permis de travail",
        "STUDY_PERMIT": "titulaire d'un permis d'études", "VISITOR": "visiteur",
        "NONE": "sans statut au Canada", "OTHER_STAY": "au Canada sous un autre statut",
    },
}
_DOC: dict[str, dict[str, str]] = {
    "en": {"TRV": "a temporary resident visa", "PR_VISA": "a permanent resident visa",
           "TRP": "a temporary resident permit"},
    "fr": {"TRV": "un visa de résident temporaire", "PR_VISA": "un visa de résident permanent",
           "TRP": "un permis de séjour temporaire"},
}
_MODE: dict[str, dict[str, str]] = {
    "en": {"LAND_POE": "at a land port of entry", "BETWEEN_POE": "between ports of entry",
           "AIRPORT": "at an airport", "HARBOUR": "at a harbour port of entry",
           "COAST_NON_POE": "on the coast away from a port of entry"},
    "fr": {"LAND_POE": "par un point d'entrée terrestre",
           "BETWEEN_POE": "entre les points d'entrée", "AIRPORT": "par un aéroport",
           "HARBOUR": "par un port maritime",
           "COAST_NON_POE": "sur la côte hors d'un point d'entrée"},
}
_WHERE: dict[str, dict[str, str]] = {
    "en": {"POE_ON_ARRIVAL": "at the port of entry on arrival",
           "INLAND_OFFICE": "later at an inland office",
           "AIRPORT_ON_ARRIVAL": "at the airport on arrival"},
    "fr": {"POE_ON_ARRIVAL": "au point d'entrée à l'arrivée",
           "INLAND_OFFICE": "plus tard dans un bureau intérieur",
           "AIRPORT_ON_ARRIVAL": "à l'aéroport à l'arrivée"},
}
_PRIOR: dict[str, dict[str, str]] = {
    "en": {"REJECTED_BY_BOARD": "rejected by the Board", "INELIGIBLE": "found ineligible",
           "INELIGIBLE_101_1_E": "found ineligible under the STCA",
           "WITHDRAWN": "withdrawn", "ABANDONED": "abandoned"},
    "fr": {"REJECTED_BY_BOARD": "rejetée par la Commission", "INELIGIBLE": "jugée irrecevable",
           "INELIGIBLE_101_1_E": "jugée irrecevable au titre de l'Entente",
           "WITHDRAWN": "retirée", "ABANDONED": "désistée"},
}
#: Yes/no facts: (EN if true, EN if false, FR if true, FR if false).
_BOOL: dict[str, tuple[str, str, str, str]] = {
    "accompanied_by_parent_or_guardian": (
        "the claimant were accompanied by a parent or guardian",
        "the claimant were not accompanied by a parent or guardian",
        "le demandeur était accompagné d'un parent ou tuteur",
        "le demandeur n'était pas accompagné d'un parent ou tuteur"),
    "parent_or_guardian_in_ca_or_us": (
        "a parent or guardian were in Canada or the US",
        "no parent or guardian were in Canada or the US",
        "un parent ou tuteur se trouvait au Canada ou aux États-Unis",
        "aucun parent ni tuteur ne se trouvait au Canada ou aux États-Unis"),
    "has_spouse_or_cl": (
        "the claimant had a spouse or common-law partner",
        "the claimant had no spouse or common-law partner",
        "le demandeur avait un époux ou conjoint de fait",
        "le demandeur n'avait ni époux ni conjoint de fait"),
    "us_refused_entry_no_adjudication": (
        "the US had refused the claimant entry without deciding a claim",
        "the US had not refused the claimant entry",
        "les États-Unis avaient refusé l'entrée au demandeur sans statuer sur une demande",
        "les États-Unis n'avaient pas refusé l'entrée au demandeur"),
    "pr_removed_from_us": (
        "the claimant had been removed from the US as described in IRPR s. 159.5(h)(ii)",
        "the claimant had not been removed from the US",
        "le demandeur avait été renvoyé des États-Unis (RIPR, sous-al. 159.5h)(ii))",
        "le demandeur n'avait pas été renvoyé des États-Unis"),
    "tsr_national": (
        "the claimant were a national of a country under a temporary suspension of removals",
        "the claimant were not a national of a country under a suspension of removals",
        "le demandeur était ressortissant d'un pays visé par une suspension temporaire des "
        "renvois", "le demandeur n'était pas ressortissant d'un pays visé par une suspension"),
    "inadmissible_101f": (
        "the claimant were inadmissible on the grounds of IRPA s. 101(1)(f)",
        "the claimant were not inadmissible under IRPA s. 101(1)(f)",
        "le demandeur était interdit de territoire (LIPR, al. 101(1)f))",
        "le demandeur n'était pas interdit de territoire (LIPR, al. 101(1)f))"),
    "prior.protection_conferred_in_canada": (
        "refugee protection had already been conferred in Canada",
        "no refugee protection had been conferred in Canada",
        "l'asile avait déjà été conféré au Canada", "l'asile n'avait pas été conféré au Canada"),
    "prior.other_country_claim_confirmed": (
        "an earlier claim in another country (such as the US) were confirmed",
        "no earlier claim in another country were confirmed",
        "une demande antérieure dans un autre pays (p. ex. les États-Unis) était confirmée",
        "aucune demande antérieure dans un autre pays n'était confirmée"),
    "prior.recognized_refugee_elsewhere_returnable": (
        "the claimant were a recognized refugee elsewhere who can be returned there",
        "the claimant were not a refugee recognized elsewhere and returnable",
        "le demandeur était un réfugié reconnu ailleurs et pouvait y être renvoyé",
        "le demandeur n'était pas un réfugié reconnu ailleurs et renvoyable"),
    "visa_req_ca": (
        "the claimant needed a Canadian visa", "the claimant needed no Canadian visa",
        "le demandeur avait besoin d'un visa canadien",
        "le demandeur n'avait pas besoin de visa canadien"),
    "visa_req_us": (
        "the claimant needed a US visa", "the claimant needed no US visa",
        "le demandeur avait besoin d'un visa américain",
        "le demandeur n'avait pas besoin de visa américain"),
}

_ITEM = re.compile(r"^(family|docs)\[(\d+)\]\.(.+)$")


def cite(provision: str, lang: str) -> str:
    """A citation in the language: IRPA/IRPR become LIPR/RIPR in French."""
    if lang == "fr":
        return provision.replace("IRPA", "LIPR").replace("IRPR", "RIPR")
    return provision


def verdict(eligible: bool, lang: str) -> str:
    """The result in words."""
    if lang == "fr":
        return ("la demande serait recevable et pourrait être déférée à la Section de la "
                "protection des réfugiés" if eligible else "la demande serait irrecevable")
    return ("the claim would be eligible to be referred to the Refugee Protection Division"
            if eligible else "the claim would not be eligible")


def _condition(field: str, old: Any, new: Any, lang: str) -> str:
    en = lang != "fr"
    if field in _BOOL and isinstance(new, bool):
        t = _BOOL[field]
        return t[(0 if new else 1) + (0 if en else 2)]
    if field in ("visa_req_ca", "visa_req_us") and new is None:
        which = ("Canadian" if field == "visa_req_ca" else "US") if en else (
            "canadien" if field == "visa_req_ca" else "américain")
        return (f"the {which} visa fact were left to the visa table" if en
                else f"le fait du visa {which} était laissé à la table des visas")
    if field == "age":
        return f"the claimant were {new} years old" if en else f"le demandeur avait {new} ans"
    if field == "prior.canada_claim":
        if new is None:
            return ("there were no earlier claim in Canada" if en
                    else "il n'y avait aucune demande antérieure au Canada")
        what = _PRIOR["en" if en else "fr"][new]
        return (f"an earlier claim in Canada had been {what}" if en
                else f"une demande antérieure au Canada avait été {what}")
    if field == "family[+]":
        return ("a sister (or another qualifying relative) who is a Canadian citizen were in "
                "Canada" if en else "une sœur (ou un autre membre de la famille visé) de "
                "citoyenneté canadienne se trouvait au Canada")
    if field == "docs[+]":
        return ("the claimant held a valid temporary resident visa" if en
                else "le demandeur détenait un visa de résident temporaire valide")
    if field == "entry.mode":
        return (f"the claimant had entered {_MODE['en'][new]}" if en
                else f"le demandeur était entré {_MODE['fr'][new]}")
    if field == "claim.where":
        return (f"the claim had been made {_WHERE['en'][new]}" if en
                else f"la demande avait été faite {_WHERE['fr'][new]}")
    if field == "entry.from":
        return ("the claimant had come from the United States" if en
                else "le demandeur était arrivé des États-Unis")
    if field == "claim.date":
        return (f"the claim had been made on {new} (the entry date as given)" if en
                else f"la demande avait été faite le {new} (date d'entrée inchangée)")
    if field == "entry.date":
        return (f"the entry had been on {new}, the claim date kept fixed at the date given" if en
                else f"l'entrée avait eu lieu le {new}, la date de la demande restant celle "
                "fournie")
    m = _ITEM.match(field)
    if m:
        kind, n, key = m.group(1), int(m.group(2)) + 1, m.group(3)
        if kind == "family":
            who = f"family member no. {n}" if en else f"le membre de la famille nº {n}"
            if key == "status":
                st, was = _STATUS["en" if en else "fr"][new], _STATUS["en" if en else "fr"].get(
                    old, str(old))
                return f"{who} were {st} (not {was})" if en else f"{who} était {st} (et non {was})"
            phrases = {
                "claim_state": ("'s claim had been referred and were pending",
                                " avait une demande déférée et en instance"),
                "in_ca": (" were in Canada", " se trouvait au Canada"),
                "proven": ("'s relationship were proven", " voyait son lien prouvé"),
                "age": (" were 18 or older", " avait 18 ans ou plus"),
                "permit.valid": ("'s permit were valid", " avait un permis valide"),
            }
            if key in phrases:
                return who + phrases[key][0 if en else 1]
        else:
            doc = f"document no. {n}" if en else f"le document nº {n}"
            if key == "valid":
                return f"{doc} were valid" if en else f"{doc} était valide"
            if key == "transit_only":
                return (f"{doc} were not for transit only" if en
                        else f"{doc} n'était pas délivré aux seules fins du transit")
            if key == "type":
                name = _DOC["en" if en else "fr"].get(new, str(new))
                return f"{doc} were {name}" if en else f"{doc} était {name}"
    # a fact without a phrase: said plainly with its name, never as code notation
    return (f"{field} were {new}" if en else f"{field} valait {new}")


def sentence(field: str, old: Any, new: Any, eligible: bool, provision: str, lang: str) -> str:
    """One sentence: the changed fact, the result in words and the deciding provision."""
    cond = _condition(field, old, new, lang)
    end = f", {verdict(eligible, lang)} ({cite(provision, lang)})."
    if lang == "fr":
        return ("S'" if cond.startswith("il ") else "Si ") + cond + end
    return "If " + cond + end
