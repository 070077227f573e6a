#!/usr/bin/env bash
# Starts Pinhole on its embedded default, SQLite and local disk under ./data, at http://127.0.0.1:8080.
# Extra arguments go to the server, e.g. --Pinhole:Registrations=approval
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh run
# dotnet run starts the server in the project's folder, so ./data is named from here, where the README says it is.
exec dotnet run -c Release --project src/Pinhole.Server -- --urls http://127.0.0.1:8080 --Pinhole:DataDir="$PWD/data" "$@"
