// The members of the C API's verification options JSON (passkey/passkey_c.h),
// exposed for the test that compares them with
// include/passkey/passkey_c_options.schema.json. Internal.
#ifndef PASSKEY_C_API_OPTIONS_H_
#define PASSKEY_C_API_OPTIONS_H_

#include <string_view>
#include <vector>

namespace passkey::internal {

// CApiVerifyOptionMembers: every member name the options parser accepts.
std::vector<std::string_view> CApiVerifyOptionMembers();

}  // namespace passkey::internal

#endif  // PASSKEY_C_API_OPTIONS_H_
