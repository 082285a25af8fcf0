// Code generated from iproute2 v6.1.0 ip/iplink_*.c and ip/link_*.c (the
// parse_opt function of each link_util, its keywords in the order it tries
// them) by scripts/spec-linkkinds.py; edited by hand where noted.

package spec

// LinkKinds are the link types of iproute2 6.1 that have a link_util, and
// the kinds the kernel knows without one, each with its options.
var LinkKinds = []LinkKind{
	{Name: "amt", Usage: "type-amt", Missing: true, Keys: []Keyword{
		{Name: "mode", Exact: true, Kind: Text},
		{Name: "relay_port", Exact: true, Kind: Number},
		{Name: "gateway_port", Exact: true, Kind: Number},
		{Name: "max_tunnels", Exact: true, Kind: Number},
		{Name: "dev", Exact: true, Kind: IfName},
		{Name: "local", Exact: true, Kind: Addr},
		{Name: "discovery", Exact: true, Kind: Text},
		{Name: "help", Exact: true},
	}},
	{Name: "bareudp", Usage: "type-bareudp", Missing: true, Keys: []Keyword{
		{Name: "dstport", Kind: Number},
		{Name: "ethertype", Kind: Text},
		{Name: "srcportmin", Kind: Text},
		{Name: "multiproto"},
		{Name: "nomultiproto"},
		{Name: "help"},
	}},
	{Name: "batadv", Usage: "type-batadv", Missing: true, Keys: []Keyword{
		{Name: "ra", Kind: Text},
		{Name: "help"},
	}},
	{Name: "bond", Usage: "type-bond", Keys: []Keyword{
		{Name: "mode", Kind: Text},
		{Name: "active_slave", Kind: Text},
		{Name: "clear_active_slave"},
		{Name: "miimon", Kind: Number},
		{Name: "updelay", Kind: Number},
		{Name: "downdelay", Kind: Number},
		{Name: "peer_notify_delay", Kind: Text},
		{Name: "use_carrier", Kind: Text},
		{Name: "arp_interval", Kind: Text},
		{Name: "arp_ip_target", Kind: Text, Greedy: true},
		{Name: "ns_ip6_target", Exact: true, Kind: Text, Greedy: true},
		{Name: "arp_validate", Kind: Text},
		{Name: "arp_all_targets", Kind: Text},
		{Name: "arp_missed_max", Exact: true, Kind: Text},
		{Name: "primary", Kind: Text},
		{Name: "primary_reselect", Kind: Text},
		{Name: "fail_over_mac", Kind: Text},
		{Name: "xmit_hash_policy", Kind: Text},
		{Name: "resend_igmp", Kind: Text},
		{Name: "num_grat_arp", Kind: Text},
		{Name: "num_unsol_na", Canon: "num_grat_arp", Kind: Text},
		{Name: "all_slaves_active", Kind: Text},
		{Name: "min_links", Kind: Text},
		{Name: "lp_interval", Kind: Text},
		{Name: "packets_per_slave", Kind: Text},
		{Name: "lacp_rate", Kind: Text},
		{Name: "lacp_active", Exact: true, Kind: Text},
		{Name: "ad_select", Kind: Text},
		{Name: "ad_user_port_key", Kind: Text},
		{Name: "ad_actor_sys_prio", Kind: Text},
		{Name: "ad_actor_system", Kind: Text},
		{Name: "tlb_dynamic_lb", Kind: Text},
		{Name: "help"},
	}},
	{Name: "bond_slave", Usage: "type-bond_slave", Missing: true, Keys: []Keyword{
		{Name: "queue_id", Kind: Text},
		{Name: "prio", Exact: true, Kind: Text},
	}},
	{Name: "bridge", Usage: "type-bridge", Keys: []Keyword{
		{Name: "forward_delay", Kind: Text},
		{Name: "hello_time", Kind: Text},
		{Name: "max_age", Kind: Text},
		{Name: "ageing_time", Kind: Text},
		{Name: "stp_state", Kind: Number, Max: 1, Values: []string{"0", "1"}},
		{Name: "priority", Kind: Text},
		{Name: "vlan_filtering", Kind: Number, Max: 1, Values: []string{"0", "1"}},
		{Name: "vlan_protocol", Kind: Enum, Values: []string{"802.1Q", "802.1ad"}},
		{Name: "group_fwd_mask", Kind: Text},
		{Name: "group_address", Kind: Text},
		{Name: "no_linklocal_learn", Exact: true, Kind: Number, Max: 1, Values: []string{"0", "1"}},
		{Name: "fdb_flush"},
		{Name: "vlan_default_pvid", Kind: Text},
		{Name: "vlan_stats_enabled", Kind: Number, Max: 1, Values: []string{"0", "1"}},
		{Name: "vlan_stats_per_port", Kind: Number, Max: 1, Values: []string{"0", "1"}},
		{Name: "mcast_router", Kind: Number, Max: 255, Values: []string{"0", "1", "2"}},
		{Name: "mcast_snooping", Kind: Number, Max: 1, Values: []string{"0", "1"}},
		{Name: "mcast_vlan_snooping", Exact: true, Kind: Number, Max: 1, Values: []string{"0", "1"}},
		{Name: "mcast_query_use_ifaddr", Kind: Number, Max: 1, Values: []string{"0", "1"}},
		{Name: "mcast_querier", Kind: Number, Max: 1, Values: []string{"0", "1"}},
		{Name: "mcast_hash_elasticity", Kind: Text},
		{Name: "mcast_hash_max", Kind: Text},
		{Name: "mcast_last_member_count", Kind: Text},
		{Name: "mcast_startup_query_count", Kind: Text},
		{Name: "mcast_last_member_interval", Kind: Text},
		{Name: "mcast_membership_interval", Kind: Text},
		{Name: "mcast_querier_interval", Kind: Text},
		{Name: "mcast_query_interval", Kind: Text},
		{Name: "mcast_query_response_interval", Kind: Text},
		{Name: "mcast_startup_query_interval", Kind: Text},
		{Name: "mcast_stats_enabled", Kind: Number, Max: 1, Values: []string{"0", "1"}},
		{Name: "mcast_igmp_version", Kind: Number, Max: 255, Values: []string{"2", "3"}},
		{Name: "mcast_mld_version", Kind: Number, Max: 255, Values: []string{"1", "2"}},
		{Name: "nf_call_iptables", Kind: Number, Max: 1, Values: []string{"0", "1"}},
		{Name: "nf_call_ip6tables", Kind: Number, Max: 1, Values: []string{"0", "1"}},
		{Name: "nf_call_arptables", Kind: Number, Max: 1, Values: []string{"0", "1"}},
		{Name: "help"},
	}},
	{Name: "bridge_slave", Usage: "type-bridge_slave", Keys: []Keyword{
		{Name: "fdb_flush"},
		{Name: "state", Kind: Number, Max: 255, Values: PortStates},
		{Name: "priority", Kind: Number, Max: 65535},
		{Name: "cost", Kind: Number, Max: 4294967295},
		{Name: "hairpin", Kind: OnOff},
		{Name: "guard", Kind: OnOff},
		{Name: "root_block", Kind: OnOff},
		{Name: "fastleave", Kind: OnOff},
		{Name: "learning", Kind: OnOff},
		{Name: "flood", Kind: OnOff},
		{Name: "mcast_flood", Kind: OnOff},
		{Name: "bcast_flood", Kind: OnOff},
		{Name: "mcast_to_unicast", Kind: OnOff},
		{Name: "proxy_arp", Kind: OnOff},
		{Name: "proxy_arp_wifi", Kind: OnOff},
		{Name: "mcast_router", Kind: Text},
		{Name: "mcast_fast_leave", Kind: OnOff},
		{Name: "neigh_suppress", Kind: OnOff},
		{Name: "group_fwd_mask", Kind: Text},
		{Name: "vlan_tunnel", Kind: OnOff},
		{Name: "isolated", Kind: OnOff},
		{Name: "locked", Kind: OnOff},
		{Name: "backup_port", Kind: IfName},
		{Name: "nobackup_port"},
		{Name: "help"},
	}},
	{Name: "can", Usage: "type-can", Missing: true, Keys: []Keyword{
		{Name: "bitrate", Kind: Text},
		{Name: "sample-point", Kind: Text},
		{Name: "tq", Kind: Text},
		{Name: "prop-seg", Kind: Text},
		{Name: "phase-seg1", Kind: Text},
		{Name: "phase-seg2", Kind: Text},
		{Name: "sjw", Kind: Text},
		{Name: "dbitrate", Kind: Text},
		{Name: "dsample-point", Kind: Text},
		{Name: "dtq", Kind: Text},
		{Name: "dprop-seg", Kind: Text},
		{Name: "dphase-seg1", Kind: Text},
		{Name: "dphase-seg2", Kind: Text},
		{Name: "dsjw", Kind: Text},
		{Name: "tdcv", Kind: Text},
		{Name: "tdco", Kind: Text},
		{Name: "tdcf", Kind: Text},
		{Name: "loopback", Kind: Text},
		{Name: "listen-only", Kind: Text},
		{Name: "triple-sampling", Kind: Text},
		{Name: "one-shot", Kind: Text},
		{Name: "berr-reporting", Kind: Text},
		{Name: "fd", Kind: Text},
		{Name: "fd-non-iso", Kind: Text},
		{Name: "presume-ack", Kind: Text},
		{Name: "cc-len8-dlc", Kind: Text},
		{Name: "tdc-mode", Kind: Text},
		{Name: "restart"},
		{Name: "restart-ms", Kind: Text},
		{Name: "termination", Kind: Text},
		{Name: "help"},
	}},
	{Name: "dsa", Usage: "type-dsa", Missing: true, Keys: []Keyword{
		{Name: "conduit", Exact: true, Kind: IfName},
		{Name: "master", Exact: true, Canon: "conduit", Kind: IfName},
		{Name: "help", Exact: true},
	}},
	{Name: "dummy", Usage: "type-dummy"},
	{Name: "erspan", Usage: "type-erspan", Missing: true, Parts: greParts},
	{Name: "geneve", Usage: "type-geneve", Keys: []Keyword{
		{Name: "id", Kind: Number},
		{Name: "vni", Canon: "id", Kind: Number},
		{Name: "remote", Kind: Addr},
		{Name: "ttl", Kind: Number},
		{Name: "hoplimit", Canon: "ttl", Kind: Number},
		{Name: "tos", Kind: Number},
		{Name: "dsfield", Canon: "tos", Kind: Number},
		{Name: "df", Kind: Enum, Values: []string{"unset", "set", "inherit"}},
		{Name: "label", Kind: Number},
		{Name: "flowlabel", Canon: "label", Kind: Number},
		{Name: "dstport", Kind: Number},
		{Name: "external"},
		{Name: "noexternal"},
		{Name: "udpcsum"},
		{Name: "noudpcsum"},
		{Name: "udp6zerocsumtx"},
		{Name: "noudp6zerocsumtx"},
		{Name: "udp6zerocsumrx"},
		{Name: "noudp6zerocsumrx"},
		{Name: "innerprotoinherit", Exact: true},
		{Name: "help"},
	}},
	{Name: "gre", Usage: "type-gre", Parts: greParts},
	{Name: "gretap", Usage: "type-gretap", Parts: greParts},
	{Name: "gtp", Usage: "type-gtp", Missing: true, Keys: []Keyword{
		{Name: "role", Exact: true, Kind: Text},
		{Name: "hsize", Exact: true, Kind: Text},
		{Name: "restart_count", Exact: true, Kind: Text},
		{Name: "help", Exact: true},
	}},
	{Name: "hsr", Usage: "type-hsr", Missing: true, Keys: []Keyword{
		{Name: "supervision", Kind: Text},
		{Name: "version", Kind: Text},
		{Name: "proto", Kind: Text},
		{Name: "slave1", Kind: IfName},
		{Name: "slave2", Kind: IfName},
		{Name: "help"},
	}},
	{Name: "ifb", Usage: "type-ifb"},
	{Name: "ip6erspan", Usage: "type-ip6erspan", Missing: true, Parts: gre6Parts},
	{Name: "ip6gre", Usage: "type-ip6gre", Missing: true, Parts: gre6Parts},
	{Name: "ip6gretap", Usage: "type-ip6gretap", Missing: true, Parts: gre6Parts},
	{Name: "ip6tnl", Usage: "type-ip6tnl", Missing: true, Parts: ip6tnlParts},
	{Name: "ipip", Usage: "type-ipip", Parts: iptnlParts},
	{Name: "ipoib", Usage: "type-ipoib", Missing: true, Keys: []Keyword{
		{Name: "pkey", Kind: Text},
		{Name: "mode", Kind: Text},
		{Name: "umcast", Kind: Text},
		{Name: "help"},
	}},
	{Name: "ipvlan", Usage: "type-ipvlan", Keys: ipvlanKeys},
	{Name: "ipvtap", Usage: "type-ipvtap", Keys: ipvlanKeys},
	{Name: "macsec", Usage: "type-macsec", Missing: true, Keys: []Keyword{
		// get_sci_portaddr reads these first.
		{Name: "sci", Exact: true, Kind: Text},
		{Name: "port", Exact: true, Kind: Number, Max: 65535},
		{Name: "address", Exact: true, Kind: LLAddr},
		{Name: "cipher", Exact: true, Kind: Enum, Values: []string{"default", "gcm-aes-128", "GCM-AES-128", "gcm-aes-256", "GCM-AES-256", "gcm-aes-xpn-128", "GCM-AES-XPN-128", "gcm-aes-xpn-256", "GCM-AES-XPN-256"}},
		{Name: "icvlen", Exact: true, Kind: Number, Max: 255},
		{Name: "encrypt", Exact: true, Kind: OnOff},
		{Name: "send_sci", Exact: true, Kind: OnOff},
		{Name: "end_station", Exact: true, Kind: OnOff},
		{Name: "scb", Exact: true, Kind: OnOff},
		{Name: "protect", Exact: true, Kind: OnOff},
		{Name: "replay", Exact: true, Kind: OnOff},
		{Name: "window", Exact: true, Kind: Number, Max: 4294967295},
		{Name: "validate", Exact: true, Kind: Enum, Values: []string{"strict", "check", "disabled"}},
		{Name: "encodingsa", Exact: true, Kind: Number, Max: 3},
		{Name: "offload", Exact: true, Kind: Enum, Values: []string{"off", "phy", "mac"}},
	}},
	{Name: "macvlan", Usage: "type-macvlan", Keys: macvlanKeys},
	{Name: "macvtap", Usage: "type-macvtap", Keys: macvlanKeys},
	{Name: "netdevsim", Usage: "type-netdevsim"},
	{Name: "nlmon", Usage: "type-nlmon"},
	{Name: "rmnet", Usage: "type-rmnet", Missing: true, Keys: []Keyword{
		{Name: "mux_id", Kind: Number},
		{Name: "help"},
	}},
	{Name: "sit", Usage: "type-sit", Missing: true, Parts: iptnlParts},
	{Name: "team", Usage: "type-team"},
	{Name: "team_slave", Usage: "type-team_slave"},
	{Name: "vcan", Usage: "type-vcan"},
	{Name: "veth", Usage: "type-veth", Keys: []Keyword{{Name: "peer", Exact: true, Then: PeerArgs}}},
	{Name: "virt_wifi", Usage: "type-virt_wifi"},
	{Name: "vlan", Usage: "type-vlan", Keys: []Keyword{
		{Name: "protocol", Kind: Enum, Values: []string{"802.1Q", "802.1ad"}},
		{Name: "id", Kind: Number},
		{Name: "reorder_hdr", Kind: OnOff},
		{Name: "gvrp", Kind: OnOff},
		{Name: "mvrp", Kind: OnOff},
		{Name: "loose_binding", Kind: OnOff},
		{Name: "bridge_binding", Kind: OnOff},
		{Name: "ingress-qos-map", Kind: Text, Greedy: true},
		{Name: "egress-qos-map", Kind: Text, Greedy: true},
		{Name: "help"},
	}},
	{Name: "vrf", Usage: "type-vrf", Keys: []Keyword{
		{Name: "table", Kind: Number},
		{Name: "help"},
	}},
	{Name: "vrf_slave", Usage: "type-vrf_slave"},
	{Name: "vti", Usage: "type-vti", Missing: true, Keys: vtiKeys},
	{Name: "vti6", Usage: "type-vti6", Missing: true, Keys: vtiKeys},
	{Name: "vxcan", Usage: "type-vxcan", Missing: true},
	{Name: "vxlan", Usage: "type-vxlan", Keys: []Keyword{
		{Name: "id", Kind: Number},
		{Name: "vni", Canon: "id", Kind: Number},
		{Name: "group", Kind: Addr},
		{Name: "remote", Kind: Addr},
		{Name: "local", Kind: Addr},
		{Name: "dev", Kind: IfName},
		{Name: "ttl", Kind: Number},
		{Name: "hoplimit", Canon: "ttl", Kind: Number},
		{Name: "tos", Kind: Number},
		{Name: "dsfield", Canon: "tos", Kind: Number},
		{Name: "df", Kind: Enum, Values: []string{"unset", "set", "inherit"}},
		{Name: "label", Kind: Number},
		{Name: "flowlabel", Canon: "label", Kind: Number},
		{Name: "ageing", Kind: Number},
		{Name: "maxaddress", Kind: Number},
		{Name: "port", Kind: Text, Extra: 1},
		{Name: "srcport", Canon: "port", Kind: Text, Extra: 1},
		{Name: "dstport", Kind: Number},
		{Name: "nolearning"},
		{Name: "learning"},
		{Name: "noproxy"},
		{Name: "proxy"},
		{Name: "norsc"},
		{Name: "rsc"},
		{Name: "nol2miss"},
		{Name: "l2miss"},
		{Name: "nol3miss"},
		{Name: "l3miss"},
		{Name: "udpcsum"},
		{Name: "noudpcsum"},
		{Name: "udp6zerocsumtx"},
		{Name: "noudp6zerocsumtx"},
		{Name: "udp6zerocsumrx"},
		{Name: "noudp6zerocsumrx"},
		{Name: "remcsumtx"},
		{Name: "noremcsumtx"},
		{Name: "remcsumrx"},
		{Name: "noremcsumrx"},
		{Name: "external"},
		{Name: "noexternal"},
		{Name: "gbp"},
		{Name: "gpe"},
		{Name: "vnifilter", Exact: true},
		{Name: "novnifilter", Exact: true},
		{Name: "help"},
	}},
	{Name: "wwan", Usage: "type-wwan", Missing: true, Keys: []Keyword{
		{Name: "linkid", Kind: Number},
		{Name: "help"},
	}},
	{Name: "xfrm", Usage: "type-xfrm", Missing: true, Keys: []Keyword{
		{Name: "dev", Kind: IfName},
		{Name: "if_id", Kind: Text},
		{Name: "external", Exact: true},
	}},
	{Name: "wireguard", NoUtil: true},
}

