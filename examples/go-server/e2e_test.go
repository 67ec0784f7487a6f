package main

// End to end: the real server (this test binary re-executed as main, in its
// own process) driven over HTTP like a browser would, with the software
// authenticator CLI making the credentials and assertions:
//
//	passkey authenticator create --store FILE --origin O < creationOptions.json > RegistrationResponseJSON
//	passkey authenticator get --store FILE --origin O < requestOptions.json > AuthenticationResponseJSON
//
// ctest go_server_e2e sets PASSKEY_CLI to the built passkey CLI; the test
// skips, saying why, when it is unset or has no `authenticator` command.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// serverMainEnv makes the test binary run main instead of the tests.
const serverMainEnv = "PASSKEY_GO_SERVER_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(serverMainEnv) == "1" {
		os.Exit(run(os.Args[1:]))
	}
	os.Exit(m.Run())
}

// e2e holds the running server and the authenticator's store.
type e2e struct {
	t     *testing.T
	cli   string
	base  string
	store string
}

// startServer runs the server on a free port of 127.0.0.1 and returns its
// address. The process is stopped by PID on every exit path of the test.
func startServer(t *testing.T, args ...string) (*exec.Cmd, string, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"--addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = append(os.Environ(), serverMainEnv+"=1")
	stderr := &bytes.Buffer{}
	cmd.Stderr = stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	lines := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		lines <- strings.TrimSpace(line)
	}()
	select {
	case addr := <-lines:
		if addr == "" {
			t.Fatalf("the server printed no address; stderr:\n%s", stderr)
		}
		return cmd, addr, stderr
	case <-time.After(20 * time.Second):
		t.Fatalf("the server did not print its address within 20 s; stderr:\n%s", stderr)
	}
	return nil, "", nil
}

// authenticator runs `passkey authenticator <command> --store S <args>`
// with options on stdin and returns the response JSON.
func (e *e2e) authenticator(command string, options []byte, args ...string) []byte {
	e.t.Helper()
	cmd := exec.Command(e.cli, append([]string{"authenticator", command, "--store", e.store}, args...)...)
	cmd.Stdin = bytes.NewReader(options)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		e.t.Fatalf("passkey authenticator %s %s: %v\n%s", command, strings.Join(args, " "), err, stderr.String())
	}
	return out
}

// authenticatorRefuses runs `passkey authenticator` expecting it to refuse
// the options (exit 1) with the error code `code` on stdout.
func (e *e2e) authenticatorRefuses(command string, options []byte, code string, args ...string) {
	e.t.Helper()
	cmd := exec.Command(e.cli, append([]string{"authenticator", command, "--store", e.store}, args...)...)
	cmd.Stdin = bytes.NewReader(options)
	out, err := cmd.Output()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		e.t.Fatalf("passkey authenticator %s %s: want exit 1, got %v", command, strings.Join(args, " "), err)
	}
	var parsed struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	if jsonErr := json.Unmarshal(out, &parsed); jsonErr != nil || parsed.Error.Code != code {
		e.t.Fatalf("passkey authenticator %s: want error %q, got %s", command, code, out)
	}
}

// browser is one user agent: its own cookies, so its own session.
type browser struct {
	e      *e2e
	client *http.Client
}

func (e *e2e) browser() *browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		e.t.Fatal(err)
	}
	return &browser{e: e, client: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
}

