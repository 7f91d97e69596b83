// Showing untrusted bytes to people: paths, argv and names from a possibly compromised host may
// hold terminal escape sequences, control characters and invalid UTF-8. Everything printed on a
// terminal or in a text report goes through EscapeForTerminal. Pure functions.
#ifndef AMBER_COMMON_TEXT_H_
#define AMBER_COMMON_TEXT_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace amber {

// Valid UTF-8 printable text unchanged; C0 controls, DEL, C1 controls and bytes that are not part
// of valid UTF-8 as \xNN; invisible format controls that reorder or hide text (bidi embeddings,
// overrides and isolates U+202A..U+202E and U+2066..U+2069, LRM/RLM/ALM, zero-width characters,
// U+2028/U+2029, U+FEFF) as \uXXXX; a backslash as \\ so the result is unambiguous.
std::string EscapeForTerminal(std::string_view bytes);

// True when `bytes` is valid UTF-8 (no overlongs, no surrogates, nothing past U+10FFFF).
bool IsValidUtf8(std::string_view bytes);

// Boot-time ns to "2026-11-29T13:02:20.123456789Z", given the Unix-epoch ns of the same instant.
std::string FormatUtcNs(int64_t unix_ns);

}  // namespace amber

#endif  // AMBER_COMMON_TEXT_H_
