// Package passkey verifies WebAuthn (passkey) registrations and
// authentications on the server, through the C API of the passkey C++
// library (include/passkey/passkey_c.h).
//
// It is strict by default: user verification required, exact origins, no
// cross-origin use, no SHA-1, a signature counter that must increase. A
// value comes back only when every check of WebAuthn L3 §7.1 / §7.2
// passed; otherwise the error is a *Error whose Code is a stable string
// ("challenge_mismatch", "signature_invalid", ...).
//
//	record, err := passkey.VerifyRegistration(passkey.Options{
//		RPIDs:     []string{"example.com"},
//		Origins:   []string{"https://example.com"},
//		Challenge: issuedChallenge,
//	}, registrationResponseJSON)
//	var perr *passkey.Error
//	if errors.As(err, &perr) {
//		log.Printf("refused: %s", perr.Code)
//	}
//
// Building: the package links the library's shared C API with cgo. Point
// cgo at the headers and the library, e.g.
//
//	CGO_CFLAGS=-I<prefix>/include
//	CGO_LDFLAGS="-L<libdir> -lpasskey -Wl,-rpath,<libdir>"
//
// (the project's CMake build sets these for its tests, see
// bindings/go/CMakeLists.txt). Every function is safe for concurrent use.
package passkey

/*
#include <stdlib.h>
#include <passkey/passkey_c.h>
*/
import "C"

import (
	"bytes"
	"encoding/json"
	"runtime"
	"sync"
	"unsafe"
)

// Error is why the library refused a call. Branch on Code, a stable
// snake_case name (README "Error codes"); Message is for logs only.
type Error struct {
	Code    string
	Message string
}

// Error returns "code: message".
func (e *Error) Error() string {
	if e.Message == "" {
		return "passkey: " + e.Code
	}
	return "passkey: " + e.Code + ": " + e.Message
}

// Error codes this package returns itself, besides the library's.
const (
	// CodeInvalidArgument: the caller's options or parameters are unusable.
	CodeInvalidArgument = "invalid_argument"
	// CodeInternal: the library or this binding failed (a bug, or out of
	// memory).
	CodeInternal = "internal_error"
	// CodeUnknownAaguid: the AAGUID catalog does not know the AAGUID
	// (Aaguid turns it into a nil *Provider).
	CodeUnknownAaguid = "unknown_aaguid"
)

// input is one text argument of a C API call: the text, the error code
// that refuses it, and its name for messages.
type input struct {
	text []byte
	code string
	what string
	err  error // set when the text could not be made (options JSON)
}

// optionsInput is the JSON of an options struct as an input.
func optionsInput(options interface{}, what string) input {
	text, err := json.Marshal(options)
	if err != nil {
		err = &Error{Code: CodeInvalidArgument, Message: what + ": " + err.Error()}
	}
	return input{text: text, code: CodeInvalidArgument, what: what, err: err}
}

// cString copies text for C. C strings end at the first NUL, so text that
// contains one would reach the library cut short and could mean something
// else: it is refused with `code` instead.
func cString(in input) (*C.char, error) {
	if in.err != nil {
		return nil, in.err
	}
	if bytes.IndexByte(in.text, 0) >= 0 {
		return nil, &Error{Code: in.code, Message: in.what + " contains a NUL byte"}
	}
	return C.CString(string(in.text)), nil
}

// cFunction is one C API entry point taking the inputs as C strings and
// filling `out` and `cerr`.
type cFunction func(args []*C.char, out **C.char, cerr *C.passkey_error) C.int

// call runs f with the inputs and returns its output text. The C copies of
// the inputs, the library's string and the error message are freed here,
// on every path.
func call(f cFunction, inputs ...input) ([]byte, error) {
	args := make([]*C.char, 0, len(inputs))
	defer func() {
		for _, arg := range args {
			C.free(unsafe.Pointer(arg))
		}
	}()
	for _, in := range inputs {
		arg, err := cString(in)
		if err != nil {
			return nil, err
		}
		args = append(args, arg)
	}
	var out *C.char
	var cerr C.passkey_error
	status := f(args, &out, &cerr)
	defer C.passkey_error_clear(&cerr)
	if status != 0 {
		if out != nil {
			C.passkey_string_free(out)
		}
		return nil, goError(&cerr)
	}
	if out == nil {
		return nil, &Error{Code: CodeInternal, Message: "the C API succeeded without output"}
	}
	defer C.passkey_string_free(out)
	return []byte(C.GoString(out)), nil
}

