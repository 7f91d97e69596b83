// How the case database names the file an event touched (docs/schema.md, "file_events"): the
// recorder keeps a path as the caller spelled it, and rules must not be evaded by spelling. Pure
// functions; used by the loader.
#ifndef AMBER_REPLAY_FILE_PATH_H_
#define AMBER_REPLAY_FILE_PATH_H_

#include <string>
#include <string_view>

namespace amber::replay {

// An absolute path with runs of '/' folded into one and "." components and a trailing '/' dropped
// (`/etc//./shadow/` -> `/etc/shadow`): spellings that name the same file on every filesystem.
// ".." is kept, since through a symlink it need not name the lexical parent. A path that does not
// start with '/' (the recorder could not join it to its directory) is returned unchanged.
std::string FoldPath(std::string_view path);
// Whether FoldPath(path) == path, without building it: the common case costs one scan.
bool IsFolded(std::string_view path);

}  // namespace amber::replay

#endif  // AMBER_REPLAY_FILE_PATH_H_
