"""Maison Lumière: the fictional shop behind tunebook's French course datasets.

This module is the single source of truth shared by the generators in this folder
(support-fr, extract-json, conversations-fr, preferences-fr): the shop's policies,
its catalogue, the answer style and small text helpers. Standard library only.

Typography used everywhere in the answers:
- straight apostrophes (') only;
- « guillemets » with ordinary spaces inside;
- an ordinary space before ? ! : ; and before the euro sign (49,90 €);
- prices always with two decimals and a decimal comma.
"""

import json
import os
import random
import re
import unicodedata

SHOP = "Maison Lumière"
SIGNATURE = "L'équipe Maison Lumière"

# ---------------------------------------------------------------------------
# Policies. The answers are written from these; POLITIQUES in datasets/README.md
# lists them for instructors and for evaluation.
# ---------------------------------------------------------------------------
PHONE = "01 99 00 45 67"          # a number from the range ARCEP reserves for fiction
HOURS = "du lundi au samedi, de 9 h à 19 h"
FREE_SHIPPING_CENTS = 6000        # standard and relay delivery free from 60 €
STANDARD_CENTS = 490
RELAY_CENTS = 290
EXPRESS_CENTS = 990
BELUX_CENTS = 790
BELUX_FREE_CENTS = 10000
INSTALLMENTS_MIN_CENTS = 15000    # 3 payments without fees from 150 €
RETURN_DAYS = 30
LOYALTY_POINTS_PER_VOUCHER = 200  # 200 points = a 10 € voucher
LOYALTY_VOUCHER_EUR = 10

# ---------------------------------------------------------------------------
# Catalogue: (name, plural, short name, gender, family, price in cents)
# ---------------------------------------------------------------------------
CATALOGUE = [
    ("lampe de chevet Opaline", "lampes de chevet Opaline", "lampe de chevet", "f", "luminaire", 4990),
    ("lampadaire Arc", "lampadaires Arc", "lampadaire", "m", "luminaire", 18900),
    ("suspension en rotin Bali", "suspensions en rotin Bali", "suspension", "f", "luminaire", 7990),
    ("applique murale Laiton", "appliques murales Laiton", "applique", "f", "luminaire", 6490),
    ("guirlande lumineuse Luciole", "guirlandes lumineuses Luciole", "guirlande lumineuse", "f", "luminaire", 2490),
    ("lampe de bureau Studio", "lampes de bureau Studio", "lampe de bureau", "f", "luminaire", 5990),
    ("lampe baladeuse Nomade", "lampes baladeuses Nomade", "lampe baladeuse", "f", "luminaire", 3990),
    ("plaid en laine Douceur", "plaids en laine Douceur", "plaid", "m", "linge", 6990),
    ("housse de couette en lin Nuage", "housses de couette en lin Nuage", "housse de couette", "f", "linge", 11900),
    ("parure de lit Provence", "parures de lit Provence", "parure de lit", "f", "linge", 8990),
    ("coussin en velours Émeraude", "coussins en velours Émeraude", "coussin", "m", "linge", 2990),
    ("rideau en lin Sable", "rideaux en lin Sable", "rideau", "m", "linge", 4500),
    ("drap-housse en percale Ivoire", "draps-housses en percale Ivoire", "drap-housse", "m", "linge", 3990),
    ("drap de bain Galet", "draps de bain Galet", "drap de bain", "m", "linge", 2490),
    ("nappe en lin Bastide", "nappes en lin Bastide", "nappe", "f", "linge", 5490),
    ("tapis en jute Atlas", "tapis en jute Atlas", "tapis", "m", "deco", 12900),
    ("service de table Terre", "services de table Terre", "service de table", "m", "vaisselle", 9900),
    ("lot de 6 verres Cristal", "lots de 6 verres Cristal", "lot de verres", "m", "vaisselle", 3490),
    ("théière en fonte Kyoto", "théières en fonte Kyoto", "théière", "f", "vaisselle", 5900),
    ("cocotte en fonte Chef", "cocottes en fonte Chef", "cocotte", "f", "vaisselle", 8900),
    ("planche à découper Olivier", "planches à découper Olivier", "planche à découper", "f", "vaisselle", 3200),
    ("mug en grès Matin", "mugs en grès Matin", "mug", "m", "vaisselle", 1290),
    ("saladier en bois Acacia", "saladiers en bois Acacia", "saladier", "m", "vaisselle", 3990),
    ("carafe en verre Source", "carafes en verre Source", "carafe", "f", "vaisselle", 2700),
    ("miroir rond Soleil", "miroirs ronds Soleil", "miroir", "m", "deco", 8990),
    ("vase en verre Céleste", "vases en verre Céleste", "vase", "m", "deco", 3500),
    ("bougie parfumée Figuier", "bougies parfumées Figuier", "bougie", "f", "deco", 2200),
    ("diffuseur de parfum Ambre", "diffuseurs de parfum Ambre", "diffuseur de parfum", "m", "deco", 2990),
    ("cadre photo Bois flotté", "cadres photo Bois flotté", "cadre photo", "m", "deco", 1990),
    ("horloge murale Gare", "horloges murales Gare", "horloge", "f", "deco", 4900),
    ("panier en osier Camargue", "paniers en osier Camargue", "panier en osier", "m", "deco", 2790),
    ("table basse Nordique", "tables basses Nordique", "table basse", "f", "mobilier", 24900),
    ("étagère murale Ligne", "étagères murales Ligne", "étagère", "f", "mobilier", 7900),
    ("tabouret en bois Atelier", "tabourets en bois Atelier", "tabouret", "m", "mobilier", 6900),
    ("fauteuil Cocon", "fauteuils Cocon", "fauteuil", "m", "mobilier", 34900),
    ("console Riviera", "consoles Riviera", "console", "f", "mobilier", 19900),
    ("banc d'entrée Oslo", "bancs d'entrée Oslo", "banc d'entrée", "m", "mobilier", 15900),
    ("table de chevet Duo", "tables de chevet Duo", "table de chevet", "f", "mobilier", 11900),
    ("chaise en rotin Palma", "chaises en rotin Palma", "chaise", "f", "mobilier", 12900),
]

