package passkey

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
)

// Bytes is binary data that encodes to JSON as base64url without padding,
// the encoding of every binary value in the library's JSON (challenges,
// user handles, credential IDs, keys). A []byte converts to it implicitly
// in assignments.
type Bytes []byte

// MarshalJSON encodes b as a base64url string without padding.
func (b Bytes) MarshalJSON() ([]byte, error) {
	return json.Marshal(base64.RawURLEncoding.EncodeToString(b))
}

// UnmarshalJSON decodes a base64url string without padding. Padding, the
// standard alphabet and non-canonical trailing bits are refused, as the
// library refuses them.
func (b *Bytes) UnmarshalJSON(data []byte) error {
	var text string
	if err := json.Unmarshal(data, &text); err != nil {
		return err
	}
	decoded, err := base64.RawURLEncoding.Strict().DecodeString(text)
	if err != nil {
		return fmt.Errorf("passkey: %q is not base64url without padding: %w", text, err)
	}
	*b = decoded
	return nil
}

// UserVerification is the WebAuthn UserVerificationRequirement.
type UserVerification string

// The UserVerificationRequirement values. The zero value ("") means the
// library's default, UserVerificationRequired.
const (
	UserVerificationRequired    UserVerification = "required"
	UserVerificationPreferred   UserVerification = "preferred"
	UserVerificationDiscouraged UserVerification = "discouraged"
)

// Options are the verification options of both ceremonies: the options
// JSON of the C API (include/passkey/passkey_c_options.schema.json), one
// field per member, with the same names in the json tags. Zero values are
// omitted and mean the library's default; the defaults are strict (user
// verification required, no cross-origin use, no SHA-1, every supported
// algorithm except RS1).
type Options struct {
	// RPIDs are the acceptable RP IDs (at least one is needed).
	RPIDs []string `json:"rpIds,omitempty"`
	// Origins are the acceptable clientDataJSON.origin values, compared
	// exactly (at least one is needed).
	Origins []string `json:"origins,omitempty"`
	// TopOrigins are the acceptable clientDataJSON.topOrigin values (they
	// need AllowCrossOrigin).
	TopOrigins []string `json:"topOrigins,omitempty"`
	// AllowCrossOrigin accepts clientDataJSON.crossOrigin true.
	AllowCrossOrigin bool `json:"allowCrossOrigin,omitempty"`
	// Challenge is the challenge the server sent, as raw bytes.
	Challenge Bytes `json:"challenge,omitempty"`
	// UserVerification: "" or UserVerificationRequired makes the UV flag
	// mandatory.
	UserVerification UserVerification `json:"userVerification,omitempty"`
	// AllowedAlgorithms are COSE algorithm numbers (-7 ES256, -8 EdDSA,
	// -257 RS256, ...); empty means every supported one except RS1.
	AllowedAlgorithms []int `json:"allowedAlgorithms,omitempty"`
	// ExpectedTypes replace webauthn.create / webauthn.get as the accepted
	// clientDataJSON.type values.
	ExpectedTypes []string `json:"expectedTypes,omitempty"`
	// Now is the verification time in Unix seconds; 0 reads the system
	// clock.
	Now int64 `json:"now,omitempty"`
	// AllowSha1Attestation accepts SHA-1 signatures (RS1 keys, RS1
	// attestation statements, SHA-1 certificates). For authentication it
	// is the deprecated former name of AllowRs1Credentials.
	AllowSha1Attestation bool `json:"allowSha1Attestation,omitempty"`
	// UserHandle is user.id: stored in the new record at registration,
	// required of the assertion at authentication.
	UserHandle Bytes `json:"userHandle,omitempty"`

	// TrustAnchors are PEM certificates attestation paths may chain to
	// (registration only).
	TrustAnchors []string `json:"trustAnchors,omitempty"`
	// CRLs are PEM CRLs for attestation paths (registration only).
	CRLs []string `json:"crls,omitempty"`
	// RequireTrustedAttestation refuses attestation that does not chain to
	// a trust anchor with attestation_untrusted (registration only).
	RequireTrustedAttestation bool `json:"requireTrustedAttestation,omitempty"`
	// RequireRevocationCheck refuses attestation paths with a CRL
	// distribution point that no given CRL covers (registration only).
	RequireRevocationCheck bool `json:"requireRevocationCheck,omitempty"`
	// AndroidKeyRequireTee requires android-key origin and purpose in the
	// TEE/StrongBox authorization list (registration only).
	AndroidKeyRequireTee bool `json:"androidKeyRequireTee,omitempty"`
	// AllowSafetynetWithoutCtsProfileMatch accepts SafetyNet
	// ctsProfileMatch false (registration only).
	AllowSafetynetWithoutCtsProfileMatch bool `json:"allowSafetynetWithoutCtsProfileMatch,omitempty"`
	// DangerSkipSafetynetTimestampCheck accepts any SafetyNet timestampMs;
	// for archived data only (registration only).
	DangerSkipSafetynetTimestampCheck bool `json:"dangerSkipSafetynetTimestampCheck,omitempty"`
	// SafetynetTimestampWindowSeconds is how far SafetyNet timestampMs may
	// lie from now; nil means the library's default, 60 (registration
	// only).
	SafetynetTimestampWindowSeconds *int64 `json:"safetynetTimestampWindowSeconds,omitempty"`
	// Mediation is the creation options' mediation: "conditional" lets the
	// UP flag be clear (registration only).
	Mediation string `json:"mediation,omitempty"`

	// AppID is the FIDO AppID extension input (authentication only).
	AppID string `json:"appid,omitempty"`
	// AllowCredentials are the credential IDs sent in allowCredentials;
	// another credential fails with credential_not_allowed
	// (authentication only).
	AllowCredentials []Bytes `json:"allowCredentials,omitempty"`
	// Discoverable says the user was not identified before the ceremony,
	// so the response must carry a userHandle (authentication only).
	Discoverable bool `json:"discoverable,omitempty"`
	// AllowSignCountRollback accepts a signature counter that did not
	// increase, reported in AuthenticationResult.SignCountRollback
	// (authentication only).
	AllowSignCountRollback bool `json:"allowSignCountRollback,omitempty"`
	// AllowRs1Credentials accepts a stored credential whose key is RS1
	// (SHA-1); with AllowedAlgorithms, -65535 must be listed too
	// (authentication only).
	AllowRs1Credentials bool `json:"allowRs1Credentials,omitempty"`
}