// ipvlanKeys are the options of ipvlan, ipvtap (one parser in iproute2).
var ipvlanKeys = []Keyword{
	{Name: "mode", Kind: Enum, Values: []string{"l2", "l3", "l3s"}},
	{Name: "private"},
	{Name: "vepa"},
	{Name: "bridge"},
	{Name: "help"},
}

// macvlanKeys are the options of macvlan, macvtap (one parser in iproute2).
var macvlanKeys = []Keyword{
	{Name: "mode", Kind: Enum, Values: []string{"private", "vepa", "bridge", "passthru", "source"}},
	{Name: "flag", Kind: Enum, Values: []string{"nopromisc", "nodst", "null"}},
	{Name: "macaddr", Kind: Text, Greedy: true},
	{Name: "nopromisc"},
	{Name: "nodst"},
	{Name: "bcqueuelen", Kind: Number},
	{Name: "help"},
}

// vtiKeys are the options of vti, vti6 (one parser in iproute2).
var vtiKeys = []Keyword{
	{Name: "key", Kind: Text},
	{Name: "ikey", Kind: Text},
	{Name: "okey", Kind: Text},
	{Name: "remote", Kind: Addr},
	{Name: "local", Kind: Addr},
	{Name: "dev", Kind: IfName},
	{Name: "fwmark", Exact: true, Kind: Text},
}

