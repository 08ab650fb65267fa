package main

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Sample is one measured run.
type Sample struct {
	WallMS    float64 `json:"wall_ms"`
	UserMS    float64 `json:"user_ms"`
	SysMS     float64 `json:"sys_ms"`
	CPUMS     float64 `json:"cpu_ms"`                // user + sys
	PeakRSSKB int64   `json:"peak_rss_kb,omitempty"` // ru_maxrss: the largest single process of the tree
	Files     int     `json:"files,omitempty"`
	Bytes     int64   `json:"bytes,omitempty"`
	Pages     int     `json:"pages,omitempty"`
	Written   *int    `json:"written,omitempty"`    // files pledgesite wrote ("N written"; 0 when up to date)
	UpToDate  bool    `json:"up_to_date,omitempty"` // pledgesite found nothing to do ("is up to date")
	Phases    []Phase `json:"phases,omitempty"`
}

// Phase is one line of pledgesite build --timings. A part of a step is
// named "step / part"; Summed marks times added up over goroutines.
type Phase struct {
	Name   string  `json:"name"`
	MS     float64 `json:"ms"`
	Summed bool    `json:"summed,omitempty"`
}

// errTimeout marks a command killed because it ran past its time limit.
var errTimeout = errors.New("time limit reached")

// runMeasured runs a command and measures it from outside: wall time
// around the process, CPU time and peak RSS from the rusage wait4 returns.
// That rusage covers the process and the children it waited for (Dart
// Sass for pledgesite), as /usr/bin/time -v reports; ru_maxrss is the
// peak of the largest single process, in KiB on Linux.
func runMeasured(dir string, limit time.Duration, env []string, name string, args ...string) (Sample, string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	// Own process group, so a time limit kills helpers too.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if ctx.Err() == context.DeadlineExceeded {
		return Sample{}, out.String(), fmt.Errorf("%s: %w (%s)", name, errTimeout, limit)
	}
	if err != nil {
		return Sample{}, out.String(), fmt.Errorf("%s %s: %v\n%s", name, strings.Join(args, " "), err, tail(out.String(), 2000))
	}
	s := Sample{WallMS: ms(wall)}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		s.UserMS = ms(time.Duration(ru.Utime.Nano()))
		s.SysMS = ms(time.Duration(ru.Stime.Nano()))
		s.PeakRSSKB = ru.Maxrss
	}
	s.CPUMS = s.UserMS + s.SysMS
	return s, out.String(), nil
}

var (
	builtLine   = regexp.MustCompile(`built (\d+) pages, (\d+) files .* in \S+: (\d+) written, (\d+) removed`)
	upToDate    = regexp.MustCompile(` is up to date: .*\((\d+) files, checked in \S+\)`)
	phaseLine   = regexp.MustCompile(`^  ( *)(\S.*?)\s+([0-9.]+) ms( \+)?$`)
	errNoSummry = errors.New("no build summary in pledgesite's output")
)

// parseBuild reads the summary and --timings lines of pledgesite build:
// "built N pages, ...: N written, ..." or, when the sources did not change
// since the last build into the folder, "<dest> is up to date: ...".
func parseBuild(out string, s *Sample) error {
	if m := builtLine.FindStringSubmatch(out); m != nil {
		s.Pages, _ = strconv.Atoi(m[1])
		w, _ := strconv.Atoi(m[3])
		s.Written = &w
	} else if upToDate.MatchString(out) {
		w := 0
		s.Written, s.UpToDate = &w, true
	} else {
		return fmt.Errorf("%w:\n%s", errNoSummry, tail(out, 2000))
	}
	step := ""
	for _, line := range strings.Split(out, "\n") {
		if p := phaseLine.FindStringSubmatch(line); p != nil {
			v, _ := strconv.ParseFloat(p[3], 64)
			name := p[2]
			if p[1] == "" {
				step = name
			} else {
				name = step + " / " + name
			}
			s.Phases = append(s.Phases, Phase{Name: name, MS: v, Summed: p[4] != ""})
		}
	}
	return nil
}