// goError copies a failed call's passkey_error (the caller clears it).
func goError(cerr *C.passkey_error) error {
	code := C.GoString(&cerr.code[0])
	if code == "" {
		code = CodeInternal
	}
	message := ""
	if cerr.message != nil {
		message = C.GoString(cerr.message)
	}
	return &Error{Code: code, Message: message}
}

// internalError reports output of the library that this binding cannot
// read: a bug on one side, never the caller's fault.
func internalError(what string, err error) error {
	return &Error{Code: CodeInternal, Message: what + ": " + err.Error()}
}

// Version returns the "MAJOR.MINOR.PATCH" version of the linked library.
func Version() string {
	return C.GoString(C.passkey_version())
}

// VerifyRegistration verifies a RegistrationResponseJSON (the browser's
// PublicKeyCredential.toJSON() of navigator.credentials.create) against
// options (WebAuthn L3 §7.1). On success it returns the new credential
// record: store Record.JSON. Errors are *Error: invalid_argument (bad
// options), malformed_response (not a RegistrationResponseJSON), then the
// code of the first failing check.
func VerifyRegistration(options Options, responseJSON []byte) (*Record, error) {
	text, err := call(func(args []*C.char, out **C.char, cerr *C.passkey_error) C.int {
		return C.passkey_verify_registration(args[0], args[1], out, cerr)
	}, optionsInput(options, "options"), responseInput(responseJSON))
	if err != nil {
		return nil, err
	}
	return parseRecord(text)
}

func responseInput(responseJSON []byte) input {
	return input{text: responseJSON, code: "malformed_response", what: "the response"}
}

func recordInput(recordJSON []byte) input {
	return input{text: recordJSON, code: "malformed_credential_record", what: "the record"}
}

// parseRecord decodes the library's record JSON, keeping the text.
func parseRecord(text []byte) (*Record, error) {
	record := &Record{}
	if err := json.Unmarshal(text, record); err != nil {
		return nil, internalError("the library's record JSON", err)
	}
	record.JSON = json.RawMessage(text)
	return record, nil
}

// parseAuthenticationResult decodes the result JSON of both
// authentication entry points.
func parseAuthenticationResult(text []byte) (*AuthenticationResult, error) {
	var wire struct {
		AuthenticationResult
		Credential json.RawMessage `json:"credential"`
	}
	if err := json.Unmarshal(text, &wire); err != nil {
		return nil, internalError("the library's authentication result JSON", err)
	}
	record, err := parseRecord(wire.Credential)
	if err != nil {
		return nil, err
	}
	result := wire.AuthenticationResult
	result.Credential = record
	return &result, nil
}

// VerifyAuthentication verifies an AuthenticationResponseJSON (from
// navigator.credentials.get) against options and the stored record JSON
// (WebAuthn L3 §7.2). On success, store result.Credential.JSON in place of
// the old record. Errors are *Error: invalid_argument (bad options),
// malformed_credential_record / unsupported_record_version (the record),
// malformed_response, then the code of the first failing check.
func VerifyAuthentication(options Options, recordJSON, responseJSON []byte) (*AuthenticationResult, error) {
	text, err := call(func(args []*C.char, out **C.char, cerr *C.passkey_error) C.int {
		return C.passkey_verify_authentication(args[0], args[1], args[2], out, cerr)
	}, optionsInput(options, "options"), recordInput(recordJSON), responseInput(responseJSON))
	if err != nil {
		return nil, err
	}
	return parseAuthenticationResult(text)
}

// Credential is a stored credential record whose public key was parsed and
// imported once, for servers that verify many assertions against it. It is
// immutable: any number of goroutines may verify with it at once. Close
// frees it; a Credential that is not closed is freed when garbage
// collected.
type Credential struct {
	mu     sync.RWMutex // read-held by verifications, write-held by Close
	handle *C.passkey_credential
}

// PrepareCredential parses a stored record JSON and imports its key.
// Errors are *Error: malformed_credential_record,
// unsupported_record_version, invalid_public_key, unsupported_algorithm.
func PrepareCredential(recordJSON []byte) (*Credential, error) {
	cRecord, err := cString(recordInput(recordJSON))
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(cRecord))
	var handle *C.passkey_credential
	var cerr C.passkey_error
	defer C.passkey_error_clear(&cerr)
	if C.passkey_credential_prepare(cRecord, &handle, &cerr) != 0 {
		return nil, goError(&cerr)
	}
	credential := &Credential{handle: handle}
	runtime.SetFinalizer(credential, (*Credential).Close)
	return credential, nil
}