FRAGILE_FAMILIES = ("luminaire", "vaisselle", "deco", "mobilier")

VOWELS = "aeiouyàâäéèêëîïôöùûü"
H_MUET = ("horloge",)  # « l'horloge » ; « housse » has an aspirated h: « la housse »


def starts_with_vowel_sound(word):
    w = word.lower()
    if w[0] in VOWELS:
        return True
    return any(w.startswith(h) for h in H_MUET)


class Product:
    def __init__(self, name, plural, short, gender, family, cents):
        self.name, self.plural, self.short = name, plural, short
        self.gender, self.family, self.cents = gender, family, cents

    @property
    def fem(self):
        return self.gender == "f"

    def price(self):
        return eur(self.cents)

    def forms(self, name=None):
        """Slots for one singular mention of the product (full or short name)."""
        n = name or self.name
        vowel = starts_with_vowel_sound(n)
        return {
            "nom": n,
            "un": ("une " if self.fem else "un ") + n,
            "le": ("l'" + n) if vowel else (("la " if self.fem else "le ") + n),
            "mon": (("ma " if self.fem and not vowel else "mon ") + n),
            "votre": "votre " + n,
            "du": ("de l'" + n) if vowel else (("de la " if self.fem else "du ") + n),
            "d_un": ("d'une " if self.fem else "d'un ") + n,
            "pron": "la" if self.fem else "le",      # object pronoun before a consonant
            "il": "elle" if self.fem else "il",
            "Il": "Elle" if self.fem else "Il",
            "e": "e" if self.fem else "",
            "prix": self.price(),
        }


PRODUCTS = [Product(*row) for row in CATALOGUE]

# ---------------------------------------------------------------------------
# Small data pools
# ---------------------------------------------------------------------------
FIRST_NAMES_F = [
    "Sophie", "Nadia", "Léa", "Chloé", "Inès", "Manon", "Fatou", "Émilie", "Claire", "Aïcha",
    "Sarah", "Laura", "Amandine", "Sylvie", "Marion", "Hélène", "Océane", "Lina", "Jeanne",
    "Maëlle", "Yasmine", "Zoé", "Nathalie", "Agathe", "Céline", "Mélanie",
]
FIRST_NAMES_M = [
    "Julien", "Thomas", "Mehdi", "Antoine", "Karim", "Hugo", "Lucas", "Youssef", "Pierre",
    "Nicolas", "Mathieu", "Olivier", "Bernard", "Kevin", "Rachid", "Jean-Marc", "Baptiste",
    "Paul", "Damien", "Franck", "Gérard", "Théo", "Samuel", "Vincent", "Arnaud", "Moussa",
]
LAST_NAMES = [
    "Martin", "Bernard", "Dubois", "Moreau", "Laurent", "Garcia", "Lefèvre", "Roux", "Fontaine",
    "Nguyen", "Benali", "Mercier", "Girard", "Bonnet", "Diallo", "Petit", "Rousseau", "Faure",
    "Chevalier", "Lambert", "Morel", "Da Silva", "Perrin", "Masson", "Henry", "Renaud", "Aubert",
    "Lemoine", "Caron", "Haddad", "Marchand", "Colin", "Vidal", "Brun", "Picard", "Kone",
]
CITIES = [
    "Lyon", "Marseille", "Lille", "Toulouse", "Nantes", "Bordeaux", "Strasbourg", "Rennes",
    "Montpellier", "Grenoble", "Dijon", "Brest", "Nice", "Tours", "Limoges", "Metz", "Rouen",
    "Clermont-Ferrand", "Angers", "Reims", "Pau", "Annecy", "Perpignan", "Caen", "Besançon",
    "Poitiers", "La Rochelle", "Amiens", "Orléans", "Nancy",
]
MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
          "octobre", "novembre", "décembre"]

