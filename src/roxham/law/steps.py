"""Next steps after a screening result, each with its provision, in English and French.

What follows a result is the law's own consequence (docs/law/RULES.md §1) and the recourses that
remain: referral to the Refugee Protection Division of the IRB (IRPA s. 100); return to the
US under the Agreement, where a pre-removal risk assessment is barred (IRPA s. 112(2)(b));
a PRRA after another ground (IRPA s. 112(1), with a hearing after (c.1): s. 113.01);
humanitarian and compassionate consideration (IRPA s. 25(1)); a temporary resident permit
(IRPA s. 24); judicial review with leave (IRPA s. 72). The list is general information, not
advice on a person's case.

>>> for s in next_steps("INELIGIBLE/STCA", [], "en")[:2]:
...     print(s["provision"])
IRPR 159.3
IRPA 112(2)(b)
"""

from __future__ import annotations

__all__ = ["next_steps"]

_S = dict[str, str]

_TEXT: dict[str, dict[str, tuple[str, str]]] = {
    # key: (en, fr) per step
    "referred": {
        "en": ("IRPA 100(1)", "The claim is referred to the Refugee Protection Division of the "
               "Immigration and Refugee Board, which hears it."),
        "fr": ("LIPR 100(1)", "La demande est déférée à la Section de la protection des "
               "réfugiés de la Commission de l'immigration et du statut de réfugié, qui "
               "l'entend."),
    },
    "boc": {
        "en": ("IRPR 159.8", "The claimant files a Basis of Claim form within the time the "
               "Regulations set."),
        "fr": ("RIPR 159.8", "Le demandeur dépose le formulaire Fondement de la demande d'asile "
               "dans le délai prévu par le Règlement."),
    },
    "returned": {
        "en": ("IRPR 159.3", "Returned to the United States under the Safe Third Country "
               "Agreement."),
        "fr": ("RIPR 159.3", "Renvoi aux États-Unis au titre de l'Entente sur les tiers pays "
               "sûrs."),
    },
    "no_prra": {
        "en": ("IRPA 112(2)(b)", "No pre-removal risk assessment (PRRA): a claim found "
               "ineligible under s. 101(1)(e) bars it."),
        "fr": ("LIPR 112(2)b)", "Pas d'examen des risques avant renvoi (ERAR) : une demande "
               "jugée irrecevable au titre de l'al. 101(1)e) l'exclut."),
    },
    "prra": {
        "en": ("IRPA 112(1)", "A pre-removal risk assessment (PRRA) may be requested before "
               "removal, subject to the bars of s. 112(2)."),
        "fr": ("LIPR 112(1)", "Un examen des risques avant renvoi (ERAR) peut être demandé avant "
               "le renvoi, sous réserve des exclusions du par. 112(2)."),
    },
    "prra_hearing": {
        "en": ("IRPA 113.01", "After an ineligibility under s. 101(1)(c.1) alone, the PRRA "
               "includes a hearing."),
        "fr": ("LIPR 113.01", "Après une irrecevabilité fondée sur le seul al. 101(1)c.1), "
               "l'ERAR comporte une audience."),
    },
    "terminated": {
        "en": ("IRPA 101(1.2)", "Processing of the claim is terminated."),
        "fr": ("LIPR 101(1.2)", "Le traitement de la demande prend fin."),
    },
    "hc": {
        "en": ("IRPA 25(1)", "An application on humanitarian and compassionate grounds may be "
               "made; it does not by itself stop removal."),
        "fr": ("LIPR 25(1)", "Une demande fondée sur des considérations d'ordre humanitaire "
               "peut être présentée ; elle n'empêche pas à elle seule le renvoi."),
    },
    "trp": {
        "en": ("IRPA 24(1)", "An officer may issue a temporary resident permit where the "
               "circumstances justify it (discretionary)."),
        "fr": ("LIPR 24(1)", "Un agent peut délivrer un permis de séjour temporaire si les "
               "circonstances le justifient (pouvoir discrétionnaire)."),
    },
    "jr": {
        "en": ("IRPA 72(1)", "The decision may be challenged in the Federal Court by judicial "
               "review, with leave."),
        "fr": ("LIPR 72(1)", "La décision peut faire l'objet d'un contrôle judiciaire devant "
               "la Cour fédérale, sur autorisation."),
    },
}


def next_steps(result_code: str, grounds: list[str], lang: str = "en") -> list[_S]:
    """The next steps after ``result_code`` (and its ``grounds``): a list of
    ``{"provision": ..., "text": ...}`` in ``lang`` (``"en"``/``"fr"``)."""
    if result_code.startswith("ELIGIBLE"):
        keys = ["referred", "boc"]
    elif result_code == "INELIGIBLE/STCA":
        keys = ["returned", "no_prra", "jr", "hc", "trp"]
    else:
        keys = []
        if "101(1)(b.1)" in grounds or "101(1)(b.2)" in grounds:
            keys.append("terminated")
        keys.append("prra")
        if grounds == ["101(1)(c.1)"]:
            keys.append("prra_hearing")
        keys += ["jr", "hc", "trp"]
    lg = "fr" if lang == "fr" else "en"
    return [{"provision": _TEXT[k][lg][0], "text": _TEXT[k][lg][1]} for k in keys]
