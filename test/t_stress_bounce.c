/*
 * The bounce stress (test/stress.c) in a short, bounded configuration:
 * 1024 pages bounced 8 times, once in every combination of random or
 * sequential order, racing or per-thread faults, blocking read() or poll()
 * handlers; write protection races in when the engine has it.  Every
 * counter and every page is verified after each bounce.  `make stress`
 * runs the same program for as long as asked.
 */
#define STRESS_NO_MAIN
#include "stress.c"

int main(void)
{
	char *argv[] = { "t_stress_bounce", "-p", "1024", "-b", "8", NULL };

	return stress_main(5, argv);
}
