#!/usr/bin/env python3
"""Generate conversations-fr: multi-turn customer-support chats (ShareGPT format) for the
fictional shop Maison Lumière.

    /usr/bin/python3 datasets/conversations-fr/generate.py

Each row is {"conversations": [{"from": "system"|"human"|"gpt", "value": ...}, ...],
"scenario": ...}: an optional system message, then 2 to 4 customer turns, each answered.
Follow-up turns refer back to earlier ones ("Et si je l'ai déjà déballée ?").
The first answer opens with "Bonjour, " and an acknowledgement; later answers go
straight to the point; the shop's signature only closes a conversation the customer
ends with thanks. Facts come from ../maison_lumiere.py, as in support-fr.
Deterministic (seeded), standard library only.
"""

import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import maison_lumiere as ml  # noqa: E402
from maison_lumiere import eur  # noqa: E402

SEED = 20240523
N_CONVERSATIONS = 420
MAX_CHARS = 900

SYSTEMS = [
    "Vous êtes l'assistant du service client de Maison Lumière, boutique en ligne d'articles pour la maison. "
    "Répondez en français, en vouvoyant le client, de façon chaleureuse, précise et concise.",
    "Assistant du service client Maison Lumière : réponses courtes, exactes et bienveillantes, avec vouvoiement.",
    "Tu es le conseiller client de Maison Lumière (luminaires, linge de maison, vaisselle, décoration, petit "
    "mobilier). Vouvoie le client et donne des informations exactes sur nos conditions.",
]
THANKS = ["Parfait, merci beaucoup !", "Super, merci.", "D'accord, merci pour votre aide.", "Merci, c'est très clair.",
          "Top, merci !", "Très bien, merci pour ces précisions.", "Ok merci bcp", "Génial, bonne journée !"]
THANKS_REPLIES = ["Avec plaisir ! Belle journée à vous.", "Avec plaisir, excellente journée !",
                  "Avec plaisir, n'hésitez pas à revenir vers nous si besoin.", "Merci à vous, belle journée !"]


class Conv:
    def __init__(self, rng):
        self.rng = rng
        self.gender = rng.choice("fm")
        self.ec = "e" if self.gender == "f" else ""
        self.cmd = ml.order_number(rng)

    def pick(self, seq):
        return self.rng.choice(seq)

    def human(self, variants, **slots):
        slots.setdefault("ec", self.ec)
        slots.setdefault("cmd", self.cmd)
        t = self.pick(variants).format(**slots)
        if self.rng.random() < 0.2:
            t = ml.informalize(t, self.rng)
        return t

    def product(self, families=None, names=None):
        pool = [p for p in ml.PRODUCTS if (families is None or p.family in families)
                and (names is None or p.name in names)]
        p = self.rng.choice(pool)
        name = p.short if self.rng.random() < 0.4 else p.name
        s = p.forms(name)
        for k in ("le", "mon", "votre"):
            s[k.capitalize()] = s[k][0].upper() + s[k][1:]
        s["qu_il"] = "qu'elle" if p.fem else "qu'il"
        return p, s


def assemble(c, opening, followups, k_range=(1, 2)):
    """opening: (human, gpt). followups: list of (human, gpt) in a sensible order; keep k of them."""
    rng = c.rng
    k = rng.randint(*k_range)
    k = min(k, len(followups))
    idx = sorted(rng.sample(range(len(followups)), k))
    turns = [opening] + [followups[i] for i in idx]
    if len(turns) < 4 and (len(turns) == 1 or rng.random() < 0.5):
        turns.append((rng.choice(THANKS), rng.choice(THANKS_REPLIES) + "\n" + ml.SIGNATURE))
    return turns


def first(ack, text):
    return "Bonjour, %s %s" % (ack, text)


SCENARIOS = []


def scenario(f):
    SCENARIOS.append(f)
    return f


