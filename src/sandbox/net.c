/* Loopback-only networking.  In the fresh network namespace loopback is the
 * only interface; we bring it up and add "local 0.0.0.0/0 dev lo" (and
 * "local ::/0") so that every destination address is delivered locally,
 * where the netsink answers.  Nothing can leave: there is no other
 * interface, which we check before reporting success.
 *
 * Then, for a package that looks for a network card (a machine with only
 * "lo" is a sandbox), a decoy "eth0" with a LAN address: one end of a veth
 * pair whose other end (named as Docker names them) is in the same
 * namespace, made by us where the only other interface is lo, so it
 * reaches nothing outside; its address comes without an on-link route, so the
 * local route above still takes every packet.  The
 * interface list is checked again afterwards. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <linux/if_link.h>
#include <linux/veth.h>
#include <linux/rtnetlink.h>
#include <linux/fib_rules.h>

#include "sandbox/identity.h"
#include "sandbox/internal.h"
#include "util/cleanup.h"
#include "util/errbuf.h"
#include "util/log.h"

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

/* Sends one rtnetlink request and reads its ACK: 0 or -errno. */
static int nl_request(struct nlmsghdr *nh)
{
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
	cleanup_fd int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	char reply[512];
	ssize_t n;

	if (fd < 0)
		return -errno;
	nh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	if (sendto(fd, nh, nh->nlmsg_len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	n = recv(fd, reply, sizeof(reply), 0);
	if (n < 0)
		return -errno;
	struct nlmsghdr *r = (struct nlmsghdr *)reply;
	if (n >= (ssize_t)NLMSG_LENGTH(sizeof(struct nlmsgerr)) && r->nlmsg_type == NLMSG_ERROR)
		return ((struct nlmsgerr *)NLMSG_DATA(r))->error;
	return -EPROTO;
}

static struct rtattr *nl_attr(struct nlmsghdr *nh, size_t cap, unsigned short type,
			      const void *data, size_t len)
{
	struct rtattr *rta = (struct rtattr *)((char *)nh + NLMSG_ALIGN(nh->nlmsg_len));
	if (NLMSG_ALIGN(nh->nlmsg_len) + RTA_SPACE(len) > cap)
		return NULL;
	rta->rta_type = type;
	rta->rta_len = (unsigned short)RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(rta), data, len);
	nh->nlmsg_len = (unsigned)(NLMSG_ALIGN(nh->nlmsg_len) + RTA_SPACE(len));
	return rta;
}

static int link_up(const char *name)
{
	cleanup_fd int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct ifreq ifr;

	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		return -errno;
	ifr.ifr_flags |= IFF_UP;
	return ioctl(fd, SIOCSIFFLAGS, &ifr) < 0 ? -errno : 0;
}

static char decoy_peer[IFNAMSIZ];

static int add_decoy(uint32_t seed)
{
	struct {
		struct nlmsghdr nh;
		union {
			struct ifinfomsg ifi;
			struct ifaddrmsg ifa;
		};
		char attrs[256];
	} req;
	/* Intel's OUI: what a laptop's card says. */
	unsigned char mac[6] = {0x3c,
				0x22,
				0xfb,
				(unsigned char)(seed >> 16),
				(unsigned char)(seed >> 8),
				(unsigned char)seed};
	struct in_addr addr = {.s_addr = htonl(0xc0a80100u | (20 + seed % 200))};
	struct in_addr brd = {.s_addr = htonl(0xc0a801ffu)};
	unsigned char plen = 24;
	int r;

	/* eth0 and its peer, a veth pair: the peer up gives eth0 a carrier
	 * (tools list only interfaces that are up and running).  Both ends
	 * stay in this namespace: a packet out of one comes back in the other. */
	char peer[IFNAMSIZ];
	snprintf(peer, sizeof(peer), "veth%07x", (unsigned)(seed >> 4) & 0xfffffffu);
	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
	req.nh.nlmsg_type = RTM_NEWLINK;
	req.nh.nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	req.ifi.ifi_family = AF_UNSPEC;
	nl_attr(&req.nh, sizeof(req), IFLA_IFNAME, "eth0", 5);
	nl_attr(&req.nh, sizeof(req), IFLA_ADDRESS, mac, sizeof(mac));
	struct rtattr *li = nl_attr(&req.nh, sizeof(req), IFLA_LINKINFO, NULL, 0);
	nl_attr(&req.nh, sizeof(req), IFLA_INFO_KIND, "veth", 5);
	struct rtattr *data = nl_attr(&req.nh, sizeof(req), IFLA_INFO_DATA, NULL, 0);
	struct rtattr *pi = nl_attr(&req.nh, sizeof(req), VETH_INFO_PEER, NULL, 0);
	struct ifinfomsg pifi = {.ifi_family = AF_UNSPEC};
	/* the peer's ifinfomsg, then its attributes */
	memcpy((char *)&req + req.nh.nlmsg_len, &pifi, sizeof(pifi));
	req.nh.nlmsg_len += NLMSG_ALIGN(sizeof(pifi));
	nl_attr(&req.nh, sizeof(req), IFLA_IFNAME, peer, strlen(peer) + 1);
	char *end = (char *)&req + req.nh.nlmsg_len;
	pi->rta_len = (unsigned short)(end - (char *)pi);
	data->rta_len = (unsigned short)(end - (char *)data);
	li->rta_len = (unsigned short)(end - (char *)li);
	if ((r = nl_request(&req.nh)) < 0)
		return r;
	snprintf(decoy_peer, sizeof(decoy_peer), "%s", peer);
	if ((r = link_up("eth0")) < 0 || (r = link_up(peer)) < 0)
		return r;

	unsigned idx = if_nametoindex("eth0");
	if (!idx)
		return -ENODEV;
	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifaddrmsg));
	req.nh.nlmsg_type = RTM_NEWADDR;
	req.nh.nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	req.ifa.ifa_family = AF_INET;
	req.ifa.ifa_prefixlen = plen;
	req.ifa.ifa_scope = RT_SCOPE_UNIVERSE;
	req.ifa.ifa_index = idx;
	nl_attr(&req.nh, sizeof(req), IFA_LOCAL, &addr, sizeof(addr));
	nl_attr(&req.nh, sizeof(req), IFA_ADDRESS, &addr, sizeof(addr));
	nl_attr(&req.nh, sizeof(req), IFA_BROADCAST, &brd, sizeof(brd));
	/* No on-link route for the /24: the kernel merges the local and main
	 * tables, and 192.168.1.0/24 would win over "local 0.0.0.0/0" for
	 * the LAN (the resolver of resolv.conf among it). */
	uint32_t flags = IFA_F_NOPREFIXROUTE;
	nl_attr(&req.nh, sizeof(req), IFA_FLAGS, &flags, sizeof(flags));
	return nl_request(&req.nh);
}

