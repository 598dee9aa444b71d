#!/bin/sh
# Runs once, when the PostgreSQL volume is first initialised (postgres image entrypoint),
# as the superuser. Creates the two databases and one login role per service with only
# the rights it needs (roles.psql); the passwords come from the compose environment.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v sales_db=sales -v tracker_db=rasa \
  -v owner_role=sales_owner -v actions_role=sales_actions -v tracker_role=rasa_tracker \
  -v owner_password="$SALES_OWNER_DB_PASSWORD" \
  -v actions_password="$SALES_ACTIONS_DB_PASSWORD" \
  -v tracker_password="$TRACKER_DB_PASSWORD" \
  -f /docker-entrypoint-initdb.d/roles.psql