@scenario
def retour(c):
    p, s = c.product()
    h1 = c.human(["Bonjour, je voudrais retourner {mon} (commande {cmd}).",
                  "Comment je fais pour renvoyer {le} ? {Il} ne me plaît pas.",
                  "{Mon} ne me convient pas, est-ce que je peux {pron} retourner ?",
                  "Bonjour, {le} que j'ai reçu{e} ne va pas avec ma déco. Je peux {pron} rendre ?"], **s)
    g1 = first(c.pick(["bien sûr !", "pas de souci.", "c'est tout à fait possible."]),
               "Vous avez 30 jours après réception pour nous %s retourner gratuitement : dans « Mes commandes », "
               "choisissez « Retourner un article », imprimez l'étiquette prépayée et déposez le colis en point relais."
               % s["pron"])
    fu = [
        (c.human(["Je l'ai déjà déballé{e}, c'est un problème ?", "Et si j'ai jeté le carton d'origine ?",
                  "Je l'ai sorti{e} du carton, ça passe quand même ?"], **s),
         "Aucun problème, tant %s est complet%s, non utilisé%s et bien protégé%s dans un carton solide."
         % (s["qu_il"], s["e"], s["e"], s["e"])),
        (c.human(["Je n'ai pas d'imprimante, comment je fais pour l'étiquette ?",
                  "Et sans imprimante, c'est possible ?"]),
         "Oui : choisissez l'option « QR code » lors de la déclaration du retour. L'étiquette sera imprimée directement au point relais."),
        (c.human(["Et je serai remboursé{ec} quand ?", "Le remboursement arrive en combien de temps ?",
                  "Je récupère mon argent sous combien de temps ?"]),
         "Sous 5 à 7 jours ouvrés après réception du colis dans notre entrepôt, sur le moyen de paiement utilisé "
         "pour la commande. Un e-mail vous confirme le remboursement."),
        (c.human(["Et les frais de port de ma commande, ils sont remboursés aussi ?",
                  "Les frais de livraison sont aussi remboursés ?"]),
         "Oui si vous retournez toute la commande : ils sont remboursés au tarif standard (4,90 €). Pour un retour "
         "partiel, seuls les articles renvoyés sont remboursés."),
    ]
    if c.rng.random() < 0.4:
        fu[1] = (c.human(["En fait, je préférerais l'échanger contre une autre couleur, c'est possible ?",
                          "Et un échange contre un autre modèle, vous faites ?"]),
                 "Nous ne faisons pas d'échange direct : retournez-%s gratuitement et passez une nouvelle commande "
                 "pour l'article souhaité. Vous n'attendez ainsi pas le traitement du retour." % s["pron"])
    return assemble(c, (h1, g1), fu)


@scenario
def retard(c):
    late = c.rng.random() < 0.65
    n = c.pick([10, 11, 12, 14, 15]) if late else c.pick([2, 3])
    h1 = c.human(["Ma commande {cmd} n'est toujours pas arrivée, elle a été expédiée il y a {n} jours.",
                  "Bonjour, j'attends ma commande {cmd} depuis {n} jours, elle est partie de chez vous mais rien.",
                  "Colis {cmd} expédié il y a {n} jours et toujours pas livré, c'est normal ?"], n=n)
    if late:
        g1 = first(c.pick(["nous sommes désolés pour ce retard.", "toutes nos excuses pour cette attente."]),
                   "Au-delà de 7 jours ouvrés après l'expédition, ce n'est pas normal : dans « Mes commandes », "
                   "sélectionnez la commande %s puis « Signaler un problème » > « Colis non reçu ». Nous ouvrons une "
                   "enquête auprès du transporteur et revenons vers vous sous 48 h." % c.cmd)
        fu = [
            (c.human(["Et si le colis est perdu ?", "Et s'il a été perdu, je fais comment ?",
                      "Et si votre transporteur l'a égaré ?"]),
             "Dans ce cas, vous choisissez : nous vous renvoyons les articles ou nous vous remboursons intégralement, "
             "sous 5 à 7 jours ouvrés."),
            (c.human(["Je peux annuler la commande du coup ?", "Je préférerais annuler, c'est possible ?"]),
             "Elle est déjà expédiée, l'annulation n'est donc plus possible. Attendez le résultat de l'enquête : si le "
             "colis est perdu, vous pourrez choisir le remboursement."),
            (c.human(["Et le renvoi, il arriverait quand ?", "Si vous me renvoyez tout, ça prendra combien de temps ?"]),
             "Le renvoi part sous 24 h ouvrées après la fin de l'enquête, puis la livraison standard prend 2 à 4 jours ouvrés."),
        ]
    else:
        g1 = first(c.pick(["nous comprenons votre impatience.", "rassurez-vous."]),
                   "Votre commande %s est encore dans les délais : la livraison standard prend 2 à 4 jours ouvrés "
                   "après l'expédition (3 à 5 en point relais). Vous pouvez la suivre dans « Mes commandes » > "
                   "« Suivre mon colis »." % c.cmd)
        fu = [
            (c.human(["Et si je ne l'ai toujours pas dans une semaine ?", "Et si elle n'arrive pas d'ici 10 jours ?"]),
             "Au-delà de 7 jours ouvrés après l'expédition, signalez-le via « Signaler un problème » : nous ouvrirons "
             "une enquête auprès du transporteur et vous proposerons un renvoi ou un remboursement si le colis est perdu."),
            (c.human(["Je n'ai pas reçu le lien de suivi, c'est normal ?", "Où est le lien de suivi ?"]),
             "Il est envoyé par e-mail au moment de l'expédition : pensez à vérifier vos courriers indésirables. Il est "
             "aussi dans « Mes commandes » > « Suivre mon colis »."),
            (c.human(["Et si je ne suis pas là quand le livreur passe ?", "Je travaille en journée, comment ça se passe ?"]),
             "Le livreur laisse un avis de passage : le colis vous attend 10 jours dans le point de retrait indiqué."),
        ]
    return assemble(c, (h1, g1), fu)


