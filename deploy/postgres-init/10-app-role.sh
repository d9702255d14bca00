#!/bin/sh
# Runs once, when the postgres volume is first initialised (docker-entrypoint-initdb.d).
# The application's role (issue 11 §3): LOGIN and nothing else. It owns no table; the `migrate`
# service (as the owner) grants it DML, and only INSERT and SELECT on the audit trail
# (`manage.py grant_app_role`, which also creates the role on a volume initialised before this file).
set -e
psql -v ON_ERROR_STOP=1 -v app_role="${DATABASE_APP_ROLE:-portal_app}" -v app_password="${DATABASE_APP_PASSWORD:-portal_app}" \
     --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD %L', :'app_role', :'app_password')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'app_role')\gexec
SQL
