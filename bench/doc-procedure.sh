#!/usr/bin/env bash
# The doc's procedure by hand, as its curl commands do it: redirect URL,
# consent (the sandbox approves by itself), create, base64 of the id, PATCH,
# read back. bench/run times it against hootwire. Needs BASE (the platform
# base URL), ROOT (the sandbox's root), CALLBACK, and the demo credentials.
set -euo pipefail
auth="Authorization: User $USER_SECRET, Organization $ORG_SECRET"
state="doc-state-$RANDOM$RANDOM"

# 1. Getting a redirect URL.
oauth=$(curl -sS -f -G -H "$auth" "$BASE/elements/hootsuite/oauth/url" \
  --data-urlencode "apiKey=$CLIENT_ID" --data-urlencode "apiSecret=$CLIENT_SECRET" \
  --data-urlencode "callbackUrl=$CALLBACK" --data-urlencode "state=$state")
oauth_url=$(printf '%s' "$oauth" | sed -n 's/.*"oauthUrl":"\([^"]*\)".*/\1/p' | sed 's/\\u0026/\&/g')

# 2. The user approves; the browser is sent to the callback with the code.
landed=$(curl -sS -o /dev/null -w '%{redirect_url}' "$oauth_url")
code=$(printf '%s' "$landed" | sed -n 's/.*[?&]code=\([^&]*\).*/\1/p')

# 3-4. Construct the JSON body, POST /instances, keep the id and token.
instance=$(curl -sS -f -X POST "$BASE/instances" -H "$auth" -H 'Content-Type: application/json' -d @- <<JSON
{
  "element": {"key": "hootsuite"},
  "providerData": {"code": "$code"},
  "configuration": {
    "oauth.callback.url": "$CALLBACK",
    "oauth.api.key": "$CLIENT_ID",
    "oauth.api.secret": "$CLIENT_SECRET",
    "event.notification.enabled": true,
    "event.notification.callback.url": "$BASE/events/hootsuite"
  },
  "tags": ["doc"],
  "name": "API Instance"
}
JSON
)
id=$(printf '%s' "$instance" | grep -o '"id":[0-9]*' | head -n 1 | cut -d: -f2)

# 5. Base64-encode the id.
encoded=$(printf '%s' "$id" | base64)
webhook="$BASE/events/hootsuite/$encoded"

# 7. PATCH the event callback URL, then read it back.
curl -sS -f -o /dev/null -X PATCH "$BASE/instances/$id" -H "$auth" -H 'Content-Type: application/json' \
  -d "{\"configuration\":{\"event.notification.callback.url\":\"$webhook\"}}"
curl -sS -f "$BASE/instances/$id" -H "$auth" | grep -qF "$webhook"
