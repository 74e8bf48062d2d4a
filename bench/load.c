/* SPDX-License-Identifier: MIT */
/*
 * A busy host for the "loaded" scenarios: another process with one thread
 * per online CPU, each spinning in user mode, started before the scenario
 * and killed after it.  Waiting strategies that only win on an idle
 * machine (spinning while the other side needs that CPU) show here.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include "bench.h"

static void *spin(void *arg)
{
	volatile unsigned long n = 0;

	(void)arg;
	for (;;)
		n++;
	return NULL;
}

pid_t bench_load_start(void)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN), i;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		perror("bench: fork (load)");
		exit(1);
	}
	if (pid > 0)
		return pid;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (i = 1; i < cpus; i++) {
		pthread_t t;

		pthread_create(&t, NULL, spin, NULL);
	}
	spin(NULL);
	_exit(0);
}

void bench_load_stop(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}
