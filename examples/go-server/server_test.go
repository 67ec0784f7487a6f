package main

// The handlers over HTTP (httptest), driven by recorded responses from the
// shared vectors: the options makers are wrapped to hand out each vector's
// challenge, since a recorded response cannot answer a fresh one. The
// software authenticator CLI drives fresh ceremonies in e2e_test.sh.

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"passkey.dev/passkey"
)

type vector struct {
	ID         string          `json:"id"`
	RPID       string          `json:"rpId"`
	Origins    []string        `json:"origins"`
	Challenge  passkey.Bytes   `json:"challenge"`
	Response   json.RawMessage `json:"response"`
	Credential json.RawMessage `json:"credential"`
}

// loadVector returns one shared vector, skipping the test when the vectors
// are absent.
func loadVector(t *testing.T, file, id string) vector {
	t.Helper()
	dir := os.Getenv("PASSKEY_VECTORS_DIR")
	if dir == "" {
		dir = os.Getenv("PASSKEY_SHARED_VECTORS_DIR")
	}
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "vectors")
	}
	text, err := os.ReadFile(filepath.Join(dir, file))
	if err != nil {
		t.Skipf("shared vectors not found in %s (set PASSKEY_VECTORS_DIR): %v", dir, err)
	}
	var doc struct {
		Vectors []vector `json:"vectors"`
	}
	if err := json.Unmarshal(text, &doc); err != nil {
		t.Fatal(err)
	}
	for _, v := range doc.Vectors {
		if v.ID == id {
			return v
		}
	}
	t.Fatalf("%s: no vector %s", file, id)
	return vector{}
}

// testServer is a server over httptest and a client that keeps cookies.
type testServer struct {
	*server
	http *httptest.Server
	t    *testing.T
}

func newTestServer(t *testing.T, rpID, origin string, uv passkey.UserVerification) *testServer {
	// httptest serves plain HTTP, so the cookie cannot be Secure.
	s := newServer(config{rpID: rpID, rpName: "Test", origins: []string{origin}, userVerification: uv})
	h := httptest.NewServer(s.handler())
	t.Cleanup(h.Close)
	return &testServer{server: s, http: h, t: t}
}

// client is one browser: its own cookie jar, so its own session.
func (ts *testServer) client() *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		ts.t.Fatal(err)
	}
	return &http.Client{Jar: jar}
}

// withChallenges makes the options makers hand out these challenges, in
// order, through the binding's real makers (so the params are checked).
func (ts *testServer) withChallenges(challenges ...[]byte) {
	next := func() []byte {
		if len(challenges) == 0 {
			ts.t.Fatal("more options requested than challenges given")
		}
		c := challenges[0]
		challenges = challenges[1:]
		return c
	}
	ts.registrationOptions = func(p passkey.CreationParams) (*passkey.CreationOptions, error) {
		made, err := passkey.RegistrationOptions(p)
		if err == nil {
			made.Challenge = next()
		}
		return made, err
	}
	ts.authenticationOptions = func(p passkey.RequestParams) (*passkey.RequestOptions, error) {
		made, err := passkey.AuthenticationOptions(p)
		if err == nil {
			made.Challenge = next()
		}
		return made, err
	}
}

// call POSTs body (GETs when body is nil) and decodes the JSON answer.
func (ts *testServer) call(c *http.Client, path string, body []byte) (int, map[string]interface{}) {
	ts.t.Helper()
	var response *http.Response
	var err error
	if body == nil {
		response, err = c.Get(ts.http.URL + path)
	} else {
		response, err = c.Post(ts.http.URL+path, "application/json", bytes.NewReader(body))
	}
	if err != nil {
		ts.t.Fatal(err)
	}
	defer response.Body.Close()
	var answer map[string]interface{}
	if err := json.NewDecoder(response.Body).Decode(&answer); err != nil {
		ts.t.Fatalf("%s: answer is not JSON: %v", path, err)
	}
	return response.StatusCode, answer
}

// expect checks a call's status and, for an error, its code.
func (ts *testServer) expect(c *http.Client, path string, body []byte, status int, code string) map[string]interface{} {
	ts.t.Helper()
	got, answer := ts.call(c, path, body)
	gotCode := ""
	if e, ok := answer["error"].(map[string]interface{}); ok {
		gotCode, _ = e["code"].(string)
	}
	if got != status || gotCode != code {
		ts.t.Fatalf("%s: %d %v, want %d %q", path, got, answer, status, code)
	}
	return answer
}