@scenario
def mot_de_passe(c):
    h1 = c.human(["Je n'arrive plus à me connecter, j'ai oublié mon mot de passe.",
                  "Bonjour, mot de passe oublié, comment je fais ?",
                  "Impossible de me connecter à mon compte, je ne me souviens plus du mot de passe."])
    g1 = first(c.pick(["pas d'inquiétude !", "cela arrive à tout le monde.", "nous allons vous aider."]),
               "Sur la page de connexion, cliquez sur « Mot de passe oublié ? » et saisissez votre adresse e-mail : "
               "vous recevrez un lien valable 24 h pour en choisir un nouveau.")
    fu = [
        (c.human(["Je n'ai rien reçu...", "J'ai fait la demande mais aucun e-mail n'arrive.", "Toujours rien dans ma boîte mail."]),
         "Vérifiez vos courriers indésirables et patientez quelques minutes, l'envoi peut prendre jusqu'à 10 minutes. "
         "Vérifiez aussi que l'adresse saisie est bien celle de votre compte, puis refaites une demande si besoin."),
        (c.human(["Je l'ai trouvé dans les spams, mais il date d'avant-hier et ne marche plus.",
                  "Le lien me dit qu'il a expiré, je l'avais reçu il y a deux jours."]),
         "C'est normal : le lien n'est valable que 24 h. Refaites une demande et utilisez le lien de l'e-mail le plus récent."),
        (c.human(["Quelles sont les règles pour le nouveau mot de passe ?", "Il doit contenir quoi, le nouveau mot de passe ?"]),
         "Au moins 10 caractères, dont une majuscule et un chiffre, et il doit être différent de l'ancien."),
    ]
    if c.rng.random() < 0.35:
        fu.insert(0, (c.human(["J'ai essayé plusieurs fois avant de vous écrire et maintenant mon compte est bloqué !",
                               "En plus, mon compte est bloqué après mes essais."]),
                      "Par sécurité, le compte est bloqué 30 minutes après 5 tentatives infructueuses. Patientez, puis "
                      "utilisez « Mot de passe oublié ? » plutôt que de réessayer."))
    return assemble(c, (h1, g1), fu)


