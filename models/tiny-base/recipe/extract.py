#!/usr/bin/python3
"""Extract clean running text from unpacked Debian packages into a pretraining corpus.

Usage:  /usr/bin/python3 extract.py --list-packages
        /usr/bin/python3 extract.py UNPACKED OUTDIR

UNPACKED holds one directory per package of SOURCES (the .deb unpacked with dpkg-deb -x, plus a
file VERSION with the package version); build-corpus.sh prepares it.

Writes OUTDIR/corpus.txt (one paragraph per line, paragraphs separated by a blank line) and
OUTDIR/SOURCES.md (package, version, licence read from /usr/share/doc/PKG/copyright, bytes).

Standard library only. Deterministic: packages are read in the fixed order of SOURCES, the files
of a package in sorted path order, and a paragraph seen before (anywhere) is dropped.
"""
import gzip
import hashlib
import os
import re
import subprocess
import sys
import unicodedata
import zipfile
from html.parser import HTMLParser

# (package, language, kind, regex selecting the package's files, what it is). Order matters: a
# paragraph already written by an earlier package is not written again.
SOURCES = [
    ("debian-handbook", "fr", "html", r"/html/fr-FR/.*\.html$", "The Debian Administrator's Handbook, French"),
    ("debian-reference-fr", "fr", "html", r"\.fr\.html$", "Debian reference, French"),
    ("debian-faq-fr", "fr", "html", r"/FAQ/fr/.*\.html$", "Debian FAQ, French"),
    ("installation-guide-amd64", "fr", "html", r"/fr/.*\.html$", "Debian installation guide, French"),
    ("debian-history", "fr", "html", r"\.fr\.html$", "A brief history of Debian, French"),
    ("developers-reference-fr", "fr", "html", r"/fr/.*\.html$", "Debian developer's reference, French"),
    ("maint-guide-fr", "fr", "html", r"\.fr\.html$", "Debian new maintainers' guide, French"),
    ("aptitude-doc-fr", "fr", "html", r"/html/fr/.*\.html$", "aptitude manual, French"),
    ("debian-edu-doc-fr", "fr", "html", r"\.html$", "Debian Edu manuals, French"),
    ("debian-edu-doc-legacy-fr", "fr", "html", r"\.html$", "Debian Edu legacy manuals, French"),
    ("gnome-user-docs", "fr", "html", r"/help/fr/.*\.page$", "GNOME desktop help, French"),
    ("evolution-common", "fr", "html", r"/help/fr/.*\.page$", "application help (GNOME), French"),
    ("evince-common", "fr", "html", r"/help/fr/.*\.page$", "application help (GNOME), French"),
    ("gedit-common", "fr", "html", r"/help/fr/.*\.page$", "application help (GNOME), French"),
    ("gnome-terminal-data", "fr", "html", r"/help/fr/.*\.page$", "application help (GNOME), French"),
    ("seahorse", "fr", "html", r"/help/fr/.*\.page$", "application help (GNOME), French"),
    ("eog", "fr", "html", r"/help/fr/.*\.page$", "application help (GNOME), French"),
    ("gnome-system-monitor", "fr", "html", r"/help/fr/.*\.page$", "application help (GNOME), French"),
    ("shotwell-common", "fr", "html", r"/help/fr/.*\.page$", "application help (GNOME), French"),
    ("gnome-boxes", "fr", "html", r"/help/fr/.*\.page$", "application help (GNOME), French"),
    ("simple-scan", "fr", "html", r"/help/fr/.*\.page$", "application help (GNOME), French"),
    ("gnome-calculator", "fr", "html", r"/help/fr/.*\.page$", "application help (GNOME), French"),
    ("file-roller", "fr", "html", r"/help/fr/.*\.page$", "application help (GNOME), French"),
    ("cheese-common", "fr", "html", r"/help/fr/.*\.page$", "application help (GNOME), French"),
    ("deja-dup", "fr", "html", r"/help/fr/.*\.page$", "application help (GNOME), French"),
    ("totem-common", "fr", "html", r"/help/fr/.*\.page$", "application help (GNOME), French"),
    ("brasero-common", "fr", "html", r"/help/fr/.*\.page$", "application help (GNOME), French"),
    ("baobab", "fr", "html", r"/help/fr/.*\.page$", "application help (GNOME), French"),
    ("polari", "fr", "html", r"/help/fr/.*\.page$", "application help (GNOME), French"),
    ("gnome-devel-docs", "fr", "html", r"/help/fr/.*\.page$", "GNOME developer guides, French"),
    ("manpages-fr", "fr", "man", r"/man/fr/.*\.gz$", "manual pages, French"),
    ("manpages-fr-dev", "fr", "man", r"/man/fr/.*\.gz$", "development manual pages, French"),
    ("dpkg", "fr", "man", r"/man/fr/.*\.gz$", "dpkg manual pages, French"),
    ("dpkg-dev", "fr", "man", r"/man/fr/.*\.gz$", "dpkg-dev manual pages, French"),
    ("apt", "fr", "man", r"/man/fr/.*\.gz$", "APT manual pages, French"),
    ("debconf-doc", "fr", "man", r"/man/fr/.*\.gz$", "debconf manual pages, French"),
    ("devscripts", "fr", "man", r"/man/fr/.*\.gz$", "devscripts manual pages, French"),
    ("po4a", "fr", "man", r"/man/fr/.*\.gz$", "po4a manual pages, French"),
    ("gimp-help-fr", "fr", "html", r"/help/fr/.*\.html$", "GIMP user manual, French"),
    ("libreoffice-help-fr", "fr", "html", r"/help/fr/.*\.html$", "LibreOffice help, French"),
    ("lilypond-doc-html-fr", "fr", "html", r"-big-page\.fr\.html$", "LilyPond manuals, French"),
    ("scilab-doc-fr", "fr", "jar", r"/scilab_fr_FR_help\.jar$", "Scilab help, French"),
]
# Packages whose /usr/share/doc/PKG is a link to another package's: the copyright file is read there.
COPYRIGHT_FROM = {"gimp-help-fr": "gimp-help-common"}

