package main

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"log"
	"net/http"
	"strings"
	"sync"
	"time"

	"passkey.dev/passkey"
)

const (
	sessionCookie = "session"
	// challengeTTL: how long an issued challenge may be answered.
	challengeTTL = 5 * time.Minute
	// maxBody caps request bodies; a RegistrationResponseJSON with an
	// attestation certificate chain is a few KiB.
	maxBody = 64 << 10
)

// config is what the flags set.
type config struct {
	rpID             string
	rpName           string
	origins          []string
	userVerification passkey.UserVerification
	// secureCookie marks the session cookie Secure: set when the origin is
	// https (the server may sit behind a TLS-terminating proxy).
	secureCookie bool
}

// pending is an issued challenge waiting for its response: single use,
// bound to one session and one ceremony ("register" or "login").
type pending struct {
	challenge []byte
	expires   time.Time
	// register: the new account. login: the named user, or "" for a
	// discoverable sign-in.
	username string
	userID   []byte
	allow    []passkey.Bytes
}

type user struct {
	name        string
	id          []byte
	credentials []string // base64url credential IDs
}

// credential is a stored passkey: its record JSON and the record prepared
// for verification (replaced, never changed, after each sign-in; a
// replaced one is freed by the garbage collector once no sign-in in flight
// uses it).
type credential struct {
	username string
	record   []byte
	prepared *passkey.Credential
}

// server is the relying party: in-memory users, passkeys, sessions and
// challenges, all behind one mutex (verification runs outside it).
type server struct {
	config
	mu          sync.Mutex
	users       map[string]*user       // by name
	credentials map[string]*credential // by base64url credential ID
	sessions    map[string]string      // session ID → signed-in user name ("" = signed out)
	pendings    map[string]pending     // session ID + "/" + ceremony

	// The options makers and the clock; tests replace them to replay
	// recorded responses.
	registrationOptions   func(passkey.CreationParams) (*passkey.CreationOptions, error)
	authenticationOptions func(passkey.RequestParams) (*passkey.RequestOptions, error)
	now                   func() time.Time
}

func newServer(c config) *server {
	return &server{
		config:                c,
		users:                 map[string]*user{},
		credentials:           map[string]*credential{},
		sessions:              map[string]string{},
		pendings:              map[string]pending{},
		registrationOptions:   passkey.RegistrationOptions,
		authenticationOptions: passkey.AuthenticationOptions,
		now:                   time.Now,
	}
}

// handler routes the API.
func (s *server) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/register/options", s.post(s.registerOptions))
	mux.HandleFunc("/register/verify", s.post(s.registerVerify))
	mux.HandleFunc("/login/options", s.post(s.loginOptions))
	mux.HandleFunc("/login/verify", s.post(s.loginVerify))
	mux.HandleFunc("/me", s.me)
	return mux
}

// apiError is an error answer: {"error": {"code", "message"}}.
type apiError struct {
	status        int
	code, message string
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

// handlerFunc is a POST endpoint: the session ID and the body in, a JSON
// value or an error out.
type handlerFunc func(w http.ResponseWriter, session string, body []byte) (interface{}, error)

// post reads the body and the session (creating one when the request has
// none) and writes the answer.
func (s *server) post(h handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			writeError(w, &apiError{http.StatusMethodNotAllowed, "method_not_allowed", r.Method + " " + r.URL.Path})
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
		if err != nil {
			writeError(w, &apiError{http.StatusRequestEntityTooLarge, "payload_too_large", err.Error()})
			return
		}
		session, err := s.sessionOf(w, r)
		if err != nil {
			writeError(w, err)
			return
		}
		answer, err := h(w, session, body)
		if err != nil {
			writeError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, answer)
	}
}

func writeJSON(w http.ResponseWriter, status int, value interface{}) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if err := json.NewEncoder(w).Encode(value); err != nil {
		log.Printf("writing the answer: %v", err)
	}
}

// writeError answers err: an *apiError as it says, a *passkey.Error as a
// refused ceremony (400 for input that does not parse, 500 for the
// library's own failure, 401 otherwise), anything else as 500.
func writeError(w http.ResponseWriter, err error) {
	var api *apiError
	var perr *passkey.Error
	switch {
	case errors.As(err, &api):
	case errors.As(err, &perr):
		api = &apiError{http.StatusUnauthorized, perr.Code, perr.Message}
		switch {
		case perr.Code == passkey.CodeInternal:
			api.status = http.StatusInternalServerError
		case perr.Code == passkey.CodeInvalidArgument || strings.HasPrefix(perr.Code, "malformed_"):
			api.status = http.StatusBadRequest
		}
	default:
		api = &apiError{http.StatusInternalServerError, "internal_error", err.Error()}
	}
	writeJSON(w, api.status, map[string]interface{}{"error": map[string]string{"code": api.code, "message": api.message}})
}

