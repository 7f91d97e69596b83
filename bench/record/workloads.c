// Recorder benchmark workloads (bench/record/run.sh times them with and without tracing).
//   workloads open N     N x openat(O_RDONLY)+close of one file
//   workloads exec N     N x fork + execve("/bin/true") + wait
//   workloads connect N  N x socket + connect to a loopback listener + close
//   workloads rate R S   openat(O_RDONLY)+close at R per second for S seconds, paced every 1 ms
//                        (the rate sweep: R recorded events per second under --profile full)
// Prints "<workload> <N> <seconds> <ops/s>".
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char** argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: workloads open|exec|connect N\n");
    return 2;
  }
  long n = atol(argv[2]);
  double t0 = now();
  if (!strcmp(argv[1], "open")) {
    for (long i = 0; i < n; i++) {
      int fd = openat(AT_FDCWD, "/etc/hostname", O_RDONLY);
      if (fd >= 0) close(fd);
    }
  } else if (!strcmp(argv[1], "exec")) {
    for (long i = 0; i < n; i++) {
      pid_t pid = fork();
      if (pid == 0) {
        execl("/bin/true", "true", (char*)NULL);
        _exit(127);
      }
      waitpid(pid, NULL, 0);
    }
  } else if (!strcmp(argv[1], "connect")) {
    int ls = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(a);
    if (bind(ls, (struct sockaddr*)&a, sizeof(a)) || listen(ls, 4096) ||
        getsockname(ls, (struct sockaddr*)&a, &len)) {
      perror("listen");
      return 1;
    }
    for (long i = 0; i < n; i++) {
      int s = socket(AF_INET, SOCK_STREAM, 0);
      if (connect(s, (struct sockaddr*)&a, sizeof(a)) == 0) {
        int c = accept(ls, NULL, NULL);
        if (c >= 0) close(c);
      }
      close(s);
    }
  } else if (!strcmp(argv[1], "rate") && argc >= 4) {
    double seconds = atof(argv[3]);
    long per_ms = n / 1000 > 0 ? n / 1000 : 1;
    long done = 0;
    for (long tick = 1; now() - t0 < seconds; tick++) {
      for (long i = 0; i < per_ms; i++, done++) {
        int fd = openat(AT_FDCWD, "/etc/hostname", O_RDONLY);
        if (fd >= 0) close(fd);
      }
      while (now() - t0 < tick / 1000.0) {
      }
    }
    n = done;
  } else {
    return 2;
  }
  double dt = now() - t0;
  printf("%s %ld %.3f %.0f\n", argv[1], n, dt, n / dt);
  return 0;
}
