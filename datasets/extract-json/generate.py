#!/usr/bin/env python3
"""Generate extract-json: free French customer messages -> JSON with a fixed schema.

    /usr/bin/python3 datasets/extract-json/generate.py

Alpaca format: the same `instruction` on every row (it describes the schema), the
customer message in `input`, and the canonical JSON in `output`:
json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).
Deterministic (seeded), standard library only.

Labelling rules (also in README.md), applied by construction:
- intention: exactly one of INTENTIONS, the single request the message makes;
- numero_commande: the order number normalised to "CMD-" + 5 digits (messages write it
  CMD-48213, cmd-48213, CMD 48213, n°48213, commande 48213...), else null;
- produit: the catalogue name of the one article mentioned, in the singular
  ("3 coussins en velours Émeraude" -> "coussin en velours Émeraude"), else null;
- quantite: the number of items when the customer writes it in digits, in words or as
  "x3", else null ("la lampe", "une lampe" -> null; days, prices, dates and "3 fois" are
  not quantities);
- urgence: "haute" when the customer asks for speed or names a close deadline,
  "basse" when the customer says it is not urgent, else "normale" (annoyance alone
  does not make a message urgent).
"""

import json
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import maison_lumiere as ml  # noqa: E402

SEED = 20240522
MAX_CHARS = 900

INTENTIONS = ["suivi_livraison", "retour", "remboursement", "annulation", "modification_commande",
              "produit_defectueux", "information_produit", "paiement", "facturation", "compte", "autre"]
PER_INTENTION = 112
AUTRE = 80

INSTRUCTION = (
    "Extrayez du message client un objet JSON compact (clés triées, sans espaces) :\n"
    "- intention : suivi_livraison, retour, remboursement, annulation, modification_commande, "
    "produit_defectueux, information_produit, paiement, facturation, compte ou autre ;\n"
    "- numero_commande : \"CMD-\" suivi des 5 chiffres, ou null ;\n"
    "- produit : nom de l'article au singulier, ou null ;\n"
    "- quantite : nombre d'articles écrit par le client, ou null ;\n"
    "- urgence : haute si le client est pressé, basse s'il dit que rien ne presse, sinon normale."
)

NUM_WORDS = {2: "deux", 3: "trois", 4: "quatre", 5: "cinq", 6: "six", 7: "sept", 8: "huit", 9: "neuf",
             10: "dix", 12: "douze"}


def canonical(obj):
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def cap(s):
    return s[0].upper() + s[1:]


class Mention:
    """How one product (and maybe a quantity) is written in a message, with agreement slots."""

    def __init__(self, rng, p, qty, definite=False):
        self.p, self.qty = p, qty
        fem = p.fem
        vowel = ml.starts_with_vowel_sound(p.name)
        if qty is None:
            le = ("l'" + p.name) if vowel else (("la " if fem else "le ") + p.name)
            mon = (("ma " if fem and not vowel else "mon ") + p.name)
            un = ("une " if fem else "un ") + p.name
            obj = le if definite else rng.choice([le, mon, mon])
            self.slots = {"P": obj, "PS": cap(obj), "Pu": un, "est": "est", "a": "e" if fem else "",
                          "s": "", "il": "elle" if fem else "il", "pron": "la" if fem else "le",
                          "nt": "", "va": "va"}
        else:
            n = str(qty)
            if qty in NUM_WORDS and rng.random() < 0.4:
                n = NUM_WORDS[qty]
            style = rng.choice(["bare", "les"] if definite else ["bare", "les", "mes"])
            bare = "%s %s" % (n, p.plural)
            obj = {"bare": bare, "les": "les " + bare, "mes": "mes " + bare}[style]
            subj = cap(obj) if style != "bare" else cap("les " + bare)
            self.slots = {"P": obj, "PS": subj, "Pu": bare, "est": "sont", "a": "es" if fem else "s",
                          "s": "s", "il": "elles" if fem else "ils", "pron": "les", "nt": "nt", "va": "vont"}
        self.slots.setdefault("a_subj", self.slots["a"])