# ---------------------------------------------------------------------------
# Formatting helpers
# ---------------------------------------------------------------------------

def eur(cents):
    """49,90 € ; 1 249,00 € (ordinary space as thousands separator)."""
    units, rest = divmod(int(cents), 100)
    s = str(units)
    groups = []
    while len(s) > 3:
        groups.insert(0, s[-3:])
        s = s[:-3]
    groups.insert(0, s)
    return " ".join(groups) + "," + ("%02d" % rest) + " €"


def date_fr(rng):
    d = rng.randint(1, 28)
    return ("1er" if d == 1 else str(d)) + " " + rng.choice(MONTHS)


def order_number(rng):
    return "CMD-%05d" % rng.randint(10000, 99999)


def full_name(rng, gender):
    first = rng.choice(FIRST_NAMES_F if gender == "f" else FIRST_NAMES_M)
    return first + " " + rng.choice(LAST_NAMES)


def steps(intro, items):
    lines = [intro] if intro else []
    lines += ["%d. %s" % (i + 1, s) for i, s in enumerate(items)]
    return "\n".join(lines)


def bullets(intro, items):
    lines = [intro] if intro else []
    lines += ["- " + s for s in items]
    return "\n".join(lines)


def compose(ack, body, closing):
    """The house answer style: greeting + empathetic acknowledgement, body, closing, signature."""
    return "Bonjour, %s\n\n%s\n\n%s\n%s" % (ack, body, closing, SIGNATURE)


CLOSINGS = [
    "Nous restons à votre disposition pour toute autre question.",
    "N'hésitez pas à revenir vers nous si besoin.",
    "Belle journée à vous.",
    "Merci pour votre confiance.",
    "Nous restons à votre écoute.",
    "Excellente journée à vous.",
]
APOLOGY_CLOSINGS = [
    "Encore toutes nos excuses pour ce désagrément.",
    "Nous vous prions de nous excuser pour la gêne occasionnée.",
    "Merci pour votre patience et toutes nos excuses.",
]
FRUSTRATED_ACKS = [
    "nous sommes sincèrement désolés pour ce désagrément et comprenons votre agacement.",
    "nous comprenons tout à fait votre mécontentement et vous prions de nous excuser.",
    "nous sommes navrés de cette situation et allons vous aider à la régler au plus vite.",
    "toutes nos excuses pour cette mauvaise expérience : voyons ensemble comment la régler.",
]

# ---------------------------------------------------------------------------
# Question wrappers: registers and light, realistic typos
# ---------------------------------------------------------------------------

def strip_accents(s):
    return "".join(c for c in unicodedata.normalize("NFD", s) if unicodedata.category(c) != "Mn")


ABBREVIATIONS = [
    ("s'il vous plaît", "svp"), ("S'il vous plaît", "Svp"), ("toujours", "tjs"),
    ("beaucoup", "bcp"), ("quelque chose", "qqch"), ("rendez-vous", "rdv"), ("Bonjour", "Bjr"),
    ("pourquoi", "pk"), ("aujourd'hui", "aujourd'hui"),
]


def lower_first(t):
    """Lowercase the first letter unless the first word looks like an acronym (CMD, RGPD)."""
    if len(t) > 1 and t[0].isupper() and not t[1].isupper():
        return t[0].lower() + t[1:]
    return t


def swap_typo(text, rng):
    words = text.split(" ")
    cand = [i for i, w in enumerate(words) if len(w) >= 6 and w.isalpha() and w.islower()]
    if not cand:
        return text
    i = rng.choice(cand)
    w = words[i]
    j = rng.randint(1, len(w) - 3)
    words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2:]
    return " ".join(words)


