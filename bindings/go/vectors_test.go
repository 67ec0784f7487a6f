package passkey_test

// The shared conformance vectors (schema webauthn-rp-vectors/v1, see
// ../shared/vectors/SCHEMA.md) run through the binding, mapped to Options
// as tests/vector_runner.cc maps them to the C++ options, with the same
// known deviations.

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"passkey.dev/passkey"
)

// vectorsDir: $PASSKEY_VECTORS_DIR, else the directory CMake configured,
// else ../shared/vectors beside the repository.
func vectorsDir() string {
	for _, name := range []string{"PASSKEY_VECTORS_DIR", "PASSKEY_SHARED_VECTORS_DIR"} {
		if dir := os.Getenv(name); dir != "" {
			return dir
		}
	}
	return filepath.Join("..", "..", "..", "shared", "vectors")
}

type attestationPolicy struct {
	SafetyNetRequireCtsProfileMatch *bool `json:"safetyNetRequireCtsProfileMatch"`
	SafetyNetVerifyTimestamp        *bool `json:"safetyNetVerifyTimestamp"`
	AllowSha1Attestation            *bool `json:"allowSha1Attestation"`
}

type vector struct {
	ID                      string             `json:"id"`
	Ceremony                string             `json:"ceremony"`
	RPID                    string             `json:"rpId"`
	AllowedRPIDs            []string           `json:"allowedRpIds"`
	AppID                   string             `json:"appid"`
	Origins                 []string           `json:"origins"`
	TopOrigins              []string           `json:"topOrigins"`
	AllowCrossOrigin        bool               `json:"allowCrossOrigin"`
	ExpectedType            json.RawMessage    `json:"expectedType"`
	Challenge               string             `json:"challenge"`
	RequireUserVerification *bool              `json:"requireUserVerification"`
	SupportedAlgorithms     []int              `json:"supportedAlgorithms"`
	CurrentTime             string             `json:"currentTime"`
	TrustAnchors            []string           `json:"trustAnchors"`
	AttestationPolicy       *attestationPolicy `json:"attestationPolicy"`
	Response                json.RawMessage    `json:"response"`
	Credential              json.RawMessage    `json:"credential"`
	Expect                  map[string]json.RawMessage
}

// UnmarshalJSON keeps `expect` as raw members, compared one by one.
func (v *vector) UnmarshalJSON(data []byte) error {
	type plain vector
	var wire struct {
		plain
		Expect map[string]json.RawMessage `json:"expect"`
	}
	if err := json.Unmarshal(data, &wire); err != nil {
		return err
	}
	*v = vector(wire.plain)
	v.Expect = wire.Expect
	return nil
}

// loadVectors reads every *.json of dir (trust-anchors/ is a
// subdirectory and not read). It skips the test when dir is absent.
func loadVectors(t *testing.T) []vector {
	t.Helper()
	dir := vectorsDir()
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("shared vectors not found at %s (set PASSKEY_VECTORS_DIR): %v", dir, err)
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no *.json vector file in %s (%v)", dir, err)
	}
	sort.Strings(files)
	var all []vector
	for _, file := range files {
		text, err := os.ReadFile(file)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		var doc struct {
			Schema  string   `json:"schema"`
			Vectors []vector `json:"vectors"`
		}
		if err := json.Unmarshal(text, &doc); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if doc.Schema != "webauthn-rp-vectors/v1" || len(doc.Vectors) == 0 {
			t.Fatalf("%s: schema %q with %d vectors", file, doc.Schema, len(doc.Vectors))
		}
		all = append(all, doc.Vectors...)
	}
	return all
}

// knownDeviations: the vectors tests/vector_runner.cc (kKnownDeviations)
// expects the library to refuse, with the code and the reason.
var knownDeviations = map[string]struct{ code, reason string }{
	"w3c/android-key-es256/registration": {"attestation_invalid",
		"synthetic spec vector whose KeyDescription authorization lists are both empty (§8.4 needs origin GENERATED and purpose SIGN)"},
	"w3c/fido-u2f-es256/registration": {"attestation_invalid",
		"synthetic spec vector with a non-zero AAGUID in a fido-u2f authenticatorData"},
	"simplewebauthn/reg/tpm-sha1-fido2-net-lib": {"certificate_invalid",
		"fido2-net-lib's fake AIK certificate has a malformed authorityKeyIdentifier"},
	"simplewebauthn/reg/tpm-sha256-fido2-net-lib": {"certificate_invalid",
		"fido2-net-lib's fake AIK certificate has a malformed authorityKeyIdentifier"},
}