FR_STOP = set("le la les un une des du de et est que qui dans pour pas sur au aux ce cette ces il elle "
              "ils elles nous vous sont avec par plus ou se sa son ses leur leurs mais comme peut être "
              "fait tout tous si on ne en à été sont lorsque vous votre vos".split())
EN_STOP = set("the of and to is that in it for are with as this be on by not or an from at which "
              "you your can if will has have was were their there when would should these those".split())

WS = re.compile(r"\s+")
CODE = re.compile(r"/\*|\*/|[{}]|\(\);|#include|\$\(|=>|&&|\|\|")
INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
WORD_OK = re.compile(r"^[«(\"'“‘\[]*[^\W\d_]+(?:['’\-.][^\W\d_]+)*[»)\"'”’\].,;:!?…]*$")


def norm(text):
    text = unicodedata.normalize("NFC", text).translate(INVISIBLE)
    text = "".join(c if (c.isprintable() or c.isspace()) else " " for c in text)
    return WS.sub(" ", text).strip()


def prose_ok(p, lang, strict=False):
    """True when a paragraph reads like running text rather than code, tables or menus."""
    words = p.split()
    n = len(words)
    if n < 4 or len(p) > 20000:
        return False
    nonspace = sum(1 for c in p if not c.isspace())
    letters = sum(1 for c in p if c.isalpha())
    if letters < 0.78 * nonspace:
        return False
    if CODE.search(p):
        return False
    ends = p[-1] in ".!?:;…»)\"”"
    if n < 7 and not ends:
        return False
    if strict and (n < 8 or not ends):
        return False
    if sum(1 for w in words if WORD_OK.match(w)) < 0.75 * n:
        return False
    low = [w.strip(".,;:!?«»()\"'").lower() for w in words]
    fr = sum(1 for w in low if w in FR_STOP or w.startswith(("l'", "d'", "qu'", "n'", "s'", "l’", "d’")))
    en = sum(1 for w in low if w in EN_STOP)
    if lang == "fr":
        return fr > en and fr >= 0.08 * n
    return en >= fr and en >= 0.05 * n


