"""The application's database role (issue 11 §3).

Migrations run as the owner of the schema. Web, worker and beat connect as the app role
(``DATABASE_APP_ROLE``, default ``portal_app``): it owns nothing, so it cannot ALTER, DROP or
disable a trigger, and on the audit trail it holds only INSERT and SELECT, so it cannot UPDATE,
DELETE or TRUNCATE it, whatever it sets in its session (``pgtrigger.ignore`` included: the
privilege check comes before any trigger). On every other table and sequence it has what the
application needs (DML), and default privileges give it the same on tables later migrations create.

Run ``manage.py grant_app_role`` as the owner after ``migrate`` (``make run`` and docker-compose do).
"""

import re

from django.db import connection, transaction

# Append-only tables: the app role may only add and read rows (core.models AuditEvent, AuditAnchor).
APPEND_ONLY_TABLES = ("core_auditevent", "core_auditanchor")
_ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _check_name(role: str) -> str:
    if not _ROLE_NAME.match(role):
        raise ValueError(f"数据库角色名无效：{role!r}（仅限小写字母、数字和下划线）")
    return connection.ops.quote_name(role)


def app_role_exists(*, role: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        return cursor.fetchone() is not None


def app_role_grant(*, role: str, password: str | None = None) -> dict:
    """As the owner: create the role if missing (LOGIN, no other attribute), then grant it what the
    application needs. Idempotent; returns what it did (for the command's output)."""
    quoted = _check_name(role)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT current_user, current_database(), current_schema()")
        owner, database, schema = cursor.fetchone()
        if owner == role:
            raise ValueError(f"当前连接的角色就是应用角色 {role}：请以数据表所有者身份运行")
        created = not app_role_exists(role=role)
        if created:
            cursor.execute(f"CREATE ROLE {quoted} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS")
        if password:
            cursor.execute(f"ALTER ROLE {quoted} WITH LOGIN PASSWORD %s", [password])
        owner_q, database_q, schema_q = (connection.ops.quote_name(n) for n in (owner, database, schema))
        statements = [
            f"GRANT CONNECT, TEMPORARY ON DATABASE {database_q} TO {quoted}",
            f"GRANT USAGE ON SCHEMA {schema_q} TO {quoted}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema_q} TO {quoted}",
            f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {schema_q} TO {quoted}",
            # Tables and sequences that later migrations (run by this owner) create.
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner_q} IN SCHEMA {schema_q} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {quoted}",
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner_q} IN SCHEMA {schema_q} GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {quoted}",
        ]
        for statement in statements:
            cursor.execute(statement)
        # The nightly 分区维护 runs its DDL through these SECURITY DEFINER functions (core/partitions.py).
        cursor.execute(
            "SELECT to_regprocedure(%s) IS NOT NULL",
            ["portal_partition_create(regclass, text, timestamptz, timestamptz)"],
        )
        if cursor.fetchone()[0]:
            cursor.execute(
                f"GRANT EXECUTE ON FUNCTION portal_partition_create(regclass, text, timestamptz, timestamptz), "
                f"portal_partition_lock(regclass, text), portal_partition_drop(regclass, text, timestamptz) TO {quoted}"
            )
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s AND tablename = ANY(%s)",
            [schema, list(APPEND_ONLY_TABLES)],
        )
        append_only = [row[0] for row in cursor.fetchall()]
        for table in append_only:
            table_q = connection.ops.quote_name(table)
            cursor.execute(f"REVOKE ALL ON {table_q} FROM {quoted}")
            cursor.execute(f"GRANT SELECT, INSERT ON {table_q} TO {quoted}")
    return {"role": role, "created": created, "owner": owner, "database": database, "append_only": append_only}