@scenario
def annulation(c):
    h1 = c.human(["Bonjour, je voudrais annuler ma commande {cmd}.", "Comment annuler la commande {cmd} ?",
                  "Je me suis trompé{ec}, je veux annuler ma commande {cmd}."])
    g1 = first(c.pick(["pas de souci.", "nous prenons note de votre demande."]),
               "Si elle n'est pas encore expédiée, l'annulation est gratuite : dans « Mes commandes », sélectionnez la "
               "commande %s puis « Annuler la commande ». Quel est son statut actuel ?" % c.cmd)
    shipped = c.rng.random() < 0.45
    if shipped:
        h2 = c.human(["Elle est marquée « Expédiée » depuis ce matin.", "Le statut dit « Expédiée ».",
                      "Elle est déjà partie apparemment."])
        g2 = ("Dans ce cas, elle ne peut plus être annulée. Vous pouvez refuser le colis à la livraison ou nous le "
              "retourner gratuitement sous 30 jours après réception ; le remboursement suit sous 5 à 7 jours ouvrés "
              "après réception dans notre entrepôt.")
        fu = [
            (c.human(["Si je refuse le colis, je n'ai rien à faire d'autre ?", "Refuser le colis, c'est tout ?"]),
             "C'est tout : le colis nous revient automatiquement et nous vous remboursons dès sa réception, sous 5 à 7 jours ouvrés."),
            (c.human(["J'avais payé en 3 fois, comment ça se passe ?", "Et pour le paiement en 3 fois ?"]),
             "Les échéances restantes sont annulées et les sommes déjà prélevées vous sont remboursées."),
        ]
    else:
        h2 = c.human(["Elle est marquée « En préparation ».", "Le statut indique « En préparation ».",
                      "Elle est encore en préparation."])
        g2 = ("Parfait, vous pouvez donc l'annuler vous-même depuis « Mes commandes ». Le remboursement intégral "
              "intervient sous 5 à 7 jours ouvrés sur votre moyen de paiement.")
        fu = [
            (c.human(["Et les frais de livraison, ils sont remboursés ?", "Les frais de port aussi ?"]),
             "Oui : une commande annulée avant expédition est remboursée intégralement, frais de livraison compris."),
            (c.human(["J'avais payé en 3 fois, comment ça se passe ?", "Et pour le paiement en 3 fois ?"]),
             "Les échéances restantes sont annulées et les sommes déjà prélevées vous sont remboursées."),
            (c.human(["Je peux annuler juste un article plutôt ?", "Et si je veux garder une partie de la commande ?"]),
             "Oui, tant qu'elle n'est pas expédiée : choisissez « Annuler un article » au lieu d'« Annuler la commande ». "
             "Le reste est expédié normalement."),
        ]
    return _with_fixed_second(c, (h1, g1), (h2, g2), fu)


def _with_fixed_second(c, opening, second, fu):
    """Opening, a fixed second turn (answer to a clarifying question), then 0-1 follow-ups."""
    rng = c.rng
    turns = [opening, second]
    if rng.random() < 0.6:
        turns.append(rng.choice(fu))
    if len(turns) < 4 and rng.random() < 0.5:
        turns.append((rng.choice(THANKS), rng.choice(THANKS_REPLIES) + "\n" + ml.SIGNATURE))
    return turns


@scenario
def adresse(c):
    h1 = c.human(["Je me suis trompé{ec} d'adresse dans ma commande {cmd}, on peut la changer ?",
                  "Bonjour, j'ai mis mon ancienne adresse pour la commande {cmd}, c'est modifiable ?",
                  "Erreur de code postal dans ma commande {cmd}, que faire ?"])
    g1 = first(c.pick(["pas d'inquiétude.", "voyons cela ensemble."]),
               "C'est possible pendant 1 heure après la validation, via « Mes commandes » > « Modifier la commande ». "
               "Quand l'avez-vous passée ?")
    if c.rng.random() < 0.5:
        m = c.pick([5, 10, 15, 20, 30, 40])
        h2 = c.human(["Il y a {m} minutes.", "Il y a à peine {m} minutes.", "Je viens de la passer, il y a {m} minutes."], m=m)
        g2 = ("Alors c'est encore possible : ouvrez la commande %s, cliquez sur « Modifier la commande », corrigez "
              "l'adresse de livraison et validez." % c.cmd)
        fu = [(c.human(["Et je peux aussi passer en express ?", "Tant qu'on y est, je peux choisir l'express ?"]),
               "Oui, dans la même fenêtre d'une heure : choisissez « Express » dans « Modifier la commande » et réglez "
               "la différence (l'express coûte 9,90 €).")]
    else:
        h2 = c.human(["Hier soir.", "Ce matin vers 8 h.", "Il y a trois heures environ."])
        g2 = ("Le délai d'une heure est dépassé, l'adresse ne peut donc plus être modifiée. Si la commande n'est pas "
              "encore expédiée, vous pouvez l'annuler puis la repasser avec la bonne adresse.")
        fu = [(c.human(["Et si elle est déjà partie ?", "Et si elle est déjà expédiée ?"]),
               "Prévenez une personne présente à l'adresse indiquée. Si le colis ne peut pas être remis, il nous revient "
               "et nous vous remboursons sous 5 à 7 jours ouvrés après sa réception."),
              (c.human(["Le remboursement de l'annulation prend combien de temps ?", "Et je suis remboursé{ec} quand si j'annule ?"]),
               "Sous 5 à 7 jours ouvrés, intégralement, sur le moyen de paiement utilisé.")]
    return _with_fixed_second(c, (h1, g1), (h2, g2), fu)