func TestSignUpAndSignInWithRecordedResponses(t *testing.T) {
	reg := loadVector(t, "w3c-webauthn-l3.json", "w3c/none-es256/registration")
	auth := loadVector(t, "w3c-webauthn-l3.json", "w3c/none-es256/authentication")
	// These responses carry UV=0.
	ts := newTestServer(t, reg.RPID, reg.Origins[0], passkey.UserVerificationPreferred)
	ts.withChallenges(reg.Challenge, auth.Challenge, auth.Challenge)
	alice := ts.client()

	options := ts.expect(alice, "/register/options", []byte(`{"username": "alice"}`), 200, "")
	if options["rp"].(map[string]interface{})["id"] != reg.RPID ||
		options["user"].(map[string]interface{})["name"] != "alice" {
		t.Fatalf("creation options %v", options)
	}
	ts.expect(alice, "/me", nil, 401, "not_signed_in")
	created := ts.expect(alice, "/register/verify", reg.Response, 200, "")
	var id struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(reg.Response, &id)
	if created["credentialId"] != id.ID || created["username"] != "alice" {
		t.Fatalf("registration answer %v", created)
	}
	if me := ts.expect(alice, "/me", nil, 200, ""); me["username"] != "alice" {
		t.Fatalf("/me %v", me)
	}
	ts.expect(ts.client(), "/register/options", []byte(`{"username": "alice"}`), 409, "username_taken")

	// Sign-in by user name, on another device.
	phone := ts.client()
	request := ts.expect(phone, "/login/options", []byte(`{"username": "alice"}`), 200, "")
	allow, _ := request["allowCredentials"].([]interface{})
	if len(allow) != 1 || allow[0].(map[string]interface{})["id"] != id.ID {
		t.Fatalf("request options %v", request)
	}
	signedIn := ts.expect(phone, "/login/verify", auth.Response, 200, "")
	if signedIn["username"] != "alice" {
		t.Fatalf("sign-in answer %v", signedIn)
	}
	// The challenge was used up.
	ts.expect(phone, "/login/verify", auth.Response, 401, "challenge_not_found")

	// A discoverable sign-in needs the user handle, which this recorded
	// response does not carry.
	laptop := ts.client()
	ts.expect(laptop, "/login/options", []byte(`{}`), 200, "")
	ts.expect(laptop, "/login/verify", auth.Response, 401, "user_handle_missing")
	ts.expect(laptop, "/me", nil, 401, "not_signed_in")
}

func TestUserVerificationRequiredRefusesUV0(t *testing.T) {
	reg := loadVector(t, "w3c-webauthn-l3.json", "w3c/none-es256/registration")
	ts := newTestServer(t, reg.RPID, reg.Origins[0], passkey.UserVerificationRequired)
	ts.withChallenges(reg.Challenge)
	c := ts.client()
	ts.expect(c, "/register/options", []byte(`{"username": "alice"}`), 200, "")
	ts.expect(c, "/register/verify", reg.Response, 401, "user_not_verified")
}

func TestChallengeIsBoundToTheSession(t *testing.T) {
	reg := loadVector(t, "w3c-webauthn-l3.json", "w3c/none-es256/registration")
	ts := newTestServer(t, reg.RPID, reg.Origins[0], passkey.UserVerificationPreferred)
	ts.withChallenges(reg.Challenge)
	owner, other := ts.client(), ts.client()
	ts.expect(owner, "/register/options", []byte(`{"username": "alice"}`), 200, "")
	ts.expect(other, "/register/verify", reg.Response, 401, "challenge_not_found")
	ts.expect(owner, "/register/verify", reg.Response, 200, "")
}

func TestChallengeIsUsedUpByAFailedVerification(t *testing.T) {
	reg := loadVector(t, "w3c-webauthn-l3.json", "w3c/none-es256/registration")
	ts := newTestServer(t, reg.RPID, reg.Origins[0], passkey.UserVerificationPreferred)
	ts.withChallenges(reg.Challenge)
	c := ts.client()
	ts.expect(c, "/register/options", []byte(`{"username": "alice"}`), 200, "")
	ts.expect(c, "/register/verify", []byte(`{"id": "x"}`), 400, "malformed_response")
	ts.expect(c, "/register/verify", reg.Response, 401, "challenge_not_found")
}