// greParts and gre6Parts are the options of gre, gretap and erspan
// (ip/link_gre.c) and of ip6gre, ip6gretap and ip6erspan
// (ip/link_gre6.c), in their parsers' orders: runs both parsers share,
// and each one's own.
var (
	greParts  = [][]Keyword{greCommon1, greOnly1, greCommon2, encapKeys, greOnly3, greCommon4, greCommon5}
	gre6Parts = [][]Keyword{greCommon1, greCommon2, gre6Only2, encapKeys, greCommon4, gre6Only4, greCommon5}
)

// greCommon1: shared by link_gre.c and link_gre6.c.
var greCommon1 = []Keyword{
	{Name: "key", Kind: Text},
	{Name: "nokey"},
	{Name: "ikey", Kind: Text},
	{Name: "noikey"},
	{Name: "okey", Kind: Text},
	{Name: "nookey"},
	{Name: "seq"},
	{Name: "noseq"},
	{Name: "iseq"},
	{Name: "noiseq"},
	{Name: "oseq"},
	{Name: "nooseq"},
	{Name: "csum"},
	{Name: "nocsum"},
	{Name: "icsum"},
	{Name: "noicsum"},
	{Name: "ocsum"},
	{Name: "noocsum"},
}

// greOnly1: link_gre.c only.
var greOnly1 = []Keyword{
	{Name: "nopmtudisc"},
	{Name: "pmtudisc"},
}

