package output

import (
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func files(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			data, _ := os.ReadFile(p)
			out[filepath.ToSlash(rel)] = string(data)
		}
		return err
	})
	return out
}

func build(t *testing.T, dest string, site map[string]string) (*Dir, int) {
	t.Helper()
	return buildOwning(t, dest, Owned{All: true}, site)
}

func buildOwning(t *testing.T, dest string, owned Owned, site map[string]string) (*Dir, int) {
	t.Helper()
	d, err := Begin(dest, owned)
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range site {
		if err := d.WriteFile(name, []byte(data)); err != nil {
			t.Fatal(err)
		}
	}
	changed := d.Changed()
	if _, err := d.Commit(); err != nil {
		t.Fatal(err)
	}
	checkStats(t, d, dest)
	return d, changed
}

// checkStats checks that Stats describes every file in dest as it is on
// disk, and nothing else: the build stamp is made from it.
func checkStats(t *testing.T, d *Dir, dest string) {
	t.Helper()
	got := d.Stats()
	n := 0
	filepath.WalkDir(dest, func(p string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		n++
		rel, _ := filepath.Rel(dest, p)
		fi, err := e.Info()
		if err != nil {
			return err
		}
		if want := statOf(fi); got[filepath.ToSlash(rel)] != want {
			t.Errorf("Stats()[%s] = %+v, the file on disk is %+v", rel, got[filepath.ToSlash(rel)], want)
		}
		return nil
	})
	if len(got) != n {
		t.Errorf("Stats() has %d files, the destination %d", len(got), n)
	}
}

func TestWritesOnlyWhatChanged(t *testing.T) {
	parent := t.TempDir()
	dest := filepath.Join(parent, "public")
	v1 := map[string]string{"index.html": "home", "a/index.html": "a", "b/index.html": "b", "b/c/index.html": "c"}
	if _, n := build(t, dest, v1); n != 4 {
		t.Errorf("first build wrote %d files, want 4", n)
	}
	if _, n := build(t, dest, v1); n != 0 {
		t.Errorf("rebuild of the same site wrote %d files, want 0", n)
	}
	before, _ := os.Stat(filepath.Join(dest, "a", "index.html"))
	v2 := map[string]string{"index.html": "home 2", "a/index.html": "a", "d/index.html": "d"}
	if _, n := build(t, dest, v2); n != 2 {
		t.Errorf("build with one change and one new file wrote %d files, want 2", n)
	}
	if got := files(t, dest); !equal(got, v2) {
		t.Errorf("destination holds %v, want %v", got, v2)
	}
	after, _ := os.Stat(filepath.Join(dest, "a", "index.html"))
	if !after.ModTime().Equal(before.ModTime()) {
		t.Error("an unchanged file was rewritten")
	}
	if _, err := os.Stat(filepath.Join(dest, "b")); !os.IsNotExist(err) {
		t.Error("folder of removed pages was left behind")
	}
	entries, _ := os.ReadDir(parent)
	if len(entries) != 1 {
		t.Errorf("staging folders left beside the destination: %v", entries)
	}
}