def de_phrase(obj):
    """'de' + a noun phrase, with the French contractions: du, des, de la, de l'."""
    for art, rep in (("le ", "du "), ("les ", "des ")):
        if obj.startswith(art):
            return rep + obj[len(art):]
    if obj.startswith("l'"):
        return "de " + obj
    return "de " + obj


def cmd_forms(rng, cmd):
    digits = cmd[4:]
    return rng.choice([cmd, cmd, cmd, cmd.lower(), "CMD " + digits, "n° " + cmd, "n°" + digits, digits])


# ---------------------------------------------------------------------------
# Core sentences per intention. Flags: P = needs a product, C = needs an order number,
# Q = allows a quantity, L = luminaire only, F = fragile only.
# ---------------------------------------------------------------------------
CORES = {
    "suivi_livraison": [
        ("C", "Où en est ma commande {C} ?"),
        ("P Q", "Je n'ai toujours pas reçu {P}."),
        ("P Q", "Quand vais-je recevoir {P} ?"),
        ("C", "Ma commande {C} devait arriver hier, toujours rien."),
        ("C", "Pouvez-vous me donner le suivi de la commande {C} ?"),
        ("P Q", "J'attends {P} depuis une semaine, où en est la livraison ?"),
        ("P Q", "Le suivi de mon colis avec {P} n'a pas bougé depuis 4 jours."),
        ("", "Mon colis est-il parti ? Je n'ai reçu aucun e-mail d'expédition."),
        ("C", "Le suivi de la commande {C} indique « livré » mais je n'ai rien reçu."),
        ("P Q", "Pouvez-vous me dire quand {P} {sera} livré{a} ?"),
        ("X C", "Commande {C} ({xline}) : toujours pas livrée."),
        ("", "Je n'ai pas de numéro de suivi pour mon colis."),
    ],
    "retour": [
        ("P Q", "Je souhaite retourner {P}."),
        ("P", "Comment renvoyer {P} ? {il_cap} ne me plaît pas."),
        ("P Q C", "Je voudrais vous renvoyer {P} de la commande {C}."),
        ("P Q", "{PS} ne {va} pas avec ma déco, je veux {pron} retourner."),
        ("P Q", "Pouvez-vous m'envoyer une étiquette de retour pour {P} ?"),
        ("C", "Je veux faire un retour sur la commande {C}, comment faire ?"),
        ("P", "La couleur ne correspond pas à la photo : je vous retourne {P}."),
        ("", "Quelle est la procédure pour retourner un article ?"),
        ("X C", "Retour souhaité : {xline}, commande {C}."),
    ],
    "remboursement": [
        ("P", "J'ai renvoyé {P} il y a 10 jours et je n'ai toujours pas reçu mon remboursement."),
        ("C", "Quand vais-je recevoir le remboursement de la commande {C} ?"),
        ("P", "Le remboursement {deP} n'apparaît pas sur mon compte bancaire."),
        ("", "Vous m'avez remboursé 29,90 € au lieu de 49,90 €, pourquoi ?"),
        ("C", "Mon retour pour la commande {C} est arrivé chez vous le 3 mars, où est mon argent ?"),
        ("", "Sur quelle carte allez-vous me rembourser ?"),
        ("C", "Toujours aucun remboursement pour la commande {C} annulée la semaine dernière."),
    ],
    "annulation": [
        ("C", "Je veux annuler ma commande {C}."),
        ("P Q", "Merci d'annuler {P}, je me suis trompé{ec} de modèle."),
        ("C", "Pouvez-vous annuler la commande {C} ? Je n'en ai plus besoin."),
        ("P Q", "J'ai commandé {Pu} par erreur, pouvez-vous annuler ?"),
        ("", "Comment annuler une commande passée ce matin ?"),
        ("C", "Annulation de la commande {C} svp, j'ai trouvé moins cher ailleurs."),
        ("P Q", "Je ne veux plus {P}, annulez ma commande s'il vous plaît."),
        ("X C", "Merci d'annuler cette ligne de la commande {C} : {xline}."),
    ],
    "modification_commande": [
        ("C", "Je voudrais modifier l'adresse de livraison de la commande {C}."),
        ("P Q C", "Pouvez-vous ajouter {Pu} à ma commande {C} ?"),
        ("P", "Je voudrais changer la couleur {deP} dans ma commande."),
        ("Pq", "Finalement il me faudrait {Pu} au lieu {un_seul}, pouvez-vous modifier ma commande ?"),
        ("X C", "Dans la commande {C}, je voudrais passer à {xline} au lieu {un_seul}."),
        ("Pq", "Je me suis trompé{ec} de quantité : il me faut {Pu}. C'est modifiable ?"),
        ("C", "Est-il possible de passer la commande {C} en livraison express ?"),
        ("", "J'ai fait une erreur dans mon code postal, peut-on corriger ma commande ?"),
    ],
    "produit_defectueux": [
        ("P Q F", "{PS} {est} arrivé{a_subj} cassé{a_subj}."),
        ("P Q F", "J'ai reçu {P} abîmé{a}."),
        ("P Q L", "{PS} ne fonctionne{nt} pas."),
        ("P", "Il y a un défaut de fabrication sur {P}."),
        ("P Q C F", "Dans ma commande {C}, {P} {est} fêlé{a}."),
        ("P L", "{PS} clignote sans arrêt depuis le premier jour."),
        ("P", "J'ai trouvé une tache sur {P} en ouvrant le colis."),
        ("C", "Le colis de la commande {C} est arrivé écrasé et le contenu est cassé."),
    ],
    "information_produit": [
        ("P", "{PS} {est}-{il} disponible en bleu ?"),
        ("Pq", "Avez-vous {Pu} en stock ?"),
        ("P1", "Avez-vous encore {Pu} en stock ? J'en voudrais {n}."),
        ("P", "Quelles sont les dimensions {du} ?"),
        ("P", "{PS} passe{nt}-{il} au lave-vaisselle ?"),
        ("P", "Quand {P} sera-t-{il} de nouveau disponible ?"),
        ("P", "De quelle matière est fait{a} {P} ?"),
        ("P", "Comment entretenir {P} ?"),
    ],
    "paiement": [
        ("P", "Mon paiement a été refusé au moment d'acheter {Pu}."),
        ("P", "Puis-je payer {P} en 3 fois ?"),
        ("C", "J'ai été débité{ec} deux fois pour la commande {C}."),
        ("", "Mon code promo ne marche pas au moment de payer."),
        ("", "Acceptez-vous PayPal ?"),
        ("C", "Le paiement de la commande {C} est refusé par ma banque."),
        ("", "Ma carte est refusée à chaque fois, que faire ?"),
    ],
    "facturation": [
        ("C", "Pouvez-vous m'envoyer la facture de la commande {C} ?"),
        ("P", "Il me faut une facture au nom de ma société pour {P}."),
        ("C", "La facture de la commande {C} comporte une erreur d'adresse."),
        ("", "Je ne trouve pas ma facture dans mon espace client."),
        ("C", "Pouvez-vous ajouter notre numéro de TVA sur la facture {C} ?"),
        ("P Q", "J'ai besoin de la facture pour {P}, pour ma note de frais."),
    ],
    "compte": [
        ("", "Je n'arrive plus à me connecter à mon compte."),
        ("", "Comment changer l'adresse e-mail de mon compte ?"),
        ("", "Je veux supprimer mon compte client."),
        ("", "J'ai oublié mon mot de passe."),
        ("", "Mon compte est bloqué après plusieurs essais."),
        ("", "Comment me désabonner de la newsletter ?"),
        ("", "Le lien pour réinitialiser mon mot de passe a expiré."),
    ],
    "autre": [
        ("P", "Bravo pour votre service, {P} {est} magnifique{s} !"),
        ("", "Recrutez-vous des vendeurs en ce moment ?"),
        ("C", "Je voulais juste vous remercier pour la livraison rapide de la commande {C}."),
        ("", "Je suis créatrice de céramiques, comment devenir fournisseur ?"),
        ("", "Merci pour vos conseils au téléphone hier, tout est réglé."),
        ("P", "Juste un petit mot : {P} {est} parfait{a} dans mon salon."),
    ],
}

