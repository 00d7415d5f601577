#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace ipcpg {

// A failure the user can act on. what() is a complete sentence that names the bad value or the
// kernel limit involved and, where there is one, the way out.
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The request itself is invalid (a size above the mechanism's limit, an unknown option value).
// Front ends map it to exit status 2; every other Error means the run failed (status 1).
class UsageError : public Error {
public:
    using Error::Error;
};

// Throws Error("<what>: <strerror(err)>"), adding a hint on how to raise the limit for the errno
// values that mean a kernel limit was hit (EMFILE, ENOSPC, ENOMEM, ...).
[[noreturn]] void throwSystemError(std::string_view what, int err);

// The hint throwSystemError appends, or an empty string when err is not a limit. It names the
// limit, its current value where the process has one, and how to raise it.
std::string limitHint(int err);

// What an exception means for the user: its what(), except for std::bad_alloc, which becomes
// "out of memory" with the hint for ENOMEM instead of the bare "std::bad_alloc".
std::string explain(const std::exception& error);

} // namespace ipcpg
