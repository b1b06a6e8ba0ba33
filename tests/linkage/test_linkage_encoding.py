"""Keyed encodings: secret separation, no clear text, serialisation, hardening."""

from __future__ import annotations

import contextlib
import random

import pytest

from vangnet.linkage import (
    EncodingConfig,
    IncompatibleEncodingError,
    LinkageIndex,
    PersonRecord,
    RecordEncoder,
    RecordEncoding,
    encode_record,
    key_id_for,
)
from vangnet.linkage.demo import generate_demo
from vangnet.linkage.matching import EncodedBatch, compare_levels
from vangnet.linkage.similarity import dice

SECRET_A = b"secret-A-0123456789abcdef-xxxxxx"
SECRET_B = b"secret-B-0123456789abcdef-xxxxxx"
NO_FLIP = EncodingConfig(flip_probability=0)

OLUMIDE = PersonRecord("s1", "Olumide", "Okonkwo", "1994-03-02", "F", "Nigeria", extra={"place": "Lagos"})


def test_encoding_is_deterministic_without_bit_flips() -> None:
    assert encode_record(OLUMIDE, SECRET_A, NO_FLIP) == encode_record(OLUMIDE, SECRET_A, NO_FLIP)


def test_bit_flips_are_reproducible_and_cannot_be_averaged_away() -> None:
    enc = RecordEncoder(SECRET_A)
    a, b = enc.encode(OLUMIDE), enc.encode(OLUMIDE)
    # Same record, key and settings: identical encoding (repeated signals of one person carry
    # the same noise, so averaging many of them does not remove it).
    assert a == b
    clean = encode_record(OLUMIDE, SECRET_A, NO_FLIP)
    assert a.first is not None and clean.first is not None
    assert a.first != clean.first or a.last != clean.last  # the noise is there
    assert dice(a.first, clean.first) > 0.9
    # Another record with the same first name gets other noise on that filter.
    other = enc.encode(PersonRecord("s2", "Olumide", "Adeyemi", "1990-05-05", "F", "NG"))
    assert other.first != a.first
    # Another seed gives other noise, the same seed the same.
    seeded = RecordEncoder(SECRET_A, EncodingConfig(noise_seed=5))
    assert seeded.encode(OLUMIDE).first != a.first
    assert seeded.encode(OLUMIDE) == RecordEncoder(SECRET_A, EncodingConfig(noise_seed=5)).encode(OLUMIDE)


def test_first_of_january_and_july_are_year_only() -> None:
    enc = RecordEncoder(SECRET_A, NO_FLIP)
    jan = enc.encode(PersonRecord("a", "Ali", "Hassan", "1990-01-01"))
    jul = enc.encode(PersonRecord("b", "Ali", "Hassan", "01-07-1990"))
    year = enc.encode(PersonRecord("c", "Ali", "Hassan", "1990"))
    real = enc.encode(PersonRecord("d", "Ali", "Hassan", "1990-01-02"))
    assert jan.birth == jul.birth == year.birth
    assert set(real.birth) == {"y", "ym", "md", "yd", "ymd", "swap"}


def test_different_secret_never_matches() -> None:
    a = encode_record(OLUMIDE, SECRET_A, NO_FLIP)
    b = encode_record(OLUMIDE, SECRET_B, NO_FLIP)
    assert a.key_id != b.key_id == key_id_for(SECRET_B)
    assert a.exact != b.exact
    assert not set(a.blocking) & set(b.blocking)
    assert not set(a.birth.values()) & set(b.birth.values())
    assert a.gender != b.gender and a.nationality != b.nationality
    assert a.first is not None and b.first is not None
    # The same name under two keys sets unrelated bits: Dice is at chance level.
    assert dice(a.first, b.first) < 0.5
    # Mixing secrets is refused everywhere.
    with pytest.raises(IncompatibleEncodingError):
        EncodedBatch.from_encodings([a, b.with_id("s2")])
    index = LinkageIndex()
    index.add(a)
    with pytest.raises(IncompatibleEncodingError):
        index.add(b.with_id("s2"))


