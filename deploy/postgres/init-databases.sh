#!/usr/bin/env bash
# One login role and one database per service (DESIGN.md §5: no service reads
# another's database). The postgres image runs this once, when its data volume is
# new (/docker-entrypoint-initdb.d). It is idempotent, so run it again after adding
# a service or changing a password in deploy/.env:
#
#   docker compose -f deploy/compose.yml exec postgres \
#       bash /docker-entrypoint-initdb.d/10-init-databases.sh
#
# Each role's password comes from <SERVICE>_DB_PASSWORD (see deploy/.env.example);
# each database is owned by its role, and PUBLIC loses CONNECT on it, so a service
# role can reach its own database only.
set -euo pipefail

SERVICES=(accounts content media feedback polls royalties notifications)

for service in "${SERVICES[@]}"; do
  var="${service^^}_DB_PASSWORD"
  password="${!var:-}"
  if [ -z "$password" ]; then
    echo "init-databases: $var is not set; refusing to create role $service without a password" >&2
    exit 1
  fi
  psql -v ON_ERROR_STOP=1 --no-psqlrc --quiet \
       --username "${POSTGRES_USER:-postgres}" --dbname postgres \
       --set=role="$service" --set=password="$password" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN', :'role')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'role')\gexec
ALTER ROLE :"role" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'password';
SELECT format('CREATE DATABASE %I OWNER %I ENCODING %L TEMPLATE template0', :'role', :'role', 'UTF8')
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'role')\gexec
REVOKE ALL ON DATABASE :"role" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"role" TO :"role";
SQL
  echo "init-databases: role and database \"$service\" ready"
done
