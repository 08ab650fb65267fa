package generator

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheckDest(t *testing.T) {
	root := t.TempDir()
	src := filepath.Join(root, "site")
	for _, dir := range []string{"content", "pledges", "themes", ".git", "public"} {
		must(t, os.MkdirAll(filepath.Join(src, dir), 0o755))
	}
	must(t, os.WriteFile(filepath.Join(src, "site.yaml"), nil, 0o644))
	must(t, os.Symlink(src, filepath.Join(root, "link")))
	must(t, os.Symlink(filepath.Join(src, "pledges"), filepath.Join(root, "records")))
	for _, tc := range []struct {
		dest string
		ok   bool
	}{
		{"site/public", true},
		{"site/public/sub", true},
		{"site/dist", true},
		{"out", true},
		{"site2", true},
		{"site/../out", true},
		{"site", false},
		{"site/.", false},
		{"", false}, // the root: holds the sources
		{"site/pledges", false},
		{"site/pledges/new", false},
		{"site/content/guidance", false},
		{"site/themes", false},
		{"site/site.yaml", false},
		{"site/.git/x", false},
		{"link", false},
		{"link/pledges/x", false},
		{"records/x", false},
	} {
		err := CheckDest(src, filepath.Join(root, tc.dest))
		if tc.ok && err != nil {
			t.Errorf("CheckDest(%q): %v", tc.dest, err)
		}
		if !tc.ok && !errors.Is(err, ErrDest) {
			t.Errorf("CheckDest(%q) = %v, want ErrDest", tc.dest, err)
		}
	}
}

// TestBuildRemovesOnlyWhatItMade checks what a build removes from its
// output folder: in <source>/public every file it does not make; in any
// other folder the files its last build made and it no longer makes (none
// with no stamp to tell, after a cleared cache), never a file someone
// else put there.
func TestBuildRemovesOnlyWhatItMade(t *testing.T) {
	page := filepath.Join("pledges", "ngo-hostile", "index.html")
	for _, tc := range []struct {
		name        string
		own         bool // build into <source>/public, else a folder elsewhere
		clearCache  bool // before the second build
		pageGone    bool // the page of the record removed before it
		theirsStays bool
	}{
		{"a folder of the user's", false, false, true, true},
		{"a folder of the user's, cache cleared", false, true, false, true},
		{"the site's own folder", true, false, true, false},
		{"the site's own folder, cache cleared", true, true, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("XDG_CACHE_HOME", t.TempDir())
			src := fixture(t, "basic")
			dest := filepath.Join(t.TempDir(), "out")
			if tc.own {
				dest = filepath.Join(src, "public")
			}
			// A folder of the user's may hold files before the first build.
			kept := filepath.Join(dest, "keep.txt")
			if !tc.own {
				must(t, os.MkdirAll(dest, 0o755))
				must(t, os.WriteFile(kept, []byte("mine"), 0o644))
			}
			if _, err := build(t, src, dest); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(filepath.Join(dest, page)); err != nil {
				t.Fatal(err)
			}
			theirs := filepath.Join(dest, "notes", "thesis.txt")
			must(t, os.MkdirAll(filepath.Dir(theirs), 0o755))
			must(t, os.WriteFile(theirs, []byte("mine"), 0o644))
			must(t, os.Remove(filepath.Join(src, "pledges", "ngo-hostile.yaml")))
			if tc.clearCache {
				t.Setenv("XDG_CACHE_HOME", t.TempDir())
			}
			if _, err := build(t, src, dest); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(filepath.Join(dest, page)); os.IsNotExist(err) != tc.pageGone {
				t.Errorf("the page of a removed record: stat error %v, want it gone = %v", err, tc.pageGone)
			}
			if _, err := os.Stat(kept); !tc.own && err != nil {
				t.Errorf("a file that was there before the first build: %v", err)
			}
			if _, err := os.Stat(theirs); (err == nil) != tc.theirsStays {
				t.Errorf("a file the build did not make: stat error %v, want it kept = %v", err, tc.theirsStays)
			}
		})
	}
}

// TestBuildRefusesSourcesAsDest checks that a build into the source root
// fails before it writes or removes anything.
func TestBuildRefusesSourcesAsDest(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	src := fixture(t, "basic")
	before := tree(t, src)
	for _, dest := range []string{src, filepath.Dir(src), filepath.Join(src, "pledges")} {
		if _, err := build(t, src, dest); !errors.Is(err, ErrDest) {
			t.Errorf("build into %s: %v, want ErrDest", dest, err)
		}
	}
	after := tree(t, src)
	if len(after) != len(before) {
		t.Errorf("the source root held %d files, now %d", len(before), len(after))
	}
	for name, data := range before {
		if !bytes.Equal(after[name], data) {
			t.Errorf("%s changed", name)
		}
	}
	if entries, _ := os.ReadDir(filepath.Dir(src)); len(entries) != 1 {
		t.Errorf("%d entries beside the source root, want none", len(entries)-1)
	}
}

// TestLinkedInputsAreRefused checks that a source folder replaced by a
// link elsewhere is refused before anything is read through it.
func TestLinkedInputsAreRefused(t *testing.T) {
	src := fixture(t, "basic")
	outside := filepath.Join(t.TempDir(), "secrets")
	must(t, os.MkdirAll(outside, 0o755))
	must(t, os.WriteFile(filepath.Join(outside, "key.yaml"), []byte("private: key\n"), 0o644))
	must(t, os.RemoveAll(filepath.Join(src, "pledges")))
	must(t, os.Symlink(outside, filepath.Join(src, "pledges")))
	_, errs := Load(os.DirFS(src), "")
	if len(errs) != 1 || errs[0].Path != "pledges" || !strings.Contains(errs[0].Message, "symbolic link") {
		t.Errorf("Load: %v, want one refusal of pledges", errs)
	}
}

// TestThemeScriptLinksAreSkipped checks that a theme script that is a
// link is not published: it could name any file on the machine.
func TestThemeScriptLinksAreSkipped(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	src := fixture(t, "basic")
	secret := filepath.Join(t.TempDir(), "secret.js")
	must(t, os.WriteFile(secret, []byte("private key material"), 0o644))
	must(t, os.Symlink(secret, filepath.Join(src, "themes", "default", "assets", "js", "extra.js")))
	dest := filepath.Join(t.TempDir(), "public")
	if _, err := build(t, src, dest); err != nil {
		t.Fatal(err)
	}
	for name, data := range tree(t, dest) {
		if strings.Contains(string(data), "private key material") {
			t.Errorf("%s holds the linked file", name)
		}
	}
}

// TestUpToDateBesideForeignFiles checks that files a build leaves alone in
// a folder of the user's do not stop the next build of the same sources
// from finding the folder up to date.
func TestUpToDateBesideForeignFiles(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	src := fixture(t, "basic")
	dest := filepath.Join(t.TempDir(), "out")
	must(t, os.MkdirAll(dest, 0o755))
	must(t, os.WriteFile(filepath.Join(dest, "keep.txt"), []byte("mine"), 0o644))
	for i, want := range []bool{false, true, true} {
		st, err := build(t, src, dest)
		if err != nil {
			t.Fatal(err)
		}
		if st.UpToDate != want {
			t.Errorf("build %d: up to date %v, want %v", i+1, st.UpToDate, want)
		}
	}
}
