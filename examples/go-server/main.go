// go-server is an example relying party in Go on the passkey binding:
// passkey sign-up and sign-in (discoverable, or by user name) over a JSON
// HTTP API, with users, passkeys, sessions and challenges in memory.
//
//	go-server --addr 127.0.0.1:8080 --rp-id localhost --origin http://localhost:8080
//
// It prints the address it listens on (useful with port 0) on stdout once
// it accepts connections, and stops cleanly (exit 0) on SIGINT or SIGTERM.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"passkey.dev/passkey"
)

// origins collects repeated --origin flags.
type origins []string

func (o *origins) String() string     { return strings.Join(*o, ",") }
func (o *origins) Set(v string) error { *o = append(*o, v); return nil }

func main() {
	os.Exit(run(os.Args[1:]))
}

// run returns the exit status: 0 after a clean stop, 1 when the server
// cannot start or fails, 2 for a usage error.
func run(args []string) int {
	flags := flag.NewFlagSet("go-server", flag.ContinueOnError)
	addr := flags.String("addr", "127.0.0.1:8080", "listen address; port 0 picks a free one")
	rpID := flags.String("rp-id", "", "WebAuthn RP ID, e.g. localhost or example.com (required)")
	rpName := flags.String("rp-name", "Passkey example", "rp.name the browser shows")
	uv := flags.String("user-verification", "required", "required or preferred: whether sign-up and sign-in need the UV flag")
	var allowed origins
	flags.Var(&allowed, "origin", "origin the page is served from, compared exactly; repeatable (required)")
	if err := flags.Parse(args); err != nil {
		return 2
	}
	if *rpID == "" || len(allowed) == 0 || flags.NArg() != 0 ||
		(*uv != string(passkey.UserVerificationRequired) && *uv != string(passkey.UserVerificationPreferred)) {
		fmt.Fprintln(os.Stderr, "usage: go-server --rp-id ID --origin URL [--origin URL...] [--addr HOST:PORT] [--rp-name NAME] [--user-verification required|preferred]")
		return 2
	}
	s := newServer(config{rpID: *rpID, rpName: *rpName, origins: allowed,
		userVerification: passkey.UserVerification(*uv), secureCookie: strings.HasPrefix(allowed[0], "https://")})

	listener, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Print(err)
		return 1
	}
	httpServer := &http.Server{Handler: s.handler(), ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout: 10 * time.Second, WriteTimeout: 10 * time.Second}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	served := make(chan error, 1)
	go func() { served <- httpServer.Serve(listener) }()
	fmt.Println(listener.Addr().String())
	log.Printf("passkey %s, RP ID %s, origins %s", passkey.Version(), *rpID, allowed.String())

	select {
	case err := <-served:
		log.Print(err)
		return 1
	case <-stop:
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := httpServer.Shutdown(ctx); err != nil {
		log.Print(err)
		return 1
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		log.Print(err)
		return 1
	}
	return 0
}