RECIPIENTS = [("ma sœur", "votre sœur", "elle"), ("mon frère", "votre frère", "il"), ("ma mère", "votre mère", "elle"),
              ("mon père", "votre père", "il"), ("une amie", "votre amie", "elle"), ("un collègue", "votre collègue", "il")]


@scenario
def carte_cadeau(c):
    who, who2, pr = c.pick(RECIPIENTS)
    h1 = c.human(["Je voudrais offrir une carte cadeau à {w}, comment faire ?",
                  "Bonjour, c'est possible d'offrir une carte cadeau à {w} ?",
                  "Vous faites des cartes cadeaux ? C'est pour {w}."], w=who)
    g1 = first(c.pick(["quelle belle idée !", "avec plaisir."]),
               "Sur la page « Carte cadeau », choisissez un montant de 20 € à 300 €, puis indiquez l'e-mail de %s, "
               "un message et la date d'envoi souhaitée." % who2)
    m = c.pick([50, 80, 100, 150, 400, 500])
    g_m = ("Oui, %d € est bien compris entre 20 € et 300 €." % m if m <= 300 else
           "Le maximum est de 300 € par carte : vous pouvez en offrir deux, par exemple une de 300 € et une de %d €." % (m - 300))
    fu = [
        (c.human(["Je voudrais mettre {m} €, c'est possible ?", "Et pour {m} €, ça marche ?"], m=m), g_m),
        (c.human(["Elle est valable combien de temps ?", "Il y a une date limite pour l'utiliser ?"]),
         "12 mois à compter de l'achat. Elle s'utilise en plusieurs fois, jusqu'à épuisement du solde."),
        (c.human(["Et si {p} ne la reçoit pas ?", "Et si l'e-mail n'arrive pas chez {p} ?"], p=pr),
         "Depuis « Mon compte » > « Cartes cadeaux », vous pouvez vérifier l'adresse saisie et renvoyer la carte. "
         "Pensez aussi à faire vérifier les courriers indésirables."),
        (c.human(["{P} pourra l'utiliser avec un code promo ?", "Elle se cumule avec les codes promo ?"], P=pr.capitalize()),
         "Oui, la carte cadeau se cumule avec un code promo."),
    ]
    return assemble(c, (h1, g1), fu)


@scenario
def fidelite(c):
    h1 = c.human(["Je ne vois pas les points de ma dernière commande sur mon compte Lumière+.",
                  "Bonjour, mes points fidélité n'ont pas été ajoutés après ma commande {cmd}.",
                  "Pourquoi mes points Lumière+ ne s'affichent pas ?"])
    g1 = first(c.pick(["pas d'inquiétude.", "merci pour votre fidélité !"]),
               "Les points sont crédités 30 jours après la livraison, une fois le délai de retour écoulé. Vous pouvez "
               "suivre vos points en attente dans « Mon compte » > « Lumière+ ».")
    pts = c.pick([120, 230, 380, 410, 560, 640, 850])
    k, rest = divmod(pts, 200)
    if k:
        g_p = "Avec %d points, vous pouvez obtenir %d bon%s de 10 €" % (pts, k, "s" if k > 1 else "")
        g_p += (", et il vous restera %d points." % rest) if rest > 1 else "."
    else:
        g_p = "Il vous manque %d points pour obtenir votre premier bon de 10 € (200 points)." % (200 - pts)
    fu = [
        (c.human(["D'accord. Et ils sont valables combien de temps ?", "Ils expirent, ces points ?"]),
         "12 mois après leur crédit : pensez à les convertir avant."),
        (c.human(["J'en ai {p} pour l'instant, ça fait combien ?", "Avec mes {p} points, j'ai droit à quoi ?"], p=pts), g_p),
        (c.human(["Comment j'utilise le bon ensuite ?", "Et le bon, je m'en sers comment ?"]),
         "Saisissez son code dans le champ « Code promo » du panier. Il est valable 3 mois et ne se cumule pas avec "
         "un autre code promo."),
    ]
    return assemble(c, (h1, g1), fu)