def informalize(text, rng, typos=True):
    """Chat-like register: abbreviations, missing accents, lowercase, loose punctuation."""
    t = text
    for a, b in ABBREVIATIONS:
        if a in t and rng.random() < 0.6:
            t = t.replace(a, b)
    if rng.random() < 0.5:
        t = strip_accents(t)
    if rng.random() < 0.7:
        t = lower_first(t)
    if rng.random() < 0.6:
        t = t.replace(" ?", "?").replace(" !", "!")
    if rng.random() < 0.35:
        t = t.rstrip(".")
    if typos and rng.random() < 0.3:
        t = swap_typo(t, rng)
    return t


GREETINGS = ["Bonjour, ", "Bonjour,\n", "Bonsoir, ", "Bonjour à vous, ", "Hello, "]
POLITE_ENDS = [" Merci d'avance.", " Merci.", " Merci pour votre aide.", " Merci beaucoup !",
               " Bonne journée.", " Cordialement."]
QUESTION_PREFIXES = ["Petite question : ", "Question rapide : ", "Une question : "]
ANY_PREFIXES = [
    "J'aurais besoin d'un renseignement. ",
    "Je vous écris depuis mon téléphone, désolé{ec} pour la forme. ",
    "Je suis client{ec} chez vous depuis plusieurs années. ",
    "Je me permets de vous écrire. ",
]
FRUSTRATED_BITS = [
    ("C'est la deuxième fois que je vous écris. ", ""),
    ("", " Je commence sérieusement à perdre patience."),
    ("", " C'est vraiment inadmissible."),
    ("Franchement, votre service me déçoit. ", ""),
    ("", " Merci de faire le nécessaire rapidement."),
    ("Je suis vraiment agacé{ec} par cette situation. ", ""),
    ("", " Je ne suis vraiment pas satisfait{ec}."),
]


def wrap_question(core, rng, register, name="Client", gender="m"):
    """Dress a neutral question in a register: formel, neutre, familier or frustre."""
    ec = "e" if gender == "f" else ""
    if register == "formel":
        opening = rng.choice(["Bonjour,\n\n", "Madame, Monsieur,\n\n", "Bonjour,\n"])
        closing = rng.choice(["\n\nCordialement,\n", "\n\nBien cordialement,\n", "\n\nMerci par avance,\n"])
        return opening + core + closing + name
    if register == "familier":
        t = core
        if rng.random() < 0.4:
            t = rng.choice(["bonjour ", "Bonjour ", "bjr ", "salut ", "coucou "]) + lower_first(t)
        t = informalize(t, rng)
        if rng.random() < 0.3:
            t += rng.choice([" merci", " svp", " merci !", " Merci"])
        return t
    if register == "frustre":
        pre, post = rng.choice(FRUSTRATED_BITS)
        t = pre.replace("{ec}", ec) + core + post.replace("{ec}", ec)
        if rng.random() < 0.5:
            t = "Bonjour. " + t
        return t
    # neutre
    t = core
    r = rng.random()
    if r < 0.08 and core.endswith("?"):
        t = rng.choice(QUESTION_PREFIXES) + lower_first(core)
    elif r < 0.16:
        t = rng.choice(ANY_PREFIXES).replace("{ec}", ec) + core
    if rng.random() < 0.45:
        g = rng.choice(GREETINGS)
        t = g + (lower_first(t) if g.endswith(" ") else t)
    if rng.random() < 0.25 and t.endswith((".", "?", "!")):
        t += rng.choice(POLITE_ENDS)
    return t


PHRASE_VARIANTS = {
    "Voici comment faire :": ["Voici comment faire :", "Voici la marche à suivre :", "Voici les étapes :"],
    "Voici les points à vérifier :": ["Voici les points à vérifier :", "Voici ce que nous vous conseillons de vérifier :"],
    "Connectez-vous à votre compte, rubrique « Mes commandes ».": [
        "Connectez-vous à votre compte, rubrique « Mes commandes ».",
        "Rendez-vous dans votre espace client, rubrique « Mes commandes ».",
    ],
    "Connectez-vous et allez dans « Mes commandes ».": [
        "Connectez-vous et allez dans « Mes commandes ».",
        "Rendez-vous dans votre espace client, rubrique « Mes commandes ».",
    ],
    "Déposez le colis dans un point relais.": [
        "Déposez le colis dans un point relais.",
        "Déposez le colis dans le point relais de votre choix.",
    ],
}
_PHRASE_RX = re.compile("|".join(re.escape(k) for k in PHRASE_VARIANTS))


