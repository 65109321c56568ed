#!/usr/bin/env bash
# Syncs `tm export issues` payloads to GitHub issues with the gh CLI: an
# issue is found by its stable key (`tm:<model>/<id>`, in a hidden marker in
# its body); a missing one is created, one whose title or body changed is
# edited. Nothing is ever closed or deleted.
#
# DRY RUN by default: prints what it would do. Pass --apply to act.
#
#   scripts/tm-issues-sync.sh [--apply] [-R owner/repo] [-- tm export options…]
#
# Needs: tm, gh (authenticated: GH_TOKEN in CI), jq.
# Exit codes: 0 done (or nothing to do), 1 a gh call failed, 2 usage.
set -euo pipefail

apply=0
repo=()
while [ $# -gt 0 ]; do
  case "$1" in
    --apply) apply=1 ;;
    -R|--repo) shift; repo=(--repo "$1") ;;
    --) shift; break ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "tm-issues-sync: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

for tool in "${TM:-tm}" gh jq; do
  command -v "$tool" >/dev/null || { echo "tm-issues-sync: $tool is not installed" >&2; exit 2; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"${TM:-tm}" export issues --tracker github -o "$work/payloads" "$@"

status=0
# Payload files are <model>/<id>.json: the key is tm:<model>/<id>.
while IFS= read -r -d '' file; do
  rel=${file#"$work/payloads/"}
  key="tm:${rel%.json}"
  title=$(jq -r .title "$file")
  jq -r .body "$file" > "$work/body"
  labels=$(jq -r '.labels | join(",")' "$file")
  # Exact marker match: the search narrows, the body check decides.
  found=$(gh issue list "${repo[@]}" --state all --limit 100 \
      --search "\"$key\" in:body" --json number,title,body \
    | jq -r --arg marker "<!-- $key -->" --arg title "$title" --rawfile body "$work/body" \
      '[.[] | select(.body | contains($marker))] | first
       | if . == null then "" else "\(.number) \(if .title == $title and .body == $body then "same" else "changed" end)" end')
  if [ -z "$found" ]; then
    echo "create  $key  $title"
    if [ "$apply" = 1 ]; then
      gh issue create "${repo[@]}" --title "$title" --body-file "$work/body" --label "$labels" || status=1
    fi
  elif [ "${found#* }" = changed ]; then
    number=${found%% *}
    echo "edit    #$number  $key  $title"
    if [ "$apply" = 1 ]; then
      gh issue edit "$number" "${repo[@]}" --title "$title" --body-file "$work/body" || status=1
    fi
  else
    echo "same    #${found%% *}  $key"
  fi
done < <(find "$work/payloads" -name '*.json' -type f -print0 | sort -z)

[ "$apply" = 1 ] || echo "dry run: nothing changed; pass --apply to create and edit these issues"
exit $status
