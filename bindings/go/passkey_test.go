package passkey_test

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"passkey.dev/passkey"
)

// wantCode fails the test unless err is a *passkey.Error with code.
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	var perr *passkey.Error
	if !errors.As(err, &perr) {
		t.Fatalf("got %v (%T), want a *passkey.Error with code %s", err, err, code)
	}
	if perr.Code != code {
		t.Fatalf("got code %s (%s), want %s", perr.Code, perr.Message, code)
	}
	if !strings.Contains(err.Error(), code) {
		t.Fatalf("Error() %q does not name the code %s", err.Error(), code)
	}
}

// findVector returns the shared vector with that id (skipping the test when
// the vectors are absent).
func findVector(t *testing.T, id string) vector {
	t.Helper()
	for _, v := range loadVectors(t) {
		if v.ID == id {
			return v
		}
	}
	t.Fatalf("vector %s not found in %s", id, vectorsDir())
	return vector{}
}

func vectorOptions(t *testing.T, v vector) passkey.Options {
	t.Helper()
	options, err := v.options()
	if err != nil {
		t.Fatalf("%s: %v", v.ID, err)
	}
	return options
}

func TestVersion(t *testing.T) {
	if version := passkey.Version(); !regexp.MustCompile(`^\d+\.\d+\.\d+$`).MatchString(version) {
		t.Fatalf("Version() = %q, want MAJOR.MINOR.PATCH", version)
	}
}

func TestBytesJSONIsBase64URLWithoutPadding(t *testing.T) {
	text, err := json.Marshal(passkey.Bytes{0xfb, 0xff, 0xfe})
	if err != nil || string(text) != `"-__-"` {
		t.Fatalf("Marshal = %s, %v; want \"-__-\"", text, err)
	}
	var decoded passkey.Bytes
	if err := json.Unmarshal([]byte(`"-__-"`), &decoded); err != nil || string(decoded) != "\xfb\xff\xfe" {
		t.Fatalf("Unmarshal = %x, %v", decoded, err)
	}
	for _, bad := range []string{`"-__-=="`, `"+//+"`, `"AB"`, `7`} {
		if err := json.Unmarshal([]byte(bad), &decoded); err == nil {
			t.Errorf("Unmarshal(%s) accepted", bad)
		}
	}
}