// Provider names a passkey provider or security key model, from the AAGUID
// catalog compiled into the library. For display only.
type Provider struct {
	// AAGUID is set by Aaguid; it is empty in Record.Provider.
	AAGUID    string `json:"aaguid,omitempty"`
	Name      string `json:"name"`
	IconLight string `json:"iconLight"`
	IconDark  string `json:"iconDark"`
}

// Record is a credential record (version 1; README "The credential
// record"). JSON is the exact text the library wrote: store it, and pass
// it back to VerifyAuthentication or PrepareCredential. The other fields
// are decoded from it for convenience.
type Record struct {
	JSON json.RawMessage `json:"-"`

	Version        int      `json:"version"`
	ID             Bytes    `json:"id"`
	PublicKey      Bytes    `json:"publicKey"`
	Algorithm      *int     `json:"algorithm,omitempty"`
	SignCount      uint32   `json:"signCount"`
	UVInitialized  bool     `json:"uvInitialized"`
	Transports     []string `json:"transports"`
	BackupEligible *bool    `json:"backupEligible,omitempty"`
	BackupState    bool     `json:"backupState"`
	// DeviceType is "multiDevice", "singleDevice", or "" when
	// BackupEligible is unknown.
	DeviceType string `json:"deviceType,omitempty"`
	// Attachment is "platform", "cross-platform", or "" when the client did
	// not report it.
	Attachment string `json:"attachment,omitempty"`
	AAGUID     string `json:"aaguid"`
	// Provider is nil when the AAGUID is unknown or all-zero.
	Provider           *Provider `json:"provider,omitempty"`
	AttestationFormat  string    `json:"attestationFormat,omitempty"`
	AttestationType    string    `json:"attestationType,omitempty"`
	AttestationTrusted bool      `json:"attestationTrusted,omitempty"`
	RevocationChecked  bool      `json:"revocationChecked,omitempty"`
	RPID               string    `json:"rpId,omitempty"`
	UserHandle         Bytes     `json:"userHandle,omitempty"`
	UserPresent        *bool     `json:"userPresent,omitempty"`
	AttestationObject  Bytes     `json:"attestationObject,omitempty"`
	ClientDataJSON     Bytes     `json:"clientDataJSON,omitempty"`
	// CreatedAt and LastUsedAt are ISO 8601 UTC times from Options.Now.
	CreatedAt  string `json:"createdAt,omitempty"`
	LastUsedAt string `json:"lastUsedAt,omitempty"`
}

// AuthenticationResult is a verified assertion. Credential is the updated
// record (new signCount, backupState, uvInitialized, lastUsedAt): store it
// in place of the old one.
type AuthenticationResult struct {
	Credential         *Record `json:"-"`
	SignCount          uint32  `json:"signCount"`
	UserVerified       bool    `json:"userVerified"`
	BackupState        bool    `json:"backupState"`
	BackupStateChanged bool    `json:"backupStateChanged"`
	// SignCountRollback is true only with Options.AllowSignCountRollback,
	// when the counter did not increase.
	SignCountRollback bool `json:"signCountRollback"`
}

// CredentialDescriptor is a PublicKeyCredentialDescriptor of
// excludeCredentials / allowCredentials.
type CredentialDescriptor struct {
	ID         Bytes    `json:"id"`
	Transports []string `json:"transports,omitempty"`
}