// mlDsa: COSE ML-DSA-44/65/87, which need OpenSSL 3.5.
var mlDsa = map[int]bool{-48: true, -49: true, -50: true}

// expectation: success, or the error codes a rejection may carry.
type expectation struct {
	ok          bool
	codes       []string // a trailing '*' is a prefix match
	description string
}

func (e expectation) accepts(code string) bool {
	for _, accepted := range e.codes {
		if strings.HasSuffix(accepted, "*") && strings.HasPrefix(code, strings.TrimSuffix(accepted, "*")) {
			return true
		}
		if code == accepted {
			return true
		}
	}
	return false
}

// codesForReason maps SCHEMA.md's reasons to the library's codes (as
// tests/vector_runner.cc does).
func codesForReason(reason string) []string {
	switch reason {
	case "rpid_mismatch":
		return []string{"rp_id_mismatch"}
	case "counter_not_increased":
		return []string{"sign_count_rollback"}
	case "malformed":
		return []string{"malformed_*"}
	case "attestation_invalid":
		return []string{"attestation_invalid", "attestation_signature_invalid", "attestation_nonce_mismatch",
			"attestation_aaguid_mismatch", "attestation_key_mismatch", "certificate_invalid"}
	}
	return []string{reason}
}

func (v *vector) expectation() (expectation, error) {
	var ok bool
	if err := json.Unmarshal(v.Expect["ok"], &ok); err != nil {
		return expectation{}, fmt.Errorf("expect.ok: %v", err)
	}
	if ok {
		return expectation{ok: true, description: "success"}, nil
	}
	var reason string
	if err := json.Unmarshal(v.Expect["reason"], &reason); err != nil {
		return expectation{}, fmt.Errorf("expect.reason: %v", err)
	}
	codes := codesForReason(reason)
	return expectation{codes: codes, description: "rejection for " + reason + " (" + strings.Join(codes, " or ") + ")"}, nil
}

// outcome of one vector: kind is "pass", "fail" or "skip".
type outcome struct {
	kind, detail string
}

func fail(format string, args ...interface{}) outcome {
	return outcome{"fail", fmt.Sprintf(format, args...)}
}

// options maps the vector's RP configuration.
func (v *vector) options() (passkey.Options, error) {
	o := passkey.Options{RPIDs: v.AllowedRPIDs, Origins: v.Origins, TopOrigins: v.TopOrigins,
		AllowCrossOrigin: v.AllowCrossOrigin, AllowedAlgorithms: v.SupportedAlgorithms, AppID: v.AppID}
	if len(o.RPIDs) == 0 {
		o.RPIDs = []string{v.RPID}
	}
	challenge, err := base64.RawURLEncoding.Strict().DecodeString(v.Challenge)
	if err != nil {
		return o, fmt.Errorf("challenge: %v", err)
	}
	o.Challenge = challenge
	if v.RequireUserVerification == nil {
		return o, errors.New("requireUserVerification missing")
	}
	o.UserVerification = passkey.UserVerificationPreferred
	if *v.RequireUserVerification {
		o.UserVerification = passkey.UserVerificationRequired
	}
	if len(v.ExpectedType) > 0 {
		var one string
		if json.Unmarshal(v.ExpectedType, &one) == nil {
			o.ExpectedTypes = []string{one}
		} else if err := json.Unmarshal(v.ExpectedType, &o.ExpectedTypes); err != nil {
			return o, fmt.Errorf("expectedType: %v", err)
		}
	}
	// requireUserPresence false and allowSubdomainOrigins have no option:
	// the library always requires UP and exact origins, which can only make
	// a vector fail, never pass wrongly.
	if v.CurrentTime != "" {
		now, err := time.Parse(time.RFC3339, v.CurrentTime)
		if err != nil {
			return o, fmt.Errorf("currentTime: %v", err)
		}
		o.Now = now.Unix()
	}
	for _, anchor := range v.TrustAnchors {
		o.TrustAnchors = append(o.TrustAnchors,
			"-----BEGIN CERTIFICATE-----\n"+anchor+"\n-----END CERTIFICATE-----\n")
	}
	// Anchors given: the path must chain to one (SCHEMA.md).
	o.RequireTrustedAttestation = len(o.TrustAnchors) > 0
	if p := v.AttestationPolicy; p != nil {
		o.AllowSafetynetWithoutCtsProfileMatch = p.SafetyNetRequireCtsProfileMatch != nil && !*p.SafetyNetRequireCtsProfileMatch
		o.DangerSkipSafetynetTimestampCheck = p.SafetyNetVerifyTimestamp != nil && !*p.SafetyNetVerifyTimestamp
		o.AllowSha1Attestation = p.AllowSha1Attestation != nil && *p.AllowSha1Attestation
	}
	return o, nil
}

