package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// scratch hands out a new, empty folder for every timed step and removes
// them all only when the benchmark is over.
//
// Why not empty one folder before each step: on this machine's file system
// (ext4 without a journal) the inode allocator skips every inode freed in
// the last few minutes, one lookup each (perf shows the time in
// find_inode_bit and recently_deleted). After a step deletes the 22,000
// files of the previous one, the next step's creates crawl past them: the
// same 10,000-pledge build took 4.5 s into a new folder and 9 to 15 s into
// a folder just emptied, and the I/O floor 0.4 s against 3 to 9 s. A
// checkout on a build machine meets no such backlog, and each row of the
// table would meet a different one, so no timed step runs after a big
// delete: outputs are kept until the end, and a run that starts soon after
// the previous one's clean-up waits for the backlog to clear.
type scratch struct {
	dir    string
	seq    int
	wait   time.Duration
	stdout io.Writer
	notes  *[]string
}

// reuseWait is how long the allocator avoids freed inodes, measured here:
// the I/O floor of 10,000 pages (0.4 to 0.5 s on a quiet disk) took 5.6 s
// 30 s after deleting 30,000 files, 2.1 s after 90 s, 1.6 s after 180 s
// and 0.41 s after 330 s: about the 300 s the kernel allows when an
// inode's table block has not been written back (RECENTCY_DIRTY in
// ext4/ialloc.c), though sync(2) before waiting did not shorten it here.
const reuseWait = 6 * time.Minute

func newScratch(work string, wait time.Duration, stdout io.Writer, notes *[]string) (*scratch, error) {
	s := &scratch{dir: filepath.Join(work, "scratch"), wait: wait, stdout: stdout, notes: notes}
	// Left by a run that was stopped, or by versions of this program that
	// emptied fixed folders: remove them now, before anything is timed, and
	// wait as after any clean-up.
	old, _ := filepath.Glob(filepath.Join(work, "*-out-*"))
	more, _ := filepath.Glob(filepath.Join(work, "out-*"))
	floors, _ := filepath.Glob(filepath.Join(work, "floor-*"))
	if _, err := os.Stat(s.dir); err == nil {
		old = append(old, s.dir)
	}
	if old = append(append(old, more...), floors...); len(old) > 0 {
		for _, d := range old {
			if err := os.RemoveAll(d); err != nil {
				return nil, err
			}
		}
		if err := s.remove(); err != nil {
			return nil, err
		}
	}
	s.awaitReuse()
	return s, os.MkdirAll(s.dir, 0o755)
}

// next returns a new folder path (not yet made) named after what goes in it.
func (s *scratch) next(name string) string {
	s.seq++
	return filepath.Join(s.dir, fmt.Sprintf("%02d-%s", s.seq, name))
}

// ensureSpace removes the kept outputs when the disk holds less than need
// bytes more, and says so: the steps after it may then meet the backlog.
func (s *scratch) ensureSpace(need int64) error {
	var st syscall.Statfs_t
	if err := syscall.Statfs(s.dir, &st); err != nil {
		return err
	}
	if free := int64(st.Bavail) * st.Bsize; free >= need {
		return nil
	}
	msg := fmt.Sprintf("disk nearly full: removed the kept outputs at %s, so later steps may include the file system's delay in reusing freed inodes",
		time.Now().UTC().Format(time.TimeOnly))
	fmt.Fprintln(s.stdout, "  "+msg)
	*s.notes = append(*s.notes, msg)
	if err := s.remove(); err != nil {
		return err
	}
	s.awaitReuse()
	return os.MkdirAll(s.dir, 0o755)
}

// remove deletes every kept folder and notes when, so the next run (of
// this program) can wait for the allocator.
func (s *scratch) remove() error {
	if err := os.RemoveAll(s.dir); err != nil {
		return err
	}
	settle()
	return os.WriteFile(s.stampFile(), []byte(strconv.FormatInt(time.Now().Unix(), 10)), 0o644)
}

func (s *scratch) stampFile() string { return s.dir + ".removed" }

// awaitReuse sleeps until reuseWait has passed since the last clean-up.
func (s *scratch) awaitReuse() {
	b, err := os.ReadFile(s.stampFile())
	if err != nil {
		return
	}
	at, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	if err != nil {
		return
	}
	if left := time.Until(time.Unix(at, 0).Add(s.wait)); left > 0 {
		fmt.Fprintf(s.stdout, "waiting %s: the previous outputs were removed at %s and the file system skips freed inodes for a while\n",
			left.Round(time.Second), time.Unix(at, 0).UTC().Format(time.TimeOnly))
		time.Sleep(left)
	}
}