// post sends body and checks the status and, for an error, its code; it
// returns the answer's bytes.
func (b *browser) post(path string, body []byte, status int, code string) []byte {
	t := b.e.t
	t.Helper()
	response, err := b.client.Post(b.e.base+path, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer response.Body.Close()
	answer, err := io.ReadAll(response.Body)
	if err != nil {
		t.Fatal(err)
	}
	var parsed struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	if err := json.Unmarshal(answer, &parsed); err != nil {
		t.Fatalf("POST %s: answer is not JSON: %s", path, answer)
	}
	if response.StatusCode != status || parsed.Error.Code != code {
		t.Fatalf("POST %s: %d %s, want %d %q", path, response.StatusCode, answer, status, code)
	}
	return answer
}

type signIn struct {
	Username  string `json:"username"`
	SignCount uint32 `json:"signCount"`
}

func (b *browser) signIn(body []byte, origin string, args ...string) signIn {
	b.e.t.Helper()
	options := b.post("/login/options", body, 200, "")
	response := b.e.authenticator("get", options, append([]string{"--origin", origin}, args...)...)
	var answer signIn
	if err := json.Unmarshal(b.post("/login/verify", response, 200, ""), &answer); err != nil {
		b.e.t.Fatal(err)
	}
	return answer
}

func TestEndToEnd(t *testing.T) {
	cli := os.Getenv("PASSKEY_CLI")
	if cli == "" {
		t.Skip("PASSKEY_CLI is not set (ctest go_server_e2e sets it to the built passkey CLI)")
	}
	if out, err := exec.Command(cli, "authenticator", "--help").CombinedOutput(); err != nil {
		t.Skipf("`%s authenticator --help` failed (%v): this passkey CLI has no software authenticator yet: %s",
			cli, err, strings.TrimSpace(string(out)))
	}
	const origin = "http://localhost:8080"
	server, addr, serverLog := startServer(t, "--rp-id", "localhost", "--origin", origin)
	e := &e2e{t: t, cli: cli, base: "http://" + addr, store: filepath.Join(t.TempDir(), "authenticator.json")}

	// Sign-up.
	alice := e.browser()
	creation := alice.post("/register/options", []byte(`{"username": "alice", "displayName": "Alice"}`), 200, "")
	registration := e.authenticator("create", creation, "--origin", origin)
	alice.post("/register/verify", registration, 200, "")
	// The challenge was single use.
	alice.post("/register/verify", registration, 401, "challenge_not_found")

	// Sign-in by user name, then discoverable; the counter must advance.
	first := e.browser().signIn([]byte(`{"username": "alice"}`), origin)
	second := e.browser().signIn([]byte(`{}`), origin)
	if first.Username != "alice" || second.Username != "alice" || second.SignCount <= first.SignCount {
		t.Fatalf("sign-ins %+v then %+v: want alice with an increasing signCount", first, second)
	}

	// A replayed assertion: its challenge is gone.
	phone := e.browser()
	request := phone.post("/login/options", []byte(`{"username": "alice"}`), 200, "")
	assertion := e.authenticator("get", request, "--origin", origin)
	phone.post("/login/verify", assertion, 200, "")
	phone.post("/login/verify", assertion, 401, "challenge_not_found")

	// Refusals with the library's codes.
	bob := e.browser()
	creation = bob.post("/register/options", []byte(`{"username": "bob"}`), 200, "")
	bob.post("/register/verify", e.authenticator("create", creation, "--origin", "http://localhost:1"), 401, "origin_mismatch") // another origin of the RP ID
	// The server asks for user verification (userVerification "required"),
	// so an authenticator without it refuses before anything reaches the
	// server; the server's own UV check is in server_test.go.
	creation = bob.post("/register/options", []byte(`{"username": "bob"}`), 200, "")
	e.authenticatorRefuses("create", creation, "user_not_verified", "--origin", origin, "--no-uv")
	request = bob.post("/login/options", []byte(`{"username": "alice"}`), 200, "")
	e.authenticatorRefuses("get", request, "user_not_verified", "--origin", origin, "--no-uv")

	stopServer(t, server, serverLog)
}

// stopServer sends SIGTERM and expects exit status 0 within 10 s.
func stopServer(t *testing.T, server *exec.Cmd, serverLog *bytes.Buffer) {
	t.Helper()
	if err := server.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- server.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("the server exited with %v after SIGTERM; stderr:\n%s", err, serverLog)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("the server did not stop within 10 s of SIGTERM")
	}
}

// TestServerProcess: the real main listens on the port it prints, answers,
// and exits 0 on SIGTERM (the part of the end-to-end run that needs no
// authenticator).
func TestServerProcess(t *testing.T) {
	server, addr, serverLog := startServer(t, "--rp-id", "localhost", "--origin", "http://localhost:8080")
	response, err := http.Get("http://" + addr + "/me")
	if err != nil {
		t.Fatal(err)
	}
	response.Body.Close()
	if response.StatusCode != http.StatusUnauthorized {
		t.Fatalf("GET /me: %d, want 401", response.StatusCode)
	}
	e := &e2e{t: t, base: "http://" + addr}
	options := e.browser().post("/register/options", []byte(`{"username": "alice"}`), 200, "")
	var parsed struct {
		RP struct {
			ID string `json:"id"`
		} `json:"rp"`
		Challenge string `json:"challenge"`
	}
	if err := json.Unmarshal(options, &parsed); err != nil || parsed.RP.ID != "localhost" || len(parsed.Challenge) != 43 {
		t.Fatalf("creation options %s (%v)", options, err)
	}
	stopServer(t, server, serverLog)
}