class HtmlText(HTMLParser):
    """Collects block-level text runs; drops scripts, code blocks, navigation; flags table cells."""
    BLOCK = set("p div li ul ol dl dt dd h1 h2 h3 h4 h5 h6 br blockquote section article tr td th "
                "table caption figure figcaption hr title body main address center item note steps list "
             "terms tree page subtitle quote".split())
    SKIP = set("script style pre head nav noscript svg math textarea select button header footer "
               "aside form object iframe screen info synopsis links".split())
    SKIP_CLASS = re.compile(r"\b(navheader|navfooter|toc|lot|nav-footer|navigation|breadcrumb|"
                            r"example|programlisting|screen|synopsis|cmdsynopsis|verbatim|"
                            r"code|lilypond|menu|index|footer|header|contents|search)\b")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.paras = []          # (text, in_table)
        self.buf = []
        self.skip_tag = None
        self.skip_depth = 0
        self.table = 0

    def flush(self):
        if self.buf:
            t = norm("".join(self.buf))
            if t:
                self.paras.append((t, self.table > 0))
            self.buf = []

    def handle_starttag(self, tag, attrs):
        if self.skip_tag is not None:
            if tag == self.skip_tag:
                self.skip_depth += 1
            return
        cls = dict(attrs).get("class") or ""
        if tag in self.SKIP or (tag in ("div", "table", "span", "p") and self.SKIP_CLASS.search(cls)):
            self.flush()
            self.skip_tag, self.skip_depth = tag, 1
            return
        if tag in self.BLOCK:
            self.flush()
        if tag == "table":
            self.table += 1
        if tag == "img":
            return

    def handle_startendtag(self, tag, attrs):
        if self.skip_tag is None and tag in self.BLOCK:
            self.flush()

    def handle_endtag(self, tag):
        if self.skip_tag is not None:
            if tag == self.skip_tag:
                self.skip_depth -= 1
                if self.skip_depth == 0:
                    self.skip_tag = None
            return
        if tag in self.BLOCK:
            self.flush()
        if tag == "table" and self.table > 0:
            self.table -= 1

    def handle_data(self, data):
        if self.skip_tag is None:
            self.buf.append(data)

    def close(self):
        super().close()
        self.flush()


def html_text_paragraphs(raw):
    m = re.search(rb"charset=[\"']?([A-Za-z0-9_-]+)", raw[:2048])
    enc = m.group(1).decode("ascii") if m else "utf-8"
    try:
        text = raw.decode(enc, errors="replace")
    except LookupError:
        text = raw.decode("utf-8", errors="replace")
    p = HtmlText()
    p.feed(text)
    p.close()
    return p.paras


def html_paragraphs(path):
    with open(path, "rb") as f:
        return html_text_paragraphs(f.read())


def jar_paragraphs(path):
    """HTML pages inside a zip (JavaHelp jar), in sorted entry order."""
    paras = []
    with zipfile.ZipFile(path) as z:
        for name in sorted(n for n in z.namelist() if n.endswith(".html")):
            paras.extend(html_text_paragraphs(z.read(name)))
    return paras


MAN_SKIP_SECTIONS = {"NOM", "SYNOPSIS", "VOIR AUSSI", "TRADUCTION", "AUTEUR", "AUTEURS", "COPYRIGHT",
                     "SIGNALER DES BOGUES", "COLOPHON", "EXEMPLE", "EXEMPLES", "FICHIERS", "NAME",
                     "SEE ALSO", "LICENCE", "DROITS D'AUTEUR", "RAPPORTER DES BOGUES"}


def man_paragraphs(path):
    with gzip.open(path, "rb") as f:
        src = f.read()
    if src.lstrip().startswith(b".so "):
        return []                      # alias page: the text is in another file
    env = dict(os.environ, LC_ALL="C.UTF-8", LANG="C.UTF-8")
    res = subprocess.run(["groff", "-K", "utf-8", "-Tutf8", "-man", "-P-cbou", "-rcR=1",
                          "-rLL=3000n", "-rHY=0", "-t"], input=src, capture_output=True, env=env)
    out = res.stdout.decode("utf-8", errors="replace").splitlines()
    lines = [l for l in out if l.strip()]
    paras, section = [], ""
    for line in lines[1:-1]:           # first and last: page header and footer
        if not line[:1].isspace():
            section = norm(line).upper()
            continue
        if section in MAN_SKIP_SECTIONS:
            continue
        t = norm(line)
        if t:
            paras.append((t, False))
    return paras


KINDS = {"html": html_paragraphs, "man": man_paragraphs, "jar": jar_paragraphs}


def package_files(root, regex):
    """Regular files under an unpacked package tree whose absolute path matches regex, sorted."""
    rx = re.compile(regex)
    files = []
    for dirpath, dirnames, filenames in os.walk(root):
        for name in filenames:
            full = os.path.join(dirpath, name)
            if os.path.isfile(full) and not os.path.islink(full) and rx.search(full[len(root):]):
                files.append(full)
    return sorted(files)


LICENCE_HINTS = [
    (r"GNU General Public License[^.]*?version 3", "GPL-3+"),
    (r"GNU General Public License[^.]*?version 2", "GPL-2+"),
    (r"GNU General Public License", "GPL"),
    (r"GNU GPL,? version 2", "GPL-2"),
    (r"GNU Free Documentation License", "GFDL"),
    (r"Redistribution and use in source and binary forms", "BSD-style"),
    (r"Permission is granted to make and distribute verbatim copies",
     "verbatim and modified copies permitted (GNU manual-style permission notice)"),
]


