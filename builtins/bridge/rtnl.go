package bridge

import "github.com/nshlab/nsh/internal/rtnl"

// The raw netlink names this package uses unqualified: the socket and
// links of package rtnl, and the bridge port attributes
// (IFLA_BRPORT_*) that bridge link reads and sets.
type (
	// Conn is the namespace's raw NETLINK_ROUTE socket (Env.Conn).
	Conn = rtnl.Conn
	// Link is one link of a dump.
	Link = rtnl.Link
)

const (
	rtextFilterVLAN = rtnl.FilterBrVLAN

	PortState          = rtnl.PortState
	PortPriority       = rtnl.PortPriority
	PortCost           = rtnl.PortCost
	PortMode           = rtnl.PortMode
	PortGuard          = rtnl.PortGuard
	PortProtect        = rtnl.PortProtect
	PortFastLeave      = rtnl.PortFastLeave
	PortLearning       = rtnl.PortLearning
	PortUnicastFlood   = rtnl.PortUnicastFlood
	PortProxyARP       = rtnl.PortProxyARP
	PortLearningSync   = rtnl.PortLearningSync
	PortProxyARPWiFi   = rtnl.PortProxyARPWiFi
	PortMulticastRoute = rtnl.PortMulticastRoute
	PortMcastFlood     = rtnl.PortMcastFlood
	PortMcastToUcast   = rtnl.PortMcastToUcast
	PortVlanTunnel     = rtnl.PortVlanTunnel
	PortBcastFlood     = rtnl.PortBcastFlood
	PortNeighSuppress  = rtnl.PortNeighSuppress
	PortIsolated       = rtnl.PortIsolated
	PortBackupPort     = rtnl.PortBackupPort
	PortLocked         = rtnl.PortLocked
)
