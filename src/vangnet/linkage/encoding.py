"""Keyed encodings of a person record, computed where the clear-text record is.

A :class:`RecordEncoding` holds only keyed values derived from a pseudonymisation
secret that lives apart from the database (and apart from the encryption key):

* Bloom filters (bit strings) for the first name, the last name and an
  order-insensitive full name, built from character bigrams plus a phonetic key per
  token.  Each q-gram is placed by *random hashing*: ``k`` independent positions taken
  from ``HMAC-SHA256(field_key, salt || q-gram)``.  Without the key nobody can compute
  which bits a q-gram sets (counters dictionary attacks and the cryptanalysis of
  double hashing).
* Hardening (see ``docs/linkage.md``, threat model): by default the q-gram positions
  are salted with a two-year birth-year band, twice with offset bands (``year_band``, so
  every pair of records whose birth years differ by at most one shares a band); optional
  salting with the exact birth year, XOR-folding, balancing with a keyed permutation, and
  random bit flips (BLIP) so that no two filters are identical.
* Keyed 8-byte tokens for the birth-date parts (year, year-month, month-day,
  year-day, full date, day/month swapped), gender and nationality.
* One 32-byte exact pseudonym: HMAC-SHA256 over all normalised identifying fields.
* Several 8-byte keyed blocking keys (phonetic name key + birth year, etc.).

The clear name is never part of an encoding.  A different secret yields different
keys for everything, so encodings made under two secrets never match.
"""

from __future__ import annotations

import base64
import hmac
import json
import math
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any, Literal

import numpy as np

from vangnet.linkage.normalise import (
    BirthDate,
    canonical_given_names,
    fold_text,
    normalise_gender,
    normalise_name_tokens,
    normalise_nationality,
    parse_birth_date,
    phonetic_key,
    year_only_default,
)

__all__ = [
    "BANDED_FIELDS",
    "BIRTH_PARTS",
    "ENV_SECRET",
    "EncodingConfig",
    "IncompatibleEncodingError",
    "PersonRecord",
    "RecordEncoder",
    "RecordEncoding",
    "encode_record",
    "key_id_for",
]

#: Environment variable the Django side and the CLI read the secret from.
ENV_SECRET = "VANGNET_PSEUDONYMISATION_SECRET"  # noqa: S105 - the variable name, not a secret

#: Keyed birth-date tokens, in storage order.
BIRTH_PARTS: tuple[str, ...] = ("y", "ym", "md", "yd", "ymd", "swap")

_DOMAIN = b"vangnet.linkage.v1|"
#: Encoding scheme version: v2 puts first and last names under one shared key (crossed
#: comparison works), treats 1 January / 1 July as "year only" and derives the bit-flip
#: noise from the key and the record (reproducible, not averaged away over repeats).
_SCHEME_VERSION = "v2"
#: The name fields that get a second, offset-band filter under ``salt="year_band"``.
BANDED_FIELDS: tuple[str, ...] = ("first", "last", "full")
_MIN_SECRET_BYTES = 16
#: Birth years a record without a date is blocked against (``block_split``).
_FIRST_YEAR, _LAST_YEAR = 1900, 2039


class IncompatibleEncodingError(ValueError):
    """Two encodings were made with different secrets or encoding schemes."""