def test_different_secret_scores_as_different_even_if_forced_together() -> None:
    a = encode_record(OLUMIDE, SECRET_A, NO_FLIP)
    b = encode_record(OLUMIDE, SECRET_B, NO_FLIP)
    forged = RecordEncoding.from_dict({**b.to_dict(), "key_id": a.key_id, "record_id": "s2"})
    batch = EncodedBatch.from_encodings([a, forged])
    levels = compare_levels(batch, [0], [1])
    assert levels[0, 2] <= 0  # birth-date tokens disagree
    from vangnet.linkage import MatchModel

    assert MatchModel.default(batch.field_names).probability(levels)[0] < 0.01


def test_secret_validation() -> None:
    with pytest.raises(TypeError):
        RecordEncoder("a text secret that is long enough")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        RecordEncoder(b"short")


def _clear_values(record: PersonRecord) -> set[bytes]:
    values = set()
    for v in (record.first_name, record.last_name, *record.extra.values()):
        if v:
            for form in (v, v.lower(), v.upper()):
                for enc in ("utf-8", "utf-16-le", "latin-1"):
                    with contextlib.suppress(UnicodeEncodeError):
                        values.add(form.encode(enc))
            for tok in v.replace("-", " ").split():
                if len(tok) >= 4:
                    values.add(tok.lower().encode())
    return {v for v in values if len(v) >= 4}


def test_no_encoding_contains_the_clear_name() -> None:
    data = generate_demo(150, seed=5)
    encoder = RecordEncoder(SECRET_A, rng=random.Random(5))
    for record in data.records:
        encoding = encoder.encode(record)
        text = encoding.to_json().encode()
        raw: list[bytes] = [v for v in (encoding.first, encoding.last, encoding.full, encoding.exact) if v]
        raw += [*encoding.blocking, *encoding.birth.values(), *encoding.extra.values()]
        for clear in _clear_values(record):
            # Random base64 text contains a given 6-character string with p ~ 1e-11 per offset,
            # random bytes a given 4-byte string with p ~ 2e-10: any hit is a real leak.
            if len(clear) >= 6:
                assert clear not in text, (record.record_id, clear)
            for blob in raw:
                assert clear not in blob, (record.record_id, clear)
        if isinstance(record.birth_date, str) and len(record.birth_date) >= 6:
            assert record.birth_date.encode() not in text


def test_json_round_trip_and_malformed_input() -> None:
    enc = encode_record(OLUMIDE, SECRET_A)
    assert RecordEncoding.from_json(enc.to_json()) == enc
    assert RecordEncoding.from_dict(enc.to_dict()) == enc
    empty = encode_record(PersonRecord("x"), SECRET_A)
    assert empty.first is None and empty.exact is None and empty.blocking == ()
    assert RecordEncoding.from_json(empty.to_json()) == empty
    for bad in ("[]", "{", '{"record_id": "x"}', '{"record_id":"x","scheme":"s","key_id":"k","first":"!!"}'):
        with pytest.raises(ValueError):
            RecordEncoding.from_json(bad)


def test_reordered_names_give_the_same_full_name_filter() -> None:
    a = encode_record(PersonRecord("1", "Wei", "Zhang", "1990"), SECRET_A, NO_FLIP)
    b = encode_record(PersonRecord("2", "Zhang", "Wei", "1990"), SECRET_A, NO_FLIP)
    assert a.full == b.full
    assert a.exact == b.exact