URGENT = ["C'est urgent.", "Merci de traiter ma demande au plus vite.", "J'en ai besoin avant samedi, c'est pressé.",
          "Réponse urgente s'il vous plaît !", "C'est pour un cadeau demain, c'est très urgent.",
          "Merci de me répondre dès que possible.", "Le plus rapidement possible svp.",
          "Il me le faut absolument pour ce week-end."]
URGENT_PREFIX = ["URGENT : ", "Urgent ! "]
NOT_URGENT = ["Rien ne presse.", "Ce n'est pas urgent.", "Quand vous aurez un moment.", "Aucune urgence, merci.",
              "Répondez-moi quand vous pourrez, ce n'est pas pressé.", "Pas de souci si ça prend quelques jours."]
NEUTRAL_END = ["Merci d'avance.", "Merci.", "Bonne journée.", "Cordialement.", "Merci de votre aide.", ""]
DISTRACTORS = ["J'ai passé commande le {date}.", "J'avais payé {prix}.", "Je suis client{ec} depuis 5 ans.",
               "Je vous ai déjà écrit il y a 3 jours.", "Je suis joignable après 18 h.",
               "Je commande chez vous depuis 2019."]
GREETINGS = ["Bonjour,", "Bonjour", "Bonsoir,", "Madame, Monsieur,", "Salut,", "Hello,", "", ""]
CMD_TAILS = ["(commande {C})", "Ma commande : {C}.", "N° de commande : {C}.", "Réf. commande {C}."]