@dataclass(frozen=True, slots=True)
class PersonRecord:
    """The clear-text identifying fields of one signal, as entered.

    Only :class:`RecordEncoder` reads this; it is never stored by the library.
    ``extra`` holds further identifying strings (e.g. place of birth, address) that
    are encoded as additional Bloom-filter fields.
    """

    record_id: str
    first_name: str | None = None
    last_name: str | None = None
    birth_date: object = None
    gender: str | None = None
    nationality: str | None = None
    extra: Mapping[str, str | None] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class EncodingConfig:
    """Parameters of the encoding; every stored encoding records them in ``scheme``.

    ``name_bits``/``full_bits`` must be powers of two.  ``salt`` (frequency hardening)
    ``"year_band"`` (default) places every name q-gram differently per two-year band of the
    birth year and stores a second filter under the band shifted by one year; two records
    compare their names in the band they share, so birth years one apart still compare
    (and records without a year compare among themselves).  ``"birth_year"`` salts with the
    exact year (names then only compare between records with the same birth year);
    ``"none"`` does not salt.  ``flip_probability``
    must be 0 or a power of two (1/16, 1/32 ...): each bit is flipped independently
    with that probability (BLIP).  The flips are pseudo-random but derived from the key,
    ``noise_seed`` and the record's normalised content, so the same input under the same
    key and settings always gives the same encoding, and repeated signals of one person
    carry the *same* noise (it cannot be averaged away).
    """

    name_bits: int = 512
    full_bits: int = 1024
    name_hashes: int = 16
    full_hashes: int = 10
    extra_bits: int = 512
    extra_hashes: int = 10
    salt: Literal["none", "birth_year", "year_band"] = "year_band"
    xor_fold: bool = False
    balance: bool = False
    flip_probability: float = 1 / 128
    noise_seed: int = 0
    #: ``"year_band"`` (default): the date-less name blocking keys (first+last sound, sound +
    #: prefix) are split by the two offset two-year birth-year bands, so a common name's key
    #: is no longer visibly frequent; a record without a birth year carries them for every band.
    #: ``"none"``: one key for all years (the behaviour before; leaks name-sound frequencies).
    block_split: Literal["none", "year_band"] = "year_band"
    #: Double Metaphone (Philips 2000; the ``doublemetaphone`` package) as a further phonetic
    #: code: ``"blocking"`` adds a blocking key of both names' primary codes (split like the
    #: other date-less name keys), ``"filters"`` also puts the codes' bigrams in the name
    #: filters, ``"off"`` uses only Vangnet's own sound skeleton.
    double_metaphone: Literal["off", "blocking", "filters"] = "off"

    def __post_init__(self) -> None:
        for name in ("name_bits", "full_bits", "extra_bits"):
            bits = getattr(self, name)
            if bits < 64 or bits > 65536 or bits & (bits - 1):
                raise ValueError(f"{name} must be a power of two between 64 and 65536")
        for name in ("name_hashes", "full_hashes", "extra_hashes"):
            if not 1 <= getattr(self, name) <= 64:
                raise ValueError(f"{name} must be between 1 and 64")
        if self.double_metaphone not in ("off", "blocking", "filters"):
            raise ValueError("double_metaphone must be 'off', 'blocking' or 'filters'")
        if self.block_split not in ("none", "year_band"):
            raise ValueError("block_split must be 'none' or 'year_band'")
        if self.salt not in ("none", "birth_year", "year_band"):
            raise ValueError("salt must be 'none', 'birth_year' or 'year_band'")
        p = self.flip_probability
        if p != 0 and not (0 < p <= 0.25 and math.log2(p).is_integer()):
            raise ValueError("flip_probability must be 0 or a power of two <= 1/4")

    @property
    def scheme(self) -> str:
        """A compact description stored with every encoding (encodings compare only within a scheme)."""
        flip = 0 if self.flip_probability == 0 else int(-math.log2(self.flip_probability))
        return (
            f"{_SCHEME_VERSION};n{self.name_bits}k{self.name_hashes};f{self.full_bits}k{self.full_hashes};"
            f"e{self.extra_bits}k{self.extra_hashes};salt={self.salt};fold={int(self.xor_fold)};"
            f"bal={int(self.balance)};flip={flip}"
            + (f";seed={self.noise_seed}" if self.noise_seed else "")
            + (f";split={self.block_split}" if self.block_split != "none" else "")
            + (f";dm={self.double_metaphone}" if self.double_metaphone != "off" else "")
        )

    def stored_bits(self, bits: int) -> int:
        """Length in bits of a filter of ``bits`` after folding/balancing."""
        if self.xor_fold:
            bits //= 2
        if self.balance:
            bits *= 2
        return bits


def _check_secret(secret: bytes) -> bytes:
    if isinstance(secret, str):
        raise TypeError("the pseudonymisation secret must be bytes, not str")
    if not isinstance(secret, bytes | bytearray) or len(secret) < _MIN_SECRET_BYTES:
        raise ValueError(f"the pseudonymisation secret must be at least {_MIN_SECRET_BYTES} bytes")
    return bytes(secret)


