package interp

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"sync"

	"github.com/nshlab/nsh/lang"
	"github.com/nshlab/nsh/ns"
)

// jobs are the background statements ("STMT &") of a run, shared by the
// runner and its copies.
type jobs struct {
	mu   sync.Mutex
	all  []*job
	last *job
}

// job is one background statement: it runs on a copy of the runner, in a
// goroutine of its own.
type job struct {
	started chan struct{} // closed when the job started its first program
	once    sync.Once
	pid     int // that program's process id, once started is closed

	done   chan struct{} // closed when the statement has ended
	status int           // its status, once done is closed
	cancel context.CancelFunc
}

// jobKey is the context key of the job a background statement runs as.
type jobKey struct{}

// jobOf returns the background job ctx belongs to, or nil.
func jobOf(ctx context.Context) *job {
	j, _ := ctx.Value(jobKey{}).(*job)
	return j
}

// setPid records the first program the job started: "$!" is its pid.
func (j *job) setPid(pid int) {
	j.once.Do(func() {
		j.pid = pid
		close(j.started)
	})
}

// lastPid is "$!": the process id of the program the last background
// statement started, waiting until it has started one or ended. It is ""
// before any background statement, and for one that ran no program.
func (js *jobs) lastPid() string {
	js.mu.Lock()
	j := js.last
	js.mu.Unlock()
	if j == nil {
		return ""
	}
	select {
	case <-j.started:
	case <-j.done:
		select {
		case <-j.started:
		default:
			return ""
		}
	}
	return strconv.Itoa(j.pid)
}

// background runs b.X in the background: on a copy of the runner (as a
// subshell would), in its own goroutine, with the script going on at
// once. The job's errors are printed as they happen, as in a list; "wait"
// collects its status. Interrupting the script (Ctrl-C at the prompt)
// does not stop it; StopJobs does.
func (r *Runner) background(ctx context.Context, b *lang.Background) error {
	jctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	j := &job{started: make(chan struct{}), done: make(chan struct{}), cancel: cancel}
	jctx = context.WithValue(jctx, jobKey{}, j)
	// The job writes while the script does: writers that are not files
	// are serialised, the script's own included.
	r.stdout, r.stderr = shareWriter(r.stdout), shareWriter(r.stderr)
	s := r.fork()
	s.report = true
	r.jobs.mu.Lock()
	r.jobs.all = append(r.jobs.all, j)
	r.jobs.last = j
	r.jobs.mu.Unlock()
	go func() {
		defer close(j.done)
		defer cancel()
		err := s.listPart(jctx, b.X)
		j.status = StatusOf(err)
		if err != nil && j.status == 0 {
			j.status = 1
		}
	}()
	r.status = 0
	return nil
}

// wait is "wait [PID ...]": wait for the background statements (all, or
// those that started the programs PID), with the status of the last one
// waited for; 127 for a PID that is no job of this run.
func (r *Runner) wait(ctx context.Context, _ lang.Pos, _ ns.Ref, args []string) error {
	r.jobs.mu.Lock()
	all := append([]*job(nil), r.jobs.all...)
	r.jobs.mu.Unlock()
	var pick []*job
	status := 0
	if len(args) < 2 {
		pick = all
	}
	for _, a := range args[1:] {
		pid, err := strconv.Atoi(a)
		if err != nil || pid <= 0 {
			return fmt.Errorf("wait: %q is not a process id", a)
		}
		found := false
		for _, j := range all {
			select {
			case <-j.started:
				if j.pid == pid {
					pick, found = append(pick, j), true
				}
			default:
			}
		}
		if !found {
			fmt.Fprintf(r.stderr, "wait: pid %d is not a child of this shell\n", pid)
			status = 127
		}
	}
	for _, j := range pick {
		select {
		case <-j.done:
			status = j.status
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	r.jobs.mu.Lock()
	kept := r.jobs.all[:0]
	for _, j := range r.jobs.all {
		select {
		case <-j.done:
		default:
			kept = append(kept, j)
		}
	}
	r.jobs.all = kept
	r.jobs.mu.Unlock()
	if status != 0 {
		return ExitStatus(status)
	}
	return nil
}

// StopJobs interrupts the background statements still running and waits
// for them to end: their programs get SIGINT, then SIGKILL if they are
// still running after a grace period. "nsh --sandbox" calls it before the
// sandbox goes, so that no program outlives it; a plain run leaves them
// running, as a shell does.
func (r *Runner) StopJobs() {
	js := r.jobs
	js.mu.Lock()
	all := append([]*job(nil), js.all...)
	js.all = nil
	js.mu.Unlock()
	for _, j := range all {
		j.cancel()
	}
	for _, j := range all {
		<-j.done
	}
}

// shareWriter returns w behind a mutex (a lockedWriter, kept if it is one
// already), or w itself when it is a file, whose writes the kernel
// serialises.
func shareWriter(w io.Writer) io.Writer {
	if _, ok := w.(*lockedWriter); ok {
		return w
	}
	return lockWriter(w, new(sync.Mutex))
}
