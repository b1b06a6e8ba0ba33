"""Privacy-preserving record linkage for Vangnet (pure Python, no Django).

Typical use on the Django side::

    from vangnet.linkage import PersonRecord, RecordEncoder, LinkageIndex, RecordEncoding

    encoder = RecordEncoder(secret)                  # bytes from VANGNET_PSEUDONYMISATION_SECRET
    enc = encoder.encode(PersonRecord("signal-17", "Olumide", "Okafor", "1994-03-02", "F", "NG"))
    stored = enc.to_json()                           # store per signal; no clear-text inside
    index = LinkageIndex.build([RecordEncoding.from_json(s) for s in stored_rows], decisions)
    result = index.add(enc)                          # cluster id, links, changed cluster ids
    index.review_queue()                             # pairs for human review
    index.decide("signal-3", "signal-17", same=False)   # human override

See ``docs/linkage.md`` for the design, the accuracy measurements and the threat model.
"""

from vangnet.linkage.clustering import DecisionConflictError
from vangnet.linkage.encoding import (
    ENV_SECRET,
    EncodingConfig,
    IncompatibleEncodingError,
    PersonRecord,
    RecordEncoder,
    RecordEncoding,
    encode_record,
    key_id_for,
)
from vangnet.linkage.index import AddResult, DedupResult, HumanDecision, Link, LinkageIndex, deduplicate
from vangnet.linkage.matching import Decision, EncodedBatch, MatchModel, Thresholds, estimate_model, fit_model
from vangnet.linkage.normalise import (
    BirthDate,
    normalise_gender,
    normalise_name_tokens,
    normalise_nationality,
    parse_birth_date,
    phonetic_key,
)

__all__ = [
    "ENV_SECRET",
    "AddResult",
    "BirthDate",
    "Decision",
    "DecisionConflictError",
    "DedupResult",
    "EncodedBatch",
    "EncodingConfig",
    "HumanDecision",
    "IncompatibleEncodingError",
    "Link",
    "LinkageIndex",
    "MatchModel",
    "PersonRecord",
    "RecordEncoder",
    "RecordEncoding",
    "Thresholds",
    "deduplicate",
    "encode_record",
    "estimate_model",
    "fit_model",
    "key_id_for",
    "normalise_gender",
    "normalise_name_tokens",
    "normalise_nationality",
    "parse_birth_date",
    "phonetic_key",
]
