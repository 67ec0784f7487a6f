package passkey_test

import (
	"errors"
	"log"
	"time"

	"passkey.dev/passkey"
)

// The README's Go example: sign-up and sign-in with the challenge the
// server remembered. Compiled by go test (it has no Output, so it is not
// run: it needs a browser's responses).
func Example() {
	var (
		registrationJSON   []byte // RegistrationResponseJSON from the browser
		authenticationJSON []byte // AuthenticationResponseJSON from the browser
	)
	made, err := passkey.RegistrationOptions(passkey.CreationParams{
		RPID: "example.com", RPName: "Example", UserName: "alice"})
	if err != nil {
		log.Fatal(err)
	}
	// Send made.Options to the browser; keep made.Challenge and made.UserID.
	options := passkey.Options{
		RPIDs:      []string{"example.com"},
		Origins:    []string{"https://example.com"},
		Challenge:  made.Challenge,
		UserHandle: made.UserID,
		Now:        time.Now().Unix(),
	}
	record, err := passkey.VerifyRegistration(options, registrationJSON)
	var perr *passkey.Error
	if errors.As(err, &perr) {
		log.Fatalf("sign-up refused: %s (%s)", perr.Code, perr.Message)
	}
	stored := record.JSON // keep it with the account

	request, err := passkey.AuthenticationOptions(passkey.RequestParams{RPID: "example.com"})
	if err != nil {
		log.Fatal(err)
	}
	// Send request.Options; find `stored` by the response's credential ID.
	result, err := passkey.VerifyAuthentication(passkey.Options{
		RPIDs:        []string{"example.com"},
		Origins:      []string{"https://example.com"},
		Challenge:    request.Challenge,
		Discoverable: true, // the response's userHandle must be the record's
		Now:          time.Now().Unix(),
	}, stored, authenticationJSON)
	if err != nil {
		log.Fatal(err) // a *passkey.Error: "challenge_mismatch", "signature_invalid", ...
	}
	stored = result.Credential.JSON // the new signCount, backupState, lastUsedAt
	_ = stored
}
