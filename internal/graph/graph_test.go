package graph_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nshlab/nsh/internal/cli"
	"github.com/nshlab/nsh/internal/graph"
	"github.com/nshlab/nsh/internal/sandbox"
	"github.com/nshlab/nsh/ns"
)

// lab is built with the real ip: veth pairs across namespaces a, b and c,
// a bridge with two ports in the namespace the test runs in, vxlans with
// a remote and a group, a macvlan, an address on b's lo.
const lab = `set -e
ip netns add a; ip netns add b; ip netns add c
ip link add br0 type bridge
ip addr add 10.9.0.1/24 dev br0
ip link set br0 up
ip link add p-a type veth peer name eth0 netns a
ip link add p-b type veth peer name eth0 netns b
ip link set p-a master br0
ip link set p-b master br0
ip -n a addr add 10.9.0.2/24 dev eth0
ip -n b addr add 10.9.0.3/24 dev eth0
ip -n b addr add 10.7.0.1/32 dev lo
ip -n a link add v-ac type veth peer name v-ca netns c
ip -n a addr add 10.8.0.1/30 dev v-ac
ip -n c addr add 10.8.0.2/30 dev v-ca
ip -n a link set v-ac up
ip -n a link add mv0 link v-ac type macvlan mode bridge
ip -n a link add vx0 type vxlan id 42 remote 10.8.0.2 local 10.8.0.1 dev v-ac dstport 4789
ip -n c link add vx0 type vxlan id 42 remote 10.8.0.1 dev v-ca dstport 4789
ip -n c link add vx1 type vxlan id 43 group 239.1.1.1 dev v-ca dstport 4789
`

// The lab's nodes and edges ("KIND FROM TO"; a veth's ends in order).
var (
	wantNodes = []string{"./br0", "./p-a", "./p-b", "./u0", "a/eth0", "a/mv0", "a/v-ac", "a/vx0", "b/eth0", "b/lo", "c/v-ca", "c/vx0", "c/vx1", "group:239.1.1.1", "unnamed:./N"}
	wantEdges = []string{
		"lower a/mv0 a/v-ac", "lower a/vx0 a/v-ac", "lower c/vx0 c/v-ca", "lower c/vx1 c/v-ca",
		"port ./br0 ./p-a", "port ./br0 ./p-b",
		"veth ./p-a a/eth0", "veth ./p-b b/eth0", "veth ./u0 unnamed:./N", "veth a/v-ac c/v-ca",
		"vxlan a/vx0 c/v-ca", "vxlan c/vx0 a/v-ac", "vxlan c/vx1 group:239.1.1.1",
	}
)

// edge prints an edge as wantEdges does.
func edge(kind, from, to string) string {
	if kind == graph.Veth && to < from {
		from, to = to, from
	}
	return kind + " " + from + " " + to
}

// unnamedRE is the ID of a namespace without a name, whose netnsid the
// kernel picks: shown as N.
var unnamedRE = regexp.MustCompile(`unnamed:\./\d+`)

func check(t *testing.T, format string, nodes, edges []string) {
	t.Helper()
	for i := range nodes {
		nodes[i] = unnamedRE.ReplaceAllString(nodes[i], "unnamed:./N")
	}
	for i := range edges {
		edges[i] = unnamedRE.ReplaceAllString(edges[i], "unnamed:./N")
	}
	slices.Sort(nodes)
	slices.Sort(edges)
	if !slices.Equal(nodes, wantNodes) {
		t.Errorf("%s: nodes\n%q\nwant\n%q", format, nodes, wantNodes)
	}
	if !slices.Equal(edges, wantEdges) {
		t.Errorf("%s: edges\n%q\nwant\n%q", format, edges, wantEdges)
	}
}

