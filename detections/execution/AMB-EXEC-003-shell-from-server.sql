-- id: AMB-EXEC-003
-- title: Shell spawned by a web server or database
-- severity: high
-- mitre: T1505.003, T1190, T1059.004
-- description: An exec of a shell (sh, bash, dash, zsh, ash, busybox sh) whose parent is a web
--   server, application server or database (nginx, apache2/httpd, php-fpm, uwsgi, gunicorn, java,
--   node, mysqld, postgres, mongod, redis-server).
-- why: A server process that starts a shell is the signature of a web shell, a command injection
--   or an exploited deserialisation bug: the attacker's first interactive foothold.
-- false_positives: CGI setups and applications that shell out by design (ImageMagick wrappers,
--   backup hooks such as postgres archive_command).
SELECT e.time_ns, e.process_id, e.container_id,
       printf('%s (pid %d) started a shell: %s', coalesce(exe_at(parent.id, e.time_ns), '?'), parent.pid, coalesce(e.cmdline, e.filename)) AS message,
       json_array('execs:' || e.id) AS evidence
FROM execs e
JOIN processes p ON p.id = e.process_id
JOIN processes parent ON parent.id = p.parent_id
WHERE e.ret >= 0
  AND basename(e.filename) IN
      ('sh', 'bash', 'dash', 'zsh', 'ash', 'ksh', 'busybox')
  AND basename(exe_at(parent.id, e.time_ns)) IN
      ('nginx', 'apache2', 'httpd', 'php-fpm', 'php-fpm8.2', 'uwsgi', 'gunicorn', 'java', 'node',
       'mysqld', 'mariadbd', 'postgres', 'mongod', 'redis-server', 'tomcat', 'lighttpd', 'caddy')
