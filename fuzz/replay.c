/* SPDX-License-Identifier: MIT */
/*
 * The main() of a fuzz target built without libFuzzer (replay_ioctl,
 * replay_rpc): runs the target once on each file named on the command
 * line, so that a corpus can be replayed with any compiler, under
 * valgrind or gdb, and by `make check` (check-fuzz-corpus).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
	static uint8_t buf[1 << 16];
	const char *name = strrchr(argv[0], '/');
	int i;

	for (i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		size_t n;

		if (!f) {
			perror(argv[i]);
			return 1;
		}
		n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		LLVMFuzzerTestOneInput(buf, n);
	}
	printf("%s: %d inputs replayed, clean\n", name ? name + 1 : argv[0], argc - 1);
	return 0;
}
