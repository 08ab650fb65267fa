package search

import (
	"bytes"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"pledgesite/generator/config"
	"pledgesite/generator/content"
	"pledgesite/generator/record"
	"pledgesite/generator/site"
)

// TestCacheUpdateEqualsFullBuild edits records between builds that share a
// cache (words added and removed in every tier, a record reverted, a date
// that reorders the documents, a record added and one deleted, many
// edits at once) and checks that every cached build equals a fresh one
// byte for byte.
func TestCacheUpdateEqualsFullBuild(t *testing.T) {
	defer func(n int) { mergeChunk = n }(mergeChunk)
	mergeChunk = 64 // fresh builds merge in several chunks
	recs := synthRecords(t, 300)
	set := &content.Set{}
	for _, m := range benchMeasures {
		set.Measures = append(set.Measures, &content.Page{Measure: m, Title: "Measure " + m, Area: m[:1]})
	}
	rel := func(p string) string { return p }
	text := func(p *record.Pledge) string { return p.Description }
	// edit returns a copy of recs with record i changed by f, as a new
	// version of its file.
	version := 0
	edit := func(recs []*record.Pledge, i int, f func(p *record.Pledge)) []*record.Pledge {
		out := slices.Clone(recs)
		p := *out[i]
		f(&p)
		version++
		p.Sum[0] += uint64(version)
		out[i] = &p
		return out
	}
	original := recs[7]
	// newest adds k records newer than any before, copies of one of them
	// with words of their own; dropNewest removes the k newest, which must
	// be some newest added.
	added := 0
	newest := func(recs []*record.Pledge, k int) []*record.Pledge {
		out := slices.Clone(recs)
		for range k {
			added++
			p := *recs[11]
			p.ID = "newest-" + strconv.Itoa(added)
			p.Date = "2099-01-" + strconv.Itoa(10+added)
			p.Title = "Newest pledge Quuxwords" + strconv.Itoa(added)
			p.Sum = [2]uint64{uint64(added), 99}
			out = append(out, &p)
		}
		return out
	}
	dropNewest := func(recs []*record.Pledge, k int) []*record.Pledge {
		out := slices.Clone(recs)
		slices.SortStableFunc(out, func(a, b *record.Pledge) int { return strings.Compare(b.Date, a.Date) })
		for _, p := range out[:k] {
			if !strings.HasPrefix(p.ID, "newest-") {
				t.Fatalf("%s is among the %d newest records", p.ID, k)
			}
		}
		return out[k:]
	}
	steps := []struct {
		name string
		edit func([]*record.Pledge) []*record.Pledge
	}{
		{"first build", func(r []*record.Pledge) []*record.Pledge { return r }},
		{"unchanged", func(r []*record.Pledge) []*record.Pledge { return r }},
		{"new word in a title", func(r []*record.Pledge) []*record.Pledge {
			return edit(r, 7, func(p *record.Pledge) { p.Title += " Zanzibarquux" })
		}},
		{"summary cut short", func(r []*record.Pledge) []*record.Pledge {
			return edit(r, 7, func(p *record.Pledge) { p.Summary = "Short." })
		}},
		{"description replaced", func(r []*record.Pledge) []*record.Pledge {
			return edit(r, 20, func(p *record.Pledge) { p.Description = "Entirely new wording about shelters and asylum." })
		}},
		{"reverted", func(r []*record.Pledge) []*record.Pledge {
			out := slices.Clone(r)
			out[7] = original
			return out
		}},
		{"only word of a term removed", func(r []*record.Pledge) []*record.Pledge {
			return edit(r, 7, func(p *record.Pledge) { p.Title = "Plain" })
		}},
		{"date moves a record", func(r []*record.Pledge) []*record.Pledge {
			return edit(r, 40, func(p *record.Pledge) { p.Date = "2030-01-01" })
		}},
		{"record added", func(r []*record.Pledge) []*record.Pledge {
			p := *r[3]
			p.ID, p.Sum = "added-record", [2]uint64{1, 2}
			return append(slices.Clone(r), &p)
		}},
		{"record deleted", func(r []*record.Pledge) []*record.Pledge {
			return slices.Delete(slices.Clone(r), 5, 6)
		}},
		// The newest records come last in document order: adding and
		// removing them keeps the other numbers, and nine at once take the
		// count past a multiple of eight, where bitmaps grow by a byte.
		{"newest record added", func(r []*record.Pledge) []*record.Pledge { return newest(r, 1) }},
		{"newest records added", func(r []*record.Pledge) []*record.Pledge { return newest(r, 9) }},
		{"newest record removed", func(r []*record.Pledge) []*record.Pledge { return dropNewest(r, 1) }},
		{"newest records removed", func(r []*record.Pledge) []*record.Pledge { return dropNewest(r, 9) }},
		{"dates, records added and removed, words at once", func(r []*record.Pledge) []*record.Pledge {
			r = edit(r, 50, func(p *record.Pledge) { p.Date = "2012-05-05" })
			r = edit(r, 60, func(p *record.Pledge) { p.Title = "Moved and renamed Quuxmoved"; p.Date = "2025-02-02" })
			r = slices.Delete(r, 70, 72)
			p := *r[80]
			p.ID, p.Date, p.Sum = "older-record", "2016-03-03", [2]uint64{5, 6}
			return append(newest(r, 2), &p)
		}},
		{"many edits", func(r []*record.Pledge) []*record.Pledge {
			for i := 0; i < len(r); i += 6 {
				r = edit(r, i, func(p *record.Pledge) { p.Summary = "Shelter work number " + strconv.Itoa(i) + " with women" })
			}
			return r
		}},
	}
	// Fragments handed to emit, with the rest of the files, must be the
	// same files, with cache or without.
	emitted := func(cache *Cache, s *site.Site) map[string][]byte {
		out := map[string][]byte{}
		var mu sync.Mutex // emit is called from several goroutines
		idx, err := Build(s, rel, text, cache, func(name string, data []byte) error {
			mu.Lock()
			defer mu.Unlock()
			if _, dup := out[name]; dup {
				t.Errorf("%s emitted twice", name)
			}
			out[name] = data
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for name, data := range idx.Files {
			if _, dup := out[name]; dup {
				t.Errorf("%s both emitted and in Files", name)
			}
			out[name] = data
		}
		return out
	}
	cache, emitCache := NewCache(), NewCache()
	for _, step := range steps {
		recs = step.edit(recs)
		s := site.New(config.Site{Title: "T", BaseURL: "/", PageSize: 100}, set, recs)
		last := cache.last
		got, err := Build(s, rel, text, cache, nil)
		if err != nil {
			t.Fatal(err)
		}
		// Every build after the first updates the last index rather than
		// merging every document again.
		if last != nil && cache.last != last {
			t.Errorf("%s: the index was made again, not updated", step.name)
		}
		want, err := Build(s, rel, text, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		for how, files := range map[string]map[string][]byte{
			"cached": got.Files, "emitted": emitted(nil, s), "cached and emitted": emitted(emitCache, s),
		} {
			if maps.EqualFunc(files, want.Files, bytes.Equal) {
				continue
			}
			for name, data := range want.Files {
				if !bytes.Equal(files[name], data) {
					t.Errorf("%s, %s: %s differs from a fresh build", step.name, how, name)
				}
			}
			for name := range files {
				if _, ok := want.Files[name]; !ok {
					t.Errorf("%s, %s: %s is not in a fresh build", step.name, how, name)
				}
			}
		}
	}
}

// TestNewestRecordKeepsFragments adds a record newer than all the others
// and checks that every fragment of the last build is still there,
// byte for byte, and that the new record's is the one file added: adding
// the newest pledge must not renumber the documents, or publishing it
// would rewrite every fragment.
func TestNewestRecordKeepsFragments(t *testing.T) {
	defer func(n int) { mergeChunk = n }(mergeChunk)
	mergeChunk = 64 // documents merged in several chunks
	recs := synthRecords(t, 200)
	rel := func(p string) string { return p }
	text := func(p *record.Pledge) string { return p.Description }
	fragments := func(recs []*record.Pledge) map[string][]byte {
		s := site.New(config.Site{Title: "T", BaseURL: "/", PageSize: 100}, &content.Set{}, recs)
		out := map[string][]byte{}
		var mu sync.Mutex
		if _, err := Build(s, rel, text, nil, func(name string, data []byte) error {
			mu.Lock()
			out[name] = data
			mu.Unlock()
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return out
	}
	before := fragments(recs)
	newest := *recs[3]
	newest.ID, newest.Date, newest.Sum = "newest-record", "2099-01-01", [2]uint64{1, 2}
	after := fragments(append(slices.Clone(recs), &newest))

	for name, data := range before {
		if !bytes.Equal(after[name], data) {
			t.Errorf("%s changed when a newer record was added", name)
		}
	}
	added := FragmentFile(len(recs))
	if len(after) != len(before)+1 || !bytes.Contains(after[added], []byte(`"id":"newest-record"`)) {
		t.Errorf("fragments went from %d to %d; want one more, %s, the new record's: %s", len(before), len(after), added, after[added])
	}
}