func TestGraphOfKnownLab(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		sandbox.RequireTool(t, "ip")
		dot := sandbox.RequireTool(t, "dot")
		if out, err := exec.Command("sh", "-c", lab).CombinedOutput(); err != nil {
			t.Fatalf("building the lab: %v\n%s", err, out)
		}
		// A veth whose peer is in a namespace without a name: a
		// process's own, as a container's.
		holder := exec.Command(sandbox.RequireTool(t, "unshare"), "-n", "sleep", "600")
		if err := holder.Start(); err != nil {
			t.Fatal(err)
		}
		defer holder.Wait()
		defer holder.Process.Kill()
		own, _ := os.Readlink("/proc/self/ns/net")
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
			theirs, _ := os.Readlink("/proc/" + strconv.Itoa(holder.Process.Pid) + "/ns/net")
			if theirs != "" && theirs != own {
				break // unshare has made its namespace
			}
			if time.Now().After(deadline) {
				t.Fatal("unshare -n made no namespace")
			}
		}
		line := "ip link add u0 type veth peer name u1 && ip link set u1 netns " + strconv.Itoa(holder.Process.Pid)
		if out, err := exec.Command("sh", "-c", line).CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", line, err, out)
		}
		host, err := ns.NewHost()
		if err != nil {
			t.Fatal(err)
		}
		defer host.Close()
		g, err := graph.Read(host)
		if err != nil {
			t.Fatal(err)
		}
		var text, dotSrc, mermaid bytes.Buffer
		if err := g.Text(&text); err != nil {
			t.Fatal(err)
		}
		if err := g.Dot(&dotSrc); err != nil {
			t.Fatal(err)
		}
		if err := g.Mermaid(&mermaid); err != nil {
			t.Fatal(err)
		}
		nodes, edges := parseText(t, text.String())
		check(t, "text", nodes, edges)
		nodes, edges = parseDot(t, dot, dotSrc.Bytes())
		check(t, "dot", nodes, edges)
		nodes, edges = parseMermaid(t, mermaid.String())
		check(t, "mermaid", nodes, edges)

		// The command: -f dot prints what Dot writes; -o FILE.svg renders.
		var out, errb bytes.Buffer
		if code := cli.Main([]string{"nsh", "graph", "-f", "dot"}, strings.NewReader(""), &out, &errb); code != 0 || out.String() != dotSrc.String() {
			t.Errorf("nsh graph -f dot: status %d, %s\n%s", code, errb.String(), out.String())
		}
		svg := filepath.Join(t.TempDir(), "lab.svg")
		if code := cli.Main([]string{"nsh", "graph", "-o", svg}, strings.NewReader(""), &out, &errb); code != 0 {
			t.Fatalf("nsh graph -o %s: status %d: %s", svg, code, errb.String())
		}
		checkSVG(t, svg, g)

		// Without dot on PATH: the message and status 1.
		// (The sandbox child runs this test alone: t.Setenv refuses a
		// parallel test.)
		old := os.Getenv("PATH")
		os.Setenv("PATH", "")
		defer os.Setenv("PATH", old)
		errb.Reset()
		code := cli.Main([]string{"nsh", "graph", "-o", filepath.Join(t.TempDir(), "x.png")}, strings.NewReader(""), &out, &errb)
		if want := "nsh: rendering needs Graphviz's dot: apt-get install graphviz\n"; code != 1 || errb.String() != want {
			t.Errorf("without dot: status %d, stderr %q; want 1, %q", code, errb.String(), want)
		}
	})
}

// parseText reads the nodes and edges of the text format.
func parseText(t *testing.T, text string) (nodes, edges []string) {
	cur, inOutside, node := "", false, ""
	for _, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		f := strings.Fields(line)
		switch {
		case strings.HasPrefix(line, "netns "):
			cur, inOutside = f[1], false
		case line == "outside":
			inOutside = true
		case strings.HasPrefix(line, "    "):
			switch {
			case f[0] == "peer":
				edges = append(edges, edge(graph.Veth, node, f[1]))
			case f[0] == "port":
				edges = append(edges, edge(graph.Port, node, f[1]))
			case f[0] == "on":
				edges = append(edges, edge(graph.Lower, node, f[1]))
			case f[0] == "tunnel" && f[1] == "to":
				edges = append(edges, edge(graph.Vxlan, node, f[2]))
			default:
				t.Errorf("text: unknown line %q", line)
			}
		case strings.HasPrefix(line, "  ") && inOutside:
			nodes = append(nodes, f[0])
		case strings.HasPrefix(line, "  "):
			node = cur + "/" + f[0]
			nodes = append(nodes, node)
		default:
			t.Errorf("text: unknown line %q", line)
		}
	}
	// A veth is listed under both ends.
	slices.Sort(edges)
	return nodes, slices.Compact(edges)
}

