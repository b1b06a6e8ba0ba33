"""Normalisation of names, dates, gender and nationality (issue 5, requirement 1)."""

from __future__ import annotations

import datetime as dt

import pytest

from vangnet.linkage.countries import COUNTRIES
from vangnet.linkage.normalise import (
    BirthDate,
    fold_text,
    normalise_gender,
    normalise_name_tokens,
    normalise_nationality,
    parse_birth_date,
    phonetic_key,
)


def sound(name: str) -> tuple[str, ...]:
    return tuple(phonetic_key(t) for t in normalise_name_tokens(name))


@pytest.mark.parametrize(
    ("raw", "tokens"),
    [
        ("Olumidé", ("olumide",)),  # Nigerian, accent
        ("OLUMIDE", ("olumide",)),
        ("Nguyễn Văn Đức", ("nguyen", "duc")),  # Vietnamese diacritics, đ; "Văn" folds to the particle van
        ("Łukasz Wąs", ("lukasz", "was")),  # Polish
        ("Ștefan Țurcanu", ("stefan", "turcanu")),  # Romanian comma-below
        ("Ştefan Ţurcanu", ("stefan", "turcanu")),  # Romanian cedilla
        ("Szőke Zsófia", ("szoke", "zsofia")),  # Hungarian double acute
        ("João dos Santos", ("joao", "santos")),  # Brazilian particle
        ("Jan-Willem van der Berg", ("jan", "willem", "berg")),  # Dutch compound + particles
        ("in 't Veld", ("veld",)),
        ("Al-Hassan", ("hassan",)),  # Syrian al-
        ("El Amrani", ("amrani",)),  # Moroccan el
        ("Omar bin Laden", ("omar", "laden")),
        ("Ahmad ibn Hanbal", ("ahmad", "hanbal")),
        ("Abd al-Rahman", ("abdrahman",)),
        ("Abdul Rahman", ("abdrahman",)),
        ("Abdelrahman", ("abdrahman",)),
        ("Zhang1 Wei4", ("zhang", "wei")),  # pinyin tone numbers
        ("Xiao-Ming", ("xiao", "ming")),
        ("Олександр", ("oleksandr",)),  # Ukrainian Cyrillic
        ("Александр", ("aleksandr",)),  # Russian Cyrillic
        ("Георги", ("georgi",)),  # Bulgarian Cyrillic
        ("Van", ("van",)),  # a particle alone is kept
        ("", ()),
        (None, ()),
    ],
)
def test_name_tokens(raw: str | None, tokens: tuple[str, ...]) -> None:
    assert normalise_name_tokens(raw) == tokens


@pytest.mark.parametrize(
    "variants",
    [
        ("Olumide", "Olumidé", "Olumedi"),
        ("Ionescu", "Ionesco"),
        ("Oleksandr", "Aleksandr", "Olexandr", "Alexander", "Олександр", "Александр"),
        ("Mohammed", "Muhammad", "Mohamed", "Mohamad"),
        ("Shevchenko", "Ševčenko", "Шевченко"),
        ("Szymański", "Szymanski"),
        ("Abd al-Rahman", "Abdul Rahman", "Abdelrahman"),
        ("Meijer", "Meijer"),
        ("Hristo", "Христо"),
    ],
)
def test_transliteration_variants_share_a_phonetic_key(variants: tuple[str, ...]) -> None:
    keys = {sound(v) for v in variants}
    assert len(keys) == 1, keys


def test_phonetic_key_separates_different_names() -> None:
    assert sound("Oleksandr") != sound("Olena")
    assert sound("Popescu") != sound("Ionescu")