func (v *vector) sha1Unspecified() bool {
	return v.AttestationPolicy == nil || v.AttestationPolicy.AllowSha1Attestation == nil
}

// algorithm: the credential's COSE algorithm, from the registration
// response's publicKeyAlgorithm or the stored COSE key.
func (v *vector) algorithm() (int, bool) {
	if v.Ceremony == "registration" {
		var response struct {
			Response struct {
				PublicKeyAlgorithm *int `json:"publicKeyAlgorithm"`
			} `json:"response"`
		}
		if json.Unmarshal(v.Response, &response) != nil || response.Response.PublicKeyAlgorithm == nil {
			return 0, false
		}
		return *response.Response.PublicKeyAlgorithm, true
	}
	var credential struct {
		PublicKey passkey.Bytes `json:"publicKey"`
	}
	if json.Unmarshal(v.Credential, &credential) != nil {
		return 0, false
	}
	return coseAlgorithm(credential.PublicKey)
}

// run verifies the vector and judges the result against want.
func (v *vector) run(want expectation) outcome {
	options, err := v.options()
	if err != nil {
		return fail("malformed vector: %v", err)
	}
	var compare func() outcome
	if v.Ceremony == "registration" {
		record, err := passkey.VerifyRegistration(options, v.Response)
		// allowSha1Attestation unspecified: the default (SHA-1 refused) runs
		// first; a vector that needs SHA-1 must fail exactly with
		// algorithm_not_allowed, and is judged again with SHA-1 allowed.
		if perr := (*passkey.Error)(nil); v.sha1Unspecified() && errors.As(err, &perr) &&
			perr.Code == "algorithm_not_allowed" && !(!want.ok && want.accepts(perr.Code)) {
			options.AllowSha1Attestation = true
			record, err = passkey.VerifyRegistration(options, v.Response)
		}
		if err == nil {
			compare = func() outcome { return v.compareRecord(record, options.RequireTrustedAttestation) }
		}
		return v.judge(want, err, compare)
	}
	if v.Ceremony != "authentication" {
		return fail("malformed vector: ceremony %q", v.Ceremony)
	}
	// For authentication the vectors' allowSha1Attestation admits RS1
	// credential keys: the option's name there is allowRs1Credentials.
	options.AllowRs1Credentials, options.AllowSha1Attestation = options.AllowSha1Attestation, false
	result, err := passkey.VerifyAuthentication(options, v.Credential, v.Response)
	if err == nil {
		compare = func() outcome { return v.compareResult(result) }
	}
	return v.judge(want, err, compare)
}

// judge compares the error (or the success, checked by compare) with want.
func (v *vector) judge(want expectation, err error, compare func() outcome) outcome {
	if err == nil {
		if want.ok {
			return compare()
		}
		return fail("expected %s, but the binding accepted it", want.description)
	}
	var perr *passkey.Error
	if !errors.As(err, &perr) {
		return fail("error %v (%T) is not a *passkey.Error", err, err)
	}
	if alg, known := v.algorithm(); known && mlDsa[alg] && perr.Code == "unsupported_algorithm" {
		return outcome{"skip", fmt.Sprintf("ML-DSA (COSE %d) needs OpenSSL >= 3.5: %s", alg, perr.Message)}
	}
	if !want.ok && want.accepts(perr.Code) {
		return outcome{"pass", ""}
	}
	return fail("expected %s, binding returned %s: %s", want.description, perr.Code, perr.Message)
}