def make_row(rng, intention):
    cores = CORES[intention]
    flags, tpl = rng.choice(cores)
    f = set(flags.split())
    gender = rng.choice("fm")
    ec = "e" if gender == "f" else ""
    slots = {"ec": ec}
    product = None
    qty = None
    if f & {"P", "Pq", "P1", "X"}:
        pool = ml.PRODUCTS
        if "L" in f:
            pool = [p for p in pool if p.family == "luminaire"]
        elif "F" in f:
            pool = [p for p in pool if p.family in ml.FRAGILE_FAMILIES]
        if "lave-vaisselle" in tpl:
            pool = [p for p in pool if p.family == "vaisselle"]
        if "en bleu" in tpl or "magnifique" in tpl or "parfait" in tpl:
            pool = [p for p in pool if p.family != "vaisselle" or p.name != "lot de 6 verres Cristal"]
        product = rng.choice(pool)
        big = product.family == "mobilier" or product.cents >= 10000
        if "Pq" in f or "X" in f:
            qty = rng.choice([2, 3, 4] if big else [2, 3, 4, 5, 6, 8, 10, 12])
        elif "Q" in f and rng.random() < 0.4:
            qty = rng.choice([2, 2, 3, 4] if big else [2, 2, 3, 3, 4, 5, 6, 10])
        m = Mention(rng, product, qty, definite=(intention == "information_produit"))
        slots.update(m.slots)
        slots["il_cap"] = cap(slots["il"])
        slots["deP"] = de_phrase(slots["P"])
        slots["un_seul"] = "d'une seule" if product.fem else "d'un seul"
        if "X" in f:
            slots["xline"] = rng.choice(["%s x%d" % (product.name, qty), "%d x %s" % (qty, product.name)])
        slots["sera"] = "sera" if qty is None else "seront"
        vowel = ml.starts_with_vowel_sound(product.name)
        slots["du"] = ("de l'" + product.name) if vowel else (("de la " if product.fem else "du ") + product.name)
        if "P1" in f:
            qty = rng.choice([2, 3, 4] if big else [2, 3, 4, 5, 6, 10])
            slots["n"] = str(qty) if rng.random() < 0.6 else NUM_WORDS[qty]
            slots["Pu"] = ("une " if product.fem else "un ") + product.name
    cmd = None
    if "C" in f or rng.random() < (0.12 if intention in ("compte", "autre") else 0.3):
        cmd = ml.order_number(rng)
        slots["C"] = cmd_forms(rng, cmd)
    core = tpl.format(**slots)
    parts = [core]
    if cmd and "{C}" not in tpl:
        form = slots["C"].replace("n° ", "").replace("n°", "")
        tail = rng.choice(CMD_TAILS).format(C=form)
        if tail.startswith("("):
            parts[0] = (core[:-1].rstrip() + " " + tail + (" " if core[-1] in "?!" else "") + core[-1]
                        if core[-1] in ".?!" else core + " " + tail)
        else:
            parts.append(tail)
    if rng.random() < 0.25:
        parts.insert(0 if rng.random() < 0.5 else len(parts), rng.choice(DISTRACTORS).format(
            date=ml.date_fr(rng), prix=(product.price() if product else ml.eur(rng.choice([2490, 4990, 8990]))), ec=ec))
    r = rng.random()
    prefix = ""
    if r < 0.25:
        urgence = "haute"
        if rng.random() < 0.25:
            prefix = rng.choice(URGENT_PREFIX)
        else:
            parts.append(rng.choice(URGENT))
    elif r < 0.40:
        urgence = "basse"
        parts.append(rng.choice(NOT_URGENT))
    else:
        urgence = "normale"
        end = rng.choice(NEUTRAL_END)
        if end:
            parts.append(end)
    text = prefix + " ".join(p for p in parts if p)
    style = rng.random()
    greet = rng.choice(GREETINGS)
    name = ml.full_name(rng, gender)
    if style < 0.35:  # e-mail
        msg = (greet + "\n\n" if greet else "") + text + "\n\n" + name
    elif style < 0.75:  # chat, one line
        msg = (greet + " " + ml.lower_first(text)) if greet else text
    else:  # casual: lowercase, no accents sometimes
        msg = ml.informalize(text, rng, typos=False)
    msg = msg.replace("  ", " ")
    label = {
        "intention": intention,
        "numero_commande": cmd,
        "produit": product.name if product else None,
        "quantite": qty,
        "urgence": urgence,
    }
    return msg, label


