"""Re-encrypt every encrypted value under the current (first) key, so an old key can be retired."""

from __future__ import annotations

from django.apps import apps
from django.db import connection, transaction

from vangnet.core import crypto
from vangnet.core.fields import encrypted_fields


def rotate_all(batch_size: int = 500) -> dict[str, int]:
    """Return, per model, how many rows were re-encrypted. Safe to run again (idempotent)."""
    counts: dict[str, int] = {}
    qn = connection.ops.quote_name
    for model in apps.get_models():
        fields = encrypted_fields(model)
        if not fields:
            continue
        table, pk = qn(model._meta.db_table), qn(model._meta.pk.column)
        columns = [qn(f.column) for f in fields]
        changed = 0
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {pk}, {', '.join(columns)} FROM {table} ORDER BY {pk}")  # noqa: S608
            rows = cursor.fetchall()
        for start in range(0, len(rows), batch_size):
            with transaction.atomic(), connection.cursor() as cursor:
                for row in rows[start:start + batch_size]:
                    values = list(row[1:])
                    if not any(v and not crypto.is_encrypted_under_primary_key(v) for v in values):
                        continue
                    rotated = [crypto.rotate(v) if v else v for v in values]
                    assignments = ", ".join(f"{c} = %s" for c in columns)
                    cursor.execute(f"UPDATE {table} SET {assignments} WHERE {pk} = %s", [*rotated, row[0]])  # noqa: S608
                    changed += 1
        counts[model._meta.label] = changed
    return counts
