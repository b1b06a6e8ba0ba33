# ruff: noqa: RUF002, RUF003  (transliteration tables hold look-alike letters on purpose)
"""Normalisation of identifying fields before encoding.

Everything here runs *where the name is* (on the clear-text record) and produces
canonical strings that are then only ever stored in keyed, encoded form
(:mod:`vangnet.linkage.encoding`).

Names
    ``normalise_name_tokens`` lower-cases (Unicode case folding), transliterates
    Cyrillic (Ukrainian, Russian, Bulgarian) and Greek to Latin, removes diacritics
    (``Olumidé`` -> ``olumide``, ``Nguyễn`` -> ``nguyen``, ``Łukasz`` -> ``lukasz``,
    ``Ștefan``/``Ştefan`` -> ``stefan``), splits on spaces, hyphens and apostrophes,
    drops pinyin tone numbers, removes name particles (``van der``, ``de``, ``al-``,
    ``bin``, ``ibn``, ``dos`` ...) and folds the Arabic ``Abd al-``/``Abdul``/``Abdel``
    compounds to one form.  ``phonetic_key`` maps transliteration variants
    (``Oleksandr``/``Aleksandr``/``Olexandr``, ``Mohammed``/``Muhammad``,
    ``Ionescu``/``Ionesco``, ``Shevchenko``/``Ševčenko``) to one short key.

Dates
    ``parse_birth_date`` accepts full and partial dates (``1985``, ``1985-03``,
    ``03/1985``, ``14-03-1985``, ``19850314``, :class:`datetime.date`); day-first
    order is assumed for ambiguous European dates.

Gender and nationality
    ``normalise_gender`` -> ``"F"``, ``"M"``, ``"X"`` or ``None``;
    ``normalise_nationality`` -> ISO 3166-1 alpha-2 (from alpha-2, alpha-3, English or
    Dutch country names and demonyms) or ``None``.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from vangnet.linkage.countries import COUNTRIES, EXTRA_NAMES

__all__ = [
    "PARTICLES",
    "BirthDate",
    "canonical_given_names",
    "fold_text",
    "normalise_gender",
    "normalise_name_tokens",
    "normalise_nationality",
    "parse_birth_date",
    "phonetic_key",
    "transliterate",
    "year_only_default",
]

# --------------------------------------------------------------------------- text folding

# Letters that Unicode decomposition does not reduce to ASCII.
_SPECIAL_LETTERS = {
    "ß": "ss",
    "æ": "ae",
    "œ": "oe",
    "ø": "o",
    "ł": "l",
    "đ": "d",
    "ð": "d",
    "þ": "th",
    "ı": "i",
    "ŀ": "l",
    "ħ": "h",
    "ŧ": "t",
    "ĸ": "k",
    "ŋ": "ng",
    "ʼ": "'",
    "ʻ": "'",
    "’": "'",
    "‘": "'",
    "`": "'",
    "´": "'",
}

# Cyrillic -> Latin.  Ukrainian letters (і ї є ґ) switch г/и to the Ukrainian values.
_CYRILLIC_COMMON = {
    "а": "a", "б": "b", "в": "v", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "iu", "я": "ia", "і": "i",
    "ї": "i", "є": "ie", "ґ": "g", "ў": "u", "ј": "j", "љ": "lj", "њ": "nj", "ћ": "c",
    "ђ": "dj", "џ": "dz", "ѕ": "dz",
}  # fmt: skip
_CYRILLIC_RUSSIAN = {"г": "g", "и": "i"}
_CYRILLIC_UKRAINIAN = {"г": "h", "и": "y"}
_UKRAINIAN_MARKERS = frozenset("іїєґ")

_GREEK = {
    "α": "a", "β": "v", "γ": "g", "δ": "d", "ε": "e", "ζ": "z", "η": "i", "θ": "th",
    "ι": "i", "κ": "k", "λ": "l", "μ": "m", "ν": "n", "ξ": "x", "ο": "o", "π": "p",
    "ρ": "r", "σ": "s", "ς": "s", "τ": "t", "υ": "y", "φ": "f", "χ": "ch", "ψ": "ps",
    "ω": "o",
}  # fmt: skip


def transliterate(text: str) -> str:
    """Transliterate Cyrillic and Greek letters in lower-cased ``text`` to Latin.

    Ukrainian text (recognised by і, ї, є or ґ) uses the Ukrainian values of г (h)
    and и (y); other Cyrillic text the Russian/Bulgarian ones (g, i).
    Characters of other scripts are kept as they are.
    """
    if text.isascii():
        return text
    cyr = dict(_CYRILLIC_COMMON)
    cyr.update(_CYRILLIC_UKRAINIAN if _UKRAINIAN_MARKERS & set(text) else _CYRILLIC_RUSSIAN)
    out: list[str] = []
    for ch in text:
        if ch in cyr:
            out.append(cyr[ch])
        elif ch in _GREEK:
            out.append(_GREEK[ch])
        else:
            out.append(ch)
    return "".join(out)


def fold_text(text: str) -> str:
    """Case-fold, transliterate and strip diacritics; returns lower-case ASCII where possible."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = transliterate(unicodedata.normalize("NFC", text))
    text = "".join(_SPECIAL_LETTERS.get(ch, ch) for ch in text)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