def check_label(msg, label):
    """Cheap consistency checks between the message and its label."""
    assert label["intention"] in INTENTIONS
    if label["numero_commande"]:
        assert label["numero_commande"][4:] in msg, (msg, label)
    if label["produit"]:
        low = ml.strip_accents(msg.lower())
        p = next(x for x in ml.PRODUCTS if x.name == label["produit"])
        assert ml.strip_accents(p.name.lower()) in low or ml.strip_accents(p.plural.lower()) in low, (msg, label)


def build(seed=SEED):
    rng = random.Random(seed)
    rows, guard = [], ml.PromptGuard()
    for intention in INTENTIONS:
        quota = AUTRE if intention == "autre" else PER_INTENTION
        made, tries = 0, 0
        while made < quota:
            tries += 1
            if tries > quota * 50:
                raise RuntimeError("cannot fill " + intention)
            msg, label = make_row(rng, intention)
            if not guard.admits(msg):
                continue
            out = canonical(label)
            if len(INSTRUCTION) + len(msg) + len(out) > MAX_CHARS:
                continue
            check_label(msg, label)
            guard.add(msg)
            rows.append({"instruction": INSTRUCTION, "input": msg, "output": out})
            made += 1
    return rows


def main():
    rows = build()
    rng = random.Random(SEED + 1)
    train, val, test = ml.stratified_split(rows, lambda r: json.loads(r["output"])["intention"], rng)
    ml.write_splits(HERE, train, val, test)
    print("extract-json: %d rows (train %d, validation %d, test %d)" % (len(rows), len(train), len(val), len(test)))


if __name__ == "__main__":
    main()
