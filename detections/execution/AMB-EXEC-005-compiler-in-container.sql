-- id: AMB-EXEC-005
-- title: Compiler run inside a running container
-- severity: medium
-- mitre: T1027.004
-- description: An exec of a C compiler, assembler or linker (cc, gcc, g++, clang, as, ld, tcc,
--   cc1) in a container.
-- why: Compiling on the target (exploits, rootkit modules, miners built for the CPU) is "compile
--   after delivery": source code passes filters that binaries would not. Production containers
--   have no compiler.
-- false_positives: Build containers (CI jobs, image builds under runc); scope by image.
SELECT e.time_ns, e.process_id, e.container_id,
       printf('compiler in a running container: %s', coalesce(e.cmdline, e.filename)) AS message,
       json_array('execs:' || e.id) AS evidence
FROM execs e
JOIN processes p ON p.id = e.process_id
LEFT JOIN processes parent ON parent.id = p.parent_id
WHERE e.ret >= 0 AND e.container_id IS NOT NULL
  -- one alert per compiler run: not the passes (cc1, as, ld) a compiler driver starts
  AND coalesce(basename(exe_at(parent.id, e.time_ns)), '') NOT IN
      ('cc', 'gcc', 'g++', 'c++', 'clang', 'clang++', 'collect2')
  AND basename(e.filename) IN
      ('cc', 'gcc', 'g++', 'c++', 'clang', 'clang++', 'tcc', 'cc1', 'as', 'ld', 'ld.bfd', 'ld.gold')
