package journal

// state is what a journal's records say: the intents still in force
// (not failed, not undone), their marks, the namespaces the lab created,
// and where each link the lab created is now.
type state struct {
	intents []Record
	marks   map[int]Record
	// labNS are the namespaces the lab created and has not deleted.
	labNS map[string]bool
	// links maps an OpLink intent's Seq to where that link is now.
	links map[int]*place
}

// place is where a link the lab created is: namespace, name, or gone.
type place struct {
	ns, name string
	// peer is the other end of a veth pair the lab created.
	peer *place
	gone bool
	// maybe are other places the link may be: where a move that is not
	// marked done would have taken it (the run may have been killed
	// before or after the kernel made it).
	maybe []place
}

// newState reads recs.
func newState(recs []Record) *state {
	s := &state{marks: map[int]Record{}, labNS: map[string]bool{}, links: map[int]*place{}}
	for _, r := range recs {
		switch r.Op {
		case MarkDone, MarkFailed, MarkUndone:
			s.marks[r.Of] = r
		}
	}
	for _, r := range recs {
		switch r.Op {
		case OpLab, OpRun, MarkDone, MarkFailed, MarkUndone:
			continue
		}
		if m, ok := s.marks[r.Seq]; ok && m.Op != MarkDone {
			continue
		}
		s.intents = append(s.intents, r)
		s.apply(r)
	}
	return s
}

// apply follows intent r forward.
func (s *state) apply(r Record) {
	switch r.Op {
	case OpNetns:
		s.labNS[r.Name] = true
	case OpNetnsDel:
		delete(s.labNS, r.Name)
		for _, p := range s.links {
			if p.ns == r.Name {
				p.kill()
			}
		}
	case OpLink:
		a := &place{ns: r.NS, name: r.Name}
		s.links[r.Seq] = a
		if r.Peer != "" {
			b := &place{ns: r.PeerNS, name: r.Peer, peer: a}
			a.peer = b
			s.links[-r.Seq] = b
		}
	case OpLinkDel:
		if p := s.find(r.NS, r.Name); p != nil {
			p.kill()
		}
	case OpMove:
		if p := s.find(r.NS, r.Name); p != nil {
			to := place{ns: r.To, name: p.name}
			if r.NewName != "" {
				to.name = r.NewName
			}
			if _, done := s.marks[r.Seq]; !done {
				p.maybe = append(p.maybe, to)
				return
			}
			p.ns, p.name = to.ns, to.name
		}
	case OpLinkSet:
		if r.NewName != "" {
			if p := s.find(r.NS, r.Name); p != nil {
				if _, done := s.marks[r.Seq]; !done {
					p.maybe = append(p.maybe, place{ns: p.ns, name: r.NewName})
					return
				}
				p.name = r.NewName
			}
		}
	}
}

// kill marks p gone, and its veth peer with it.
func (p *place) kill() {
	p.gone = true
	if p.peer != nil {
		p.peer.gone = true
	}
}

// find returns where the lab's link name in ns is, or nil if the lab did
// not create it.
func (s *state) find(ns, name string) *place {
	for _, p := range s.links {
		if !p.gone && p.ns == ns && p.name == name {
			return p
		}
	}
	return nil
}

// createdNow returns the links the lab created that still exist, as
// linkKey keys.
func (s *state) createdNow() map[string]bool {
	m := map[string]bool{}
	for _, p := range s.links {
		if !p.gone {
			m[linkKey(p.ns, p.name)] = true
		}
	}
	return m
}
