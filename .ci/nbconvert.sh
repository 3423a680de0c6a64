#!/usr/bin/env bash
# Executes every walkthrough with Jupyter's own client (nbconvert + nbclient)
# against the project-local kernelspec: a second, independent Jupyter client
# beside the runner behind `npm start`. Outputs go to a scratch folder; the
# committed notebooks are not touched.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run --silent kernelspec >/dev/null
export JUPYTER_PATH="$PWD/.jupyter"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
status=0
for nb in notebooks/*.ipynb; do
  start=$(date +%s)
  if jupyter nbconvert --to notebook --execute \
      --ExecutePreprocessor.kernel_name=pglite-lab \
      --ExecutePreprocessor.timeout=300 \
      --output-dir "$out" "$nb" >"$out/log.txt" 2>&1; then
    echo "ok      $nb ($(( $(date +%s) - start )) s)"
  else
    echo "FAILED  $nb"; tail -30 "$out/log.txt"; status=1
  fi
done
exit $status
