/* cold_spawn: runs a command N times as a cold process and prints, per run,
 * the wall time (fork to reaped child, CLOCK_MONOTONIC) and the child's peak
 * RSS (wait4's ru_maxrss).
 *
 *   cold_spawn N COMMAND [ARGS...]    → "<ms> <KiB> <exit>" per line
 *
 * Written in C and kept tiny on purpose: a forked child starts with a copy of
 * its parent's resident pages, and ru_maxrss counts them (a Python parent
 * adds ~10 MiB to every figure). Here the parent is ~1 MiB. The child's
 * stdout goes to /dev/null. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: cold_spawn N COMMAND [ARGS...]\n");
    return 2;
  }
  long runs = strtol(argv[1], NULL, 10);
  if (runs <= 0) {
    fprintf(stderr, "cold_spawn: N must be positive\n");
    return 2;
  }
  for (long i = 0; i < runs; ++i) {
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    pid_t pid = fork();
    if (pid < 0) {
      perror("cold_spawn: fork");
      return 2;
    }
    if (pid == 0) {
      int fd = open("/dev/null", O_WRONLY);
      if (fd >= 0) dup2(fd, 1);
      execv(argv[2], argv + 2);
      _exit(127);
    }
    int status = 0;
    struct rusage usage;
    if (wait4(pid, &status, 0, &usage) < 0) {
      perror("cold_spawn: wait4");
      return 2;
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    double ms = (double)(end.tv_sec - start.tv_sec) * 1e3 +
                (double)(end.tv_nsec - start.tv_nsec) / 1e6;
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    printf("%.3f %ld %d\n", ms, usage.ru_maxrss, code);
  }
  return 0;
}