// TestRemovesOnlyOwnedFiles checks that a build removes, of the files it
// no longer makes, only those it owns: files someone else put in the
// destination stay, whatever their names.
func TestRemovesOnlyOwnedFiles(t *testing.T) {
	mine := map[string]string{"index.html": "home", "a/index.html": "a", "b/c/index.html": "c"}
	theirs := map[string]string{"thesis.txt": "mine", "b/notes.txt": "mine too", ".git/HEAD": "ref", "a/index.html.bak": "old"}
	for _, tc := range []struct {
		name  string
		owned Owned
		want  []string // files left besides the new build's
	}{
		{"nothing owned", Owned{}, []string{"thesis.txt", "b/notes.txt", ".git/HEAD", "a/index.html.bak", "b/c/index.html"}},
		{"an earlier build's files", Owned{Files: []string{"index.html", "a/index.html", "b/c/index.html", "../thesis.txt", "/b/notes.txt", "b/../thesis.txt", "missing.html"}},
			[]string{"thesis.txt", ".git/HEAD", "a/index.html.bak"}},
		{"the whole folder", Owned{All: true}, []string{".git/HEAD"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dest := filepath.Join(t.TempDir(), "site")
			for name, data := range mine {
				os.MkdirAll(filepath.Dir(filepath.Join(dest, name)), 0o755)
				os.WriteFile(filepath.Join(dest, name), []byte(data), 0o644)
			}
			for name, data := range theirs {
				os.MkdirAll(filepath.Dir(filepath.Join(dest, name)), 0o755)
				os.WriteFile(filepath.Join(dest, name), []byte(data), 0o644)
			}
			all := map[string]string{}
			for k, v := range mine {
				all[k] = v
			}
			for k, v := range theirs {
				all[k] = v
			}
			next := map[string]string{"index.html": "home 2", "a/index.html": "a"}
			d, err := Begin(dest, tc.owned)
			if err != nil {
				t.Fatal(err)
			}
			for name, data := range next {
				d.WriteFile(name, []byte(data))
			}
			if _, err := d.Commit(); err != nil {
				t.Fatal(err)
			}
			want := maps.Clone(next)
			for _, name := range tc.want {
				want[name] = all[name]
			}
			if got := files(t, dest); !equal(got, want) {
				t.Errorf("destination holds %v, want %v", slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want)))
			}
		})
	}
}

// TestKeepsAWorktreeGitFile checks that a .git file (a git worktree of the
// deploy branch checked out in public/) stays when the whole folder is the
// build's.
func TestKeepsAWorktreeGitFile(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "public")
	os.MkdirAll(dest, 0o755)
	os.WriteFile(filepath.Join(dest, ".git"), []byte("gitdir: /x/.git/worktrees/public\n"), 0o644)
	os.WriteFile(filepath.Join(dest, "old.html"), []byte("old"), 0o644)
	d, err := Begin(dest, Owned{All: true})
	if err != nil {
		t.Fatal(err)
	}
	d.WriteFile("index.html", []byte("home"))
	if _, err := d.Commit(); err != nil {
		t.Fatal(err)
	}
	if got := files(t, dest); !equal(got, map[string]string{"index.html": "home", ".git": "gitdir: /x/.git/worktrees/public\n"}) {
		t.Errorf("destination holds %v", got)
	}
}

// TestBeginOnAFile checks that a destination that is a file is refused
// before anything is made beside it.
func TestBeginOnAFile(t *testing.T) {
	parent := t.TempDir()
	dest := filepath.Join(parent, "public")
	os.WriteFile(dest, []byte("x"), 0o644)
	if _, err := Begin(dest, Owned{}); err == nil {
		t.Fatal("Begin on a file was accepted")
	}
	if entries, _ := os.ReadDir(parent); len(entries) != 1 {
		t.Errorf("Begin left %d entries beside the file, want none", len(entries)-1)
	}
}

func TestAbortLeavesDestination(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "public")
	build(t, dest, map[string]string{"index.html": "home"})
	d, err := Begin(dest, Owned{All: true})
	if err != nil {
		t.Fatal(err)
	}
	d.WriteFile("index.html", []byte("broken"))
	d.WriteFile("new.html", []byte("new"))
	if err := d.Abort(); err != nil {
		t.Fatal(err)
	}
	if got := files(t, dest); !equal(got, map[string]string{"index.html": "home"}) {
		t.Errorf("after abort the destination holds %v", got)
	}
}

