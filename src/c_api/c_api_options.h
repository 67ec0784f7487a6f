// The members of the C API's options and params JSON objects
// (passkey/passkey_c.h), exposed for the test that compares them with their
// JSON Schemas (include/passkey/passkey_c_*.schema.json). Internal.
#ifndef PASSKEY_C_API_C_API_OPTIONS_H_
#define PASSKEY_C_API_C_API_OPTIONS_H_

#include <string_view>
#include <vector>

namespace passkey::internal {

// Every member name each parser accepts: the verification options
// (passkey_c_options.schema.json), the registration and authentication
// options params (passkey_c_creation_params / passkey_c_request_params) and
// the MDS options (passkey_c_mds_options).
std::vector<std::string_view> CApiVerifyOptionMembers();
std::vector<std::string_view> CApiCreationParamMembers();
std::vector<std::string_view> CApiRequestParamMembers();
std::vector<std::string_view> CApiMdsOptionMembers();

}  // namespace passkey::internal

#endif  // PASSKEY_C_API_C_API_OPTIONS_H_