/* ---- silence where a real network is silent ----------------------------
 * The sink answers every port of every address, so that beacons to
 * hard-coded addresses and ports are captured.  But the networks of a few
 * well-known owners (the addresses the DNS answers give their names, see
 * dns_sinkhole_addr()) serve only known ports, and "google.com:81
 * connects" is a sandbox check.  Packets to those networks on other ports
 * are routed out of the decoy pair, where nothing answers: the connection
 * is silent, as on a real network.  Policy rules ahead of the
 * local table pick them out by destination and port; the rule that looks
 * up the local table moves behind them. */
#define SILENT_TABLE 100

static const struct {
	uint32_t net; /* host order */
	unsigned char plen;
	unsigned short ports[3]; /* served; 0 ends */
} silent_nets[] = {
	{0x8efa0000u, 15, {80, 443, 0}},   /* Google 142.250.0.0/15 */
	{0x8c527000u, 20, {22, 80, 443}},  /* GitHub 140.82.112.0/20 */
	{0xb9c76c00u, 22, {80, 443, 0}},   /* GitHub Pages 185.199.108.0/22 */
	{0xa29f8000u, 17, {80, 443, 0}},   /* Discord 162.159.128.0/17 */
	{0x959aa000u, 20, {80, 443, 0}},   /* Telegram 149.154.160.0/20 */
	{0x08080808u, 32, {53, 443, 853}}, /* dns.google */
	{0x01010101u, 32, {53, 443, 853}}, /* one.one.one.one */
	{0x09090909u, 32, {53, 443, 853}}, /* dns.quad9.net */
};

struct fib_port_range {
	uint16_t start, end;
};

static int rule(int type, uint32_t prio, unsigned char table, uint32_t dst, unsigned char plen,
		int port_attr, uint16_t port)
{
	struct {
		struct nlmsghdr nh;
		struct fib_rule_hdr fr;
		char attrs[128];
	} req;

	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct fib_rule_hdr));
	req.nh.nlmsg_type = (unsigned short)type;
	req.nh.nlmsg_flags = type == RTM_NEWRULE ? NLM_F_CREATE | NLM_F_EXCL : 0;
	req.fr.family = AF_INET;
	req.fr.table = table;
	req.fr.action = FR_ACT_TO_TBL;
	nl_attr(&req.nh, sizeof(req), FRA_PRIORITY, &prio, sizeof(prio));
	if (plen) {
		uint32_t d = htonl(dst);
		req.fr.dst_len = plen;
		nl_attr(&req.nh, sizeof(req), FRA_DST, &d, sizeof(d));
	}
	if (port_attr) {
		struct fib_port_range pr = {port, port};
		nl_attr(&req.nh, sizeof(req), (unsigned short)port_attr, &pr, sizeof(pr));
	}
	return nl_request(&req.nh);
}

