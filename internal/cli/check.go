package cli

import (
	"strings"

	"github.com/nshlab/nsh/lang"
)

// checkCommand is the static check of a command's words (see
// lang.CheckConfig.CheckCommand). For now it only keeps the books of
// namespaces: those "ip netns add NAME" (and attach) creates, and those
// "ip -n NAME ..." and "ip netns exec NAME ..." act in. A command it
// cannot read makes any namespace possible ("").
func checkCommand(words []string, known []bool) lang.CommandInfo {
	var info lang.CommandInfo
	if words[0] != "ip" {
		return info
	}
	i := 1
	for ; i < len(words) && strings.HasPrefix(words[i], "-"); i++ {
		if !known[i] {
			return anyNetns(info)
		}
		switch strings.TrimPrefix(words[i], "-") {
		case "n", "netns", "-netns":
			if i+1 < len(words) && known[i+1] {
				info.NetnsUsed = append(info.NetnsUsed, words[i+1])
			}
			i++
		case "b", "batch", "force":
			return anyNetns(info)
		}
	}
	if i >= len(words) {
		return info
	}
	if !known[i] {
		return anyNetns(info)
	}
	if len(words[i]) < 3 || !strings.HasPrefix("netns", words[i]) || i+2 >= len(words) {
		return info
	}
	if !known[i+1] {
		return anyNetns(info)
	}
	verb, name := words[i+1], words[i+2]
	switch {
	case strings.HasPrefix("add", verb) || strings.HasPrefix("attach", verb):
		info.NetnsCreated = append(info.NetnsCreated, name)
	case strings.HasPrefix("exec", verb) && known[i+2]:
		info.NetnsUsed = append(info.NetnsUsed, name)
	}
	return info
}

// anyNetns adds to info that the command may create any namespace.
func anyNetns(info lang.CommandInfo) lang.CommandInfo {
	info.NetnsCreated = append(info.NetnsCreated, "")
	return info
}
