#!/usr/bin/env python3
"""Writes test.jsonl: French general-knowledge multiple-choice questions for the forgetting check.

    /usr/bin/python3 datasets/general-fr-mc/generate.py

Every fact is written out below by hand; the script only phrases the questions, draws the wrong
choices among the other answers of the same kind and shuffles the choices, with a fixed seed, so
that a rerun gives the same file byte for byte.
"""
import json
import os
import random

RNG = random.Random(20240607)
HERE = os.path.dirname(os.path.abspath(__file__))

CAPITALS = [
    ("la France", "Paris"), ("l'Allemagne", "Berlin"), ("l'Italie", "Rome"), ("l'Espagne", "Madrid"),
    ("le Portugal", "Lisbonne"), ("la Belgique", "Bruxelles"), ("la Suisse", "Berne"),
    ("les Pays-Bas", "Amsterdam"), ("l'Autriche", "Vienne"), ("la Pologne", "Varsovie"),
    ("la Grèce", "Athènes"), ("la Suède", "Stockholm"), ("la Norvège", "Oslo"),
    ("le Danemark", "Copenhague"), ("la Finlande", "Helsinki"), ("l'Irlande", "Dublin"),
    ("le Royaume-Uni", "Londres"), ("la Hongrie", "Budapest"), ("la Tchéquie", "Prague"),
    ("la Roumanie", "Bucarest"), ("le Japon", "Tokyo"), ("la Chine", "Pékin"), ("le Canada", "Ottawa"),
    ("l'Égypte", "Le Caire"), ("le Maroc", "Rabat"), ("le Sénégal", "Dakar"),
    ("l'Argentine", "Buenos Aires"), ("le Pérou", "Lima"), ("la Russie", "Moscou"), ("la Turquie", "Ankara"),
]
DAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
          "octobre", "novembre", "décembre"]
OPPOSITES = [
    ("chaud", "froid"), ("grand", "petit"), ("jour", "nuit"), ("haut", "bas"), ("rapide", "lent"),
    ("ouvert", "fermé"), ("plein", "vide"), ("lourd", "léger"), ("jeune", "vieux"), ("riche", "pauvre"),
    ("gagner", "perdre"), ("entrer", "sortir"), ("acheter", "vendre"), ("facile", "difficile"),
    ("propre", "sale"),
]
PLURALS = [
    ("cheval", "chevaux"), ("journal", "journaux"), ("œil", "yeux"), ("travail", "travaux"),
    ("bijou", "bijoux"), ("genou", "genoux"), ("bateau", "bateaux"), ("jeu", "jeux"), ("pneu", "pneus"),
    ("festival", "festivals"),
]
FACTS = [
    ("Combien de pattes a une araignée ?", "huit", ["six", "quatre", "dix"]),
    ("Combien de pattes a un insecte ?", "six", ["huit", "quatre", "dix"]),
    ("Quelle planète est la plus proche du Soleil ?", "Mercure", ["Vénus", "Mars", "Jupiter"]),
    ("Quelle est la plus grande planète du système solaire ?", "Jupiter", ["Saturne", "la Terre", "Mars"]),
    ("À quelle température l'eau pure bout-elle au niveau de la mer ?", "100 degrés Celsius",
     ["50 degrés Celsius", "0 degré Celsius", "200 degrés Celsius"]),
    ("À quelle température l'eau pure gèle-t-elle ?", "0 degré Celsius",
     ["10 degrés Celsius", "-40 degrés Celsius", "100 degrés Celsius"]),
    ("Combien de jours compte une année non bissextile ?", "365", ["366", "360", "354"]),
    ("Combien de minutes y a-t-il dans une heure ?", "60", ["100", "30", "24"]),
    ("Combien d'heures y a-t-il dans une journée ?", "24", ["12", "60", "48"]),
    ("Quel gaz les plantes absorbent-elles pour la photosynthèse ?", "le dioxyde de carbone",
     ["l'oxygène", "l'hélium", "l'azote"]),
    ("Quel est le plus grand océan du monde ?", "l'océan Pacifique",
     ["l'océan Atlantique", "l'océan Indien", "l'océan Arctique"]),
    ("Quel est le plus long fleuve de France ?", "la Loire", ["la Seine", "le Rhône", "la Garonne"]),
    ("Dans quelle ville se trouve la tour Eiffel ?", "Paris", ["Lyon", "Marseille", "Bordeaux"]),
    ("Quel animal est appelé le roi des animaux ?", "le lion", ["le chat", "la vache", "le lapin"]),
    ("De quelle couleur est le ciel par beau temps ?", "bleu", ["vert", "rouge", "noir"]),
    ("Combien de côtés a un triangle ?", "trois", ["quatre", "cinq", "six"]),
    ("Combien de côtés a un carré ?", "quatre", ["trois", "cinq", "huit"]),
    ("Qui a écrit « Les Misérables » ?", "Victor Hugo", ["Émile Zola", "Molière", "Jules Verne"]),
    ("Quelle langue parle-t-on principalement au Brésil ?", "le portugais",
     ["l'espagnol", "le français", "l'anglais"]),
    ("Quel organe pompe le sang dans le corps humain ?", "le cœur", ["le foie", "le poumon", "l'estomac"]),
]


def item(question, answer, wrong, category):
    choices = [answer] + list(wrong)
    RNG.shuffle(choices)
    return {"question": question, "choices": choices, "answer": choices.index(answer), "category": category}


def others(pool, answer, k=3):
    return RNG.sample([x for x in pool if x != answer], k)


def arithmetic(word, op, largest, spread, count):
    """`count` questions "a word b", operands in [2, largest], wrong answers within `spread` of the right one."""
    out = []
    for _ in range(count):
        a, b = RNG.randint(2, largest), RNG.randint(2, largest)
        right = op(a, b)
        wrong = RNG.sample([n for n in range(right - spread, right + spread + 1) if n != right and n > 0], 3)
        out.append(item(f"Combien font {a} {word} {b} ?", str(right), [str(n) for n in wrong], "calcul"))
    return out


def main():
    rows = []
    cities = [c for _, c in CAPITALS]
    for country, city in CAPITALS:
        rows.append(item(f"Quelle est la capitale de {country} ?", city, others(cities, city), "capitales"))
    for i, day in enumerate(DAYS):
        nxt = DAYS[(i + 1) % 7]
        rows.append(item(f"Quel jour vient après le {day} ?", nxt, others(DAYS, nxt), "calendrier"))
    for i, month in enumerate(MONTHS):
        nxt = MONTHS[(i + 1) % 12]
        rows.append(item(f"Quel mois vient après {month} ?", nxt, others(MONTHS, nxt), "calendrier"))
    rows += arithmetic("plus", lambda a, b: a + b, 20, 6, 15)
    rows += arithmetic("fois", lambda a, b: a * b, 9, 8, 5)
    words = [w for pair in OPPOSITES for w in pair]
    for word, opposite in OPPOSITES:
        rows.append(item(f"Quel est le contraire de « {word} » ?", opposite,
                         others([w for w in words if w != word], opposite), "vocabulaire"))
    plurals = [p for _, p in PLURALS]
    for word, plural in PLURALS:
        rows.append(item(f"Quel est le pluriel de « {word} » ?", plural, others(plurals, plural), "grammaire"))
    for question, answer, wrong in FACTS:
        rows.append(item(question, answer, wrong, "culture"))
    with open(os.path.join(HERE, "test.jsonl"), "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"{len(rows)} questions")


if __name__ == "__main__":
    main()