# --------------------------------------------------------------------------- names

#: Name particles removed from name tokens (Dutch tussenvoegsels, Romance, German,
#: Arabic and Portuguese/Brazilian connectives).  ``'t`` and ``'s`` appear as ``t``/``s``.
PARTICLES = frozenset(
    {
        # Dutch
        "van", "de", "der", "den", "het", "ten", "ter", "te", "t", "s", "in", "op", "aan",
        "uit", "bij", "voor", "onder", "vd", "v/d",
        # German, French, Italian, Spanish, Portuguese
        "von", "vom", "zu", "zum", "zur", "du", "des", "la", "le", "les", "da", "das", "do",
        "dos", "di", "del", "della", "dei", "degli", "y", "e", "d", "l",
        # Arabic and related (al-, el-, bin, ibn, ...)
        "al", "el", "ul", "ad", "ar", "as", "ash", "at", "az", "bin", "ben", "ibn", "bint",
        "binti", "bte", "bt",
    }
)  # fmt: skip

# Abd al-Rahman / Abdul Rahman / Abdelrahman / Abderrahmane -> abdrahman(e).
_ABD_PREFIX = re.compile(r"^abd(?:ul|ol|al|el|ar|er|ur|as|es|us|an|en|un)(?=[a-z]{3})")
_ABD_FORMS = frozenset({"abd", "abdul", "abdel", "abdal", "abdol", "abdoul"})
_TOKEN_SPLIT = re.compile(r"[^a-z]+")


@lru_cache(maxsize=65536)
def normalise_name_tokens(name: str | None) -> tuple[str, ...]:
    """Return the canonical tokens of a (first, last or full) name.

    >>> normalise_name_tokens("Jan-Willem van der Berg")
    ('jan', 'willem', 'berg')
    >>> normalise_name_tokens("Abd al-Rahman")
    ('abdrahman',)

    Particles are removed unless that would leave no token.  Digits (pinyin tone
    numbers) and punctuation separate or disappear.
    """
    if not name:
        return ()
    folded = fold_text(name)
    folded = re.sub(r"\d+", "", folded)
    raw = [t for t in _TOKEN_SPLIT.split(folded) if t]
    if not raw:
        return ()
    # Join Abd + (particle) + name into one token.
    joined: list[str] = []
    i = 0
    while i < len(raw):
        tok = raw[i]
        if tok in _ABD_FORMS and i + 1 < len(raw):
            j = i + 1
            if raw[j] in PARTICLES and j + 1 < len(raw):
                j += 1
            joined.append("abd" + raw[j])
            i = j + 1
            continue
        joined.append(_ABD_PREFIX.sub("abd", tok))
        i += 1
    kept = [t for t in joined if t not in PARTICLES]
    return tuple(kept) if kept else tuple(joined)


