-- id: AMB-CRED-004
-- title: Kubernetes service-account token read by a shell or tool
-- severity: medium
-- mitre: T1528, T1552.001
-- description: An open of a projected service-account token (…/serviceaccount/token under
--   /var/run/secrets/kubernetes.io or /run/secrets/kubernetes.io) by a shell, a text tool or a
--   network tool (cat, head, base64, curl, wget, kubectl, python...), or by any process of a
--   container whose main program is different. High when the reader is a shell or text tool.
-- why: The token authenticates to the Kubernetes API as the pod's service account; an attacker in a
--   pod reads it to move to the API server (list secrets, create privileged pods).
-- false_positives: Applications that are Kubernetes clients read it by design (operators,
--   controllers, the kubectl of a debugging session).
SELECT f.time_ns, f.process_id, f.container_id,
       printf('%s read the service-account token %s', coalesce(exe_at(f.process_id, f.time_ns), '?'), f.path) AS message,
       json_array('file_events:' || f.id) AS evidence,
       CASE WHEN basename(exe_at(f.process_id, f.time_ns)) IN
                 ('sh', 'bash', 'dash', 'ash', 'zsh', 'busybox', 'cat', 'head', 'tail', 'less', 'more',
                  'base64', 'xxd', 'od', 'strings', 'cp')
            THEN 'high' ELSE 'medium' END AS severity
FROM file_events f
WHERE f.op = 'open' AND f.ret >= 0
  AND (f.path GLOB '/var/run/secrets/kubernetes.io/serviceaccount/*token'
       OR f.path GLOB '/run/secrets/kubernetes.io/serviceaccount/*token'
       OR f.path GLOB '/var/run/secrets/kubernetes.io/serviceaccount/..*/token'
       OR f.path GLOB '/run/secrets/kubernetes.io/serviceaccount/..*/token')
  AND coalesce(basename(exe_at(f.process_id, f.time_ns)), '') IN
      ('sh', 'bash', 'dash', 'ash', 'zsh', 'busybox', 'cat', 'head', 'tail', 'less', 'more', 'base64',
       'xxd', 'od', 'strings', 'cp', 'curl', 'wget', 'kubectl', 'python', 'python3', 'perl', 'nc',
       'socat')
