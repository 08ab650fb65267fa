package generator

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"pledgesite/generator/output"
)

const testKey = "3f0a"

func TestStampRoundTrip(t *testing.T) {
	files := map[string]output.Stat{
		"index.html":               {Size: 1234, Mod: 1764201600123456789},
		"pledges/a b/index.html":   {Size: 0, Mod: -1},
		"css/main.0123abcd.css":    {Size: 98765, Mod: 1},
		"search/d/12.json":         {Size: 7, Mod: 1764201600000000000},
		"ünïcode/päge/index.html":  {Size: 5, Mod: 6},
		"trailing space /x.html ":  {Size: 1, Mod: 2},
		"sitemap.xml":              {Size: 1 << 40, Mod: 3},
		"data/pledges.json":        {Size: 33754999, Mod: 4},
		"robots.txt":               {Size: 60, Mod: 5},
		"guidance/x/y/z/index.htm": {Size: 9, Mod: 9},
	}
	data, ok := appendStamp(nil, testKey, files)
	if !ok {
		t.Fatal("appendStamp refused plain names")
	}
	got, ok := readStamp(data, testKey)
	if !ok || !maps.Equal(got, files) {
		t.Fatalf("read back %v (ok %v), want %v\n%s", got, ok, files, data)
	}
	if _, ok := readStamp(data, "3f0b"); ok {
		t.Error("a stamp of other sources was taken")
	}
	if _, ok := appendStamp(nil, testKey, map[string]output.Stat{"a\nb": {}}); ok {
		t.Error("a name with a line break was written")
	}
}

func TestReadStampRejects(t *testing.T) {
	for _, tc := range []struct{ name, data string }{
		{"empty", ""},
		{"old JSON stamp", `{"sources":"3f0a","files":{"index.html":{"s":1,"m":2}}}`},
		{"other header", "pledgesite stamp 1\n3f0a\n1 2 index.html\n"},
		{"no key line", "pledgesite stamp 2\n"},
		{"key as prefix", "pledgesite stamp 2\n3f0ab\n1 2 index.html\n"},
		{"missing mtime", "pledgesite stamp 2\n3f0a\n1 index.html\n"},
		{"size not a number", "pledgesite stamp 2\n3f0a\nx 2 index.html\n"},
		{"no name", "pledgesite stamp 2\n3f0a\n1 2 \n"},
		{"cut short", "pledgesite stamp 2\n3f0a\n1 2 index.html"},
	} {
		if files, ok := readStamp([]byte(tc.data), testKey); ok {
			t.Errorf("%s: read %v", tc.name, files)
		}
	}
}

// FuzzReadStamp: any stamp read back writes and reads as the same files.
func FuzzReadStamp(f *testing.F) {
	data, _ := appendStamp(nil, testKey, map[string]output.Stat{"index.html": {Size: 1, Mod: 2}, "a/b c": {Size: 3, Mod: -4}})
	f.Add(data)
	f.Add([]byte("pledgesite stamp 2\n3f0a\n+1 -0 x\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		files, ok := readStamp(data, testKey)
		if !ok {
			return
		}
		again, ok := appendStamp(nil, testKey, files)
		if !ok {
			if !strings.ContainsAny(string(data), "\r") {
				t.Fatalf("read %v, which cannot be written again", files)
			}
			return
		}
		if back, ok := readStamp(again, testKey); !ok || !maps.Equal(back, files) {
			t.Fatalf("read %v, wrote and read %v", files, back)
		}
	})
}

// TestWalkFiles compares walkFiles with the files made on a tree with
// more folders than its queue holds, so that workers also walk folders
// themselves, and checks that an error from visit ends the walk.
func TestWalkFiles(t *testing.T) {
	defer func(n int) { walkQueue = n }(walkQueue)
	walkQueue = 2
	root := t.TempDir()
	want := map[string]bool{}
	for i := range 1200 {
		rel := fmt.Sprintf("d%d/e%d/f%d.txt", i%7, i, i)
		if i%3 == 0 {
			rel = fmt.Sprintf("top%d.html", i)
		}
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(rel), 0o644); err != nil {
			t.Fatal(err)
		}
		want[rel] = true
	}
	os.Mkdir(filepath.Join(root, "empty"), 0o755)
	var mu sync.Mutex
	got := map[string]bool{}
	err := walkFiles(root, func(rel string, d fs.DirEntry) error {
		mu.Lock()
		defer mu.Unlock()
		if got[rel] {
			t.Errorf("%s visited twice", rel)
		}
		got[rel] = true
		return nil
	})
	if err != nil || !maps.Equal(got, want) {
		t.Fatalf("walkFiles: error %v, %d files, want %d", err, len(got), len(want))
	}
	stop, last := errors.New("stop"), "d6/e1000/f1000.txt"
	if !want[last] {
		t.Fatalf("the tree has no %s", last)
	}
	if err := walkFiles(root, func(rel string, d fs.DirEntry) error {
		if rel == last {
			return stop
		}
		return nil
	}); err != stop {
		t.Errorf("walkFiles returned %v, want the error visit returned", err)
	}
	if err := walkFiles(filepath.Join(root, "missing"), func(string, fs.DirEntry) error { return nil }); err == nil {
		t.Error("walkFiles of a missing folder returned no error")
	}
}