func randomID() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// sessionOf returns the request's session, or starts one and sets its
// cookie. An unknown cookie value (forged, or from before a restart) is
// replaced, never adopted.
func (s *server) sessionOf(w http.ResponseWriter, r *http.Request) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if cookie, err := r.Cookie(sessionCookie); err == nil {
		if _, known := s.sessions[cookie.Value]; known {
			return cookie.Value, nil
		}
	}
	return s.newSession(w, "")
}

// newSession starts a session for `username` ("" = signed out) and sets its
// cookie. The caller holds mu.
func (s *server) newSession(w http.ResponseWriter, username string) (string, error) {
	id, err := randomID()
	if err != nil {
		return "", err
	}
	s.sessions[id] = username
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: id, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: s.secureCookie})
	return id, nil
}

// signIn replaces the session by a fresh one for username, so a session ID
// known before the sign-in is worth nothing after it. The caller holds mu.
func (s *server) signIn(w http.ResponseWriter, session, username string) error {
	delete(s.sessions, session)
	_, err := s.newSession(w, username)
	return err
}

// putPending stores the challenge of a ceremony for the session, replacing
// an earlier one of the same ceremony.
func (s *server) putPending(session, ceremony string, p pending) {
	now := s.now()
	p.expires = now.Add(challengeTTL)
	s.mu.Lock()
	defer s.mu.Unlock()
	// Unanswered challenges go when they expire, so abandoned ceremonies
	// do not accumulate.
	for key, old := range s.pendings {
		if now.After(old.expires) {
			delete(s.pendings, key)
		}
	}
	s.pendings[session+"/"+ceremony] = p
}

// takePending removes and returns the session's challenge for the
// ceremony: each challenge is answered at most once, whatever the outcome.
func (s *server) takePending(session, ceremony string) (pending, error) {
	s.mu.Lock()
	p, ok := s.pendings[session+"/"+ceremony]
	delete(s.pendings, session+"/"+ceremony)
	s.mu.Unlock()
	if !ok {
		return p, &apiError{http.StatusUnauthorized, "challenge_not_found", "no " + ceremony + " challenge outstanding for this session"}
	}
	if s.now().After(p.expires) {
		return p, &apiError{http.StatusUnauthorized, "challenge_expired", "the " + ceremony + " challenge expired"}
	}
	return p, nil
}

// verifyOptions: the RP's options for a response to `challenge`.
func (s *server) verifyOptions(challenge []byte) passkey.Options {
	return passkey.Options{RPIDs: []string{s.rpID}, Origins: s.origins, Challenge: challenge,
		UserVerification: s.userVerification, Now: s.now().Unix()}
}

func decodeRequest(body []byte, into interface{}) error {
	if len(body) == 0 {
		body = []byte("{}")
	}
	if err := json.Unmarshal(body, into); err != nil {
		return &apiError{http.StatusBadRequest, "invalid_request", err.Error()}
	}
	return nil
}

// registerOptions: {"username", "displayName"} → creation options for a
// new account.
func (s *server) registerOptions(_ http.ResponseWriter, session string, body []byte) (interface{}, error) {
	var request struct {
		Username    string `json:"username"`
		DisplayName string `json:"displayName"`
	}
	if err := decodeRequest(body, &request); err != nil {
		return nil, err
	}
	if request.Username == "" {
		return nil, &apiError{http.StatusBadRequest, "invalid_request", "username is required"}
	}
	s.mu.Lock()
	_, taken := s.users[request.Username]
	s.mu.Unlock()
	if taken {
		return nil, &apiError{http.StatusConflict, "username_taken", request.Username}
	}
	made, err := s.registrationOptions(passkey.CreationParams{RPID: s.rpID, RPName: s.rpName,
		UserName: request.Username, UserDisplayName: request.DisplayName, UserVerification: s.userVerification})
	if err != nil {
		return nil, err
	}
	s.putPending(session, "register", pending{challenge: made.Challenge, username: request.Username, userID: made.UserID})
	return made.Options, nil
}