# Nicknames and short forms -> the full given name (normalised spelling).  Only forms that
# are not themselves common full names elsewhere (so no "Jan", "Ana" or "Alex").
_NICKNAMES: dict[str, str] = {
    # Dutch
    "hans": "johannes", "joop": "johannes", "henk": "hendrik", "wim": "willem", "piet": "pieter",
    "kees": "cornelis", "cor": "cornelis", "mien": "wilhelmina", "bep": "elisabeth", "lies": "elisabeth",
    "klaas": "nicolaas", "joke": "johanna", "jos": "josephus", "sjaak": "jacobus", "gert": "gerardus",
    # Polish
    "kasia": "katarzyna", "gosia": "malgorzata", "ola": "aleksandra", "krzysiek": "krzysztof",
    "wojtek": "wojciech", "grzesiek": "grzegorz", "tomek": "tomasz", "kuba": "jakub", "basia": "barbara",
    "asia": "joanna", "marysia": "maria", "zosia": "zofia", "madzia": "magdalena", "bartek": "bartlomiej",
    # Ukrainian / Russian / Bulgarian
    "sasha": "oleksandr", "sashko": "oleksandr", "sasa": "oleksandr", "volodya": "volodymyr",
    "kolya": "mykola", "dima": "dmytro", "katya": "kateryna", "nastya": "anastasiia", "tanya": "tetiana",
    "natasha": "nataliia", "lesha": "oleksii", "misha": "mykhailo", "petya": "petro", "vanya": "ivan",
    "seryozha": "serhii", "yura": "yurii", "lena": "olena", "sveta": "svitlana", "ira": "iryna",
    "gosho": "georgi", "mitko": "dimitar", "ico": "hristo", "pesho": "petar", "tosho": "todor",
    # Portuguese / Brazilian, Romanian, Hungarian
    "ze": "jose", "chico": "francisco", "toninho": "antonio", "chica": "francisca", "zeca": "jose",
    "costel": "constantin", "costi": "constantin", "gigi": "gheorghe", "ionel": "ion", "nelu": "ion",
    "erzsi": "erzsebet", "zsoka": "erzsebet", "pista": "istvan", "joska": "jozsef", "kati": "katalin",
    "jancsi": "janos", "laci": "laszlo", "sanyi": "sandor", "feri": "ferenc",
    # Nigerian (Yoruba and Igbo short forms)
    "seun": "oluwaseun", "seyi": "oluwaseyi", "tunde": "babatunde", "segun": "oluwasegun",
    "bunmi": "oluwabunmi", "tope": "temitope", "emeka": "chukwuemeka", "uche": "uchenna",
    "nkem": "nkemdirim", "kemi": "oluwakemi", "dayo": "oladayo", "femi": "olufemi", "tosin": "oluwatosin",
    # Arabic and Eritrean/Ethiopian short forms
    "hamid": "mohammed", "moe": "mohammed", "kader": "abdelkader", "abed": "abdulrahman",
    "tesfa": "tesfamariam", "medhin": "gebremedhin",
}  # fmt: skip