// parseDot lays src out with Graphviz (dot -Tjson), so Graphviz must
// accept it, and reads the nodes, edges and clusters of the layout.
func parseDot(t *testing.T, dot string, src []byte) (nodes, edges []string) {
	cmd := exec.Command(dot, "-Tjson")
	cmd.Stdin = bytes.NewReader(src)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || stderr.Len() > 0 {
		t.Fatalf("dot -Tjson: %v: %s\n%s", err, stderr.String(), src)
	}
	var layout struct {
		Objects []struct {
			Gvid  int    `json:"_gvid"`
			Name  string `json:"name"`
			Label string `json:"label"`
			Nodes []int  `json:"nodes"`
		} `json:"objects"`
		Edges []struct {
			Tail  int    `json:"tail"`
			Head  int    `json:"head"`
			Label string `json:"label"`
		} `json:"edges"`
	}
	if err := json.Unmarshal(out, &layout); err != nil {
		t.Fatal(err)
	}
	names := map[int]string{}
	var clusters [][]int
	var titles []string
	for _, o := range layout.Objects {
		if strings.HasPrefix(o.Name, "cluster_") {
			clusters, titles = append(clusters, o.Nodes), append(titles, o.Label)
			continue
		}
		names[o.Gvid] = o.Name
		nodes = append(nodes, o.Name)
	}
	// Each cluster holds exactly its namespace's links.
	for i, members := range clusters {
		name := strings.TrimSuffix(strings.TrimPrefix(titles[i], "netns "), " (where nsh runs)")
		for _, m := range members {
			if !strings.HasPrefix(names[m], name+"/") {
				t.Errorf("dot: %s in cluster %q", names[m], titles[i])
			}
		}
	}
	kinds := map[string]string{"veth": graph.Veth, "port": graph.Port, "on": graph.Lower, "vxlan": graph.Vxlan}
	for _, e := range layout.Edges {
		edges = append(edges, edge(kinds[e.Label], names[e.Tail], names[e.Head]))
	}
	return nodes, edges
}

// parseMermaid reads the nodes and edges of the Mermaid format.
func parseMermaid(t *testing.T, text string) (nodes, edges []string) {
	nodeRE := regexp.MustCompile(`^\s*(n\d+)(?:\["|\(\(")([^"]*)"(?:\]|\)\))$`)
	edgeRE := regexp.MustCompile(`^\s*(n\d+) (?:---|-->|-\.->)\|(\w+)\| (n\d+)$`)
	ids := map[string]string{}
	cur := ""
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if lines[0] != "flowchart LR" {
		t.Errorf("mermaid: first line %q", lines[0])
	}
	for _, line := range lines[1:] {
		if m := regexp.MustCompile(`^  subgraph ns\d+\["netns ([^"\s]+)`).FindStringSubmatch(line); m != nil {
			cur = m[1]
			continue
		}
		if strings.TrimSpace(line) == "end" {
			cur = ""
			continue
		}
		if m := nodeRE.FindStringSubmatch(line); m != nil {
			first, _, _ := strings.Cut(m[2], "<br/>")
			id := cur + "/" + first
			if cur == "" {
				kind, addr, _ := strings.Cut(first, " ")
				id = kind + ":" + addr
				if kind == "netnsid" {
					// "netnsid N of NS"
					f := strings.Fields(first)
					id = "unnamed:" + f[3] + "/" + f[1]
				}
			}
			ids[m[1]] = id
			nodes = append(nodes, id)
			continue
		}
		if m := edgeRE.FindStringSubmatch(line); m != nil {
			kind := m[2]
			if kind == "on" {
				kind = graph.Lower
			}
			edges = append(edges, edge(kind, ids[m[1]], ids[m[3]]))
			continue
		}
		t.Errorf("mermaid: unknown line %q", line)
	}
	return nodes, edges
}

// checkSVG checks that file is well-formed SVG whose text holds every
// line of every node's label.
func checkSVG(t *testing.T, file string, g *graph.Graph) {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d := xml.NewDecoder(f)
	var texts []string
	root := ""
	inText := false
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("%s is not well-formed XML: %v", file, err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if root == "" {
				root = tok.Name.Local
			}
			inText = tok.Name.Local == "text"
		case xml.EndElement:
			inText = false
		case xml.CharData:
			if inText {
				texts = append(texts, string(tok))
			}
		}
	}
	if root != "svg" {
		t.Fatalf("%s: root element %q, want svg", file, root)
	}
	all := slices.Clone(g.Remotes)
	for _, s := range g.Namespaces {
		all = append(all, s.Nodes...)
	}
	if len(all) != len(wantNodes) {
		t.Errorf("%d nodes, want %d", len(all), len(wantNodes))
	}
	for _, n := range all {
		for _, l := range graph.Label(n) {
			if !slices.Contains(texts, l) {
				t.Errorf("SVG has no text %q (of %s)", l, n.ID)
			}
		}
	}
}