// greCommon2: shared by link_gre.c and link_gre6.c.
var greCommon2 = []Keyword{
	{Name: "remote", Kind: Addr},
	{Name: "local", Kind: Addr},
	{Name: "dev", Kind: IfName},
	{Name: "ttl", Kind: Text},
	{Name: "hoplimit", Canon: "ttl", Kind: Text},
	{Name: "hlim", Canon: "ttl", Kind: Text},
	{Name: "tos", Kind: Text},
	{Name: "tclass", Canon: "tos", Kind: Text},
	{Name: "dsfield", Canon: "tos", Kind: Text},
}

// gre6Only2: link_gre6.c only.
var gre6Only2 = []Keyword{
	{Name: "flowlabel", Exact: true, Kind: Text},
	{Name: "fl", Exact: true, Canon: "flowlabel", Kind: Text},
	{Name: "dscp", Exact: true, Kind: Text},
}

// encapKeys are the encapsulation options (ip/tunnel.c) of gre, ip6gre,
// ipip, sit and ip6tnl.
var encapKeys = []Keyword{
	{Name: "noencap", Exact: true},
	{Name: "encap", Exact: true, Kind: Text},
	{Name: "encap-sport", Exact: true, Kind: Text},
	{Name: "encap-dport", Exact: true, Kind: Text},
	{Name: "encap-csum", Exact: true},
	{Name: "noencap-csum", Exact: true},
	{Name: "encap-udp6-csum", Exact: true},
	{Name: "noencap-udp6-csum", Exact: true},
	{Name: "encap-remcsum", Exact: true},
	{Name: "noencap-remcsum", Exact: true},
	{Name: "external", Exact: true},
}