// CreationParams are the parameters of RegistrationOptions
// (include/passkey/passkey_c_creation_params.schema.json). RPID, RPName and
// UserName are required; zero values of the others mean the library's
// default.
type CreationParams struct {
	RPID            string `json:"rpId"`
	RPName          string `json:"rpName"`
	UserName        string `json:"userName"`
	UserDisplayName string `json:"userDisplayName,omitempty"`
	// UserID is user.id (1..64 bytes); nil makes the library draw 32 random
	// bytes, returned in CreationOptions.UserID.
	UserID Bytes `json:"userId,omitempty"`
	// Algorithms are pubKeyCredParams as COSE numbers, most preferred
	// first; empty means every supported algorithm.
	Algorithms         []int                  `json:"algorithms,omitempty"`
	ExcludeCredentials []CredentialDescriptor `json:"excludeCredentials,omitempty"`
	// AuthenticatorAttachment is "platform", "cross-platform" or "".
	AuthenticatorAttachment string `json:"authenticatorAttachment,omitempty"`
	// ResidentKey is "required" (default), "preferred" or "discouraged".
	ResidentKey      string           `json:"residentKey,omitempty"`
	UserVerification UserVerification `json:"userVerification,omitempty"`
	// Hints are "security-key", "client-device", "hybrid", in order.
	Hints []string `json:"hints,omitempty"`
	// Attestation is "none" (default), "indirect", "direct" or
	// "enterprise".
	Attestation        string   `json:"attestation,omitempty"`
	AttestationFormats []string `json:"attestationFormats,omitempty"`
	// Timeout in milliseconds; nil means 300000, a pointer to 0 omits it.
	Timeout *uint32 `json:"timeout,omitempty"`
	// CredProps requests the credProps extension; nil means true.
	CredProps *bool `json:"credProps,omitempty"`
	// ChallengeSize is the challenge length in bytes, 16..64; 0 means 32.
	ChallengeSize int `json:"challengeSize,omitempty"`
}

// RequestParams are the parameters of AuthenticationOptions
// (include/passkey/passkey_c_request_params.schema.json). RPID is required.
type RequestParams struct {
	RPID string `json:"rpId"`
	// AllowCredentials empty asks for a discoverable credential.
	AllowCredentials []CredentialDescriptor `json:"allowCredentials,omitempty"`
	UserVerification UserVerification       `json:"userVerification,omitempty"`
	Hints            []string               `json:"hints,omitempty"`
	// Timeout in milliseconds; nil means 300000, a pointer to 0 omits it.
	Timeout *uint32 `json:"timeout,omitempty"`
	// ChallengeSize is the challenge length in bytes, 16..64; 0 means 32.
	ChallengeSize int `json:"challengeSize,omitempty"`
}

// CreationOptions is what RegistrationOptions made. Send Options to the
// browser (navigator.credentials.create, after
// PublicKeyCredential.parseCreationOptionsFromJSON); keep Challenge and
// UserID server-side for the verification (Options.Challenge,
// Options.UserHandle).
type CreationOptions struct {
	// Options is PublicKeyCredentialCreationOptionsJSON.
	Options   json.RawMessage `json:"options"`
	Challenge Bytes           `json:"challenge"`
	UserID    Bytes           `json:"userId"`
}

// RequestOptions is what AuthenticationOptions made. Send Options to the
// browser (navigator.credentials.get); keep Challenge server-side.
type RequestOptions struct {
	// Options is PublicKeyCredentialRequestOptionsJSON.
	Options   json.RawMessage `json:"options"`
	Challenge Bytes           `json:"challenge"`
}

// MdsOptions are the options of MdsVerify
// (include/passkey/passkey_c_mds_options.schema.json).
type MdsOptions struct {
	// Roots are PEM certificates the BLOB's chain must reach (required).
	Roots []string `json:"roots"`
	// CRLs are PEM CRLs for the BLOB's chain.
	CRLs []string `json:"crls,omitempty"`
	// Now is the verification time in Unix seconds; 0 reads the system
	// clock.
	Now int64 `json:"now,omitempty"`
	// MinNumber is the no of the last BLOB accepted: a BLOB whose no is not
	// greater fails with mds_rollback. nil accepts any number.
	MinNumber *uint64 `json:"minNumber,omitempty"`
	// RequireRevocationCheck refuses a chain certificate with a CRL
	// distribution point no given CRL covers.
	RequireRevocationCheck bool `json:"requireRevocationCheck,omitempty"`
}

// MdsResult describes a verified FIDO MDS3 BLOB.
type MdsResult struct {
	Number     uint64 `json:"no"`
	NextUpdate string `json:"nextUpdate"`
	Entries    int    `json:"entries"`
	// Stale is true when the BLOB is past its nextUpdate (it still
	// verifies).
	Stale             bool `json:"stale"`
	RevocationChecked bool `json:"revocationChecked"`
}