// TestOptionsJSONNames: every Options field reaches the C API under the
// member name of passkey_c_options.schema.json.
func TestOptionsJSONNames(t *testing.T) {
	window := int64(30)
	text, err := json.Marshal(passkey.Options{
		RPIDs: []string{"a"}, Origins: []string{"b"}, TopOrigins: []string{"c"}, AllowCrossOrigin: true,
		Challenge: []byte{1}, UserVerification: passkey.UserVerificationPreferred, AllowedAlgorithms: []int{-7},
		ExpectedTypes: []string{"t"}, Now: 1, AllowSha1Attestation: true, UserHandle: []byte{2},
		TrustAnchors: []string{"p"}, CRLs: []string{"q"}, RequireTrustedAttestation: true,
		RequireRevocationCheck: true, AndroidKeyRequireTee: true, AllowSafetynetWithoutCtsProfileMatch: true,
		DangerSkipSafetynetTimestampCheck: true, SafetynetTimestampWindowSeconds: &window,
		Mediation: "conditional", AppID: "x", AllowCredentials: []passkey.Bytes{{3}}, Discoverable: true,
		AllowSignCountRollback: true, AllowRs1Credentials: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	var members map[string]interface{}
	if err := json.Unmarshal(text, &members); err != nil {
		t.Fatal(err)
	}
	schemaText, err := os.ReadFile(filepath.Join("..", "..", "include", "passkey", "passkey_c_options.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	var schema struct {
		Properties map[string]interface{} `json:"properties"`
	}
	if err := json.Unmarshal(schemaText, &schema); err != nil {
		t.Fatal(err)
	}
	for name := range schema.Properties {
		if _, ok := members[name]; !ok {
			t.Errorf("schema member %s has no Options field", name)
		}
	}
	for name := range members {
		if _, ok := schema.Properties[name]; !ok {
			t.Errorf("Options writes %s, which the schema does not list", name)
		}
	}
	if members["challenge"] != "AQ" || members["allowCredentials"].([]interface{})[0] != "Aw" {
		t.Errorf("byte fields not base64url: %s", text)
	}
	// The zero Options writes nothing: every default is the library's.
	if text, _ := json.Marshal(passkey.Options{}); string(text) != "{}" {
		t.Errorf("zero Options = %s, want {}", text)
	}
}

func TestVerifyRegistrationReturnsTheRecord(t *testing.T) {
	v := findVector(t, "w3c/none-es256/registration")
	options := vectorOptions(t, v)
	options.Now = 1767225600 // 2026-01-01T00:00:00Z
	options.UserHandle = []byte("user-1")
	record, err := passkey.VerifyRegistration(options, v.Response)
	if err != nil {
		t.Fatal(err)
	}
	var credentialID string
	_ = json.Unmarshal(v.Expect["credentialId"], &credentialID)
	if base64.RawURLEncoding.EncodeToString(record.ID) != credentialID || record.Version != 1 ||
		record.Algorithm == nil || *record.Algorithm != -7 || record.AttestationFormat != "none" ||
		record.CreatedAt != "2026-01-01T00:00:00Z" || string(record.UserHandle) != "user-1" ||
		record.AAGUID != "8446ccb9-ab1d-b374-750b-2367ff6f3a1f" || record.BackupEligible == nil ||
		!*record.BackupEligible || record.DeviceType != "multiDevice" {
		t.Fatalf("record %+v", record)
	}
	// Record.JSON is the library's text, which it reads back.
	if _, err := passkey.PrepareCredential(record.JSON); err != nil {
		t.Fatalf("the record does not prepare: %v", err)
	}
}

func TestVerifyRegistrationErrors(t *testing.T) {
	v := findVector(t, "w3c/none-es256/registration")
	good := vectorOptions(t, v)

	wrongChallenge := good
	wrongChallenge.Challenge = []byte("another challenge")
	_, err := passkey.VerifyRegistration(wrongChallenge, v.Response)
	wantCode(t, err, "challenge_mismatch")

	wrongOrigin := good
	wrongOrigin.Origins = []string{"https://evil.example"}
	_, err = passkey.VerifyRegistration(wrongOrigin, v.Response)
	wantCode(t, err, "origin_mismatch")

	badEnum := good
	badEnum.UserVerification = "sometimes"
	_, err = passkey.VerifyRegistration(badEnum, v.Response)
	wantCode(t, err, "invalid_argument")

	badMediation := good
	badMediation.Mediation = "immediate"
	_, err = passkey.VerifyRegistration(badMediation, v.Response)
	wantCode(t, err, "invalid_argument")

	badAnchor := good
	badAnchor.TrustAnchors = []string{"not PEM"}
	_, err = passkey.VerifyRegistration(badAnchor, v.Response)
	wantCode(t, err, "invalid_argument")

	_, err = passkey.VerifyRegistration(passkey.Options{}, v.Response)
	wantCode(t, err, "invalid_argument")

	_, err = passkey.VerifyRegistration(good, []byte(`{"id": 1}`))
	wantCode(t, err, "malformed_response")

	// A NUL byte would cut the C string short: refused before the call.
	_, err = passkey.VerifyRegistration(good, append(append([]byte{}, v.Response...), 0, '}'))
	wantCode(t, err, "malformed_response")
}

func TestVerifyAuthenticationUpdatesTheRecord(t *testing.T) {
	v := findVector(t, "simplewebauthn/auth/es256")
	options := vectorOptions(t, v)
	options.Now = 1767225600
	result, err := passkey.VerifyAuthentication(options, v.Credential, v.Response)
	if err != nil {
		t.Fatal(err)
	}
	// The stored counter is 143; the assertion's is 144.
	const signCount = 144
	if result.SignCount != signCount || result.Credential.SignCount != signCount ||
		result.Credential.LastUsedAt != "2026-01-01T00:00:00Z" {
		t.Fatalf("result %+v, record %s", result, result.Credential.JSON)
	}
	// The same assertion against the updated record is a replay.
	_, err = passkey.VerifyAuthentication(options, result.Credential.JSON, v.Response)
	wantCode(t, err, "sign_count_rollback")
	options.AllowSignCountRollback = true
	replay, err := passkey.VerifyAuthentication(options, result.Credential.JSON, v.Response)
	if err != nil || !replay.SignCountRollback || replay.SignCount != signCount {
		t.Fatalf("rollback allowed: %+v, %v", replay, err)
	}
}

func TestVerifyAuthenticationErrors(t *testing.T) {
	v := findVector(t, "simplewebauthn/auth/es256")
	options := vectorOptions(t, v)

	_, err := passkey.VerifyAuthentication(options, []byte(`{"id": 5}`), v.Response)
	wantCode(t, err, "malformed_credential_record")

	_, err = passkey.VerifyAuthentication(options, []byte(`{"version": 2, "id": "AQ", "publicKey": "AQ"}`), v.Response)
	wantCode(t, err, "unsupported_record_version")

	_, err = passkey.VerifyAuthentication(options, v.Credential, []byte("[]"))
	wantCode(t, err, "malformed_response")

	other := options
	other.AllowCredentials = []passkey.Bytes{[]byte("another credential")}
	_, err = passkey.VerifyAuthentication(other, v.Credential, v.Response)
	wantCode(t, err, "credential_not_allowed")

	discoverable := options
	discoverable.Discoverable = true
	_, err = passkey.VerifyAuthentication(discoverable, v.Credential, v.Response)
	wantCode(t, err, "user_handle_missing")

	_, err = passkey.VerifyAuthentication(options, append([]byte("{}\x00"), v.Credential...), v.Response)
	wantCode(t, err, "malformed_credential_record")
}

func TestPreparedCredential(t *testing.T) {
	v := findVector(t, "simplewebauthn/auth/es256")
	options := vectorOptions(t, v)
	options.Now = 1767225600
	credential, err := passkey.PrepareCredential(v.Credential)
	if err != nil {
		t.Fatal(err)
	}
	const goroutines = 16
	var wg sync.WaitGroup
	errs := make(chan error, goroutines)
	for i := 0; i < goroutines; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 20; j++ {
				if _, err := credential.VerifyAuthentication(options, v.Response); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	wrong := options
	wrong.Challenge = []byte("x")
	_, err = credential.VerifyAuthentication(wrong, v.Response)
	wantCode(t, err, "challenge_mismatch")

	if err := credential.Close(); err != nil {
		t.Fatal(err)
	}
	_, err = credential.VerifyAuthentication(options, v.Response)
	wantCode(t, err, "invalid_argument")
	if err := credential.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}

	_, err = passkey.PrepareCredential([]byte("not json"))
	wantCode(t, err, "malformed_credential_record")
	_, err = passkey.PrepareCredential([]byte(`{"id": "AQ", "publicKey": "pQECAyYgASFYIA"}`))
	wantCode(t, err, "invalid_public_key")
}

func TestRegistrationOptions(t *testing.T) {
	made, err := passkey.RegistrationOptions(passkey.CreationParams{
		RPID: "example.com", RPName: "Example", UserName: "alice", Algorithms: []int{-8, -7},
		ExcludeCredentials: []passkey.CredentialDescriptor{{ID: []byte{1, 2, 3}, Transports: []string{"usb"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	var options struct {
		Challenge string `json:"challenge"`
		RP        struct {
			ID string `json:"id"`
		} `json:"rp"`
		User struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"user"`
		PubKeyCredParams []struct {
			Alg int `json:"alg"`
		} `json:"pubKeyCredParams"`
		ExcludeCredentials []struct {
			ID string `json:"id"`
		} `json:"excludeCredentials"`
	}
	if err := json.Unmarshal(made.Options, &options); err != nil {
		t.Fatalf("%s: %v", made.Options, err)
	}
	if len(made.Challenge) != 32 || options.Challenge != base64.RawURLEncoding.EncodeToString(made.Challenge) ||
		len(made.UserID) != 32 || options.User.ID != base64.RawURLEncoding.EncodeToString(made.UserID) ||
		options.RP.ID != "example.com" || options.User.Name != "alice" || len(options.PubKeyCredParams) != 2 ||
		options.PubKeyCredParams[0].Alg != -8 || len(options.ExcludeCredentials) != 1 ||
		options.ExcludeCredentials[0].ID != "AQID" {
		t.Fatalf("made %+v from %s", made, made.Options)
	}
	again, err := passkey.RegistrationOptions(passkey.CreationParams{RPID: "example.com", RPName: "Example",
		UserName: "alice", UserID: []byte("fixed"), ChallengeSize: 16})
	if err != nil {
		t.Fatal(err)
	}
	if string(again.UserID) != "fixed" || len(again.Challenge) != 16 || string(again.Challenge) == string(made.Challenge) {
		t.Fatalf("second options %+v", again)
	}

	_, err = passkey.RegistrationOptions(passkey.CreationParams{RPID: "example.com", RPName: "Example"})
	wantCode(t, err, "invalid_argument")
	_, err = passkey.RegistrationOptions(passkey.CreationParams{RPID: "example.com", RPName: "Example",
		UserName: "alice", ChallengeSize: 8})
	wantCode(t, err, "invalid_argument")
	_, err = passkey.RegistrationOptions(passkey.CreationParams{RPID: "example.com", RPName: "Example",
		UserName: "alice", ResidentKey: "always"})
	wantCode(t, err, "invalid_argument")
}

func TestAuthenticationOptions(t *testing.T) {
	zero := uint32(0)
	made, err := passkey.AuthenticationOptions(passkey.RequestParams{RPID: "example.com", Timeout: &zero,
		AllowCredentials: []passkey.CredentialDescriptor{{ID: []byte{9}}},
		UserVerification: passkey.UserVerificationPreferred})
	if err != nil {
		t.Fatal(err)
	}
	var options map[string]interface{}
	if err := json.Unmarshal(made.Options, &options); err != nil {
		t.Fatal(err)
	}
	if options["challenge"] != base64.RawURLEncoding.EncodeToString(made.Challenge) || options["rpId"] != "example.com" ||
		options["userVerification"] != "preferred" || options["timeout"] != nil {
		t.Fatalf("made %s", made.Options)
	}
	_, err = passkey.AuthenticationOptions(passkey.RequestParams{})
	wantCode(t, err, "invalid_argument")
	_, err = passkey.AuthenticationOptions(passkey.RequestParams{RPID: "example.com", Hints: []string{"telepathy"}})
	wantCode(t, err, "invalid_argument")
}

func TestAaguid(t *testing.T) {
	text, err := os.ReadFile(filepath.Join("..", "..", "fido", "aaguids.json"))
	if err != nil {
		t.Fatal(err)
	}
	var catalog map[string]struct {
		Name string `json:"name"`
	}
	if err := json.Unmarshal(text, &catalog); err != nil || len(catalog) == 0 {
		t.Fatalf("fido/aaguids.json: %v", err)
	}
	for aaguid, entry := range catalog {
		provider, err := passkey.Aaguid(strings.ToUpper(aaguid))
		if err != nil || provider == nil || provider.Name != entry.Name || provider.AAGUID != aaguid {
			t.Errorf("Aaguid(%s) = %+v, %v; want %s", aaguid, provider, err, entry.Name)
		}
	}
	if provider, err := passkey.Aaguid("00000000-0000-0000-0000-000000000001"); provider != nil || err != nil {
		t.Errorf("unknown AAGUID: %+v, %v", provider, err)
	}
	_, err = passkey.Aaguid("not-an-aaguid")
	wantCode(t, err, "invalid_argument")
	_, err = passkey.Aaguid("ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4\x00")
	wantCode(t, err, "invalid_argument")
}

func TestMdsVerify(t *testing.T) {
	dir := filepath.Join(filepath.Dir(vectorsDir()), "fido", "mds")
	blob, err := os.ReadFile(filepath.Join(dir, "example-blob-no15.jwt"))
	if err != nil {
		t.Skipf("the shared MDS samples are not at %s: %v", dir, err)
	}
	root, err := os.ReadFile(filepath.Join(dir, "example-mds3-test-root.pem"))
	if err != nil {
		t.Fatal(err)
	}
	otherRoot, err := os.ReadFile(filepath.Join(dir, "conformance-mds3-root-fake.pem"))
	if err != nil {
		t.Fatal(err)
	}
	blob = []byte(strings.TrimSpace(string(blob)))
	now := time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	result, err := passkey.MdsVerify(blob, passkey.MdsOptions{Roots: []string{string(root)}, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	// nextUpdate (2020-03-30) precedes the chain's notBefore: stale.
	if result.Number != 15 || result.Entries != 2 || !result.Stale || result.NextUpdate != "2020-03-30" {
		t.Fatalf("result %+v", result)
	}
	last := uint64(15)
	_, err = passkey.MdsVerify(blob, passkey.MdsOptions{Roots: []string{string(root)}, Now: now, MinNumber: &last})
	wantCode(t, err, "mds_rollback")
	_, err = passkey.MdsVerify(blob, passkey.MdsOptions{Roots: []string{string(otherRoot)}, Now: now})
	wantCode(t, err, "mds_untrusted")
	_, err = passkey.MdsVerify(blob, passkey.MdsOptions{Now: now})
	wantCode(t, err, "invalid_argument")
	_, err = passkey.MdsVerify([]byte("not a JWS"), passkey.MdsOptions{Roots: []string{string(root)}, Now: now})
	wantCode(t, err, "mds_malformed")
}
