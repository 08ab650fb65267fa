package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"pledgesite/generator"
	"pledgesite/generator/synth"
)

// mspID is the shipped multistakeholder record the synthetic pledges
// contribute to; it is copied into every source tree.
const mspID = "msp-trafficking-in-persons"

// sourceTree returns <work>/src-<n>: the shipped guidance, theme and
// settings, the real multistakeholder record and n synthetic records (the
// same tree generator/bench_test.go builds). The records are made once and
// kept while synth would write the same (synth.Current); the guidance,
// theme and settings are copied from the working tree on every run, so
// the benchmark measures the theme as it is now.
func sourceTree(root, work string, n int, seed uint64) (dir string, made bool, err error) {
	dir = filepath.Join(work, "src-"+strconv.Itoa(n))
	measures, err := shippedMeasures(root)
	if err != nil {
		return "", false, err
	}
	opt := synth.Options{N: n, Seed: seed, Measures: measures, MSP: mspID}
	if synth.Current(dir, opt) && countYAML(filepath.Join(dir, "pledges")) == n+1 {
		return dir, false, copyShared(root, dir)
	}
	tmp := dir + ".tmp"
	if err := os.RemoveAll(tmp); err != nil {
		return "", false, err
	}
	if err := os.MkdirAll(filepath.Join(tmp, "pledges"), 0o755); err != nil {
		return "", false, err
	}
	if err := copyShared(root, tmp); err != nil {
		return "", false, err
	}
	msp, err := os.ReadFile(filepath.Join(root, "pledges", mspID+".yaml"))
	if err != nil {
		return "", false, err
	}
	if err := os.WriteFile(filepath.Join(tmp, "pledges", mspID+".yaml"), msp, 0o644); err != nil {
		return "", false, err
	}
	if _, err := synth.Write(filepath.Join(tmp, "pledges"), opt); err != nil {
		return "", false, err
	}
	if err := os.RemoveAll(dir); err != nil {
		return "", false, err
	}
	if err := os.Rename(tmp, dir); err != nil {
		return "", false, err
	}
	return dir, true, synth.MarkCurrent(dir, opt)
}

// shippedMeasures returns the measure ids of the working tree's guidance,
// which the synthetic records are tagged with.
func shippedMeasures(root string) ([]string, error) {
	src, errs := generator.Load(os.DirFS(root), "")
	if src == nil || src.Content == nil {
		return nil, fmt.Errorf("loading the shipped sources: %v", errs)
	}
	var measures []string
	for _, m := range src.Content.Measures {
		measures = append(measures, m.Measure)
	}
	if len(measures) == 0 {
		return nil, fmt.Errorf("no guidance measures found under %s/content/guidance", root)
	}
	return measures, nil
}

// copyShared copies content/, themes/ and site.yaml of the working tree
// into dst, replacing what was there.
func copyShared(root, dst string) error {
	for _, d := range []string{"content", "themes"} {
		if err := os.RemoveAll(filepath.Join(dst, d)); err != nil {
			return err
		}
		if err := copyTree(filepath.Join(root, d), filepath.Join(dst, d)); err != nil {
			return err
		}
	}
	data, err := os.ReadFile(filepath.Join(root, "site.yaml"))
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dst, "site.yaml"), data, 0o644)
}

func copyTree(from, to string) error {
	return filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(from, p)
		if err != nil {
			return err
		}
		target := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
}

func countYAML(dir string) int {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return -1
	}
	n := 0
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".yaml") {
			n++
		}
	}
	return n
}

// fileEntry is one file of a built site.
type fileEntry struct {
	rel  string
	size int64
}

// listFiles walks a built site: every regular file with its size.
func listFiles(dir string) ([]fileEntry, error) {
	var out []fileEntry
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if !info.Mode().IsRegular() {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		out = append(out, fileEntry{rel: rel, size: info.Size()})
		return nil
	})
	return out, err
}

func totals(files []fileEntry) (int, int64) {
	var b int64
	for _, f := range files {
		b += f.size
	}
	return len(files), b
}