@scenario
def casse(c):
    p, s = c.product(families=("luminaire", "vaisselle", "deco"))
    h1 = c.human(["{Mon} est arrivé{e} cassé{e}, je suis très déçu{ec}.",
                  "Bonjour, j'ai reçu {le} en morceaux ce matin.",
                  "Colis reçu hier : {le} est fêlé{e}. Que faire ?"], **s)
    g1 = first(c.pick(["nous sommes vraiment désolés.", "quelle déception, toutes nos excuses."]),
               "Signalez-le dans les 48 h suivant la livraison : « Mes commandes » > « Signaler un problème », avec "
               "des photos de l'article et de l'emballage. Vous choisirez ensuite entre un remplacement et un remboursement.")
    fu = [
        (c.human(["Je dois vous renvoyer les morceaux ?", "Il faut vous retourner l'article cassé ?"]),
         "Non, inutile de nous renvoyer l'article abîmé, sauf si nous vous le demandons."),
        (c.human(["Si je choisis le remplacement, je {pron} reçois quand ?", "Le remplacement arrive en combien de temps ?"], **s),
         "Il est expédié sous 48 h ouvrées, puis livré en 2 à 4 jours ouvrés en France métropolitaine."),
        (c.human(["Et si je préfère être remboursé{ec} ?", "Finalement, je préférerais un remboursement."]),
         "Le remboursement est effectué sous 5 à 7 jours ouvrés, sur le moyen de paiement de la commande."),
    ]
    return assemble(c, (h1, g1), fu)


@scenario
def paiement_3x(c):
    h1 = c.human(["Est-ce qu'on peut payer en plusieurs fois ?", "Bonjour, le paiement en 3 fois est possible chez vous ?",
                  "Vous proposez le paiement échelonné ?"])
    g1 = first(c.pick(["bonne question !", "merci pour votre message."]),
               "Oui : le paiement en 3 fois sans frais est possible par carte bancaire dès 150 € d'achat.")
    cents = c.pick([9990, 12900, 14500, 15000, 18900, 24900, 31270, 34900])
    if cents >= ml.INSTALLMENTS_MIN_CENTS:
        m = cents // 3
        g_m = ("C'est bon : vous paierez %s à la commande, puis %s 30 jours et 60 jours plus tard."
               % (eur(cents - 2 * m), eur(m)))
    else:
        g_m = "Il vous manque %s pour atteindre 150 € et profiter du paiement en 3 fois." % eur(ml.INSTALLMENTS_MIN_CENTS - cents)
    h2 = c.human(["Mon panier est à {m}.", "J'en ai pour {m}.", "Ma commande ferait {m}."], m=eur(cents))
    fu = [
        (c.human(["Et avec PayPal ?", "Ça marche aussi avec PayPal ?"]),
         "Le paiement en 3 fois est réservé aux cartes bancaires. Avec PayPal, le montant est réglé en une fois."),
        (c.human(["Si j'annule ma commande, les échéances sont annulées ?", "Et si je retourne tout ?"]),
         "Oui, les échéances restantes sont annulées et les sommes déjà prélevées vous sont remboursées."),
    ]
    return _with_fixed_second(c, (h1, g1), (h2, g_m), fu)


@scenario
def livraison(c):
    ville = c.pick(ml.CITIES)
    h1 = c.human(["Vous livrez en combien de temps à {v} ?", "Bonjour, quels sont les délais pour une livraison à {v} ?",
                  "Si je commande aujourd'hui, je suis livré{ec} quand à {v} ?"], v=ville)
    g1 = first(c.pick(["merci pour votre intérêt !", "voici nos délais."]),
               "Après expédition (sous 24 h ouvrées), comptez 2 à 4 jours ouvrés en standard (4,90 €), 3 à 5 en point "
               "relais (2,90 €), ou le jour ouvré suivant en express (9,90 €) pour une commande passée avant 13 h.")
    cents = c.pick([3490, 4200, 5150, 5890, 7400])
    g_m = ("Il vous manque %s pour atteindre 60 € et bénéficier de la livraison offerte." % eur(ml.FREE_SHIPPING_CENTS - cents)
           if cents < ml.FREE_SHIPPING_CENTS else "Avec %s, vous dépassez déjà 60 € : la livraison standard est offerte." % eur(cents))
    fu = [
        (c.human(["Et la livraison est gratuite à partir de combien ?", "C'est gratuit au-dessus d'un certain montant ?"]),
         "Dès 60 € d'achat, la livraison standard et le point relais sont offerts. L'express reste à 9,90 €."),
        (c.human(["Mon panier fait {m}, c'est bon pour la livraison gratuite ?", "J'en suis à {m}, ça suffit ?"], m=eur(cents)), g_m),
        (c.human(["Et si je ne suis pas là quand le livreur passe ?", "Je ne suis jamais chez moi en journée, comment faire ?"]),
         "Il laisse un avis de passage : le colis vous attend 10 jours dans le point de retrait indiqué. Le point relais est aussi une bonne option."),
        (c.human(["Vous livrez aussi en Belgique ? C'est pour ma sœur.", "Et pour un ami au Luxembourg ?"]),
         "Oui, en livraison standard : 4 à 6 jours ouvrés, 7,90 €, offerte dès 100 € d'achat."),
    ]
    return assemble(c, (h1, g1), fu)