// checkFields compares the expect members present in actual.
func (v *vector) checkFields(actual map[string]interface{}) outcome {
	var mismatches []string
	keys := make([]string, 0, len(actual))
	for key := range actual {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	for _, key := range keys {
		raw, present := v.Expect[key]
		if !present {
			continue
		}
		var expected, got interface{}
		if err := json.Unmarshal(raw, &expected); err != nil {
			return fail("malformed vector: expect.%s: %v", key, err)
		}
		text, _ := json.Marshal(actual[key])
		_ = json.Unmarshal(text, &got)
		if !reflect.DeepEqual(expected, got) {
			mismatches = append(mismatches, fmt.Sprintf("%s: expected %s, got %s", key, raw, text))
		}
	}
	if len(mismatches) > 0 {
		return fail("succeeded but %s", strings.Join(mismatches, "; "))
	}
	return outcome{"pass", ""}
}

func (v *vector) compareRecord(record *passkey.Record, anchored bool) outcome {
	if anchored && !record.AttestationTrusted {
		return fail("succeeded but the attestation is not trusted")
	}
	actual := map[string]interface{}{
		"credentialId":        base64.RawURLEncoding.EncodeToString(record.ID),
		"credentialPublicKey": base64.RawURLEncoding.EncodeToString(record.PublicKey),
		"signCount":           record.SignCount,
		"alg":                 record.Algorithm,
		"aaguid":              record.AAGUID,
		"backupEligible":      record.BackupEligible,
		"backupState":         record.BackupState,
		"fmt":                 record.AttestationFormat,
		"userVerified":        record.UVInitialized,
		"attestationType":     record.AttestationType,
	}
	// "basic_or_attca" accepts either (they differ only in metadata).
	var attestationType string
	_ = json.Unmarshal(v.Expect["attestationType"], &attestationType)
	if attestationType == "basic_or_attca" && (record.AttestationType == "basic" || record.AttestationType == "attca") {
		delete(actual, "attestationType")
	}
	return v.checkFields(actual)
}

func (v *vector) compareResult(result *passkey.AuthenticationResult) outcome {
	return v.checkFields(map[string]interface{}{
		"signCount":    result.SignCount,
		"userVerified": result.UserVerified,
		"backupState":  result.BackupState,
		// The library refuses an assertion without UP.
		"userPresent":    true,
		"backupEligible": result.Credential.BackupEligible,
	})
}

// runVector applies the known deviations and the out-of-scope skips, then
// runs the vector.
func runVector(v vector) outcome {
	want, err := v.expectation()
	if err != nil {
		return fail("malformed vector: %v", err)
	}
	if deviation, known := knownDeviations[v.ID]; known && want.ok {
		want = expectation{codes: []string{deviation.code},
			description: "rejection with " + deviation.code + " (known deviation)"}
		result := v.run(want)
		if result.kind == "pass" {
			result.detail = "known deviation: " + deviation.reason
		}
		return result
	}
	var reason string
	if json.Unmarshal(v.Expect["reason"], &reason) == nil && reason == "certificate_revoked" {
		return outcome{"skip", "needs network CRLs (certificate_revoked)"}
	}
	return v.run(want)
}

// TestSharedVectors runs every vector as a subtest, asserting the expected
// outcome, the record or result fields, and the exact error codes.
func TestSharedVectors(t *testing.T) {
	vectors := loadVectors(t)
	counts := map[string]int{}
	deviations := 0
	for _, v := range vectors {
		v := v
		result := runVector(v)
		counts[result.kind]++
		if strings.HasPrefix(result.detail, "known deviation") {
			deviations++
		}
		t.Run(v.ID, func(t *testing.T) {
			switch result.kind {
			case "skip":
				t.Skip(result.detail)
			case "fail":
				t.Error(result.detail)
			default:
				if result.detail != "" {
					t.Log(result.detail)
				}
			}
		})
	}
	t.Logf("%d vectors: %d passed (%d known deviations), %d failed, %d skipped",
		len(vectors), counts["pass"], deviations, counts["fail"], counts["skip"])
	if counts["pass"] == 0 {
		t.Error("no vector passed")
	}
}

// TestSharedVectorsConcurrently verifies every vector from several
// goroutines at once; each must reach the outcome it reaches alone.
func TestSharedVectorsConcurrently(t *testing.T) {
	vectors := loadVectors(t)
	alone := make([]outcome, len(vectors))
	for i, v := range vectors {
		alone[i] = runVector(v)
	}
	const goroutines = 4
	var wg sync.WaitGroup
	failures := make(chan string, goroutines*len(vectors))
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for k := range vectors {
				i := (k + g*7) % len(vectors) // each goroutine starts elsewhere
				if got := runVector(vectors[i]); got.kind != alone[i].kind {
					failures <- fmt.Sprintf("%s: %s (%s) concurrently, %s alone",
						vectors[i].ID, got.kind, got.detail, alone[i].kind)
				}
			}
		}(g)
	}
	wg.Wait()
	close(failures)
	for failure := range failures {
		t.Error(failure)
	}
}