// greOnly3: link_gre.c only.
var greOnly3 = []Keyword{
	{Name: "ignore-df", Exact: true},
	{Name: "noignore-df", Exact: true},
}

// greCommon4: shared by link_gre.c and link_gre6.c.
var greCommon4 = []Keyword{
	{Name: "fwmark", Exact: true, Kind: Text},
}

// gre6Only4: link_gre6.c only.
var gre6Only4 = []Keyword{
	{Name: "allow-localremote", Exact: true},
	{Name: "noallow-localremote", Exact: true},
	{Name: "encaplimit", Exact: true, Kind: Text},
}

// greCommon5: shared by link_gre.c and link_gre6.c.
var greCommon5 = []Keyword{
	{Name: "erspan", Exact: true, Kind: Text},
	{Name: "erspan_ver", Exact: true, Kind: Text},
	{Name: "erspan_dir", Exact: true, Kind: Text},
	{Name: "erspan_hwid", Exact: true, Kind: Text},
}

// iptnlParts and ip6tnlParts are the options of ipip and sit
// (ip/link_iptnl.c) and of ip6tnl (ip/link_ip6tnl.c), in their parsers'
// orders: runs both share, and each one's own.
var (
	iptnlParts  = [][]Keyword{iptnlOnly1, tnlCommon2, tnlCommon4, iptnlOnly5, encapKeys, iptnlOnly7}
	ip6tnlParts = [][]Keyword{ip6tnlOnly1, tnlCommon2, ip6tnlOnly3, tnlCommon4, ip6tnlOnly5, encapKeys}
)