// Close frees the credential. Verifications running on other goroutines
// finish first; later ones fail with invalid_argument. Closing twice is
// harmless. It always returns nil.
func (c *Credential) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.handle != nil {
		C.passkey_credential_free(c.handle)
		c.handle = nil
	}
	runtime.SetFinalizer(c, nil)
	return nil
}

// VerifyAuthentication is the package's VerifyAuthentication with the
// prepared credential (same checks, same order, same result). The
// credential itself is not changed: to use the result's updated record
// for the next sign-in, prepare a new Credential from
// result.Credential.JSON.
func (c *Credential) VerifyAuthentication(options Options, responseJSON []byte) (*AuthenticationResult, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.handle == nil {
		return nil, &Error{Code: CodeInvalidArgument, Message: "the credential is closed"}
	}
	text, err := call(func(args []*C.char, out **C.char, cerr *C.passkey_error) C.int {
		return C.passkey_verify_authentication_prepared(args[0], c.handle, args[1], out, cerr)
	}, optionsInput(options, "options"), responseInput(responseJSON))
	if err != nil {
		return nil, err
	}
	return parseAuthenticationResult(text)
}

// RegistrationOptions makes PublicKeyCredentialCreationOptionsJSON with a
// fresh random challenge. Errors are *Error: invalid_argument (a missing
// or invalid parameter), internal_error (the random generator failed).
func RegistrationOptions(params CreationParams) (*CreationOptions, error) {
	made := &CreationOptions{}
	if err := makeOptions(params, made, func(args []*C.char, out **C.char, cerr *C.passkey_error) C.int {
		return C.passkey_make_registration_options(args[0], out, cerr)
	}); err != nil {
		return nil, err
	}
	return made, nil
}

// AuthenticationOptions makes PublicKeyCredentialRequestOptionsJSON with a
// fresh random challenge. Errors are as for RegistrationOptions.
func AuthenticationOptions(params RequestParams) (*RequestOptions, error) {
	made := &RequestOptions{}
	if err := makeOptions(params, made, func(args []*C.char, out **C.char, cerr *C.passkey_error) C.int {
		return C.passkey_make_authentication_options(args[0], out, cerr)
	}); err != nil {
		return nil, err
	}
	return made, nil
}

// makeOptions runs one options maker with params as JSON and decodes its
// output into made.
func makeOptions(params, made interface{}, maker cFunction) error {
	text, err := call(maker, optionsInput(params, "params"))
	if err != nil {
		return err
	}
	if err := json.Unmarshal(text, made); err != nil {
		return internalError("the library's options JSON", err)
	}
	return nil
}

// Aaguid looks an AAGUID (8-4-4-4-12 hex, either case) up in the catalog
// compiled into the library. It returns nil and no error when the catalog
// does not know it, and an *Error with invalid_argument when uuid is not
// an AAGUID.
func Aaguid(uuid string) (*Provider, error) {
	text, err := call(func(args []*C.char, out **C.char, cerr *C.passkey_error) C.int {
		return C.passkey_aaguid_lookup(args[0], out, cerr)
	}, input{text: []byte(uuid), code: CodeInvalidArgument, what: "the AAGUID"})
	if perr, ok := err.(*Error); ok && perr.Code == CodeUnknownAaguid {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	provider := &Provider{}
	if err := json.Unmarshal(text, provider); err != nil {
		return nil, internalError("the library's AAGUID JSON", err)
	}
	return provider, nil
}

// MdsVerify verifies a FIDO MDS3 BLOB (the JWS text downloaded from the
// Metadata Service) against options. A BLOB past its nextUpdate verifies
// with Stale set. Errors are *Error: invalid_argument (bad options),
// mds_limit_exceeded, mds_malformed, certificate_*, mds_untrusted,
// mds_signature_invalid, mds_rollback.
func MdsVerify(blob []byte, options MdsOptions) (*MdsResult, error) {
	text, err := call(func(args []*C.char, out **C.char, cerr *C.passkey_error) C.int {
		return C.passkey_mds_verify(args[0], args[1], out, cerr)
	}, input{text: blob, code: "mds_malformed", what: "the BLOB"}, optionsInput(options, "options"))
	if err != nil {
		return nil, err
	}
	result := &MdsResult{}
	if err := json.Unmarshal(text, result); err != nil {
		return nil, internalError("the library's MDS result JSON", err)
	}
	return result, nil
}
