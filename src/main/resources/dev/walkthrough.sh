TOKEN='{{token}}'
DEVICE='AP-Device-Identifier: fingerprint YmEyM2QxNDEtZDcxNS01NjFjLTk0ZjQtZTllNGM5NjZiMWVi'
# 1. create a session and keep its code; the answer is {"actionName":"authenticate","actionType":"interactive","url":"/api/v2/authenticate/REF30/5KZS4LBG","code":"5KZS4LBG",…}
CODE=$(curl -s -X POST {{gateway}}/api/v2/REF30/sessions -H "Authorization: Bearer $TOKEN" -H "$DEVICE" \
  --data-urlencode mvpd=Cablevision --data-urlencode domainName=127.0.0.1 \
  --data-urlencode redirectUrl={{mvpd}}/app/signed-in | jq -r .code)
echo "code: $CODE"
# 2. the browser's part, followed: gateway -> MVPD sign-in (no form) -> gateway -> the app's page
curl -sL {{gateway}}/api/v2/authenticate/REF30/$CODE
# 3. the profile: {"profiles":{"Cablevision":{…,"issuer":"Cablevision","type":"regular","attributes":{"userID":{"value":"dev-subscriber","state":"plain"},…}}}}
curl -s -w '\n' {{gateway}}/api/v2/REF30/profiles/code/$CODE -H "Authorization: Bearer $TOKEN" -H "$DEVICE"
# 4. Adobe's sample 1: REF30 is "source":"mvpd","authorized":true with a token and a decision window
curl -s -w '\n' -X POST {{gateway}}/api/v2/REF30/decisions/authorize/Cablevision -H "Authorization: Bearer $TOKEN" \
  -H "$DEVICE" -H 'Content-Type: application/json' -d '{"resources":["REF30"]}'
# 5. a title outside the package: REF30-premium is denied, authorization_denied_by_mvpd with the MVPD's text
curl -s -w '\n' -X POST {{gateway}}/api/v2/REF30/decisions/authorize/Cablevision -H "Authorization: Bearer $TOKEN" \
  -H "$DEVICE" -H 'Content-Type: application/json' -d '{"resources":["REF30-premium"]}'
# 6. logout: {"logouts":{"Cablevision":{"actionName":"logout","actionType":"interactive","url":"{{mvpd}}/mvpd/logout?…"}}}
curl -s -w '\n' '{{gateway}}/api/v2/REF30/logout/Cablevision?redirectUrl={{mvpd}}/app/signed-out' \
  -H "Authorization: Bearer $TOKEN" -H "$DEVICE"
# 7. the same decision again: authenticated_profile_missing
curl -s -w '\n' -X POST {{gateway}}/api/v2/REF30/decisions/authorize/Cablevision -H "Authorization: Bearer $TOKEN" \
  -H "$DEVICE" -H 'Content-Type: application/json' -d '{"resources":["REF30"]}'
