"""The processing log is append-only in the database itself, not only in Python.

Updates are always refused. Deletes (and, on PostgreSQL, TRUNCATE) are refused unless a row exists in
``audit_processing_log_purge_window``: that window is opened only by the retention purge
(``manage.py purge_processing_log``) inside its own transaction, and by the test suite, whose
database is flushed between tests. In production the application's database role additionally has
no DELETE/TRUNCATE grant on the log (docs/adr/0004-append-only-processing-log.md).
"""

from django.db import migrations

TABLE = "audit_processinglogentry"
WINDOW = "audit_processing_log_purge_window"

POSTGRES_UP = f"""
CREATE TABLE {WINDOW} (opened_by varchar(100) NOT NULL);
CREATE OR REPLACE FUNCTION vangnet_refuse_log_change() RETURNS trigger AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'TRUNCATE') AND EXISTS (SELECT 1 FROM {WINDOW}) THEN
    IF TG_LEVEL = 'ROW' THEN RETURN OLD; END IF;
    RETURN NULL;
  END IF;
  RAISE EXCEPTION 'The processing log is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER processing_log_no_update BEFORE UPDATE OR DELETE ON {TABLE}
  FOR EACH ROW EXECUTE FUNCTION vangnet_refuse_log_change();
CREATE TRIGGER processing_log_no_truncate BEFORE TRUNCATE ON {TABLE}
  FOR EACH STATEMENT EXECUTE FUNCTION vangnet_refuse_log_change();
"""
POSTGRES_DOWN = f"""
DROP TRIGGER IF EXISTS processing_log_no_update ON {TABLE};
DROP TRIGGER IF EXISTS processing_log_no_truncate ON {TABLE};
DROP FUNCTION IF EXISTS vangnet_refuse_log_change();
DROP TABLE IF EXISTS {WINDOW};
"""
SQLITE_UP = [
    f"CREATE TABLE {WINDOW} (opened_by varchar(100) NOT NULL);",
    f"""CREATE TRIGGER processing_log_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'The processing log is append-only: UPDATE is not allowed'); END;""",
    f"""CREATE TRIGGER processing_log_no_delete BEFORE DELETE ON {TABLE}
        WHEN NOT EXISTS (SELECT 1 FROM {WINDOW})
        BEGIN SELECT RAISE(ABORT, 'The processing log is append-only: DELETE is not allowed'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS processing_log_no_update;",
    "DROP TRIGGER IF EXISTS processing_log_no_delete;",
    f"DROP TABLE IF EXISTS {WINDOW};",
]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_UP, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_UP:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_DOWN:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
