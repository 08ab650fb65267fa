package main

import (
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"testing"
)

// TestBuildTimings checks that build --timings names every step of a build,
// with the parts of loading and rendering below them, and marks the times
// that are added up over goroutines.
func TestBuildTimings(t *testing.T) {
	var stdout, stderr bytes.Buffer
	dest := filepath.Join(t.TempDir(), "public")
	if code := run(context.Background(), []string{"build", "--timings", "--source", moduleRoot(t), "--dest", dest}, &stdout, &stderr); code != 0 {
		t.Fatalf("build exited %d: %s", code, stderr.String())
	}
	line := regexp.MustCompile(`(?m)^(  +)(\S.*?) +([0-9]+\.[0-9]) ms( \+)?$`)
	type step struct {
		indent int
		summed bool
		ms     float64
	}
	got := map[string]step{}
	var order []string
	for _, m := range line.FindAllStringSubmatch(stdout.String(), -1) {
		ms, _ := strconv.ParseFloat(m[3], 64)
		got[m[2]] = step{len(m[1]), m[4] != "", ms}
		order = append(order, m[2])
	}
	want := []struct {
		name   string
		indent int
		summed bool
	}{
		{"load and validate", 2, false},
		{"read record files", 4, true},
		{"parse YAML", 4, true},
		{"check records", 4, true},
		{"cross-record rules", 4, true},
		{"model", 2, false},
		{"sass and assets", 2, false},
		{"render pages", 2, false},
		{"layouts", 4, true},
		{"page dates from git", 2, false},
		{"search index", 2, false},
		{"write files", 2, true},
	}
	last := -1
	for _, w := range want {
		g, ok := got[w.name]
		if !ok {
			t.Errorf("no line for %q in:\n%s", w.name, stdout.String())
			continue
		}
		if g.indent != w.indent || g.summed != w.summed {
			t.Errorf("%q: indent %d, summed %v; want %d, %v", w.name, g.indent, g.summed, w.indent, w.summed)
		}
		// Each of these does work on the shipped site: none can take no time.
		if g.ms <= 0 && w.name != "cross-record rules" {
			t.Errorf("%q took %.1f ms", w.name, g.ms)
		}
		i := slices.Index(order, w.name)
		if i < last {
			t.Errorf("%q is out of order: %v", w.name, order)
		}
		last = i
	}
	if !bytes.Contains(stdout.Bytes(), []byte("\n  + added up over the goroutines")) {
		t.Errorf("no note on the marked times:\n%s", stdout.String())
	}
}
