#!/bin/sh
# Installs PostgreSQL if it is missing, starts it, and creates the role and
# database scrutin_test (the role may create databases: each store test
# makes its own and drops it). Idempotent: a second run only checks (and
# resets the role's password and rights).
#
# Run as root on Debian. It prints one line on stdout, the variable the
# store tests read; everything else goes to stderr. So:
#
#	eval "$(.ci/postgres.sh)"
#	go test ./internal/store/
#
# SCRUTIN_TEST_PASSWORD sets the role's password (default scrutin_test).
set -eu

password=${SCRUTIN_TEST_PASSWORD:-scrutin_test}
case $password in
"" | *[!A-Za-z0-9_.-]*)
	# It goes into SQL and a URL unescaped.
	echo "postgres.sh: SCRUTIN_TEST_PASSWORD may hold only letters, digits, '_', '.' and '-'" >&2
	exit 1
	;;
esac

if ! command -v pg_lsclusters >/dev/null 2>&1 || [ -z "$(ls /usr/lib/postgresql 2>/dev/null)" ]; then
	echo "postgres.sh: installing postgresql" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2
	apt-get install -y -qq --no-install-recommends postgresql >&2
fi

version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" { found = 1 } END { exit !found }'; then
	pg_createcluster "$version" main >&2
fi
if ! pg_ctlcluster "$version" main status >/dev/null 2>&1; then
	pg_ctlcluster "$version" main start >&2
fi
port=$(pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" { print $3 }')

i=0
until pg_isready -q -h localhost -p "$port"; do
	i=$((i + 1))
	if [ "$i" -ge 30 ]; then
		echo "postgres.sh: PostgreSQL $version did not become ready on port $port" >&2
		exit 1
	fi
	sleep 1
done

psql_admin() {
	(cd / && runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -p "$port" -d postgres "$@")
}

if [ "$(psql_admin -At -c "SELECT 1 FROM pg_roles WHERE rolname = 'scrutin_test'")" = 1 ]; then
	psql_admin -c "ALTER ROLE scrutin_test LOGIN CREATEDB PASSWORD '$password'" >&2
else
	psql_admin -c "CREATE ROLE scrutin_test LOGIN CREATEDB PASSWORD '$password'" >&2
fi
# The tests drop their databases WITH (FORCE), which must be able to end
# an autovacuum worker that happens to be in one.
if [ "$(psql_admin -At -c "SELECT pg_has_role('scrutin_test', 'pg_signal_backend', 'MEMBER')")" != t ]; then
	psql_admin -c "GRANT pg_signal_backend TO scrutin_test" >&2
fi
if [ "$(psql_admin -At -c "SELECT 1 FROM pg_database WHERE datname = 'scrutin_test'")" != 1 ]; then
	psql_admin -c "CREATE DATABASE scrutin_test OWNER scrutin_test" >&2
fi

echo "export SCRUTIN_TEST_POSTGRES='postgres://scrutin_test:$password@localhost:$port/scrutin_test?sslmode=disable'"