@pytest.mark.parametrize(
    ("config", "bits"),
    [
        (EncodingConfig(flip_probability=0), 512),
        (EncodingConfig(flip_probability=0, xor_fold=True), 256),
        (EncodingConfig(flip_probability=0, balance=True), 1024),
        (EncodingConfig(flip_probability=0, xor_fold=True, balance=True), 512),
    ],
)
def test_hardening_filter_lengths(config: EncodingConfig, bits: int) -> None:
    enc = encode_record(OLUMIDE, SECRET_A, config)
    assert enc.first is not None and len(enc.first) * 8 == bits
    if config.balance:
        # Balanced filters all have the same Hamming weight: the name length is hidden.
        short = encode_record(PersonRecord("2", "Jo", "Li"), SECRET_A, config)
        assert short.first is not None
        weight = int.from_bytes(enc.first, "little").bit_count()
        assert weight == bits // 2 == int.from_bytes(short.first, "little").bit_count()


def test_birth_year_salt_separates_years() -> None:
    cfg = EncodingConfig(flip_probability=0, salt="birth_year")
    a = encode_record(PersonRecord("1", "Olumide", "Okafor", "1994"), SECRET_A, cfg)
    b = encode_record(PersonRecord("2", "Olumide", "Okafor", "1994-05-01"), SECRET_A, cfg)
    c = encode_record(PersonRecord("3", "Olumide", "Okafor", "1995"), SECRET_A, cfg)
    assert a.first == b.first
    assert a.first is not None and c.first is not None
    assert dice(a.first, c.first) < 0.5
    assert a.scheme != encode_record(OLUMIDE, SECRET_A).scheme


def test_year_band_salt_is_the_default_and_compares_years_one_apart() -> None:
    assert EncodingConfig().salt == "year_band"
    enc = RecordEncoder(SECRET_A, NO_FLIP)
    records = [
        PersonRecord("1", "Olumide", "Okafor", "1994-03-02", "F"),
        PersonRecord("2", "Olumide", "Okafor", "1995-03-02", "F"),  # one year later: other even band
        PersonRecord("3", "Olumide", "Okafor", "1993-03-02", "F"),  # one year earlier: other odd band
        PersonRecord("4", "Olumide", "Okafor", "1997-03-02", "F"),  # three years apart: no band in common
        PersonRecord("5", "Olumide", "Okafor", None, "F"),  # no date: only the sound key compares
        PersonRecord("6", "Chidinma", "Eze", None, "F"),
    ]
    encodings = enc.encode_many(records)
    one, far = encodings[0], encodings[3]
    # The salt moves every q-gram: the band filters of different bands share few bits.
    assert one.first is not None and far.first is not None and dice(one.first, far.first) < 0.5
    assert len(one.bands) == 2 and set(one.banded) == {"first", "last", "full"}
    assert RecordEncoding.from_json(one.to_json()) == one
    batch = EncodedBatch.from_encodings(encodings)
    pairs = [(0, 1), (0, 2), (0, 3), (0, 4), (4, 5), (0, 5)]
    levels = compare_levels(batch, [a for a, _ in pairs], [b for _, b in pairs])
    first, last = levels[:, 0].tolist(), levels[:, 1].tolist()
    assert first[:2] == [5, 5] and last[:2] == [5, 5]  # off by one year: full name agreement
    assert first[2] == last[2] == -1  # no band in common: not comparable (the date decides)
    # No birth year on one side: the exact full-name token split by band (a top match), or the
    # shared sound key (a close match) is what compares.
    assert first[3] == last[3] == 5
    assert first[4] == 0 and last[4] == 0  # two undated records compare their filters
    assert first[5] == last[5] == -1  # a dated and an undated record with other names: nothing shared


