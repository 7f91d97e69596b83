-- id: AMB-DEF-001
-- title: Shell history tampered with
-- severity: medium
-- mitre: T1070.003
-- description: Removal, truncation (open with O_TRUNC or truncate), or a symlink in place of a
--   shell history file (.bash_history, .zsh_history, .sh_history, .ash_history, .history,
--   .python_history, .mysql_history), or a link of it to /dev/null.
-- why: Erasing history removes the record of what an intruder typed; replacing it with a link to
--   /dev/null stops it from being written at all. Users seldom do either.
-- false_positives: Users clearing their own history for privacy; dotfile managers replacing files.
SELECT f.time_ns, f.process_id, f.container_id,
       printf('%s %s %s', coalesce(exe_at(f.process_id, f.time_ns), '?'),
              CASE f.op WHEN 'open' THEN 'truncated' WHEN 'truncate' THEN 'truncated'
                   WHEN 'symlink' THEN 'replaced with a symlink' WHEN 'unlink' THEN 'removed' ELSE f.op END, f.path) AS message,
       json_array('file_events:' || f.id) AS evidence
FROM file_events f
WHERE f.ret >= 0
  AND ((f.op = 'open' AND (f.flags & 512) != 0) OR f.op IN ('unlink', 'truncate', 'symlink', 'link'))
  AND basename(f.path) IN
      ('.bash_history', '.zsh_history', '.sh_history', '.ash_history', '.history',
       '.python_history', '.mysql_history', '.psql_history', '.lesshst', '.viminfo')