// TestPreparedCredentialAgreesOnVectors: for every authentication vector
// whose record prepares, the prepared path gives the plain path's result
// or error code, from several goroutines sharing one Credential.
func TestPreparedCredentialAgreesOnVectors(t *testing.T) {
	checked := 0
	for _, v := range loadVectors(t) {
		if v.Ceremony != "authentication" {
			continue
		}
		options, err := v.options()
		if err != nil {
			t.Fatalf("%s: %v", v.ID, err)
		}
		// One clock for both paths: the record's lastUsedAt comes from it.
		if options.Now == 0 {
			options.Now = time.Now().Unix()
		}
		credential, err := passkey.PrepareCredential(v.Credential)
		if err != nil {
			var perr *passkey.Error
			if !errors.As(err, &perr) {
				t.Fatalf("%s: %v is not a *passkey.Error", v.ID, err)
			}
			// Only ML-DSA before OpenSSL 3.5 fails to prepare here.
			if alg, _ := v.algorithm(); !mlDsa[alg] || perr.Code != "unsupported_algorithm" {
				t.Errorf("%s: PrepareCredential: %v", v.ID, err)
			}
			continue
		}
		plain, plainErr := passkey.VerifyAuthentication(options, v.Credential, v.Response)
		var wg sync.WaitGroup
		results := make([]string, 4)
		for g := range results {
			wg.Add(1)
			go func(g int) {
				defer wg.Done()
				results[g] = describe(credential.VerifyAuthentication(options, v.Response))
			}(g)
		}
		wg.Wait()
		credential.Close()
		for _, got := range results {
			if want := describe(plain, plainErr); got != want {
				t.Errorf("%s: prepared %s, plain %s", v.ID, got, want)
			}
		}
		checked++
	}
	if checked == 0 {
		t.Error("no authentication vector was checked")
	}
}

// describe summarises an authentication outcome for comparison.
func describe(result *passkey.AuthenticationResult, err error) string {
	if err != nil {
		var perr *passkey.Error
		if errors.As(err, &perr) {
			return "error " + perr.Code
		}
		return "foreign error " + err.Error()
	}
	return fmt.Sprintf("ok signCount=%d uv=%t bs=%t record=%s", result.SignCount, result.UserVerified,
		result.BackupState, result.Credential.JSON)
}

// coseAlgorithm reads `alg` (label 3) of a COSE_Key: a CBOR map whose
// labels are integers and whose values are integers or byte/text strings.
// It returns false for anything else.
func coseAlgorithm(key []byte) (int, bool) {
	// head reads one CBOR item head: major type and argument.
	head := func() (major byte, arg uint64, ok bool) {
		if len(key) == 0 {
			return 0, 0, false
		}
		major, info := key[0]>>5, key[0]&0x1f
		key = key[1:]
		if info < 24 {
			return major, uint64(info), true
		}
		size := map[byte]int{24: 1, 25: 2, 26: 4, 27: 8}[info]
		if size == 0 || len(key) < size {
			return 0, 0, false
		}
		for _, b := range key[:size] {
			arg = arg<<8 | uint64(b)
		}
		key = key[size:]
		return major, arg, true
	}
	// integer reads an int (major 0 or 1) from major and arg.
	integer := func(major byte, arg uint64) (int64, bool) {
		if arg > 1<<62 {
			return 0, false
		}
		switch major {
		case 0:
			return int64(arg), true
		case 1:
			return -1 - int64(arg), true
		}
		return 0, false
	}
	major, pairs, ok := head()
	if !ok || major != 5 {
		return 0, false
	}
	for i := uint64(0); i < pairs; i++ {
		labelMajor, labelArg, ok := head()
		if !ok {
			return 0, false
		}
		label, ok := integer(labelMajor, labelArg)
		if !ok {
			return 0, false
		}
		valueMajor, valueArg, ok := head()
		if !ok {
			return 0, false
		}
		if valueMajor == 2 || valueMajor == 3 {
			if uint64(len(key)) < valueArg {
				return 0, false
			}
			key = key[valueArg:]
			continue
		}
		value, ok := integer(valueMajor, valueArg)
		if !ok {
			return 0, false
		}
		if label == 3 {
			return int(value), true
		}
	}
	return 0, false
}