@scenario
def garantie(c):
    p, s = c.product(families=("luminaire", "mobilier"))
    n = c.pick([4, 7, 9, 13, 16, 20])
    if p.family == "luminaire":
        h1 = c.human(["{Mon} ne s'allume plus au bout de {n} mois.", "Bonjour, {le} achetée il y a {n} mois ne marche plus."
                      if p.fem else "Bonjour, {le} acheté il y a {n} mois ne marche plus."], n=n, **s)
    else:
        h1 = c.human(["Le pied de {mon} s'est cassé après {n} mois.", "{Mon} s'est abîmé{e} au bout de {n} mois, c'est garanti ?"], n=n, **s)
    g1 = first(c.pick(["nous sommes désolés pour ce problème.", "merci de nous avoir prévenus."]),
               "Avec %d mois d'utilisation, %s est couvert%s par la garantie légale de 2 ans. Déclarez le problème dans "
               "« Mes commandes » > « Signaler un problème », avec une photo ou une courte vidéo." % (n, s["votre"], s["e"]))
    fu = [
        (c.human(["Je n'ai plus la facture, c'est gênant ?", "J'ai perdu la facture..."]),
         "Aucun souci : votre commande enregistrée dans votre compte fait foi, et la facture y est téléchargeable."),
        (c.human(["Je dois payer le retour ?", "L'envoi est à mes frais ?"]),
         "Non, le retour éventuel est entièrement gratuit. Nous vous proposerons une réparation, un remplacement ou un remboursement."),
    ]
    if p.family == "luminaire" and p.short != "guirlande lumineuse":
        fu.insert(0, (c.human(["J'ai déjà changé l'ampoule, ça ne change rien.", "J'ai testé une autre ampoule et une autre prise."]),
                      "Merci d'avoir vérifié. Il s'agit donc bien d'une panne : la déclaration dans « Signaler un problème » est la bonne démarche."))
    return assemble(c, (h1, g1), fu)


@scenario
def facture(c):
    h1 = c.human(["Où puis-je trouver la facture de ma commande {cmd} ?", "Bonjour, il me faut la facture de la commande {cmd}.",
                  "Comment récupérer ma facture ? Commande {cmd}."])
    g1 = first(c.pick(["bien sûr.", "c'est très simple."]),
               "Dans « Mes commandes », sélectionnez la commande %s puis « Télécharger la facture » (PDF). Elle est "
               "disponible dès l'expédition." % c.cmd)
    fu = [
        (c.human(["Le bouton n'apparaît pas.", "Je ne vois pas ce bouton."]),
         "C'est que la commande est encore en préparation : la facture sera disponible dès l'expédition, sous 24 h ouvrées."),
        (c.human(["Il me la faut au nom de ma société, c'est possible ?", "Et avec le numéro de TVA de mon entreprise ?"]),
         "Oui : demandez une facture rectificative via le formulaire de contact, rubrique « Facturation », avec la "
         "raison sociale et le numéro de TVA. Vous la recevrez sous 48 h ouvrées."),
        (c.human(["Vos prix incluent la TVA ?", "Les montants sont TTC ?"]),
         "Oui, tous nos prix sont TTC, TVA de 20 % incluse, et le détail figure sur la facture."),
    ]
    return assemble(c, (h1, g1), fu)


