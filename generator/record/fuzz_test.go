package record

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzDecode checks that Decode never panics and that what it returns is
// consistent, whatever the bytes and the path. The fuzz engine's own time
// limit catches hangs.
func FuzzDecode(f *testing.F) {
	files, err := filepath.Glob("../../pledges/*.yaml")
	if err != nil || len(files) == 0 {
		f.Fatalf("no example records to seed from (%v)", err)
	}
	// With the files "pledgesite new" writes, comments and all.
	files = append(files, "../scaffold/testdata/pledge.yaml", "../scaffold/testdata/contribution.yaml")
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, "pledges/"+filepath.Base(name))
	}
	f.Add(pledgeYAML(), testPath)
	f.Add(mspYAML(), mspPath)
	f.Add([]byte(""), testPath)
	f.Add([]byte("id: [\n"), testPath)
	f.Add([]byte("a: &a [x]\nb: *a\n"), testPath)
	f.Add([]byte("a:\n\tb: 1\n"), testPath)
	f.Add([]byte("\uFEFFid: x\r\nkind: pledge\r\n"), "pledges/x.yaml")
	f.Add([]byte("title: Caf\xe9\n"), "x.yaml")
	f.Add(pledgeYAML(set(4, "title: A\u2028B")), testPath)
	f.Add(pledgeYAML(set(3, "kind: multistakeholder"), set(18, "pledge_type: matching")), testPath)

	f.Fuzz(func(t *testing.T, data []byte, path string) {
		p, errs := Decode(path, data)
		lines := strings.Count(string(data), "\n") + 1
		for _, d := range errs {
			if d.Path != path {
				t.Errorf("diagnostic path %q, want %q", d.Path, path)
			}
			if d.Line < 0 || d.Col < 0 {
				t.Errorf("negative position in %v", d)
			}
			if d.Rule == "" || d.Message == "" {
				t.Errorf("diagnostic without rule or message: %#v", d)
			}
			if !utf8.ValidString(d.Message) && utf8.Valid([]byte(path)) {
				t.Errorf("message is not UTF-8: %q", d.Message)
			}
			// A position must be in the file. yaml.v3 may point just past
			// the last line break, so allow one more line than there are.
			if d.Line > lines+1 {
				t.Errorf("diagnostic on line %d of a %d-line file: %v", d.Line, lines, d)
			}
		}
		if len(errs) == 0 {
			if p == nil {
				t.Fatal("no diagnostics and no record")
			}
			want := strings.TrimSuffix(path[strings.LastIndexByte(path, '/')+1:], ".yaml")
			if p.ID != want {
				t.Errorf("valid record has id %q in file %q", p.ID, path)
			}
			if !IDPattern.MatchString(p.ID) {
				t.Errorf("valid record has invalid id %q", p.ID)
			}
		}
		if p != nil && p.Path != path {
			t.Errorf("record path %q, want %q", p.Path, path)
		}
		// Decode is deterministic, and what it returns keeps none of the
		// file's bytes: Load reads each file into a buffer it then reuses
		// for the next.
		buf := bytes.Clone(data)
		again, againErrs := Decode(path, buf)
		for i := range buf {
			buf[i] = '#'
		}
		if !reflect.DeepEqual(again, p) || !reflect.DeepEqual(againErrs, errs) {
			t.Errorf("a second Decode, its file's bytes overwritten afterwards, gave\n%+v\n%v\nnot\n%+v\n%v", again, againErrs, p, errs)
		}
	})
}