// ioFloor writes the files of a built site again, same relative paths and
// sizes, with nothing but os.MkdirAll and os.WriteFile: the least any
// generator writing that site has to spend. workers > 1 spreads the files
// over that many goroutines. dir is a new folder (see scratch).
func ioFloor(dir string, files []fileEntry, workers int) (Sample, error) {
	var maxSize int64
	for _, f := range files {
		maxSize = max(maxSize, f.size)
	}
	// Random-ish bytes, made before the clock starts.
	buf := make([]byte, maxSize)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range buf {
		buf[i] = byte('a' + r.IntN(26))
	}
	var before, after syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &before)
	start := time.Now()
	firstErr := striped(len(files), workers, func(i int) error {
		f := files[i]
		p := filepath.Join(dir, f.rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		return os.WriteFile(p, buf[:f.size], 0o644)
	})
	wall := time.Since(start)
	syscall.Getrusage(syscall.RUSAGE_SELF, &after)
	if firstErr != nil {
		return Sample{}, firstErr
	}
	s := Sample{WallMS: ms(wall),
		UserMS: ms(time.Duration(after.Utime.Nano() - before.Utime.Nano())),
		SysMS:  ms(time.Duration(after.Stime.Nano() - before.Stime.Nano()))}
	s.CPUMS = s.UserMS + s.SysMS
	s.Files, s.Bytes = totals(files)
	return s, nil
}

// striped calls fn for 0..n-1 on that many goroutines, worker w taking
// the indexes i with i%workers == w, and returns the first error; a worker
// stops at its error.
func striped(n, workers int, fn func(i int) error) error {
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	for w := range workers {
		wg.Go(func() {
			for i := w; i < n; i += workers {
				if err := fn(i); err != nil {
					mu.Lock()
					first = cmp.Or(first, err)
					mu.Unlock()
					return
				}
			}
		})
	}
	wg.Wait()
	return first
}

// median takes each figure's median over the runs separately (phases by
// name, in the order of the first run). Written is the largest count seen,
// so a single rewritten file is never hidden.
func median(runs []Sample) Sample {
	if len(runs) == 0 {
		return Sample{}
	}
	f := func(get func(Sample) float64) float64 {
		v := make([]float64, len(runs))
		for i, r := range runs {
			v[i] = get(r)
		}
		slices.Sort(v)
		if len(v)%2 == 1 {
			return v[len(v)/2]
		}
		return (v[len(v)/2-1] + v[len(v)/2]) / 2
	}
	m := Sample{
		WallMS:    f(func(s Sample) float64 { return s.WallMS }),
		UserMS:    f(func(s Sample) float64 { return s.UserMS }),
		SysMS:     f(func(s Sample) float64 { return s.SysMS }),
		CPUMS:     f(func(s Sample) float64 { return s.CPUMS }),
		PeakRSSKB: int64(f(func(s Sample) float64 { return float64(s.PeakRSSKB) })),
		Files:     int(f(func(s Sample) float64 { return float64(s.Files) })),
		Bytes:     int64(f(func(s Sample) float64 { return float64(s.Bytes) })),
		Pages:     int(f(func(s Sample) float64 { return float64(s.Pages) })),
	}
	for _, r := range runs {
		m.UpToDate = m.UpToDate || r.UpToDate
		if r.Written != nil {
			if m.Written == nil || *r.Written > *m.Written {
				w := *r.Written
				m.Written = &w
			}
		}
	}
	for _, p := range runs[0].Phases {
		m.Phases = append(m.Phases, Phase{Name: p.Name, Summed: p.Summed, MS: f(func(s Sample) float64 {
			for _, q := range s.Phases {
				if q.Name == p.Name {
					return q.MS
				}
			}
			return 0
		})})
	}
	return m
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "..." + s[len(s)-n:]
}

// loadAvg is the first three fields of /proc/loadavg.
func loadAvg() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}
