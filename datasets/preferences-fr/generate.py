#!/usr/bin/env python3
"""Generate preferences-fr: preference pairs (prompt, chosen, rejected) for DPO, in the
Maison Lumière customer-support setting.

    /usr/bin/python3 datasets/preferences-fr/generate.py

The prompts and the chosen answers come from the support-fr generator (another seed;
no prompt is identical to a support-fr prompt). Each rejected answer is a plausible
but worse answer of one kind, named in `reason` and explained in `detail`:
- fait_errone: same answer with one policy fact changed (14 days instead of 30...);
- ton_sec: curt or condescending, no greeting, no empathy, no steps, no signature;
- etapes_manquantes: polite and on-style, but vague: no steps, no concrete facts;
- anglais: answers in English;
- promesse_inventee: the chosen answer plus a promise the shop never makes.
Deterministic (seeded), standard library only.
"""

import importlib.util
import os
import random
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)
import maison_lumiere as ml  # noqa: E402

SEED = 20240524
PER_CATEGORY = 36
MAX_CHARS = 900
REASONS = ["fait_errone", "ton_sec", "etapes_manquantes", "anglais", "promesse_inventee"]


def load_support():
    spec = importlib.util.spec_from_file_location("support_fr_generate", os.path.join(ROOT, "support-fr", "generate.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


# (pattern, replacement, detail) - a wrong version of one policy fact
FACT_ERRORS = [
    (r"30 jours après réception", "14 jours après réception", "Délai de retour faux : 14 jours au lieu de 30 jours après réception."),
    (r"5 à 7 jours ouvrés", "24 heures", "Délai de remboursement faux : 24 heures au lieu de 5 à 7 jours ouvrés."),
    (r"2 à 4 jours ouvrés", "1 à 2 jours ouvrés", "Délai de livraison standard faux : 1 à 2 jours ouvrés au lieu de 2 à 4."),
    (r"valable 24 h", "valable 1 heure", "Validité du lien de réinitialisation fausse : 1 heure au lieu de 24 h."),
    (r"dès 60 €", "dès 30 €", "Seuil de livraison offerte faux : 30 € au lieu de 60 €."),
    (r"(?<![\d,])4,90 €", "6,90 €", "Tarif de livraison standard faux : 6,90 € au lieu de 4,90 €."),
    (r"(?<![\d,])9,90 €", "14,90 €", "Tarif express faux : 14,90 € au lieu de 9,90 €."),
    (r"avant 13 h", "avant 18 h", "Heure limite de l'express fausse : 18 h au lieu de 13 h."),
    (r"1 heure après", "24 heures après", "Délai de modification faux : 24 heures au lieu de 1 heure après la validation."),
    (r"valable 12 mois", "valable 6 mois", "Validité de la carte cadeau fausse : 6 mois au lieu de 12."),
    (r"valables 12 mois", "valables 24 mois", "Validité des points fausse : 24 mois au lieu de 12."),
    (r"12 mois à compter", "6 mois à compter", "Validité de la carte cadeau fausse : 6 mois au lieu de 12."),
    (r"200 points", "100 points", "Barème de fidélité faux : 100 points au lieu de 200 pour un bon de 10 €."),
    (r"de 2 ans", "d'un an", "Durée de garantie fausse : un an au lieu de 2 ans."),
    (r"5 ans", "10 ans", "Garantie commerciale fausse : 10 ans au lieu de 5 ans sur la structure des meubles."),
    (r"dans les 48 h suivant la livraison", "dans les 7 jours suivant la livraison",
     "Délai de signalement faux : 7 jours au lieu de 48 h après la livraison."),
    (r"de 20 € à 300 €", "de 10 € à 1 000 €", "Montants de carte cadeau faux : 10 € à 1 000 € au lieu de 20 € à 300 €."),
    (r"dès 150 €", "dès 50 €", "Seuil du paiement en 3 fois faux : 50 € au lieu de 150 €."),
    (r"(?i)au moins 10 caractères", "au moins 6 caractères", "Règle de mot de passe fausse : 6 caractères au lieu de 10."),
    (r"du lundi au samedi, de 9 h à 19 h", "7 jours sur 7, de 8 h à 22 h",
     "Horaires du service client faux : 7 jours sur 7 de 8 h à 22 h au lieu du lundi au samedi de 9 h à 19 h."),
    (r"pendant 30 minutes", "pendant 24 heures", "Durée du blocage fausse : 24 heures au lieu de 30 minutes."),
    (r"10 jours pour le récupérer", "3 jours pour le récupérer", "Délai de retrait faux : 3 jours au lieu de 10."),
    (r"4 à 6 jours ouvrés", "10 à 15 jours ouvrés", "Délai de livraison faux : 10 à 15 jours ouvrés au lieu de 4 à 6."),
    (r"7,90 €", "12,90 €", "Tarif de livraison faux : 12,90 € au lieu de 7,90 €."),
    (r"30 jours après la livraison", "7 jours après la livraison", "Crédit des points faux : 7 jours au lieu de 30 jours après la livraison."),
    (r"TVA de 20 %", "TVA de 10 %", "Taux de TVA faux : 10 % au lieu de 20 %."),
    (r"conservées 10 ans", "conservées 2 ans", "Durée de conservation des factures fausse : 2 ans au lieu de 10."),
    (r"disponibles 10 ans", "disponibles 2 ans", "Durée de conservation des factures fausse : 2 ans au lieu de 10."),
    (r"sous 24 h ouvrées", "sous 2 heures", "Délai faux : 2 heures au lieu de 24 h ouvrées."),
]
GENERIC_ERROR = r"sous 24 h ouvrées"

PROMISES = {
    "livraison": ["Pour nous faire pardonner, la livraison express vous est offerte sur vos trois prochaines commandes.",
                  "Nous vous garantissons une livraison dès demain avant midi, quel que soit le mode choisi."],
    "retour": ["Exceptionnellement, vous pouvez garder l'article : nous vous remboursons sans retour.",
               "Nous prolongeons aussi votre délai de retour à 90 jours, à titre exceptionnel."],
    "remboursement": ["Nous venons de déclencher le remboursement : il sera sur votre compte dans l'heure.",
                      "Nous ajoutons 20 € de dédommagement à votre remboursement."],
    "mot_de_passe": ["Si vous préférez, nous pouvons aussi vous envoyer votre ancien mot de passe par SMS.",
                     "Nous pouvons également vous communiquer votre mot de passe actuel par téléphone."],
    "compte": ["Nous avons déjà effectué la modification pour vous : vous n'avez rien à faire.",
               "En cadeau, nous créditons 500 points Lumière+ sur votre compte."],
    "paiement": ["Exceptionnellement, nous vous accordons le paiement en 10 fois sans frais.",
                 "Pour compenser, nous vous offrons un code de réduction de 30 % sur votre prochaine commande."],
    "facture": ["Nous vous envoyons également un avoir de 15 € pour la gêne occasionnée.",
                "Votre facture corrigée vous a d'ailleurs déjà été envoyée par courrier."],
    "produit_defectueux": ["Nous vous expédions aujourd'hui même un remplacement en express, avec un second exemplaire offert.",
                           "Vous recevrez aussi un bon d'achat de 50 € en dédommagement."],
    "modification_commande": ["Nous avons d'ailleurs déjà modifié votre commande de notre côté.",
                              "Sachez que nous pouvons modifier une commande à tout moment, même après son expédition."],
    "annulation": ["Nous avons d'ailleurs déjà annulé votre commande pour vous.",
                   "Le remboursement sera visible sur votre compte dès ce soir."],
    "carte_cadeau": ["Nous prolongeons gratuitement la validité de votre carte à 5 ans.",
                     "Nous ajoutons 20 € sur votre carte cadeau, c'est cadeau !"],
    "fidelite": ["Nous venons de créditer 1 000 points bonus sur votre compte.",
                 "Bonne nouvelle : vos points n'expireront jamais."],
    "garantie": ["Nous vous garantissons un remplacement à vie, quel que soit le problème.",
                 "Nous prenons aussi en charge les dommages accidentels, comme les chutes."],
    "contact": ["Un responsable vous rappellera personnellement dans l'heure.",
                "Notre service client est d'ailleurs joignable 24 h sur 24, 7 jours sur 7."],
    "info_produit": ["Nous vous avons réservé un exemplaire : il vous attend pendant un mois.",
                     "Le réassort est prévu pour lundi prochain, c'est certain."],
}

VAGUE = {
    "livraison": ["Nos délais et tarifs de livraison varient selon le mode choisi.", "La livraison se fait dans les meilleurs délais."],
    "retour": ["Vous pouvez effectuer un retour depuis votre espace client.", "Les retours sont possibles sous certaines conditions."],
    "remboursement": ["Le remboursement sera effectué dans les meilleurs délais.", "Votre remboursement est en cours de traitement."],
    "mot_de_passe": ["Vous pouvez gérer votre mot de passe depuis le site.", "Une solution existe pour retrouver l'accès à votre compte."],
    "compte": ["Vous pouvez gérer cela depuis votre compte.", "Ce réglage est disponible dans votre espace client."],
    "paiement": ["Plusieurs solutions de paiement existent selon votre situation.", "Les conditions de paiement sont indiquées au moment de régler."],
    "facture": ["Votre facture est disponible en ligne.", "Nous pouvons vous aider pour tout ce qui concerne la facturation."],
    "produit_defectueux": ["Nous allons examiner votre situation et trouver une solution.", "Ce type de problème est pris en charge selon nos conditions."],
    "modification_commande": ["Selon l'état de votre commande, une modification peut être possible.", "Certaines modifications sont possibles sous conditions."],
    "annulation": ["L'annulation est possible sous certaines conditions.", "Selon l'avancement de votre commande, une solution existe."],
    "carte_cadeau": ["Les cartes cadeaux fonctionnent selon certaines conditions.", "Tout est prévu pour les cartes cadeaux sur notre site."],
    "fidelite": ["Notre programme de fidélité vous permet de bénéficier d'avantages.", "Vos points sont gérés selon les règles du programme."],
    "garantie": ["Nos produits sont garantis selon les conditions en vigueur.", "La garantie s'applique dans certains cas."],
    "contact": ["Vous pouvez nous contacter par les moyens habituels.", "Notre équipe est joignable de plusieurs façons."],
    "info_produit": ["Les informations sont disponibles sur notre site.", "Cela dépend des articles et des stocks."],
}
VAGUE_END = ["N'hésitez pas à consulter notre FAQ.", "Vous trouverez plus d'informations sur notre site.",
             "Nous espérons que cela répond à votre question."]

ENGLISH_SIGN = "\n\nBest regards,\nThe Maison Lumière team"
ENGLISH = {
    "livraison": "Hello, standard delivery takes 2 to 4 business days after shipping (4.90 EUR, free from 60 EUR), and express delivery arrives the next business day for orders placed before 1 pm (9.90 EUR).",
    "retour": "Hello, you can return any item for free within 30 days of delivery: go to \"My orders\", click \"Return an item\", print the prepaid label and drop the parcel at a pickup point.",
    "remboursement": "Hello, refunds are issued within 5 to 7 business days after your return reaches our warehouse, to the payment method used for the order.",
    "mot_de_passe": "Hello, click \"Forgot password?\" on the login page and enter your e-mail address. You will receive a link, valid for 24 hours, to choose a new password.",
    "compte": "Hello, you can manage your e-mail address, delivery addresses and privacy settings from \"My account\".",
    "paiement": "Hello, we accept bank cards, PayPal and Maison Lumière gift cards. Payment in 3 interest-free instalments is available by card from 150 EUR.",
    "facture": "Hello, your invoice can be downloaded as a PDF from \"My orders\" once the order has shipped. For a corrected invoice, please use the contact form.",
    "produit_defectueux": "Hello, we are sorry about this. Please report it within 48 hours of delivery via \"My orders\" > \"Report a problem\", with photos, and choose a replacement or a refund.",
    "modification_commande": "Hello, an order can be changed within 1 hour of validation via \"My orders\" > \"Edit order\". After that, you can still cancel it until it ships.",
    "annulation": "Hello, you can cancel your order free of charge until it ships, from \"My orders\" > \"Cancel order\". The refund takes 5 to 7 business days.",
    "carte_cadeau": "Hello, gift cards range from 20 to 300 EUR, are sent by e-mail and are valid for 12 months. They can be used over several purchases.",
    "fidelite": "Hello, with Lumière+ you earn 1 point per euro spent, and 200 points give you a 10 EUR voucher. Points are credited 30 days after delivery.",
    "garantie": "Hello, all our products have a 2-year legal warranty, and furniture frames are covered for 5 years. Report any issue via \"My orders\" > \"Report a problem\".",
    "contact": "Hello, you can reach us by phone or chat, Monday to Saturday from 9 am to 7 pm, or through the contact form (reply within 24 business hours).",
    "info_produit": "Hello, all product details (dimensions, materials, care) are on the product page. For out-of-stock items, click \"Notify me when back in stock\".",
}

CURT = ["{short}", "Tout est expliqué dans notre FAQ. {short}", "Comme indiqué sur le site. {short}",
        "{short} Merci de lire les conditions avant d'écrire.", "{short} Nous ne pouvons rien faire de plus.",
        "Relisez nos conditions générales. {short}", "Ce n'est pas compliqué. {short}"]


def insert_before_closing(answer, sentence):
    """Put a sentence as the last paragraph of the body, before the closing line and signature."""
    body, sep, tail = answer.rpartition("\n\n")
    return body + "\n\n" + sentence + sep + tail


def make_rejected(rng, row, reason):
    cat = row["category"]
    chosen = row["output"]
    if reason == "fait_errone":
        options = [(pat, rep, det) for pat, rep, det in FACT_ERRORS if re.search(pat, chosen)]
        specific = [o for o in options if o[0] != GENERIC_ERROR]
        options = specific or options  # "sous 24 h ouvrées" only when nothing more telling is there
        if not options:
            return None
        pat, rep, det = rng.choice(options)
        return re.sub(pat, rep, chosen), det
    if reason == "ton_sec":
        t = rng.choice(CURT).format(short=row["_short"])
        return t, "Réponse sèche : ni salutation, ni empathie, ni étapes, ni signature."
    if reason == "etapes_manquantes":
        body = rng.choice(VAGUE[cat]) + " " + rng.choice(VAGUE_END)
        return ml.compose(row["_ack"], body, row["_closing"]), "Réponse vague : aucune étape ni information concrète (délais, montants, rubriques)."
    if reason == "anglais":
        return ENGLISH[cat] + ENGLISH_SIGN, "Réponse en anglais à un client qui écrit en français."
    if reason == "promesse_inventee":
        promise = rng.choice(PROMISES[cat])
        return insert_before_closing(chosen, promise), "Promesse inventée, contraire aux conditions de la boutique : « %s »" % promise
    raise ValueError(reason)


def build():
    support = load_support()
    base, _ = support.build()
    exclude = [r["instruction"] + " " + r["input"] for r in base]
    rows, _ = support.build(seed=SEED, per_category=PER_CATEGORY, hors_sujet=0, exclude_prompts=exclude, rich=True)
    rows = [r for r in rows if r["category"] != "hors_sujet"]
    rng = random.Random(SEED)
    rng.shuffle(rows)
    out = []
    counts = {k: 0 for k in REASONS}
    for i, r in enumerate(rows):
        prompt = r["instruction"] + ("\n\n" + r["input"] if r["input"] else "")
        # balance the reasons: try the least used first (ties in a rotating order)
        order = sorted(REASONS, key=lambda k: (counts[k], (REASONS.index(k) - i) % len(REASONS)))
        for reason in order:
            made = make_rejected(rng, r, reason)
            if made is None:
                continue
            rejected, detail = made
            if rejected == r["output"] or len(prompt) + max(len(rejected), len(r["output"])) > MAX_CHARS:
                continue
            out.append({"prompt": prompt, "chosen": r["output"], "rejected": rejected,
                        "reason": reason, "detail": detail, "category": r["category"], "_core": r["_core"]})
            counts[reason] += 1
            break
    return out


def main():
    rows = build()
    for r in rows:
        for f in ("chosen",):
            if ml.text_problems(r[f]):
                raise SystemExit("text problem in %r" % r[f])
    rng = random.Random(SEED + 1)
    train, val, test = ml.stratified_split(rows, lambda r: r["reason"], rng, group=lambda r: ml.norm_key(r["_core"]))
    ml.write_splits(HERE, *([ml.public(r) for r in part] for part in (train, val, test)))
    counts = {}
    for r in rows:
        counts[r["reason"]] = counts.get(r["reason"], 0) + 1
    print("preferences-fr: %d rows (train %d, validation %d, test %d); reasons %s" % (
        len(rows), len(train), len(val), len(test), counts))


if __name__ == "__main__":
    main()
