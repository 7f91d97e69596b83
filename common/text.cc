#include "common/text.h"

#include <cstdio>
#include <ctime>

namespace amber {
namespace {

// Length of the valid UTF-8 sequence at s[i], or 0 if it is not one.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) return 1;
  size_t len;
  uint32_t cp;
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    len = 2;
    cp = b0 & 0x1f;
  } else if (b0 >= 0xe0 && b0 <= 0xef) {
    len = 3;
    cp = b0 & 0x0f;
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    len = 4;
    cp = b0 & 0x07;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3f);
  }
  if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff))) return 0;
  if (cp >= 0xd800 && cp <= 0xdfff) return 0;
  return len;
}

// Invisible code points that change how the text around them is shown (Trojan Source,
// CVE-2021-42574): bidirectional embeddings, overrides and isolates, the directional marks, zero-width
// characters, the line and paragraph separators and the BOM. A path shown with U+202E reads backwards.
bool IsFormatControl(uint32_t cp) {
  return cp == 0x061c ||                     // ARABIC LETTER MARK
         (cp >= 0x200b && cp <= 0x200f) ||   // zero-width space/joiners, LRM, RLM
         (cp >= 0x2028 && cp <= 0x202e) ||   // line/paragraph separators, LRE..RLO
         (cp >= 0x2060 && cp <= 0x2069) ||   // word joiner, invisible operators, LRI..PDI
         cp == 0xfeff;                       // zero-width no-break space (BOM)
}

uint32_t DecodeUtf8(std::string_view s, size_t i, size_t len) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  uint32_t cp = len == 1 ? b0 : len == 2 ? (b0 & 0x1f) : len == 3 ? (b0 & 0x0f) : (b0 & 0x07);
  for (size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3f);
  return cp;
}

void AppendHexByte(std::string* out, unsigned char b) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->append("\\x");
  out->push_back(kHex[b >> 4]);
  out->push_back(kHex[b & 15]);
}

}  // namespace

bool IsValidUtf8(std::string_view bytes) {
  for (size_t i = 0; i < bytes.size();) {
    const size_t n = Utf8SequenceLength(bytes, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string EscapeForTerminal(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  for (size_t i = 0; i < bytes.size();) {
    const auto b = static_cast<unsigned char>(bytes[i]);
    const size_t n = Utf8SequenceLength(bytes, i);
    if (n == 0 || b < 0x20 || b == 0x7f) {
      AppendHexByte(&out, b);
      ++i;
    } else if (b == '\\') {
      out.append("\\\\");
      ++i;
    } else if (n == 2 && b == 0xc2 && static_cast<unsigned char>(bytes[i + 1]) < 0xa0) {
      // C1 controls (U+0080..U+009F): some terminals act on them like ESC sequences.
      AppendHexByte(&out, b);
      AppendHexByte(&out, static_cast<unsigned char>(bytes[i + 1]));
      i += 2;
    } else if (n == 3 && (b == 0xe2 || b == 0xef) && IsFormatControl(DecodeUtf8(bytes, i, n))) {
      char buf[16];
      std::snprintf(buf, sizeof buf, "\\u%04x", DecodeUtf8(bytes, i, n));
      out.append(buf);
      i += n;
    } else if (n == 2 && b == 0xd8 && static_cast<unsigned char>(bytes[i + 1]) == 0x9c) {
      out.append("\\u061c");  // ARABIC LETTER MARK
      i += n;
    } else {
      out.append(bytes.substr(i, n));
      i += n;
    }
  }
  return out;
}

std::string FormatUtcNs(int64_t unix_ns) {
  int64_t secs = unix_ns / 1'000'000'000;
  int64_t frac = unix_ns % 1'000'000'000;
  if (frac < 0) {
    frac += 1'000'000'000;
    --secs;
  }
  const time_t t = static_cast<time_t>(secs);
  struct tm tm;
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%09lldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<long long>(frac));
  return buf;
}

}  // namespace amber