def test_date_less_blocking_keys_are_split_by_year_band() -> None:
    split, unsplit = RecordEncoder(SECRET_A, NO_FLIP), RecordEncoder(SECRET_A, EncodingConfig(block_split="none"))
    dated = [PersonRecord(str(k), "Thi Lan", "Nguyen", f"{1980 + k}-05-0{1 + k % 9}", "F") for k in range(20)]
    undated = PersonRecord("u", "Thi Lan", "Nguyen", None, "F")

    def max_share(encoder: RecordEncoder) -> int:
        counts: dict[bytes, int] = {}
        for e in encoder.encode_many(dated):
            for key in e.blocking:
                counts[key] = counts.get(key, 0) + 1
        return max(counts.values())

    # Unsplit, the name-sound keys of 20 namesakes born in 20 different years are one key
    # carried 20 times; split by two-year bands no key is carried by more than 3 of them.
    assert max_share(unsplit) == 20
    assert max_share(split) <= 3
    # A record without a birth year still blocks with every dated namesake.
    u = split.encode(undated)
    assert all(set(u.blocking) & set(e.blocking) for e in split.encode_many(dated))
    assert len(u.name_sounds) > 60 and all(split.encode(r).name_sounds[0] in u.name_sounds for r in dated)
    assert split.encode(undated).scheme != unsplit.encode(undated).scheme


def test_double_metaphone_is_an_optional_extra_phonetic_code() -> None:
    from vangnet.linkage.encoding import double_metaphone

    assert double_metaphone("mohammed") == double_metaphone("muhammad") == double_metaphone("mohamed")
    assert double_metaphone("oleksandr") == double_metaphone("olexandr")
    assert double_metaphone("nguyen") != double_metaphone("tesfaye")
    assert EncodingConfig().double_metaphone == "off"
    record = PersonRecord("1", "Mohammed", "Al Hassan", "1990-04-05", "M")
    variant = PersonRecord("2", "Muhamad", "Hasan", None, "M")
    off = RecordEncoder(SECRET_A, NO_FLIP)
    on = RecordEncoder(SECRET_A, EncodingConfig(flip_probability=0, double_metaphone="blocking"))
    assert set(on.encode(record).blocking) > set()
    assert len(on.encode(record).blocking) > len(off.encode(record).blocking)
    assert set(on.encode(record).blocking) & set(on.encode(variant).blocking)
    filters = RecordEncoder(SECRET_A, EncodingConfig(flip_probability=0, double_metaphone="filters"))
    assert filters.encode(record).first != off.encode(record).first
    assert len({off.encode(record).scheme, on.encode(record).scheme, filters.encode(record).scheme}) == 3


def test_config_validation() -> None:
    with pytest.raises(ValueError):
        EncodingConfig(name_bits=500)
    with pytest.raises(ValueError):
        EncodingConfig(flip_probability=0.1)
    with pytest.raises(ValueError):
        EncodingConfig(name_hashes=0)
    with pytest.raises(ValueError):
        EncodingConfig(salt="name")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="double_metaphone"):
        EncodingConfig(double_metaphone="on")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="block_split"):
        EncodingConfig(block_split="decade")  # type: ignore[arg-type]


def test_reproducible_flips_with_rng() -> None:
    a = RecordEncoder(SECRET_A, rng=random.Random(3)).encode(OLUMIDE)
    b = RecordEncoder(SECRET_A, rng=random.Random(3)).encode(OLUMIDE)
    assert a == b


def test_frequency_alignment_attack_scores_what_it_recovers() -> None:
    from vangnet.linkage.attack import frequency_alignment

    names = ["Anna"] * 6 + ["Fatima"] * 3 + ["Wei"]
    records = [PersonRecord(f"r{k}", n, "X", "1990") for k, n in enumerate(names)]
    public = [("", "anna")] * 60 + [("", "fatima")] * 30 + [("", "wei")] * 10
    truth = [n.lower() for n in names]
    clear = RecordEncoder(SECRET_A, NO_FLIP).encode_many(records)
    # Without noise identical names give identical filters: frequency alignment recovers all.
    assert frequency_alignment(clear, truth, public, field=lambda e: e.first)["rate"] == 1.0
    # Key-derived noise per record: every filter differs, so plain alignment fails ...
    others = [PersonRecord(f"r{k}", n, "Family" + "abcdefghij"[k], "1990") for k, n in enumerate(names)]
    noisy = RecordEncoder(SECRET_A).encode_many(others)
    assert frequency_alignment(noisy, truth, public, field=lambda e: e.first)["rate"] < 0.5
