// Umbrella header: the whole public API of passkey.
#ifndef PASSKEY_PASSKEY_H_
#define PASSKEY_PASSKEY_H_

#include <passkey/aaguid_catalog.h>
#include <passkey/attestation_trust.h>
#include <passkey/authentication.h>
#include <passkey/bytes.h>
#include <passkey/ceremony.h>
#include <passkey/ceremony_options.h>
#include <passkey/credential_record.h>
#include <passkey/mds.h>
#include <passkey/options.h>
#include <passkey/prepared_credential.h>
#include <passkey/registration.h>
#include <passkey/result.h>
#include <passkey/types.h>

#endif  // PASSKEY_PASSKEY_H_
