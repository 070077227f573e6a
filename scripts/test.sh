#!/usr/bin/env bash
# Runs every test project: media on real libvips, the API over real HTTP twice, on SQLite and on a throwaway
# PostgreSQL started here on loopback, and the web pages in headless Chromium. The last line sums them all:
# "N passed, N failed[, N skipped]".
set -uo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh test || exit 1
(cd tests/js && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || exit 1
dotnet build Pinhole.slnx -c Release -nologo -clp:ErrorsOnly || exit 1

results=$(mktemp -d)
pgdata=$(mktemp -d)
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
pgport=${PINHOLE_TEST_PGPORT:-54329}
as_postgres=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres:postgres "$pgdata"
  as_postgres=(runuser -u postgres --)
fi
stop_postgres() { "${as_postgres[@]}" "$pgbin/pg_ctl" -D "$pgdata/data" -m immediate stop >/dev/null 2>&1; rm -rf "$pgdata" "$results"; }
trap stop_postgres EXIT

"${as_postgres[@]}" "$pgbin/initdb" -D "$pgdata/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null || exit 1
"${as_postgres[@]}" "$pgbin/pg_ctl" -D "$pgdata/data" -l "$pgdata/postgres.log" -w start \
  -o "-p $pgport -k $pgdata -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400" >/dev/null || exit 1
export PINHOLE_TEST_POSTGRES="Host=127.0.0.1;Port=$pgport;Username=postgres;Database=postgres"

run() { # label, project, extra environment...
  local label=$1 project=$2; shift 2
  echo "== $label"
  env "$@" dotnet "tests/$project/bin/Release/net10.0/$project.dll" -noColor -xml "$results/$label.xml" \
    | grep -Ev '^\s*(info|warn): |^      (Now listening|Application|Hosting environment|Content root|Database migrated|Request|Executing|Executed)'
}

run media Pinhole.Media.Tests
run api-sqlite Pinhole.Server.Tests PINHOLE_TEST_DATABASE=sqlite
run api-postgres Pinhole.Server.Tests PINHOLE_TEST_DATABASE=postgres
# The pages in Chromium, once: the pages read through the same services the API suite runs on both databases.
run web Pinhole.Web.Tests PINHOLE_TEST_DATABASE=sqlite

# xunit's XML report holds one <assembly> element per run, with total/passed/failed/skipped attributes.
sum() { cat "$results"/*.xml 2>/dev/null | grep -o "<assembly [^>]*" | grep -o " $1=\"[0-9]*\"" | grep -o "[0-9]*" | awk '{ s += $1 } END { print s + 0 }'; }
passed=$(sum passed); failed=$(sum failed); skipped=$(sum skipped)
expected=4; reported=$(ls "$results"/*.xml 2>/dev/null | wc -l)
if [ "$reported" -lt "$expected" ]; then
  echo "Only $reported of $expected test runs produced a report."
  failed=$(( ${failed:-0} + 1 ))
fi
line="${passed:-0} passed, ${failed:-0} failed"
[ "${skipped:-0}" -gt 0 ] && line="$line, $skipped skipped"
echo "$line"
[ "${failed:-0}" -eq 0 ]
