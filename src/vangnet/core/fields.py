"""Model fields that keep identifying data encrypted at rest.

The database only ever sees Fernet tokens; Python code sees plain values. Encrypted fields cannot be
filtered or sorted on in SQL, which is the point: search goes through pseudonyms (``vangnet.linkage``),
never through the clear value.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from vangnet.core import crypto


class EncryptedTextField(models.TextField):
    """A text value stored as a Fernet token. Empty strings are stored as empty strings."""

    description = "Text encrypted at rest"
    encrypted = True

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return crypto.encrypt(self.serialise(value))

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value in (None, ""):
            return value
        return self.deserialise(crypto.decrypt(value))

    def serialise(self, value: Any) -> str:
        return str(value)

    def deserialise(self, text: str) -> Any:
        return text

    def to_python(self, value: Any) -> Any:
        return value


class EncryptedDateField(EncryptedTextField):
    """A date stored encrypted (as an ISO string inside the token)."""

    description = "Date encrypted at rest"

    def serialise(self, value: Any) -> str:
        if isinstance(value, datetime.date):
            return value.isoformat()
        return str(value)

    def deserialise(self, text: str) -> datetime.date:
        return datetime.date.fromisoformat(text)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and value:
            return datetime.date.fromisoformat(value)
        return value

    def formfield(self, **kwargs: Any) -> Any:
        from django import forms

        return forms.DateField(**kwargs)


class EncryptedJSONField(EncryptedTextField):
    """A JSON document stored encrypted. Used for drafts, which hold everything a form held."""

    description = "JSON encrypted at rest"

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        return crypto.encrypt(self.serialise(value))

    def serialise(self, value: Any) -> str:
        return json.dumps(value, cls=DjangoJSONEncoder, sort_keys=True)

    def deserialise(self, text: str) -> Any:
        return json.loads(text)


def encrypted_fields(model: type[models.Model]) -> list[EncryptedTextField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]


class EncryptedBytesField(EncryptedTextField):
    """Binary content (an uploaded file) stored encrypted: base64 inside the Fernet token, so the key
    rotation (``core.rotation``) re-encrypts it like every other encrypted value."""

    description = "Bytes encrypted at rest"

    def serialise(self, value: Any) -> str:
        import base64

        return base64.b64encode(bytes(value)).decode("ascii")

    def deserialise(self, text: str) -> bytes:
        import base64

        return base64.b64decode(text)