func TestChallengeExpires(t *testing.T) {
	reg := loadVector(t, "w3c-webauthn-l3.json", "w3c/none-es256/registration")
	ts := newTestServer(t, reg.RPID, reg.Origins[0], passkey.UserVerificationPreferred)
	ts.withChallenges(reg.Challenge)
	now := time.Now()
	ts.now = func() time.Time { return now }
	c := ts.client()
	ts.expect(c, "/register/options", []byte(`{"username": "alice"}`), 200, "")
	now = now.Add(challengeTTL + time.Second)
	ts.expect(c, "/register/verify", reg.Response, 401, "challenge_expired")
}

// TestSignInUpdatesTheCounter: the stored record gets the new signCount,
// and the same assertion again (same challenge) is a counter replay.
func TestSignInUpdatesTheCounter(t *testing.T) {
	auth := loadVector(t, "simplewebauthn.json", "simplewebauthn/auth/es256")
	ts := newTestServer(t, auth.RPID, auth.Origins[0], passkey.UserVerificationPreferred)
	ts.withChallenges(auth.Challenge, auth.Challenge)
	prepared, err := passkey.PrepareCredential(auth.Credential)
	if err != nil {
		t.Fatal(err)
	}
	var stored struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(auth.Credential, &stored)
	ts.users["bob"] = &user{name: "bob", id: []byte("bob-handle"), credentials: []string{stored.ID}}
	ts.credentials[stored.ID] = &credential{username: "bob", record: auth.Credential, prepared: prepared}

	c := ts.client()
	ts.expect(c, "/login/options", []byte(`{"username": "bob"}`), 200, "")
	if answer := ts.expect(c, "/login/verify", auth.Response, 200, ""); answer["signCount"] != float64(144) {
		t.Fatalf("sign-in answer %v", answer)
	}
	var record struct {
		SignCount  int    `json:"signCount"`
		LastUsedAt string `json:"lastUsedAt"`
	}
	if err := json.Unmarshal(ts.credentials[stored.ID].record, &record); err != nil || record.SignCount != 144 ||
		record.LastUsedAt == "" {
		t.Fatalf("stored record %s (%v)", ts.credentials[stored.ID].record, err)
	}
	ts.expect(c, "/login/options", []byte(`{"username": "bob"}`), 200, "")
	ts.expect(c, "/login/verify", auth.Response, 401, "sign_count_rollback")
}

func TestRequestErrors(t *testing.T) {
	ts := newTestServer(t, "example.com", "https://example.com", passkey.UserVerificationRequired)
	c := ts.client()
	ts.expect(c, "/register/options", []byte(`{}`), 400, "invalid_request")
	ts.expect(c, "/register/options", []byte(`[`), 400, "invalid_request")
	ts.expect(c, "/login/options", []byte(`{"username": "nobody"}`), 404, "user_not_found")
	ts.expect(c, "/login/verify", []byte(`{"id": "AAAA"}`), 401, "challenge_not_found")
	ts.expect(c, "/login/options", []byte(`{}`), 200, "")
	ts.expect(c, "/login/verify", []byte(`{"id": "AAAA"}`), 401, "credential_not_found")
	ts.expect(c, "/register/options", bytes.Repeat([]byte(" "), maxBody+1), 413, "payload_too_large")
	if response, err := c.Get(ts.http.URL + "/register/options"); err != nil || response.StatusCode != 405 ||
		response.Header.Get("Allow") != "POST" {
		t.Fatalf("GET /register/options: %v %v", response, err)
	}
}

func TestRunRefusesBadUsage(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"--rp-id", "example.com"},
		{"--origin", "https://example.com"},
		{"--rp-id", "example.com", "--origin", "https://example.com", "--user-verification", "discouraged"},
		{"--rp-id", "example.com", "--origin", "https://example.com", "extra"},
		{"--no-such-flag"},
	} {
		// The usage text goes to stderr; the test only needs the status.
		if status := run(args); status != 2 {
			t.Errorf("run(%s) = %d, want 2", strings.Join(args, " "), status)
		}
	}
}
