Error: argument "averyveryverylongname" is wrong: "dev" not a valid ifname
3:	v0
	link  33:33:00:00:00:01
	inet6 ff02::1
	inet6 ff01::1
