package iproute

import (
	"fmt"

	"golang.org/x/sys/unix"
)

const (
	afInet   = unix.AF_INET
	afInet6  = unix.AF_INET6
	afPacket = unix.AF_PACKET
	afBridge = unix.AF_BRIDGE
	afMPLS   = unix.AF_MPLS
)

// parseFamily reads the argument of "-family" (ip/ip.c).
func parseFamily(s string) (int, error) {
	switch s {
	case "inet":
		return afInet, nil
	case "inet6":
		return afInet6, nil
	case "link":
		return afPacket, nil
	case "bridge":
		return afBridge, nil
	case "mpls":
		return afMPLS, nil
	}
	return 0, fmt.Errorf("invalid protocol family %q", s)
}
