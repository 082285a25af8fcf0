package repl

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// historyLimit is how many lines the history file keeps.
const historyLimit = 1000

// HistoryPath returns where the REPL keeps its history:
// $XDG_STATE_HOME/nsh/history, or ~/.nsh_history when XDG_STATE_HOME is
// unset. getenv is os.Getenv in nsh.
func HistoryPath(getenv func(string) string) string {
	if d := getenv("XDG_STATE_HOME"); d != "" {
		return filepath.Join(d, "nsh", "history")
	}
	home := getenv("HOME")
	if home == "" {
		return ""
	}
	return filepath.Join(home, ".nsh_history")
}

// history is the persistent history file. nsh writes it itself instead
// of letting readline do it, because readline creates the file, and the
// temporary file it rewrites it through, with mode 0666 (HAZARDS #15).
type history struct {
	f *os.File
}

// openHistory opens (creating it with mode 0600) the history file at
// path, refusing a symbolic link or anything but a regular file, and
// tightening an existing file's mode to 0600. It returns the lines
// already there, the last historyLimit of them.
func openHistory(path string) (*history, []string, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, nil, fmt.Errorf("history: %w", err)
		}
	}
	fd, err := unix.Open(path, unix.O_RDWR|unix.O_CREAT|unix.O_APPEND|unix.O_NOFOLLOW|unix.O_CLOEXEC|unix.O_NOCTTY|unix.O_NONBLOCK, 0o600)
	if err != nil {
		if errors.Is(err, unix.ELOOP) {
			return nil, nil, fmt.Errorf("history: refusing %s: it is a symbolic link", path)
		}
		return nil, nil, fmt.Errorf("history: open %s: %w", path, err)
	}
	f := os.NewFile(uintptr(fd), path)
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("history: stat %s: %w", path, err)
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG {
		f.Close()
		return nil, nil, fmt.Errorf("history: refusing %s: not a regular file", path)
	}
	if st.Mode&0o077 != 0 {
		if err := unix.Fchmod(fd, 0o600); err != nil {
			f.Close()
			return nil, nil, fmt.Errorf("history: chmod %s: %w", path, err)
		}
	}
	if err := unix.SetNonblock(fd, false); err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("history: %w", err)
	}
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" {
			lines = append(lines, sc.Text())
		}
	}
	h := &history{f: f}
	if len(lines) > 2*historyLimit {
		lines = lines[len(lines)-historyLimit:]
		// Rewrite in place, through the same descriptor: no new file.
		if err := f.Truncate(0); err == nil {
			f.WriteString(strings.Join(lines, "\n") + "\n")
		}
	} else if len(lines) > historyLimit {
		lines = lines[len(lines)-historyLimit:]
	}
	return h, lines, nil
}

// add appends a line, without the blanks completion leaves at its end.
func (h *history) add(line string) {
	line = strings.TrimRight(line, " \t")
	if h == nil || strings.TrimSpace(line) == "" || strings.ContainsAny(line, "\n") {
		return
	}
	h.f.WriteString(line + "\n")
}

func (h *history) close() {
	if h != nil {
		h.f.Close()
	}
}