def canonical_given_names(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """Replace known nicknames and short forms in normalised given-name tokens by the
    full name (``Kasia`` -> ``katarzyna``, ``Seun`` -> ``oluwaseun``, ``Zé`` -> ``jose``)."""
    return tuple(_NICKNAMES.get(t, t) for t in tokens)


_PHONETIC_RULES: tuple[tuple[str, str], ...] = (
    ("tsch", "c"),
    ("shch", "s"),
    ("sch", "s"),
    ("sz", "s"),
    ("sh", "s"),
    ("zh", "z"),
    ("cz", "c"),
    ("tch", "c"),
    ("ch", "c"),
    ("ts", "c"),
    ("tz", "c"),
    ("ph", "f"),
    ("kh", "h"),
    ("gh", "g"),
    ("th", "t"),
    ("dh", "d"),
    ("dj", "j"),
    ("ck", "k"),
    ("x", "ks"),
    ("q", "k"),
    ("c", "k"),
    ("w", "v"),
    ("z", "s"),
)
_VOWELS = frozenset("aeiouyj")


@lru_cache(maxsize=65536)
def phonetic_key(token: str, length: int = 4) -> str:
    """A coarse sound key for one normalised token, for keyed blocking and q-grams.

    Digraphs are simplified (``sch``/``sh``/``sz`` -> ``s``, ``kh`` -> ``h``, ``x`` ->
    ``ks``, ``c``/``q`` -> ``k``, ``w`` -> ``v``), ``h`` after a consonant and all vowels
    after the first letter are dropped, doubled consonants collapse, and any initial
    vowel becomes ``a``.  So ``oleksandr``, ``aleksandr``, ``olexandr`` and
    ``alexander`` all give ``alks``; ``mohammed``/``muhammad`` give ``mhmd``.
    """
    if not token:
        return ""
    s = token
    for src, dst in _PHONETIC_RULES:
        s = s.replace(src, dst)
    head = "a" if s[0] in _VOWELS else s[0]
    out = [head]
    prev = s[0]
    for ch in s[1:]:
        if ch in _VOWELS or (ch == "h" and prev not in _VOWELS) or ch == out[-1]:
            prev = ch
            continue
        out.append(ch)
        prev = ch
    return "".join(out)[:length]


# --------------------------------------------------------------------------- birth dates


@dataclass(frozen=True, slots=True)
class BirthDate:
    """A possibly partial birth date: year only, year and month, or a full date."""

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if not 1850 <= self.year <= 2200:
            raise ValueError(f"implausible birth year {self.year}")
        if self.month is not None and not 1 <= self.month <= 12:
            raise ValueError(f"invalid month {self.month}")
        if self.day is not None:
            if self.month is None:
                raise ValueError("a day needs a month")
            dt.date(self.year, self.month, self.day)  # raises ValueError when invalid

    @property
    def precision(self) -> str:
        """``"year"``, ``"month"`` or ``"day"``."""
        if self.day is not None:
            return "day"
        return "month" if self.month is not None else "year"

    def isoformat(self) -> str:
        """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``."""
        out = f"{self.year:04d}"
        if self.month is not None:
            out += f"-{self.month:02d}"
        if self.day is not None:
            out += f"-{self.day:02d}"
        return out


#: (month, day) pairs that registrations use when only the year is known.
DEFAULT_DAYS = frozenset({(1, 1), (7, 1)})


def year_only_default(birth: BirthDate | None) -> BirthDate | None:
    """Treat 1 January and 1 July as "year only": they are the usual fill-ins for an
    unknown day and month (asylum and municipal registrations), so as exact dates they
    would be false evidence for and against a match."""
    if birth is not None and birth.day is not None and (birth.month, birth.day) in DEFAULT_DAYS:
        return BirthDate(birth.year)
    return birth


_UNKNOWN = frozenset({"", "?", "-", "unknown", "onbekend", "nvt", "n/a", "none", "null", "nan"})


def _lenient(year: int, month: int | None, day: int | None) -> BirthDate | None:
    """Keep the plausible prefix of a date whose later parts are invalid."""
    if not 1850 <= year <= 2200:
        return None
    if month is None or not 1 <= month <= 12:
        return BirthDate(year)
    if day is None:
        return BirthDate(year, month)
    try:
        return BirthDate(year, month, day)
    except ValueError:
        return BirthDate(year, month)


def parse_birth_date(value: object, *, lenient: bool = True) -> BirthDate | None:
    """Parse a full or partial birth date; ``None`` for empty/unknown values.

    Accepted: :class:`datetime.date`, ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``,
    ``YYYYMMDD``, ``DD-MM-YYYY``, ``DD/MM/YYYY``, ``DD.MM.YYYY``, ``MM/YYYY``,
    ``MM-YYYY``.  With ``lenient`` (the default) an invalid day or month is dropped and
    the valid prefix kept (``1985-02-30`` -> ``1985-02``); otherwise ``ValueError``.
    """
    if value is None:
        return None
    if isinstance(value, BirthDate):
        return value
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return BirthDate(value.year, value.month, value.day)
    if isinstance(value, int):
        value = str(value)
    if not isinstance(value, str):
        raise TypeError(f"cannot parse a birth date from {type(value).__name__}")
    text = value.strip().lower()
    if text in _UNKNOWN:
        return None
    parts: tuple[int, int | None, int | None] | None = None
    if m := re.fullmatch(r"(\d{4})", text):
        parts = (int(m[1]), None, None)
    elif m := re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text):
        parts = (int(m[1]), int(m[2]), int(m[3]))
    elif m := re.fullmatch(r"(\d{4})[-/.](\d{1,2})", text):
        parts = (int(m[1]), int(m[2]), None)
    elif m := re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[t ].*)?", text):
        parts = (int(m[1]), int(m[2]), int(m[3]))
    elif m := re.fullmatch(r"(\d{1,2})[-/.](\d{4})", text):
        parts = (int(m[2]), int(m[1]), None)
    elif m := re.fullmatch(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", text):
        parts = (int(m[3]), int(m[2]), int(m[1]))
    if parts is None:
        if lenient:
            return None
        raise ValueError(f"unrecognised birth date {value!r}")
    year, month, day = parts
    if lenient:
        return _lenient(year, month, day)
    return BirthDate(year, month, day)


# --------------------------------------------------------------------------- gender

_GENDERS = {
    "F": ("f", "female", "woman", "vrouw", "v", "vrouwelijk", "meisje", "girl", "w", "feminin", "femme"),
    "M": ("m", "male", "man", "mannelijk", "jongen", "boy", "masculin", "homme"),
    "X": ("x", "other", "anders", "non-binary", "nonbinary", "non binary", "divers", "o", "nb"),
}
_GENDER_LOOKUP = {alias: code for code, aliases in _GENDERS.items() for alias in aliases}


def normalise_gender(value: object) -> str | None:
    """``"F"``, ``"M"``, ``"X"`` (other/non-binary) or ``None`` (unknown/missing)."""
    if value is None:
        return None
    text = fold_text(str(value)).strip().strip(".")
    return _GENDER_LOOKUP.get(text)


# --------------------------------------------------------------------------- nationality


def _country_key(text: str, *, drop_brackets: bool = False) -> str:
    folded = fold_text(text)
    if drop_brackets:
        folded = re.sub(r"\([^)]*\)", " ", folded)
    return " ".join(_TOKEN_SPLIT.split(folded)).strip()


def _build_country_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    short: dict[str, set[str]] = {}
    for a2, (a3, name) in COUNTRIES.items():
        lookup[a2.lower()] = a2
        lookup[a3.lower()] = a2
        lookup[_country_key(name)] = a2
        short.setdefault(_country_key(name, drop_brackets=True), set()).add(a2)
    for key, codes in short.items():  # "Cocos Islands", but not the ambiguous "Virgin Islands"
        if len(codes) == 1:
            lookup.setdefault(key, next(iter(codes)))
    for a2, names in EXTRA_NAMES.items():
        for name in names:
            key = _country_key(name)
            lookup.setdefault(key, a2)
            if key.endswith("e") and len(key) > 5:  # Dutch inflected adjective: Poolse -> Pools
                lookup.setdefault(key[:-1], a2)
    # Frequent alternative spellings and the ISO-name variants with "the".
    lookup.update({"uk": "GB", "england": "GB", "usa": "US", "the netherlands": "NL", "russia": "RU"})
    return lookup


_COUNTRY_LOOKUP = _build_country_lookup()


def normalise_nationality(value: object, *, strict: bool = False) -> str | None:
    """Map a nationality or country to ISO 3166-1 alpha-2.

    Accepts alpha-2 (``"ng"``), alpha-3 (``"NGA"``), English or Dutch country names
    (``"Nigeria"``, ``"Oekraïne"``) and demonyms (``"Nigerian"``, ``"Nigeriaanse"``).
    Unknown values give ``None``, or ``ValueError`` when ``strict``.
    """
    if value is None:
        return None
    text = str(value).strip()
    if not text or text.lower() in _UNKNOWN:
        return None
    key = _country_key(text)
    code = _COUNTRY_LOOKUP.get(key)
    if code is None and key.endswith("e"):
        code = _COUNTRY_LOOKUP.get(key[:-1])
    if code is None and strict:
        raise ValueError(f"unknown nationality {value!r}")
    return code