def licence_of(copyright_text):
    """Licence as written in a Debian copyright file: the 'Files: *' stanza's License (DEP-5),
    then the other License names; for free-form files, the first recognised licence phrase."""
    main, others = None, []
    for stanza in re.split(r"\n\s*\n", copyright_text):
        files = re.search(r"^Files:[ \t]*(.*)$", stanza, flags=re.M)
        lic = re.search(r"^License:[ \t]*(.+)$", stanza, flags=re.M)
        if not lic:
            continue
        name = lic.group(1).strip()
        if files and files.group(1).split()[:1] == ["*"] and main is None:
            main = name
        elif name not in others:
            others.append(name)
    if main is None and others:
        main = others.pop(0)
    if main is not None:
        others = [o for o in others if o != main]
        if len(others) > 4:
            others = others[:4] + [f"{len(others) - 4} more"]
        return main + (f" (some files: {', '.join(others)})" if others else "")
    flat = WS.sub(" ", copyright_text)
    for rx, name in LICENCE_HINTS:
        if re.search(rx, flat):
            return name + " (free-form copyright file)"
    return "unrecognised: read the copyright file"


def read_copyright(root, pkg):
    path = os.path.join(root, "usr/share/doc", pkg, "copyright")
    if os.path.islink(path) or os.path.islink(os.path.dirname(path)):
        target = os.path.realpath(path)       # links inside the package tree only
        path = target if target.startswith(os.path.realpath(root)) else path
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def main(argv):
    if argv[1:] == ["--list-packages"]:
        print("\n".join([s[0] for s in SOURCES] + sorted(set(COPYRIGHT_FROM.values()))))
        return 0
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    unpacked, outdir = argv[1], argv[2]
    os.makedirs(outdir, exist_ok=True)
    seen = set()
    rows = []
    total = 0
    with open(os.path.join(outdir, "corpus.txt"), "w", encoding="utf-8", newline="\n") as out:
        for pkg, lang, kind, regex, note in SOURCES:
            root = os.path.join(unpacked, pkg)
            with open(os.path.join(root, "VERSION"), encoding="utf-8") as f:
                version = f.read().strip()
            files = package_files(root, regex)
            nbytes = npara = 0
            for path in files:
                for text, in_table in KINDS[kind](path):
                    if not prose_ok(text, lang, strict=in_table):
                        continue
                    key = hashlib.sha1(text.lower().encode("utf-8")).digest()
                    if key in seen:
                        continue
                    seen.add(key)
                    data = text + "\n\n"
                    out.write(data)
                    nbytes += len(data.encode("utf-8"))
                    npara += 1
            total += nbytes
            cpkg = COPYRIGHT_FROM.get(pkg, pkg)
            text = read_copyright(os.path.join(unpacked, cpkg), cpkg)
            lic = licence_of(text) if text else "copyright file not in package"
            if cpkg != pkg:
                lic += f" (copyright file of {cpkg})"
            rows.append((pkg, version, lic, lang, note, len(files), npara, nbytes))
            print(f"{pkg}: {len(files)} files, {npara} paragraphs, {nbytes} bytes", file=sys.stderr)
    with open(os.path.join(outdir, "SOURCES.md"), "w", encoding="utf-8", newline="\n") as f:
        f.write("# Sources of corpus.txt\n\n")
        f.write("Built by `models/tiny-base/recipe/build-corpus.sh` from the Debian packages below, "
                "unpacked (not installed) with `dpkg-deb -x`; files are read in sorted order and a "
                "paragraph seen before anywhere in the corpus is dropped. Licences are read from each "
                "package's `/usr/share/doc/PKG/copyright` (the `Files: *` licence first).\n\n")
        f.write("| package | version | language | content | licence | files | paragraphs | bytes |\n")
        f.write("| --- | --- | --- | --- | --- | ---: | ---: | ---: |\n")
        for pkg, ver, lic, lang, note, nf, npara, nb in rows:
            f.write(f"| {pkg} | {ver} | {lang} | {note} | {lic} | {nf} | {npara} | {nb} |\n")
        fr = sum(r[7] for r in rows if r[3] == "fr")
        f.write(f"\nTotal: {total} bytes ({fr} French, {total - fr} English).\n")
    print(f"total {total} bytes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