/* Table SILENT_TABLE: everything out of the decoy's peer, which sends
 * without ARP; the frames reach eth0 addressed to no one and are dropped. */
static int silent_route(const char *dev)
{
	struct {
		struct nlmsghdr nh;
		struct rtmsg rt;
		char attrs[64];
	} req;
	cleanup_fd int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct ifreq ifr;
	uint32_t oif = if_nametoindex(dev);

	if (fd < 0 || !oif)
		return -ENODEV;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		return -errno;
	ifr.ifr_flags |= IFF_NOARP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		return -errno;
	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg));
	req.nh.nlmsg_type = RTM_NEWROUTE;
	req.nh.nlmsg_flags = NLM_F_CREATE | NLM_F_REPLACE;
	req.rt.rtm_family = AF_INET;
	req.rt.rtm_table = SILENT_TABLE;
	req.rt.rtm_protocol = RTPROT_BOOT;
	req.rt.rtm_scope = RT_SCOPE_LINK;
	req.rt.rtm_type = RTN_UNICAST;
	nl_attr(&req.nh, sizeof(req), RTA_OIF, &oif, sizeof(oif));
	return nl_request(&req.nh);
}

static int add_silence(void)
{
	uint32_t prio = 100;
	int r;

	if ((r = silent_route(decoy_peer)) < 0)
		return r;
	/* the local table after ours */
	if ((r = rule(RTM_NEWRULE, 32765, RT_TABLE_LOCAL, 0, 0, 0, 0)) < 0 ||
	    (r = rule(RTM_DELRULE, 0, RT_TABLE_LOCAL, 0, 0, 0, 0)) < 0)
		return r;
	for (size_t i = 0; i < sizeof(silent_nets) / sizeof(silent_nets[0]); i++) {
		for (int k = 0; k < 3 && silent_nets[i].ports[k]; k++) {
			uint16_t port = silent_nets[i].ports[k];
			/* to a served port, and the sink's answers from it */
			if ((r = rule(RTM_NEWRULE, prio++, RT_TABLE_LOCAL, silent_nets[i].net,
				      silent_nets[i].plen, FRA_DPORT_RANGE, port)) < 0 ||
			    (r = rule(RTM_NEWRULE, prio++, RT_TABLE_LOCAL, silent_nets[i].net,
				      silent_nets[i].plen, FRA_SPORT_RANGE, port)) < 0)
				return r;
		}
		if ((r = rule(RTM_NEWRULE, prio++, SILENT_TABLE, silent_nets[i].net,
			      silent_nets[i].plen, 0, 0)) < 0)
			return r;
	}
	return 0;
}

/* Every interface is lo or, when |decoy|, the decoy pair. */
static int check_interfaces(bool decoy, char *err, size_t errlen)
{
	struct if_nameindex *ifs = if_nameindex(), *i;

	if (!ifs) {
		errbuf_set(err, errlen, "cannot list network interfaces: %s", strerror(errno));
		return -errno;
	}
	for (i = ifs; i->if_index; i++) {
		if (strcmp(i->if_name, "lo") != 0 &&
		    !(decoy && (!strcmp(i->if_name, "eth0") || !strcmp(i->if_name, decoy_peer)))) {
			errbuf_set(
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

int net_setup_loopback_only(bool ipv6, uint32_t decoy_seed, char *err, size_t errlen)
{
	unsigned lo;
	int r;

	if ((r = loopback_up()) < 0) {
		errbuf_set(err, errlen, "cannot bring up loopback: %s", strerror(-r));
		return r;
	}
	lo = if_nametoindex("lo");
	if (!lo) {
		errbuf_set(err, errlen, "no loopback interface in the sandbox");
		return -ENODEV;
	}
	if ((r = add_local_route(AF_INET, (int)lo)) < 0) {
		errbuf_set(err, errlen, "cannot route IPv4 to loopback: %s", strerror(-r));
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
	if ((r = check_interfaces(false, err, errlen)) < 0)
		return r;
	/* The decoy is realism, not isolation: without it the run goes on. */
	if ((r = add_decoy(decoy_seed)) == 0) {
		if ((r = check_interfaces(true, err, errlen)) < 0)
			return r;
		if ((r = add_silence()) < 0)
			log_debug("well-known networks answer on every port: %s", strerror(-r));
		return 0;
	}
	log_debug("no decoy network interface: %s", strerror(-r));
	return 0;
}