func TestRefusesPathsOutside(t *testing.T) {
	d, err := Begin(filepath.Join(t.TempDir(), "public"), Owned{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Abort()
	for _, name := range []string{"../x.html", "a/../../x", "/../x", "", "a\\..\\..\\x", "a/./b", "a//b", "x\x00y"} {
		if err := d.WriteFile(name, []byte("x")); err == nil {
			t.Errorf("WriteFile(%q) was accepted", name)
		}
	}
	if err := d.WriteFile("/ok/index.html", []byte("x")); err != nil {
		t.Errorf("WriteFile of a normal path: %v", err)
	}
	if err := d.WriteFile("ok/index.html", []byte("y")); err == nil {
		t.Error("writing the same file twice was accepted")
	}
}

func equal(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	keys := make([]string, 0, len(a))
	for k := range a {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if a[k] != b[k] {
			return false
		}
	}
	return true
}

// TestCreateWritesOnlyWhatChanged checks files written in pieces: kept
// only when they differ from the destination's, by a byte anywhere or by
// their length, and checked by name as WriteFile checks.
func TestCreateWritesOnlyWhatChanged(t *testing.T) {
	big := strings.Repeat("0123456789abcdef", 20000) // several read buffers
	dest := filepath.Join(t.TempDir(), "public")
	for _, step := range []struct {
		name, data string
		changed    int
	}{
		{"first build", big, 1},
		{"same bytes", big, 0},
		{"last byte changed", big[:len(big)-1] + "X", 1},
		{"first byte changed", "X" + big[1:len(big)-1] + "X", 1},
		{"longer", big + "tail", 1},
		{"shorter", big[:100], 1},
		{"empty", "", 1},
		{"empty again", "", 0},
	} {
		d, err := Begin(dest, Owned{All: true})
		if err != nil {
			t.Fatal(err)
		}
		f, err := d.Create("data/pledges.json")
		if err != nil {
			t.Fatal(err)
		}
		// In two pieces, as a stream comes.
		io.WriteString(f, step.data[:len(step.data)/2])
		io.WriteString(f, step.data[len(step.data)/2:])
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		if got := d.Changed(); got != step.changed {
			t.Errorf("%s: %d files changed, want %d", step.name, got, step.changed)
		}
		if _, err := d.Commit(); err != nil {
			t.Fatal(err)
		}
		checkStats(t, d, dest)
		if got := files(t, dest); !equal(got, map[string]string{"data/pledges.json": step.data}) {
			t.Errorf("%s: destination holds %d files, or other bytes", step.name, len(got))
		}
	}
	d, err := Begin(dest, Owned{All: true})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Abort()
	if _, err := d.Create("../x.json"); err == nil {
		t.Error("Create outside the output folder was accepted")
	}
	if err := d.WriteFile("a.json", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Create("a.json"); err == nil {
		t.Error("Create of a file already written was accepted")
	}
}

// TestRefusesLinkedFolders checks that a folder of the destination that
// is a link elsewhere makes the build fail before it moves or removes
// anything through it.
func TestRefusesLinkedFolders(t *testing.T) {
	for _, tc := range []struct {
		name  string
		owned Owned
		site  map[string]string
	}{
		{"a file written through it", Owned{}, map[string]string{"index.html": "home", "pledges/a/index.html": "new"}},
		{"a file removed through it", Owned{Files: []string{"index.html", "pledges/a/index.html"}}, map[string]string{"index.html": "home 2"}},
		// Unchanged through the link, so not written: removing the link as
		// a stale file would lose it.
		{"a file kept through it", Owned{All: true}, map[string]string{"index.html": "home", "pledges/a/index.html": "theirs"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			outside := filepath.Join(root, "outside")
			dest := filepath.Join(root, "public")
			os.MkdirAll(filepath.Join(outside, "a"), 0o755)
			os.WriteFile(filepath.Join(outside, "a", "index.html"), []byte("theirs"), 0o644)
			os.MkdirAll(dest, 0o755)
			os.WriteFile(filepath.Join(dest, "index.html"), []byte("home"), 0o644)
			if err := os.Symlink(outside, filepath.Join(dest, "pledges")); err != nil {
				t.Fatal(err)
			}
			d, err := Begin(dest, tc.owned)
			if err != nil {
				t.Fatal(err)
			}
			for name, data := range tc.site {
				if err := d.WriteFile(name, []byte(data)); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := d.Commit(); err == nil || !strings.Contains(err.Error(), "symbolic link") {
				t.Errorf("Commit: %v, want a refusal of the link", err)
			}
			d.Abort()
			if got := files(t, outside); !equal(got, map[string]string{"a/index.html": "theirs"}) {
				t.Errorf("the folder outside holds %v", got)
			}
			if data, _ := os.ReadFile(filepath.Join(dest, "index.html")); string(data) != "home" {
				t.Errorf("the destination changed before the refusal: index.html is %q", data)
			}
		})
	}
}
