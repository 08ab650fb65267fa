package main

import (
	"os"
	"reflect"
	"testing"
)

// TestParseBuild reads the output of pledgesite build --timings (a 10,000
// pledge build): the summary, every step, and each part under its step.
func TestParseBuild(t *testing.T) {
	out, err := os.ReadFile("testdata/build-timings.txt")
	if err != nil {
		t.Fatal(err)
	}
	var s Sample
	if err := parseBuild(string(out), &s); err != nil {
		t.Fatal(err)
	}
	if s.Pages != 12112 || s.Written == nil || *s.Written != 22556 || s.UpToDate {
		t.Errorf("pages %d, written %v, up to date %v; want 12112, 22556, false", s.Pages, s.Written, s.UpToDate)
	}
	want := []Phase{
		{"check sources changed", 36.1, false},
		{"start", 11.5, false},
		{"load and validate", 678.3, false},
		{"load and validate / settings and guidance", 1.7, true},
		{"load and validate / read record files", 165.3, true},
		{"load and validate / parse YAML", 941.8, true},
		{"load and validate / check records", 206.6, true},
		{"load and validate / cross-record rules", 5.7, true},
		{"model", 29.3, false},
		{"sass and assets", 14.6, false},
		{"theme and page list", 13.8, false},
		{"render pages", 2032.9, false},
		{"render pages / layouts", 1928.7, true},
		{"search index", 1522.7, false},
		{"data, feed and sitemap", 375.2, false},
		{"write files", 1668.4, true},
		{"commit", 0, false},
		{"stamp", 25.1, false},
	}
	if !reflect.DeepEqual(s.Phases, want) {
		t.Errorf("phases:\n got %v\nwant %v", s.Phases, want)
	}
}

func TestParseBuildUpToDate(t *testing.T) {
	var s Sample
	out := "public is up to date: no source changed since the last build (22556 files, checked in 241ms)\n  check sources unchanged     240.7 ms\n"
	if err := parseBuild(out, &s); err != nil {
		t.Fatal(err)
	}
	if !s.UpToDate || s.Written == nil || *s.Written != 0 || !reflect.DeepEqual(s.Phases, []Phase{{"check sources unchanged", 240.7, false}}) {
		t.Errorf("got %+v", s)
	}
	if err := parseBuild("build failed\n", &s); err == nil {
		t.Error("no error for output without a summary")
	}
}