// registerVerify: RegistrationResponseJSON → the new account, signed in.
func (s *server) registerVerify(w http.ResponseWriter, session string, body []byte) (interface{}, error) {
	p, err := s.takePending(session, "register")
	if err != nil {
		return nil, err
	}
	options := s.verifyOptions(p.challenge)
	options.UserHandle = p.userID
	record, err := passkey.VerifyRegistration(options, body)
	if err != nil {
		return nil, err
	}
	prepared, err := passkey.PrepareCredential(record.JSON)
	if err != nil {
		return nil, err
	}
	id := base64.RawURLEncoding.EncodeToString(record.ID)
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, taken := s.users[p.username]; taken {
		return nil, &apiError{http.StatusConflict, "username_taken", p.username}
	}
	if _, taken := s.credentials[id]; taken {
		return nil, &apiError{http.StatusConflict, "credential_already_registered", id}
	}
	s.users[p.username] = &user{name: p.username, id: p.userID, credentials: []string{id}}
	s.credentials[id] = &credential{username: p.username, record: record.JSON, prepared: prepared}
	if err := s.signIn(w, session, p.username); err != nil {
		return nil, err
	}
	return map[string]interface{}{"verified": true, "username": p.username, "credentialId": id}, nil
}

// loginOptions: {"username"} names the user (allowCredentials = their
// passkeys); {} asks for a discoverable credential.
func (s *server) loginOptions(_ http.ResponseWriter, session string, body []byte) (interface{}, error) {
	var request struct {
		Username string `json:"username"`
	}
	if err := decodeRequest(body, &request); err != nil {
		return nil, err
	}
	p := pending{username: request.Username}
	params := passkey.RequestParams{RPID: s.rpID, UserVerification: s.userVerification}
	if request.Username != "" {
		s.mu.Lock()
		u, known := s.users[request.Username]
		if known {
			p.userID = u.id
			for _, id := range u.credentials {
				raw, _ := base64.RawURLEncoding.DecodeString(id)
				p.allow = append(p.allow, raw)
				params.AllowCredentials = append(params.AllowCredentials, passkey.CredentialDescriptor{ID: raw})
			}
		}
		s.mu.Unlock()
		if !known {
			return nil, &apiError{http.StatusNotFound, "user_not_found", request.Username}
		}
	}
	made, err := s.authenticationOptions(params)
	if err != nil {
		return nil, err
	}
	p.challenge = made.Challenge
	s.putPending(session, "login", p)
	return made.Options, nil
}

// loginVerify: AuthenticationResponseJSON → the user, signed in; the
// stored record (signCount, backupState, lastUsedAt) is updated.
func (s *server) loginVerify(w http.ResponseWriter, session string, body []byte) (interface{}, error) {
	p, err := s.takePending(session, "login")
	if err != nil {
		return nil, err
	}
	var response struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(body, &response); err != nil {
		return nil, &apiError{http.StatusBadRequest, "malformed_response", err.Error()}
	}
	s.mu.Lock()
	stored, known := s.credentials[response.ID]
	s.mu.Unlock()
	if !known {
		return nil, &apiError{http.StatusUnauthorized, "credential_not_found", response.ID}
	}
	options := s.verifyOptions(p.challenge)
	if p.username == "" {
		// The user is whoever the credential's userHandle names, which the
		// library checks against the record.
		options.Discoverable = true
	} else {
		options.UserHandle = p.userID
		options.AllowCredentials = p.allow
	}
	result, err := stored.prepared.VerifyAuthentication(options, body)
	if err != nil {
		return nil, err
	}
	prepared, err := passkey.PrepareCredential(result.Credential.JSON)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	// Compare and set: a concurrent sign-in with the same credential that
	// stored its record first wins; this one is a replay of the counter.
	if s.credentials[response.ID] != stored {
		return nil, &apiError{http.StatusUnauthorized, "sign_count_rollback", "a concurrent sign-in updated the credential"}
	}
	s.credentials[response.ID] = &credential{username: stored.username, record: result.Credential.JSON, prepared: prepared}
	if err := s.signIn(w, session, stored.username); err != nil {
		return nil, err
	}
	return map[string]interface{}{"verified": true, "username": stored.username, "signCount": result.SignCount,
		"userVerified": result.UserVerified, "backupState": result.BackupState}, nil
}

// me: GET → {"username"} of the signed-in session, or 401 not_signed_in.
func (s *server) me(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		writeError(w, &apiError{http.StatusMethodNotAllowed, "method_not_allowed", r.Method + " " + r.URL.Path})
		return
	}
	name := ""
	if cookie, err := r.Cookie(sessionCookie); err == nil {
		s.mu.Lock()
		name = s.sessions[cookie.Value]
		s.mu.Unlock()
	}
	if name == "" {
		writeError(w, &apiError{http.StatusUnauthorized, "not_signed_in", "no signed-in session"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"username": name})
}
