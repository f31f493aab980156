/* Loopback-only networking.  In the fresh network namespace loopback is the
 * only interface; we bring it up and add "local 0.0.0.0/0 dev lo" (and
 * "local ::/0") so that every destination address is delivered locally,
 * where the netsink answers.  Nothing can leave: there is no other
 * interface, which we check before reporting success. */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "sandbox/identity.h"
#include "sandbox/internal.h"
#include "util/cleanup.h"

static int loopback_up(void)
{
	cleanup_fd int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct ifreq ifr;

	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		return -errno;
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		return -errno;
	return 0;
}

/* RTM_NEWROUTE: local <any>/0 dev lo table local. */
static int add_local_route(int family, int ifindex)
{
	struct {
		struct nlmsghdr nh;
		struct rtmsg rt;
		char attrs[64];
	} req;
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
	cleanup_fd int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	struct rtattr *rta;
	char reply[512];
	ssize_t n;

	if (fd < 0)
		return -errno;
	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg));
	req.nh.nlmsg_type = RTM_NEWROUTE;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_REPLACE | NLM_F_ACK;
	req.nh.nlmsg_seq = 1;
	req.rt.rtm_family = (unsigned char)family;
	req.rt.rtm_dst_len = 0;
	req.rt.rtm_table = RT_TABLE_LOCAL;
	req.rt.rtm_protocol = RTPROT_BOOT;
	req.rt.rtm_scope = RT_SCOPE_HOST;
	req.rt.rtm_type = RTN_LOCAL;
	rta = (struct rtattr *)((char *)&req + NLMSG_ALIGN(req.nh.nlmsg_len));
	rta->rta_type = RTA_OIF;
	rta->rta_len = RTA_LENGTH(sizeof(int));
	memcpy(RTA_DATA(rta), &ifindex, sizeof(int));
	req.nh.nlmsg_len = NLMSG_ALIGN(req.nh.nlmsg_len) + RTA_ALIGN(rta->rta_len);

	if (sendto(fd, &req, req.nh.nlmsg_len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	n = recv(fd, reply, sizeof(reply), 0);
	if (n < 0)
		return -errno;
	struct nlmsghdr *nh = (struct nlmsghdr *)reply;
	if (n >= (ssize_t)NLMSG_LENGTH(sizeof(struct nlmsgerr)) && nh->nlmsg_type == NLMSG_ERROR) {
		struct nlmsgerr *e = NLMSG_DATA(nh);
		return e->error; /* 0 on success, -errno otherwise */
	}
	return -EPROTO;
}

int net_setup_loopback_only(bool ipv6, char *err, size_t errlen)
{
	struct if_nameindex *ifs, *i;
	unsigned lo;
	int r;

	if ((r = loopback_up()) < 0) {
		snprintf(err, errlen, "cannot bring up loopback: %s", strerror(-r));
		return r;
	}
	lo = if_nametoindex("lo");
	if (!lo) {
		snprintf(err, errlen, "no loopback interface in the sandbox");
		return -ENODEV;
	}
	if ((r = add_local_route(AF_INET, (int)lo)) < 0) {
		snprintf(err, errlen, "cannot route IPv4 to loopback: %s", strerror(-r));
		return r;
	}
	if (ipv6 && (r = add_local_route(AF_INET6, (int)lo)) < 0) {
		/* IPv6 may be disabled on the host; connects then fail with
		 * ENETUNREACH inside, which is still contained and recorded. */
		(void)r;
	}
	/* ping(8) uses ICMP datagram sockets, which need the sandbox's group
	 * in ping_group_range (a per-namespace sysctl).  Without them ping
	 * fails before it even resolves its target. */
	int fd = open("/proc/sys/net/ipv4/ping_group_range", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		/* gids are read in our user namespace: only mapped ones fit */
		char range[32];
		int n = snprintf(range, sizeof(range), "%d %d", SANDBOX_GID, SANDBOX_GID);
		if (write(fd, range, (size_t)n) < 0)
			(void)0; /* ping then fails inside; recorded as such */
		close(fd);
	}
	ifs = if_nameindex();
	if (!ifs) {
		snprintf(err, errlen, "cannot list network interfaces: %s", strerror(errno));
		return -errno;
	}
	for (i = ifs; i->if_index; i++) {
		if (strcmp(i->if_name, "lo") != 0) {
			snprintf(
				err, errlen,
				"network isolation failed: interface '%s' is visible in the sandbox",
				i->if_name);
			if_freenameindex(ifs);
			return -EEXIST;
		}
	}
	if_freenameindex(ifs);
	return 0;
}
