"""Names and free text refuse invisible control characters and bidirectional overrides.

Such characters can make a name look like another one in a list, or reorder what a reader sees
("Trojan Source", CVE-2021-42574). Refused: C0 controls other than tab, line feed and carriage return; DEL
and the C1 controls; the bidirectional embeddings, overrides and isolates (U+202A to U+202E, U+2066 to U+2069);
zero-width space, word joiner and byte order mark (U+200B, U+2060, U+FEFF). Still allowed, because real
names and languages need them: the zero-width (non-)joiners U+200C/U+200D and the marks U+200E/U+200F.

The rule is a regular expression that matches the *allowed* text, so the API schema carries it as a
``pattern`` and clients can check it before they send.
"""

from __future__ import annotations

import re

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

FORBIDDEN_CLASS = "\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f\\u200b\\u202a-\\u202e\\u2060\\u2066-\\u2069\\ufeff"
#: Text with none of the forbidden characters (ECMAScript- and Python-compatible).
PLAIN_TEXT_PATTERN = f"^[^{FORBIDDEN_CLASS}]*$"
_FORBIDDEN = re.compile(f"[{FORBIDDEN_CLASS}]")

plain_text = RegexValidator(
    PLAIN_TEXT_PATTERN,
    message=_("Remove invisible control characters or text direction characters from this field."),
    code="invisible_characters",
)


def has_invisible(value: str) -> bool:
    return bool(_FORBIDDEN.search(value))


class PlainTextFormField(forms.CharField):
    """A form field for a name or free text: refuses invisible and direction-override characters."""

    default_validators = [plain_text]


class PlainTextSerializerField(serializers.CharField):
    """The API's field for a name or free text; the schema shows the rule as a ``pattern``."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.validators.append(plain_text)
