//go:build linux

package oauthflow

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"net/netip"
	"os"
	"strconv"
	"strings"
)

// overflowUID is what /proc shows for a user not mapped into the reader's
// user namespace: it names nobody in particular, so it never vouches.
const overflowUID = 65534

// fetchedBySelf reports whether the TCP connection from remote to local
// (both "ip:port", as the server saw them) was opened by a socket of this
// process's own user. The kernel lists every TCP socket with its owner in
// /proc/net/tcp and tcp6; the client's socket is the one whose own address
// is remote and whose peer is local, still established while its request
// waits for the answer. Anything not found, or not readable, is false.
func fetchedBySelf(local, remote string) bool {
	uid := os.Getuid()
	if uid == overflowUID {
		return false
	}
	l, err1 := netip.ParseAddrPort(local)
	r, err2 := netip.ParseAddrPort(remote)
	if err1 != nil || err2 != nil {
		return false
	}
	l, r = netip.AddrPortFrom(l.Addr().Unmap(), l.Port()), netip.AddrPortFrom(r.Addr().Unmap(), r.Port())
	// An IPv4 connection shows in tcp; one made from an IPv6 socket to a
	// v4-mapped address shows in tcp6.
	if l.Addr().Is4() && r.Addr().Is4() && ownedBy("/proc/net/tcp", procAddr(r, false), procAddr(l, false), uid) {
		return true
	}
	return ownedBy("/proc/net/tcp6", procAddr(r, true), procAddr(l, true), uid)
}

// ownedBy reports whether the table at path lists an established socket
// with address self and peer peer, owned by uid.
func ownedBy(path, self, peer string, uid int) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	const established = "01"
	want := strconv.Itoa(uid)
	s := bufio.NewScanner(f)
	for s.Scan() {
		// sl local_address rem_address st tx:rx tr:when retrnsmt uid ...
		fields := strings.Fields(s.Text())
		if len(fields) > 7 && fields[1] == self && fields[2] == peer && fields[3] == established && fields[7] == want {
			return true
		}
	}
	return false
}

// procAddr writes an address as /proc/net/tcp does: the address's 32-bit
// words each as a hexadecimal number in the machine's byte order, then the
// port in hexadecimal.
func procAddr(ap netip.AddrPort, six bool) string {
	var b []byte
	if six {
		a := ap.Addr().As16()
		b = a[:]
	} else {
		a := ap.Addr().As4()
		b = a[:]
	}
	var sb strings.Builder
	for i := 0; i < len(b); i += 4 {
		fmt.Fprintf(&sb, "%08X", binary.NativeEndian.Uint32(b[i:i+4]))
	}
	fmt.Fprintf(&sb, ":%04X", ap.Port())
	return sb.String()
}