def _subkey(secret: bytes, label: str) -> bytes:
    return hmac.digest(secret, _DOMAIN + label.encode(), "sha256")


def key_id_for(secret: bytes) -> str:
    """A short public fingerprint of the secret (reveals nothing usable about it)."""
    return _subkey(_check_secret(secret), "key-id").hex()[:16]


def _b64(value: bytes) -> str:
    return base64.b64encode(value).decode("ascii")


def _unb64(value: str) -> bytes:
    return base64.b64decode(value.encode("ascii"), validate=True)


@dataclass(frozen=True, slots=True)
class RecordEncoding:
    """The stored, keyed form of one record.  Never contains a clear-text value.

    Bloom filters (``first``, ``last``, ``full``, ``extra``) are little-endian bit
    strings; ``birth``, ``gender``, ``nationality`` and ``blocking`` hold 8-byte keyed
    tokens; ``exact`` is a 32-byte HMAC.  Missing fields are ``None``/absent.
    Serialise with :meth:`to_dict`/:meth:`to_json` (base64 strings).
    """

    record_id: str
    scheme: str
    key_id: str
    first: bytes | None = None
    last: bytes | None = None
    full: bytes | None = None
    birth: Mapping[str, bytes] = field(default_factory=dict)
    gender: bytes | None = None
    nationality: bytes | None = None
    exact: bytes | None = None
    blocking: tuple[bytes, ...] = ()
    extra: Mapping[str, bytes] = field(default_factory=dict)
    #: Keyed token of the (order-insensitive) full name, for term-frequency bands.
    name_key: bytes | None = None
    #: ``salt="year_band"``: the filters of :data:`BANDED_FIELDS` (and extra fields as
    #: ``extra:NAME``) under the offset band, and the keyed tokens of the two bands.
    banded: Mapping[str, bytes] = field(default_factory=dict)
    bands: tuple[bytes, ...] = ()
    #: The blocking keys "first-name sound + last-name sound" (already among ``blocking``,
    #: so they reveal nothing new; one per first band, or one for every band without a birth
    #: year): the only name evidence between a record without a birth year and one with a
    #: year when the name filters are salted.
    name_sounds: tuple[bytes, ...] = ()
    #: The same for the exact (order-insensitive) full name: a keyed token split like
    #: ``name_sounds``, so a record without a birth year can agree exactly with a dated one.
    name_exacts: tuple[bytes, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict (bytes as base64)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bytes):
                out[f.name] = _b64(value)
            elif isinstance(value, tuple):
                out[f.name] = [_b64(v) for v in value]
            elif isinstance(value, Mapping):
                out[f.name] = {k: _b64(v) for k, v in sorted(value.items())}
            else:
                out[f.name] = value
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RecordEncoding:
        """Inverse of :meth:`to_dict`; raises ``ValueError`` on malformed input."""
        try:

            def opt(name: str) -> bytes | None:
                value = data.get(name)
                return None if value is None else _unb64(value)

            return cls(
                record_id=str(data["record_id"]),
                scheme=str(data["scheme"]),
                key_id=str(data["key_id"]),
                first=opt("first"),
                last=opt("last"),
                full=opt("full"),
                birth={str(k): _unb64(v) for k, v in (data.get("birth") or {}).items()},
                gender=opt("gender"),
                nationality=opt("nationality"),
                exact=opt("exact"),
                blocking=tuple(_unb64(v) for v in data.get("blocking") or ()),
                extra={str(k): _unb64(v) for k, v in (data.get("extra") or {}).items()},
                name_key=opt("name_key"),
                banded={str(k): _unb64(v) for k, v in (data.get("banded") or {}).items()},
                bands=tuple(_unb64(v) for v in data.get("bands") or ()),
                name_sounds=tuple(_unb64(v) for v in data.get("name_sounds") or ()),
                name_exacts=tuple(_unb64(v) for v in data.get("name_exacts") or ()),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ValueError(f"malformed record encoding: {exc}") from exc

    def to_json(self) -> str:
        """Compact JSON text of :meth:`to_dict`."""
        return json.dumps(self.to_dict(), separators=(",", ":"), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> RecordEncoding:
        """Inverse of :meth:`to_json`."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"malformed record encoding JSON: {exc}") from exc
        if not isinstance(data, dict):
            raise ValueError("malformed record encoding JSON: not an object")
        return cls.from_dict(data)

    def with_id(self, record_id: str) -> RecordEncoding:
        """A copy under another record id."""
        return replace(self, record_id=record_id)


def _content(
    first: tuple[str, ...],
    last: tuple[str, ...],
    birth: BirthDate | None,
    gender: str | None,
    nationality: str | None,
) -> bytes:
    return json.dumps(
        [first, last, birth.isoformat() if birth else None, gender, nationality], separators=(",", ":")
    ).encode()


def _bigrams(token: str) -> list[str]:
    padded = f"_{token}_"
    return [padded[i : i + 2] for i in range(len(padded) - 1)]


def _sound_grams(token: str) -> list[str]:
    """Bigrams of the token's full sound skeleton, marked with ``#`` (transliteration
    variants such as Oliinyk/Oleynik or Shevchuk/Ševčuk share most of them)."""
    return ["#" + g for g in _bigrams(phonetic_key(token, 32))]


def double_metaphone(token: str) -> str:
    """Primary Double Metaphone code of a normalised token ("" when it has none)."""
    from doublemetaphone import doublemetaphone as _dm

    return str(_dm(token)[0])


def _dm_grams(token: str) -> list[str]:
    """Bigrams of the token's Double Metaphone code, marked with ``%``."""
    code = double_metaphone(token)
    return ["%" + g for g in _bigrams(code)] if code else []


def _name_grams(tokens: tuple[str, ...], dm: bool = False) -> set[str]:
    """Bigrams of the joined tokens plus the sound-skeleton bigrams of each token
    (order-sensitive field); with ``dm`` also the Double Metaphone bigrams."""
    grams = set(_bigrams("".join(tokens)))
    for t in tokens:
        grams.update(_sound_grams(t))
        if dm:
            grams.update(_dm_grams(t))
    return grams


def _full_grams(tokens: Iterable[str], dm: bool = False) -> set[str]:
    """Order-insensitive: bigrams of each token (padded) plus its sound-skeleton bigrams."""
    grams: set[str] = set()
    for t in tokens:
        grams.update(_bigrams(t))
        grams.update(_sound_grams(t))
        if dm:
            grams.update(_dm_grams(t))
    return grams


class RecordEncoder:
    """Encodes :class:`PersonRecord` values under one secret and configuration.

    Reuse one encoder for many records: q-gram positions are cached.  ``rng`` is only
    for tests that want explicit randomness; by default the bit flips are derived from the
    key, ``config.noise_seed`` and the record (reproducible).
    """

    def __init__(
        self,
        secret: bytes,
        config: EncodingConfig | None = None,
        *,
        rng: random.Random | None = None,
    ) -> None:
        secret = _check_secret(secret)
        self.config = config or EncodingConfig()
        self.key_id = key_id_for(secret)
        self._keys = {
            label: _subkey(secret, label)
            for label in (
                "name", "full", "birth", "gender", "nationality", "exact", "block", "perm", "noise",
            )
        }
        self._secret = secret
        self._rng = rng
        self._mask_cache: dict[tuple[str, str, str], int] = {}
        self._perm_cache: dict[int, np.ndarray] = {}

    # -- keyed primitives

    def _field_key(self, name: str) -> bytes:
        key = self._keys.get(name)
        if key is None:
            key = self._keys[name] = _subkey(self._secret, "extra:" + name)
        return key

    def _token(self, key_label: str, *parts: str) -> bytes:
        mac = hmac.digest(self._keys[key_label], "\x1f".join(parts).encode(), "sha256")[:8]
        return b"\x00" * 7 + b"\x01" if mac == b"\x00" * 8 else mac

    def _gram_mask(self, key_name: str, salt: str, gram: str, bits: int, hashes: int) -> int:
        cache_key = (key_name, salt, gram)
        mask = self._mask_cache.get(cache_key)
        if mask is not None:
            return mask
        key = self._field_key(key_name)
        message = (salt + "\x1f" + gram).encode()
        stream = b""
        counter = 0
        while len(stream) < 2 * hashes:
            stream += hmac.digest(key, message + counter.to_bytes(2, "big"), "sha256")
            counter += 1
        mask = 0
        for i in range(hashes):
            mask |= 1 << (int.from_bytes(stream[2 * i : 2 * i + 2], "little") & (bits - 1))
        if len(self._mask_cache) < 2_000_000:
            self._mask_cache[cache_key] = mask
        return mask

    def _permutation(self, bits: int) -> np.ndarray:
        perm = self._perm_cache.get(bits)
        if perm is None:
            seed = int.from_bytes(hmac.digest(self._keys["perm"], str(bits).encode(), "sha256"))
            perm = np.random.Generator(np.random.PCG64(seed)).permutation(bits)
            self._perm_cache[bits] = perm
        return perm

    def _noise(self, context: bytes, bits: int) -> int:
        """Flip mask with each bit set with probability ``flip_probability``.

        Derived from the noise key, the seed and ``context`` (field name and the record's
        normalised content): reproducible, and identical for identical records.
        """
        p = self.config.flip_probability
        rounds = int(-math.log2(p))
        if self._rng is not None:  # explicit generator (tests of the older behaviour)
            flips = self._rng.getrandbits(bits)
            for _ in range(rounds - 1):
                flips &= self._rng.getrandbits(bits)
            return flips
        digest = hmac.digest(self._keys["noise"], str(self.config.noise_seed).encode() + b"|" + context, "sha256")
        gen = np.random.Generator(np.random.PCG64(int.from_bytes(digest, "little")))
        n_words = (bits + 63) // 64
        words = gen.integers(0, 2**63, size=(rounds, n_words), dtype=np.uint64)
        words |= gen.integers(0, 2, size=(rounds, n_words), dtype=np.uint64) << np.uint64(63)
        mask = words[0]
        for row in words[1:]:
            mask = mask & row
        return int.from_bytes(mask.tobytes()[: bits // 8], "little")

    def _filter(
        self, key_name: str, grams: Iterable[str], salt: str, bits: int, hashes: int, context: bytes = b""
    ) -> bytes:
        value = 0
        for gram in grams:
            value |= self._gram_mask(key_name, salt, gram, bits, hashes)
        cfg = self.config
        if cfg.xor_fold:
            half = bits // 2
            value = (value & ((1 << half) - 1)) ^ (value >> half)
            bits = half
        if cfg.balance:
            value |= (~value & ((1 << bits) - 1)) << bits
            bits *= 2
            unpacked = np.unpackbits(
                np.frombuffer(value.to_bytes(bits // 8, "little"), dtype=np.uint8), bitorder="little"
            )
            permuted = np.packbits(unpacked[self._permutation(bits)], bitorder="little")
            value = int.from_bytes(permuted.tobytes(), "little")
        if cfg.flip_probability:
            value ^= self._noise(key_name.encode() + b"|" + context, bits)
        return value.to_bytes(bits // 8, "little")

    # -- public

    def encode(self, record: PersonRecord) -> RecordEncoding:
        """Normalise and encode one record."""
        cfg = self.config
        first = canonical_given_names(normalise_name_tokens(record.first_name))
        last = normalise_name_tokens(record.last_name)
        birth = year_only_default(parse_birth_date(record.birth_date))
        gender = normalise_gender(record.gender)
        nationality = normalise_nationality(record.nationality)
        salt = str(birth.year) if (cfg.salt == "birth_year" and birth is not None) else ""
        if cfg.salt == "birth_year" and birth is None:
            salt = "?"
        # Two-year bands, the second shifted by one year: |year difference| <= 1 shares one.
        band_salts: tuple[str, str] | None = None
        if cfg.salt == "year_band":
            band_salts = (
                (f"a{birth.year // 2}", f"b{(birth.year + 1) // 2}") if birth is not None else ("a?", "b?")
            )
            salt = band_salts[0]
        all_tokens = first + last
        dm = cfg.double_metaphone == "filters"
        # The noise of every filter depends on the whole normalised record: identical
        # records (repeated signals of one person) carry identical noise.
        context = _content(first, last, birth, gender, nationality)
        # First and last name share one key, so the crossed comparison (first against
        # last) measures real similarity when the name order is swapped.
        first_f = (
            self._filter("name", _name_grams(first, dm), salt, cfg.name_bits, cfg.name_hashes, b"first|" + context)
            if first
            else None
        )
        last_f = (
            self._filter("name", _name_grams(last, dm), salt, cfg.name_bits, cfg.name_hashes, b"last|" + context)
            if last
            else None
        )
        full_f = (
            self._filter("full", _full_grams(all_tokens, dm), salt, cfg.full_bits, cfg.full_hashes, context)
            if all_tokens
            else None
        )
        banded: dict[str, bytes] = {}
        if band_salts is not None:
            alt = band_salts[1]
            if first:
                banded["first"] = self._filter(
                    "name", _name_grams(first, dm), alt, cfg.name_bits, cfg.name_hashes, b"first-b|" + context
                )
            if last:
                banded["last"] = self._filter(
                    "name", _name_grams(last, dm), alt, cfg.name_bits, cfg.name_hashes, b"last-b|" + context
                )
            if all_tokens:
                banded["full"] = self._filter(
                    "full", _full_grams(all_tokens, dm), alt, cfg.full_bits, cfg.full_hashes, b"full-b|" + context
                )
        extra: dict[str, bytes] = {}
        extra_values: dict[str, str] = {}
        for name, value in sorted(record.extra.items()):
            tokens = tuple(t for t in fold_text(value).split() if t) if value else ()
            tokens = tuple("".join(ch for ch in t if ch.isalnum()) for t in tokens)
            tokens = tuple(t for t in tokens if t)
            if tokens:
                extra_values[name] = " ".join(tokens)
                grams: set[str] = set()
                for t in tokens:
                    grams.update(_bigrams(t))
                extra[name] = self._filter(
                    "extra:" + name, grams, salt, cfg.extra_bits, cfg.extra_hashes, context
                )
                if band_salts is not None:
                    banded["extra:" + name] = self._filter(
                        "extra:" + name, grams, band_salts[1], cfg.extra_bits, cfg.extra_hashes, b"b|" + context
                    )
        return RecordEncoding(
            record_id=str(record.record_id),
            scheme=cfg.scheme,
            key_id=self.key_id,
            first=first_f,
            last=last_f,
            full=full_f,
            birth=self._birth_tokens(birth),
            gender=self._token("gender", gender) if gender else None,
            nationality=self._token("nationality", nationality) if nationality else None,
            exact=self._exact(all_tokens, birth, gender, nationality),
            blocking=self._blocking_keys(first, last, birth, extra_values),
            extra=extra,
            name_key=self._token("block", "name-frequency", salt, *sorted(all_tokens)) if all_tokens else None,
            banded=banded,
            bands=tuple(self._token("birth", "band", b) for b in band_salts) if band_salts else (),
            name_sounds=self._name_sounds(first, last, birth),
            name_exacts=self._name_sounds(first, last, birth, exact=True),
        )

    def encode_many(self, records: Iterable[PersonRecord]) -> list[RecordEncoding]:
        """Encode several records."""
        return [self.encode(r) for r in records]

    def _split_bands(self, birth: BirthDate | None) -> tuple[str, ...]:
        """The year bands the date-less name blocking keys are split by (see ``block_split``)."""
        if self.config.block_split == "none":
            return ("",)
        if birth is None:
            return tuple(f"a{y}" for y in range(_FIRST_YEAR // 2, _LAST_YEAR // 2 + 1))
        return (f"a{birth.year // 2}", f"b{(birth.year + 1) // 2}")

    def _name_sounds(
        self, first: tuple[str, ...], last: tuple[str, ...], birth: BirthDate | None, *, exact: bool = False
    ) -> tuple[bytes, ...]:
        """Keyed first+last name-sound tokens (``exact``: exact full-name tokens), one for the
        record's first year band, or one per band when it has no birth year."""
        if not first or not last:
            return ()
        label = "exact-name" if exact else "first+last"
        names = sorted(first + last) if exact else sorted(phonetic_key("".join(x)) for x in (first, last))
        bands = self._split_bands(birth)
        if birth is not None:
            bands = bands[:1]
        return tuple(self._token("block", label, *names, *(b for b in (band,) if b)) for band in bands)

    def _birth_tokens(self, birth: BirthDate | None) -> dict[str, bytes]:
        if birth is None:
            return {}
        y = str(birth.year)
        out = {"y": self._token("birth", "y", y)}
        if birth.month is not None:
            m = f"{birth.month:02d}"
            out["ym"] = self._token("birth", "ym", y, m)
            if birth.day is not None:
                d = f"{birth.day:02d}"
                out["md"] = self._token("birth", "md", m, d)
                out["yd"] = self._token("birth", "yd", y, d)
                out["ymd"] = self._token("birth", "ymd", y, m, d)
                if birth.day <= 12 and birth.day != birth.month:
                    # The full-date token this record would have with day and month swapped.
                    out["swap"] = self._token("birth", "ymd", y, d, m)
        return out

    def _exact(
        self, tokens: tuple[str, ...], birth: BirthDate | None, gender: str | None, nationality: str | None
    ) -> bytes | None:
        if not tokens:
            return None
        message = json.dumps(
            [sorted(tokens), birth.isoformat() if birth else None, gender, nationality], separators=(",", ":")
        )
        return hmac.digest(self._keys["exact"], message.encode(), "sha256")

    def _blocking_keys(
        self,
        first: tuple[str, ...],
        last: tuple[str, ...],
        birth: BirthDate | None,
        extra: Mapping[str, str] | None = None,
    ) -> tuple[bytes, ...]:
        """Keyed blocking keys; each is robust to a different kind of error.

        * name sound + birth year + initial of the other name (one namespace for first and
          last name, so swapped names block together)
        * first-name sound + last-name sound, without the date (wrong or missing dates); split
          by the two offset year bands (``block_split``)
        * full birth date + initial of either name (misspelt names)
        * month-day + both initials (wrong year and misspellings)
        * sound of one name + first two letters of the other (missing date and a typo); split
          like first+last
        * the exact normalised value of each extra field
        """
        year = str(birth.year) if birth else "?"
        keys: set[bytes] = set()
        joined = ["".join(part) for part in (first, last) if part]
        sounds = [phonetic_key(x) for x in joined]
        for k, sound in enumerate(sounds):
            other = joined[1 - k][0] if len(joined) == 2 else ""
            keys.add(self._token("block", "name+year+initial", sound, year, other))
        if len(joined) == 2:
            for band in self._split_bands(birth):
                extra_part = (band,) if band else ()
                keys.add(self._token("block", "first+last", *sorted(sounds), *extra_part))
                for a, b in ((0, 1), (1, 0)):
                    keys.add(self._token("block", "sound+prefix", sounds[a], joined[b][:2], *extra_part))
                if self.config.double_metaphone != "off":
                    codes = sorted(double_metaphone(x) for x in joined)
                    if all(codes):
                        keys.add(self._token("block", "double-metaphone", *codes, *extra_part))
        if birth is not None and birth.day is not None:
            for name in joined:
                keys.add(self._token("block", "date+initial", birth.isoformat(), name[0]))
            if len(joined) == 2:
                md = f"{birth.month:02d}-{birth.day:02d}"
                keys.add(self._token("block", "monthday+initials", md, *sorted(x[0] for x in joined)))
        for name, value in sorted((extra or {}).items()):
            keys.add(self._token("block", "extra", name, value))
        return tuple(sorted(keys))


def encode_record(
    record: PersonRecord, secret: bytes, config: EncodingConfig | None = None
) -> RecordEncoding:
    """Encode one record (convenience; use :class:`RecordEncoder` for many)."""
    return RecordEncoder(secret, config).encode(record)
