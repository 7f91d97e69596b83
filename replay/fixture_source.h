// A synthetic fixture commits both its source (events.jsonl) and the capture built from it
// (capture.amber, `amber-replay import`). The fixture suite checks that the two still agree, so an
// edited source whose capture was not rebuilt fails loudly instead of testing stale bytes.
//
// The comparison is record by record, in order: the header's host, clock, recorder and probes, then
// every process, container, event, loss and stats record (import writes the lines' records in
// their order). The capture's own ids (capture_id, recording_id when the source has none) are
// not compared. Pure function over two files; single-threaded.
#ifndef AMBER_REPLAY_FIXTURE_SOURCE_H_
#define AMBER_REPLAY_FIXTURE_SOURCE_H_

#include <string>

#include "common/status.h"

namespace amber::replay {

// Ok when the capture holds exactly the source's records; InvalidArgument naming the first
// difference ("events.jsonl line 12: the capture has another event here"), or the error met reading.
Status CheckCaptureMatchesSource(const std::string& jsonl_path, const std::string& capture_path);

}  // namespace amber::replay

#endif  // AMBER_REPLAY_FIXTURE_SOURCE_H_
