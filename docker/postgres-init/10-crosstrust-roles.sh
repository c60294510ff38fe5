#!/usr/bin/env bash
# Runs once, when the postgres container initialises an empty data directory (docker-entrypoint-initdb.d),
# as the superuser, which nothing else uses afterwards. Creates Crosstrust's roles and database:
#   crosstrust_app    NOLOGIN group role; the migrations grant the application's privileges to it
#   crosstrust_owner  owns the database and every table; `migrate` logs in as it (MIGRATION_DATABASE_URL)
#   crosstrust        the API's and worker's login (DATABASE_URL), a member of crosstrust_app only
# Neither login is a superuser or may create roles or databases. See packages/db/README.md ("Database roles").
# Each password may come from a file instead: CROSSTRUST_OWNER_PASSWORD_FILE, CROSSTRUST_APP_PASSWORD_FILE.
set -euo pipefail
for name in CROSSTRUST_OWNER_PASSWORD CROSSTRUST_APP_PASSWORD; do
  file_var="${name}_FILE"
  if [ -n "${!file_var:-}" ]; then
    [ -z "${!name:-}" ] || { echo "set either $name or $file_var, not both" >&2; exit 1; }
    printf -v "$name" '%s' "$(cat "${!file_var}")"
  fi
done
: "${CROSSTRUST_OWNER_PASSWORD:?must be set}"
: "${CROSSTRUST_APP_PASSWORD:?must be set}"

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v owner_password="$CROSSTRUST_OWNER_PASSWORD" -v app_password="$CROSSTRUST_APP_PASSWORD" <<'SQL'
CREATE ROLE crosstrust_app NOLOGIN;
CREATE ROLE crosstrust_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'owner_password';
CREATE ROLE crosstrust LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'app_password' IN ROLE crosstrust_app;
CREATE DATABASE crosstrust OWNER crosstrust_owner;
-- Only Crosstrust's roles may connect (PUBLIC may by default).
REVOKE ALL ON DATABASE crosstrust FROM PUBLIC;
GRANT CONNECT ON DATABASE crosstrust TO crosstrust_app;
SQL