// iptnlOnly1: link_iptnl.c only.
var iptnlOnly1 = []Keyword{
	{Name: "mode", Exact: true, Kind: Enum, Values: []string{"ipip", "ip4ip4", "ip6ip", "ipv6/ipv4", "mplsip", "any"}},
	{Name: "ip6ip", Exact: true, Canon: "mode"},
	{Name: "ipip", Exact: true, Canon: "mode"},
	{Name: "ip4ip4", Exact: true, Canon: "mode"},
	{Name: "mplsip", Exact: true, Canon: "mode"},
	{Name: "any", Exact: true, Canon: "mode"},
}

// ip6tnlOnly1: link_ip6tnl.c only.
var ip6tnlOnly1 = []Keyword{
	{Name: "mode", Exact: true, Kind: Enum, Values: []string{"ip6ip6", "ipv6/ipv6", "ipip6", "ip4ip6", "ipv4/ipv6", "any"}},
}

// tnlCommon2: shared by link_iptnl.c and link_ip6tnl.c.
var tnlCommon2 = []Keyword{
	{Name: "remote", Exact: true, Kind: Addr},
	{Name: "local", Exact: true, Kind: Addr},
	{Name: "dev", Kind: IfName},
	{Name: "ttl", Exact: true, Kind: Text},
	{Name: "hoplimit", Exact: true, Canon: "ttl", Kind: Text},
	{Name: "hlim", Exact: true, Canon: "ttl", Kind: Text},
}

