package spec_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/nshlab/nsh/builtins/spec"
	"github.com/nshlab/nsh/internal/rtnl"
	"github.com/nshlab/nsh/internal/sandbox"
)

// TestModelCounts counts, per object of ip and bridge and for brctl and
// the link types, what the model holds and how much of it nsh implements,
// and asks this kernel which link types it has, so that a link type nsh
// does not parse is told apart from one this kernel lacks. Run it with -v
// for the table (the figures of issue 10's closing note). It fails when
// an object nsh implements has no verbs in the model, or when the probe
// does not find veth and bridge both implemented and on this kernel.
func TestModelCounts(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	fmt.Fprintf(&b, "%-18s %6s %8s %8s %8s %8s\n", "object", "verbs", "missing", "keywords", "accepted", "missing")
	for _, c := range []*spec.Cmd{&spec.IP, &spec.Bridge, &spec.Brctl} {
		if len(c.Objects) == 0 {
			row(t, &b, c.Name, c.Verbs, false)
			continue
		}
		for _, o := range c.Objects {
			if o.Canon != "" || o.Name == "help" {
				continue // another spelling of an object counted already, or help
			}
			row(t, &b, c.Name+" "+o.Name, o.Verbs, o.Missing)
		}
	}
	t.Logf("the model, per object (keywords: distinct names over the object's verbs):\n%s", b.String())

	sandbox.Run(t, func(t *testing.T) {
		c, err := rtnl.Open()
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		var implemented, notParsed, lacking []string
		keys, keysMissing := 0, 0
		for _, k := range spec.LinkKinds {
			n := len(k.Keywords())
			keys += n
			if k.Missing {
				keysMissing += n
			}
			// A port type ("bridge_slave") is there when its master's is.
			known, err := c.KindKnown(strings.TrimSuffix(k.Name, "_slave"))
			if err != nil {
				t.Fatalf("probing %s: %v", k.Name, err)
			}
			switch {
			case !known:
				lacking = append(lacking, k.Name)
			case k.Missing:
				notParsed = append(notParsed, k.Name)
			default:
				implemented = append(implemented, k.Name)
			}
		}
		if !slices.Contains(implemented, "veth") || !slices.Contains(implemented, "bridge") {
			t.Fatalf("the probe finds neither veth nor bridge implemented on this kernel: %v", implemented)
		}
		t.Logf("link types: %d in the model with %d keywords (%d of them of types nsh does not parse)\n"+
			"  on this kernel and implemented (%d): %s\n"+
			"  on this kernel, options not parsed by nsh (%d): %s\n"+
			"  not on this kernel (%d): %s",
			len(spec.LinkKinds), keys, keysMissing,
			len(implemented), strings.Join(implemented, " "),
			len(notParsed), strings.Join(notParsed, " "),
			len(lacking), strings.Join(lacking, " "))
	})
}

// row adds the counts of one object's verbs to b.
func row(t *testing.T, b *strings.Builder, name string, verbs []spec.Verb, missing bool) {
	t.Helper()
	if missing {
		fmt.Fprintf(b, "%-18s %6s %8s %8s %8s %8s\n", name, "-", "all", "-", "-", "-")
		return
	}
	nv, mv := 0, 0
	seen := map[string]bool{}
	nk, mk := 0, 0
	for _, v := range verbs {
		if v.Canon != "" || v.Name == "help" {
			continue
		}
		nv++
		if v.Missing {
			mv++
		}
		for _, k := range append(append([]spec.Keyword{}, v.Pos...), v.Keys...) {
			if k.Canon != "" || k.Name == "help" || seen[k.Name] {
				continue
			}
			seen[k.Name] = true
			nk++
			if k.Missing || v.Missing {
				mk++
			}
		}
	}
	if nv == 0 {
		t.Errorf("%s: no verbs in the model", name)
	}
	fmt.Fprintf(b, "%-18s %6d %8d %8d %8d %8d\n", name, nv, mv, nk, nk-mk, mk)
}
