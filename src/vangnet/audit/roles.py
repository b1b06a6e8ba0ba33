"""Separate PostgreSQL roles for the application and the retention purge (``manage.py database_roles``).

- the **owner** (who runs the migrations) owns every table; only it can disable a trigger. Nothing else runs as it.
- the **application** role reads and writes the application's tables, but on the processing log and its anchors
  it may only INSERT and SELECT; it cannot open the purge window; it is no superuser, so it can neither
  disable triggers nor set ``session_replication_role``.
- the **purge** role may only SELECT and DELETE log entries, open and close the purge window and add the
  purge anchor: ``manage.py purge_processing_log`` runs under it (its own DATABASE_URL).
"""

from __future__ import annotations

from psycopg import sql

LOG_TABLES = ("audit_processinglogentry", "audit_chainanchor")
WINDOW = "audit_processing_log_purge_window"


def role_statements(app_role: str, purge_role: str, database: str, owner: str,
                    schema: str = "public") -> list[sql.Composed]:
    app, purge, db, own, sch = (sql.Identifier(x) for x in (app_role, purge_role, database, owner, schema))
    log, anchors, window = (sql.Identifier(t) for t in (*LOG_TABLES, WINDOW))
    statements = []
    for role in (app_role, purge_role):
        statements.append(sql.SQL(
            "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = {name}) THEN "
            "CREATE ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOREPLICATION; "
            "END IF; END $$").format(name=sql.Literal(role), role=sql.Identifier(role)))
        statements.append(sql.SQL(
            "ALTER ROLE {role} NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOREPLICATION"
        ).format(role=sql.Identifier(role)))
    statements += [
        sql.SQL("GRANT CONNECT ON DATABASE {db} TO {app}, {purge}").format(db=db, app=app, purge=purge),
        sql.SQL("GRANT USAGE ON SCHEMA {sch} TO {app}, {purge}").format(sch=sch, app=app, purge=purge),
        # the application: everything on its own tables ...
        sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {sch} TO {app}").format(sch=sch, app=app),
        sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {sch} TO {app}").format(sch=sch, app=app),
        sql.SQL("ALTER DEFAULT PRIVILEGES FOR ROLE {own} IN SCHEMA {sch} "
                "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {app}").format(own=own, sch=sch, app=app),
        sql.SQL("ALTER DEFAULT PRIVILEGES FOR ROLE {own} IN SCHEMA {sch} "
                "GRANT USAGE, SELECT ON SEQUENCES TO {app}").format(own=own, sch=sch, app=app),
        # ... but only INSERT and SELECT on the log and its anchors, and only SELECT on the purge window
        sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE ON {log}, {anchors} FROM {app}").format(
            log=log, anchors=anchors, app=app),
        sql.SQL("REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {window} FROM {app}").format(window=window, app=app),
        sql.SQL("GRANT SELECT ON {window} TO {app}").format(window=window, app=app),
        # the purge: delete old entries inside the window, and record where the chain resumes
        sql.SQL("GRANT SELECT, DELETE ON {log} TO {purge}").format(log=log, purge=purge),
        sql.SQL("GRANT SELECT, INSERT, DELETE ON {window} TO {purge}").format(window=window, purge=purge),
        sql.SQL("GRANT SELECT, INSERT ON {anchors} TO {purge}").format(anchors=anchors, purge=purge),
        sql.SQL("GRANT USAGE, SELECT ON SEQUENCE {seq} TO {purge}").format(
            seq=sql.Identifier("audit_chainanchor_id_seq"), purge=purge),
    ]
    return statements