// ip6tnlOnly3: link_ip6tnl.c only.
var ip6tnlOnly3 = []Keyword{
	{Name: "encaplimit", Exact: true, Kind: Text},
}

// tnlCommon4: shared by link_iptnl.c and link_ip6tnl.c.
var tnlCommon4 = []Keyword{
	{Name: "tos", Exact: true, Kind: Text},
	{Name: "tclass", Exact: true, Canon: "tos", Kind: Text},
	{Name: "tc", Exact: true, Canon: "tos", Kind: Text},
	{Name: "dsfield", Canon: "tos", Kind: Text},
}

// iptnlOnly5: link_iptnl.c only.
var iptnlOnly5 = []Keyword{
	{Name: "nopmtudisc", Exact: true},
	{Name: "pmtudisc", Exact: true},
	{Name: "isatap", Exact: true, Canon: "pmtudisc"},
}

// ip6tnlOnly5: link_ip6tnl.c only.
var ip6tnlOnly5 = []Keyword{
	{Name: "flowlabel", Exact: true, Kind: Text},
	{Name: "fl", Exact: true, Canon: "flowlabel", Kind: Text},
	{Name: "dscp", Exact: true, Kind: Text},
	{Name: "fwmark", Exact: true, Kind: Text},
	{Name: "allow-localremote", Exact: true},
	{Name: "noallow-localremote", Exact: true},
}

// iptnlOnly7: link_iptnl.c only.
var iptnlOnly7 = []Keyword{
	{Name: "6rd-prefix", Exact: true, Kind: Text},
	{Name: "6rd-relay_prefix", Exact: true, Kind: Text},
	{Name: "6rd-reset", Exact: true},
	{Name: "fwmark", Exact: true, Kind: Text},
}