def test_fold_text_is_ascii_for_latin_and_cyrillic() -> None:
    assert fold_text("Ævar Øster Straße Đặng Юлія").isascii()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1985", BirthDate(1985)),
        ("1985-03", BirthDate(1985, 3)),
        ("03/1985", BirthDate(1985, 3)),
        ("1985-03-14", BirthDate(1985, 3, 14)),
        ("14-03-1985", BirthDate(1985, 3, 14)),
        ("14/3/1985", BirthDate(1985, 3, 14)),
        ("14.03.1985", BirthDate(1985, 3, 14)),
        ("19850314", BirthDate(1985, 3, 14)),
        (dt.date(1985, 3, 14), BirthDate(1985, 3, 14)),
        (1985, BirthDate(1985)),
        ("1985-02-30", BirthDate(1985, 2)),  # lenient: invalid day dropped
        ("19851314", BirthDate(1985)),  # invalid month dropped
        ("onbekend", None),
        ("", None),
        (None, None),
        ("not a date", None),
    ],
)
def test_birth_dates(raw: object, expected: BirthDate | None) -> None:
    assert parse_birth_date(raw) == expected


def test_birth_date_strict_and_precision() -> None:
    with pytest.raises(ValueError):
        parse_birth_date("1985-02-30", lenient=False)
    with pytest.raises(ValueError):
        parse_birth_date("garbage", lenient=False)
    assert BirthDate(1985).precision == "year"
    assert BirthDate(1985, 3).isoformat() == "1985-03"
    assert BirthDate(1985, 3, 4).precision == "day"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("V", "F"),
        ("vrouw", "F"),
        ("Female", "F"),
        ("m", "M"),
        ("Man", "M"),
        ("x", "X"),
        ("?", None),
        (None, None),
    ],
)
def test_gender(raw: str | None, expected: str | None) -> None:
    assert normalise_gender(raw) == expected


DEMO_NATIONALITY_FORMS = {
    "NL": ("NL", "NLD", "Netherlands", "Nederland", "Nederlandse", "Dutch"),
    "RO": ("RO", "ROU", "Romania", "Roemenië", "Roemeens", "Romanian"),
    "PL": ("PL", "POL", "Poland", "Polen", "Pools", "Poolse", "Polish"),
    "NG": ("NG", "NGA", "Nigeria", "Nigeriaans", "Nigeriaanse", "Nigerian"),
    "MA": ("MA", "MAR", "Morocco", "Marokko", "Marokkaans", "Moroccan"),
    "UA": ("UA", "UKR", "Ukraine", "Oekraïne", "Oekraïens", "Ukrainian"),
    "CN": ("CN", "CHN", "China", "Chinees", "Chinese"),
    "VN": ("VN", "VNM", "Viet Nam", "Vietnam", "Vietnamees", "Vietnamese"),
    "BR": ("BR", "BRA", "Brazil", "Brazilië", "Braziliaans", "Brazilian"),
    "BG": ("BG", "BGR", "Bulgaria", "Bulgarije", "Bulgaars", "Bulgarian"),
    "HU": ("HU", "HUN", "Hungary", "Hongarije", "Hongaars", "Hungarian"),
    "ER": ("ER", "ERI", "Eritrea", "Eritrees", "Eritrean"),
    "SY": ("SY", "SYR", "Syria", "Syrian Arab Republic", "Syrië", "Syrisch", "Syrian"),
    "IN": ("IN", "IND", "India", "Indiaas", "Indian"),
}


@pytest.mark.parametrize("code", sorted(DEMO_NATIONALITY_FORMS))
def test_nationality_forms(code: str) -> None:
    for form in DEMO_NATIONALITY_FORMS[code]:
        assert normalise_nationality(form) == code, form
        assert normalise_nationality(form.lower()) == code, form


def test_nationality_unknown() -> None:
    assert normalise_nationality("Atlantis") is None
    assert normalise_nationality("") is None
    with pytest.raises(ValueError):
        normalise_nationality("Atlantis", strict=True)
    assert normalise_nationality("NA") == "NA"  # Namibia, not "not applicable"


def test_country_table_is_complete_and_consistent() -> None:
    assert len(COUNTRIES) == 249
    alpha3 = [a3 for a3, _ in COUNTRIES.values()]
    assert len(set(alpha3)) == 249
    for a2, (a3, name) in COUNTRIES.items():
        assert normalise_nationality(a2) == a2
        assert normalise_nationality(a3) == a2
        assert normalise_nationality(name) == a2, name
