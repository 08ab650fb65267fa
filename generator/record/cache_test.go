package record

import (
	"io/fs"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// TestCache checks when a cached record is read again: after its size or
// time changed, or after Forget; and, while the cache trusts its owner's
// events, only after Forget, which its owner also calls for files it adds
// or removes.
func TestCache(t *testing.T) {
	day := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	fsys := fstest.MapFS{
		"pledges/ngo-a.yaml": {Data: pledgeWithID("ngo-a"), ModTime: day},
		"pledges/ngo-b.yaml": {Data: pledgeWithID("ngo-b"), ModTime: day},
	}
	cache := NewCache()
	title := func(want string) {
		t.Helper()
		recs, _, errs := Load(fsys, cache)
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		var got []string
		for _, p := range recs {
			got = append(got, p.ID+": "+p.Title)
		}
		if !slices.Contains(got, want) {
			t.Errorf("loaded %q, want %q among them", got, want)
		}
	}
	base := "ngo-a: A test pledge"
	title(base)

	// An edit that keeps size and time is missed until it is forgotten.
	same := pledgeYAML(set(2, "id: ngo-a"), set(4, "title: B test pledge"))
	fsys["pledges/ngo-a.yaml"] = &fstest.MapFile{Data: same, ModTime: day}
	title(base)
	cache.Forget("pledges/ngo-a.yaml")
	title("ngo-a: B test pledge")

	edited := pledgeYAML(set(2, "id: ngo-a"), set(4, `title: "Edited title"`))
	fsys["pledges/ngo-a.yaml"] = &fstest.MapFile{Data: edited, ModTime: day.Add(time.Hour)}
	title("ngo-a: Edited title") // its time changed

	cache.Trust(true)
	fsys["pledges/ngo-a.yaml"] = &fstest.MapFile{Data: pledgeYAML(set(2, "id: ngo-a"), set(4, `title: "Unseen"`)), ModTime: day.Add(2 * time.Hour)}
	title("ngo-a: Edited title") // trusted: no event, not looked at
	cache.Forget("pledges/ngo-a.yaml")
	title("ngo-a: Unseen")

	// Added and removed files are reported too.
	fsys["pledges/ngo-c.yaml"] = &fstest.MapFile{Data: pledgeWithID("ngo-c"), ModTime: day}
	cache.Forget("pledges/ngo-c.yaml")
	title("ngo-c: A test pledge")
	delete(fsys, "pledges/ngo-b.yaml")
	cache.Forget("pledges/ngo-b.yaml")
	recs, _, _ := Load(fsys, cache)
	if got := ids(recs); !slices.Equal(got, []string{"ngo-a", "ngo-c"}) {
		t.Errorf("after removing ngo-b, loaded %q", got)
	}

	cache.Trust(false)
	fsys["pledges/ngo-a.yaml"] = &fstest.MapFile{Data: edited, ModTime: day.Add(3 * time.Hour)}
	title("ngo-a: Edited title") // untrusted again: its time is checked
}

// TestCacheCheckRefs checks that remembering a clean check never hides a
// wrong reference: edits that keep the references are answered from the
// cache, and edits to references, ids or the measures are checked again.
func TestCacheCheckRefs(t *testing.T) {
	msp := &Pledge{Path: "pledges/msp.yaml", ID: "msp", Kind: KindMultistakeholder}
	a := &Pledge{Path: "pledges/ngo-a.yaml", ID: "ngo-a", Kind: "pledge", ContributesTo: []string{"msp"}, Measures: []string{"a1"}}
	b := &Pledge{Path: "pledges/ngo-b.yaml", ID: "ngo-b", Kind: "pledge", Matches: []string{"ngo-a"}}
	measures := map[string]string{"a1": "Screening"}
	cache := NewCache()
	check := func(recs []*Pledge, measures map[string]string, want int) {
		t.Helper()
		if got := cache.CheckRefs(recs, measures); len(got) != want {
			t.Errorf("%d problems, want %d: %v", len(got), want, got)
		}
	}
	check([]*Pledge{msp, a, b}, measures, 0)
	a2 := *a
	a2.Title = "Edited"
	check([]*Pledge{msp, &a2, b}, measures, 0)
	b2 := *b
	b2.Matches = []string{"no-such-pledge"}
	check([]*Pledge{msp, &a2, &b2}, measures, 1)
	check([]*Pledge{msp, &a2, &b2}, measures, 1) // still wrong: not remembered as clean
	check([]*Pledge{msp, &a2, b}, measures, 0)
	check([]*Pledge{msp, &a2, b}, map[string]string{"b1": "Other"}, 1)
	a3 := a2
	a3.ID = "ngo-b"
	check([]*Pledge{msp, &a3, b}, measures, 2) // a duplicate id, and no ngo-a left to match
}

// listingFS counts the listings of a folder asked of it.
type listingFS struct {
	fstest.MapFS
	listings int
}

func (f *listingFS) ReadDir(name string) ([]fs.DirEntry, error) {
	f.listings++
	return f.MapFS.ReadDir(name)
}

// TestCachePatchesListing adds, edits and removes record files, and
// other things, in random steps, each reported with Forget as the
// preview server reports them. While trusted, the cache must load what a
// cache-less load of the same files loads, problems included, and list
// the folder again only after something other than a file of Dir
// changed.
func TestCachePatchesListing(t *testing.T) {
	fsys := &listingFS{MapFS: fstest.MapFS{}}
	day := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, id := range []string{"ngo-b", "ngo-d", "ngo-f"} {
		fsys.MapFS["pledges/"+id+".yaml"] = &fstest.MapFile{Data: pledgeWithID(id), ModTime: day}
	}
	cache := NewCache()
	cache.Trust(true)
	r := rand.New(rand.NewPCG(3, 4))
	names := []string{"ngo-a.yaml", "ngo-b.yaml", "ngo-c.yaml", "ngo-d.yaml", "ngo-e.yaml", "ngo-f.yaml", "Bad Name.yaml", "notes.txt"}
	for step := range 300 {
		want := 0 // listings this step may make
		if fsys.listings == 0 {
			want = 1
		}
		name := names[r.IntN(len(names))]
		p := "pledges/" + name
		delete(fsys.MapFS, p+"/x.yaml") // a file or nothing replaces a folder
		switch r.IntN(7) {
		case 0, 1, 2: // added or edited
			fsys.MapFS[p] = &fstest.MapFile{Data: pledgeWithID(strings.TrimSuffix(name, ".yaml"), "# step "+strconv.Itoa(step)), ModTime: day.Add(time.Duration(step) * time.Minute)}
		case 3, 4: // removed, or never there
			delete(fsys.MapFS, p)
		case 5: // a folder where a file may have been
			delete(fsys.MapFS, p)
			fsys.MapFS[p+"/x.yaml"] = &fstest.MapFile{Data: pledgeWithID("x")}
			want = 1
		case 6: // a file in a subfolder, added or removed
			sub := "pledges/sub/" + name
			if _, ok := fsys.MapFS[sub]; ok {
				delete(fsys.MapFS, sub)
			} else {
				fsys.MapFS[sub] = &fstest.MapFile{Data: pledgeWithID("x")}
			}
			p = sub
			want = 1
		}
		cache.Forget(p)
		before := fsys.listings
		got, _, gotErrs := Load(fsys, cache)
		wantRecs, _, wantErrs := Load(fsys.MapFS, nil)
		if !slices.Equal(ids(got), ids(wantRecs)) || gotErrs.Error() != wantErrs.Error() {
			t.Fatalf("step %d (%s): the cache loaded %q with %v, a fresh load %q with %v", step, p, ids(got), gotErrs, ids(wantRecs), wantErrs)
		}
		if n := fsys.listings - before; n > want {
			t.Fatalf("step %d (%s): the folder was listed %d times, want at most %d", step, p, n, want)
		}
	}
}