@scenario
def suppression_compte(c):
    h1 = c.human(["Je voudrais supprimer mon compte.", "Bonjour, comment fermer mon compte ?", "Supprimez mon compte svp."])
    g1 = first(c.pick(["nous respectons votre choix.", "nous prenons note de votre demande."]),
               "Rendez-vous dans « Mon compte » > « Confidentialité » > « Supprimer mon compte ». La suppression est "
               "effective sous 30 jours.")
    fu = [
        (c.human(["Et mes points Lumière+ ?", "Je perds mes points fidélité ?"]),
         "Ils seront perdus à la suppression du compte. Vous pouvez les convertir avant, par tranche de 200 points (bon de 10 €)."),
        (c.human(["Vous gardez mes factures ?", "Et mes données, vous les gardez ?"]),
         "La loi nous oblige à conserver les factures 10 ans ; vos autres données sont supprimées."),
        (c.human(["En fait, je veux juste ne plus recevoir vos e-mails.", "Au fond, ce sont surtout les newsletters qui me gênent."]),
         "Dans ce cas, inutile de supprimer le compte : cliquez sur « Se désabonner » en bas d'un e-mail, ou décochez les "
         "envois dans « Mon compte » > « Préférences de communication ». C'est pris en compte sous 48 h."),
    ]
    return assemble(c, (h1, g1), fu)


@scenario
def stock(c):
    p, s = c.product()
    h1 = c.human(["{Le} est en rupture, quand revient-{il} ?", "Bonjour, {le} n'est plus disponible, vous en aurez d'autres ?",
                  "Quand {le} sera-t-{il} de nouveau en stock ?"], **s)
    g1 = first(c.pick(["nous comprenons votre déception.", "merci pour votre intérêt !"]),
               "Nous n'avons pas de date précise. Sur la fiche produit, cliquez sur « M'alerter du retour en stock » : "
               "vous recevrez un e-mail dès son retour.")
    fu = [
        (c.human(["Vous pouvez m'en mettre un{e} de côté ?", "Je peux {pron} réserver ?"], **s),
         "Nous ne proposons ni réservation ni précommande : l'article n'est réservé qu'une fois la commande payée."),
        (c.human(["Si je {pron} mets dans mon panier dès son retour, {il} est réservé{e} ?", "Le panier {pron} garde pour moi ?"], **s),
         "Non, le panier ne réserve pas l'article : mieux vaut finaliser la commande rapidement."),
    ]
    return assemble(c, (h1, g1), fu)


def to_sharegpt(rng, turns):
    conv = []
    if rng.random() < 0.4:
        conv.append({"from": "system", "value": rng.choice(SYSTEMS)})
    for h, g in turns:
        conv.append({"from": "human", "value": h})
        conv.append({"from": "gpt", "value": g})
    return conv


def build(seed=SEED, n=N_CONVERSATIONS):
    rng = random.Random(seed)
    rows, guard = [], ml.PromptGuard()
    i = 0
    order = SCENARIOS[:]
    tries = 0
    while len(rows) < n:
        tries += 1
        if tries > n * 50:
            raise RuntimeError("cannot reach %d conversations" % n)
        if i % len(order) == 0:
            rng.shuffle(order)
        f = order[i % len(order)]
        i += 1
        c = Conv(rng)
        turns = f(c)
        conv = to_sharegpt(rng, turns)
        humans = sum(1 for t in conv if t["from"] == "human")
        if not 2 <= humans <= 4:
            continue
        total = sum(len(t["value"]) for t in conv)
        if total > MAX_CHARS:
            continue
        if not guard.admit("\n".join(t["value"] for t in conv if t["from"] == "human")):
            continue
        rows.append({"conversations": conv, "scenario": f.__name__})
    return rows


def main():
    rows = build()
    for r in rows:
        for t in r["conversations"]:
            if t["from"] == "gpt" and ml.text_problems(t["value"]):
                raise SystemExit("text problem %s in %r" % (ml.text_problems(t["value"]), t["value"]))
    rng = random.Random(SEED + 1)
    train, val, test = ml.stratified_split(rows, lambda r: r["scenario"], rng)
    ml.write_splits(HERE, train, val, test)
    print("conversations-fr: %d rows (train %d, validation %d, test %d)" % (len(rows), len(train), len(val), len(test)))


if __name__ == "__main__":
    main()