def vary_phrasing(text, rng):
    """Swap a few fixed phrases for equivalent ones (same facts, less repetitive answers)."""
    return _PHRASE_RX.sub(lambda m: rng.choice(PHRASE_VARIANTS[m.group(0)]), text)


def norm_key(s):
    """Key for duplicate detection: lowercase, no accents, alphanumerics only."""
    return re.sub(r"[^a-z0-9]+", " ", strip_accents(s.lower())).strip()


class PromptGuard:
    """Admits a prompt only if it is no near-duplicate of one admitted before.

    Near-duplicate as `tunebook data clean` sees it: Jaccard similarity of 5-character
    shingles. The guard compares exact Jaccard over norm_key texts (stricter than the
    cleaner's lowercase text) against a threshold below the cleaner's 0.8, so that the
    cleaner's MinHash estimate, which errs by a few hundredths, finds no prompt pair.
    Without it a filled question template came back with only a greeting changed
    ("Bonsoir, comment connaître le solde de ma carte cadeau ?").
    """

    SHINGLE = 5
    THRESHOLD = 0.7

    def __init__(self, texts=()):
        self.sets = []
        for t in texts:
            self.add(t)

    @classmethod
    def shingles(cls, text):
        k = norm_key(text)
        if len(k) <= cls.SHINGLE:
            return {k}
        return {k[i:i + cls.SHINGLE] for i in range(len(k) - cls.SHINGLE + 1)}

    def admits(self, text):
        s = self.shingles(text)
        n = len(s)
        for o in self.sets:
            m = len(o)
            # |A & B| / |A | B| >= t needs min(n, m) >= t * max(n, m): skip the rest cheaply
            if min(n, m) < self.THRESHOLD * max(n, m):
                continue
            inter = len(s & o)
            if inter >= self.THRESHOLD * (n + m - inter):
                return False
        return True

    def add(self, text):
        self.sets.append(self.shingles(text))

    def admit(self, text):
        """Adds the text and returns True when admitted; False, adding nothing, otherwise."""
        if not self.admits(text):
            return False
        self.add(text)
        return True


# ---------------------------------------------------------------------------
# Output helpers
# ---------------------------------------------------------------------------

def stratified_split(rows, key, rng, frac_val=0.1, frac_test=0.1, group=None):
    """Per stratum: shuffle, take round(n*frac) for validation and test, the rest for train.

    With group, rows of one group (the same question re-dressed in another register) all
    land in one split: a group goes to validation or test only while it fits there whole
    (a group spread over strata may pass a target by a row).
    """
    group = group or id
    sizes = {}
    strata = {}
    for r in rows:
        strata.setdefault(key(r), []).append(r)
        sizes[group(r)] = sizes.get(group(r), 0) + 1
    train, val, test = [], [], []
    assigned = {}
    for k in sorted(strata):
        items = strata[k][:]
        rng.shuffle(items)
        nv = int(round(len(items) * frac_val))
        nt = int(round(len(items) * frac_test))
        parts = ([], [], [])
        reserved = [0, 0, 0]  # rows promised to each part, including group members still to come
        for r in items:
            g = group(r)
            if g not in assigned:
                n = sizes[g]
                assigned[g] = 1 if reserved[1] + n <= nv else 2 if reserved[2] + n <= nt else 0
                reserved[assigned[g]] += n
            parts[assigned[g]].append(r)
        train += parts[0]
        val += parts[1]
        test += parts[2]
    for part in (train, val, test):
        rng.shuffle(part)
    return train, val, test


def public(row):
    """The row without the private fields (leading underscore) that generators keep while building."""
    return {k: v for k, v in row.items() if not k.startswith("_")}


def write_jsonl(path, rows):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def write_splits(folder, train, val, test):
    write_jsonl(os.path.join(folder, "train.jsonl"), train)
    write_jsonl(os.path.join(folder, "validation.jsonl"), val)
    write_jsonl(os.path.join(folder, "test.jsonl"), test)


TEXT_PROBLEMS = [
    (re.compile(r"  "), "double space"),
    (re.compile(r"\bNone\b|\bnull\b|\{|\}"), "template artefact"),
    (re.compile(r" [,.]"), "space before comma or period"),
    (re.compile(r"’"), "typographic apostrophe"),
    (re.compile(r"[^\s'(]«|«[^ ]|[^ ]»"), "guillemets spacing"),
    (re.compile(r" \n|\n "), "space at line edge"),
    (re.compile(r"\n\n\n"), "triple newline"),
]


def text_problems(s):
    """Problems in a text that we write (answers, prompts); empty list when clean."""
    return [msg for rx, msg in TEXT_PROBLEMS if rx.search(s)]
