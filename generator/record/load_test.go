package record

import (
	"io/fs"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"pledgesite/generator/diag"
)

// file returns a MapFS entry holding data.
func file(data []byte) *fstest.MapFile { return &fstest.MapFile{Data: data} }

// pledgeWithID is baseRecord with another id (line 2) and extra lines
// appended from line 36 on.
func pledgeWithID(id string, extra ...string) []byte {
	edits := []edit{set(2, "id: "+id)}
	for _, e := range extra {
		edits = append(edits, add(e))
	}
	return pledgeYAML(edits...)
}

// mspWithID is mspRecord with another id (line 1) and extra lines appended
// from line 20 on.
func mspWithID(id string, extra ...string) []byte {
	edits := []edit{set(1, "id: "+id)}
	for _, e := range extra {
		edits = append(edits, add(e))
	}
	return mspYAML(edits...)
}

// loadWithin runs Load and fails the test if it does not return in time.
func loadWithin(t *testing.T, fsys fs.FS) ([]*Pledge, diag.List) {
	t.Helper()
	type result struct {
		recs []*Pledge
		errs diag.List
	}
	done := make(chan result, 1)
	go func() {
		recs, _, errs := Load(fsys, nil)
		done <- result{recs, errs}
	}()
	select {
	case r := <-done:
		return r.recs, r.errs
	case <-time.After(deadline):
		t.Fatalf("Load did not return within %v", deadline)
		return nil, nil
	}
}

func ids(recs []*Pledge) []string {
	out := []string{}
	for _, p := range recs {
		out = append(out, p.ID)
	}
	return out
}

func TestLoad(t *testing.T) {
	valid := pledgeYAML()
	tests := []struct {
		name    string
		fsys    fstest.MapFS
		wantIDs []string
		wants   []want // at is "path:line:col rule"
	}{
		{
			name:    "valid record",
			fsys:    fstest.MapFS{testPath: file(valid)},
			wantIDs: []string{"ngo-test-pledge"},
		},
		{
			name: "records come back sorted",
			fsys: fstest.MapFS{
				"pledges/ngo-c.yaml": file(pledgeWithID("ngo-c")),
				"pledges/ngo-a.yaml": file(pledgeWithID("ngo-a")),
				"pledges/ngo-b.yaml": file(pledgeWithID("ngo-b")),
			},
			wantIDs: []string{"ngo-a", "ngo-b", "ngo-c"},
		},
		{
			name: "hidden and non-YAML files are ignored",
			fsys: fstest.MapFS{
				testPath:                 file(valid),
				"pledges/.DS_Store":      file([]byte("\x00\x01")),
				"pledges/.draft.yaml":    file([]byte("id: [")),
				"pledges/README.md":      file([]byte("# Records\n")),
				"pledges/schema.json":    file([]byte("{}")),
				"pledges/.git/HEAD":      file([]byte("ref: refs/heads/main\n")),
				"elsewhere/ngo-x.yaml":   file([]byte("id: [")),
				"pledges-old/ngo-x.yaml": file([]byte("id: [")),
			},
			wantIDs: []string{"ngo-test-pledge"},
		},
		{
			name:    "no records folder",
			fsys:    fstest.MapFS{"content/_index.md": file([]byte("# Home\n"))},
			wantIDs: []string{},
			wants:   []want{{"pledges:0:0 file", "cannot read the records folder"}},
		},
		{
			name: "file name with spaces and capitals",
			// The record is still checked, so its own problems show in the
			// same run.
			fsys:    fstest.MapFS{"pledges/My Pledge.yaml": file(pledgeWithID("my-pledge"))},
			wantIDs: []string{"my-pledge"},
			wants: []want{
				{"pledges/My Pledge.yaml:0:0 id-filename",
					`file name "My Pledge.yaml" is not a valid record id: use lowercase letters, digits and single hyphens, such as "my-pledge.yaml"`},
				{"pledges/My Pledge.yaml:2:5 id-filename", `rename the file to "my-pledge.yaml"`},
			},
		},
		{
			name:    "file name with a dot",
			fsys:    fstest.MapFS{"pledges/ngo.test.yaml": file(pledgeWithID("ngo-test"))},
			wantIDs: []string{"ngo-test"},
			wants: []want{
				{"pledges/ngo.test.yaml:0:0 id-filename", `such as "ngo-test.yaml"`},
				{"pledges/ngo.test.yaml:2:5 id-filename", `does not match the file name`},
			},
		},
		{
			name:    "file name longer than an id may be",
			fsys:    fstest.MapFS{"pledges/" + strings.Repeat("a", MaxIDLen+1) + ".yaml": file(pledgeWithID(strings.Repeat("a", MaxIDLen+1)))},
			wantIDs: []string{strings.Repeat("a", MaxIDLen+1)},
			wants: []want{
				{"pledges/" + strings.Repeat("a", MaxIDLen+1) + ".yaml:0:0 id-filename",
					`is longer than the limit of 64 characters before .yaml: shorten it, such as to "` + strings.Repeat("a", MaxIDLen) + `.yaml"`},
				{"pledges/" + strings.Repeat("a", MaxIDLen+1) + ".yaml:2:5 too-long", "id is 65 characters long"},
			},
		},
		{
			name:    ".yml extension",
			fsys:    fstest.MapFS{"pledges/ngo-test-pledge.yml": file(valid)},
			wantIDs: []string{},
			wants:   []want{{"pledges/ngo-test-pledge.yml:0:0 file", `only record files ending in .yaml belong in pledges/: rename it to "ngo-test-pledge.yaml" if it is a record, or move it out`}},
		},
		{
			// A record saved under another name would be missing from the
			// site without a word.
			name: "other files",
			fsys: fstest.MapFS{
				"pledges/ngo-a.YAML":     file(valid),
				"pledges/ngo-b.json":     file(valid),
				"pledges/ngo-c.yaml ":    file(valid),
				"pledges/ngo-d.yaml.txt": file(valid),
				"pledges/ngo-e":          file(valid),
				"pledges/Ngo F.yaml~":    file(valid),
			},
			wantIDs: []string{},
			wants: []want{
				{"pledges/Ngo F.yaml~:0:0 file", `rename it to "ngo-f.yaml"`},
				{"pledges/ngo-a.YAML:0:0 file", `rename it to "ngo-a.yaml"`},
				{"pledges/ngo-b.json:0:0 file", `rename it to "ngo-b.yaml"`},
				{"pledges/ngo-c.yaml :0:0 file", `rename it to "ngo-c.yaml"`},
				{"pledges/ngo-d.yaml.txt:0:0 file", `rename it to "ngo-d.yaml"`},
				{"pledges/ngo-e:0:0 file", `rename it to "ngo-e.yaml"`},
			},
		},
		{
			name:    "subfolder",
			fsys:    fstest.MapFS{"pledges/archive/ngo-test-pledge.yaml": file(valid)},
			wantIDs: []string{},
			wants:   []want{{"pledges/archive:0:0 file", "records are not read from subfolders: move the file up into pledges/"}},
		},
		{
			// If Load followed the link it would decode "id: [" and report a
			// syntax error in ngo-linked.yaml.
			name: "symbolic link is reported, not followed",
			fsys: fstest.MapFS{
				testPath:                  file(valid),
				"pledges/ngo-linked.yaml": &fstest.MapFile{Data: []byte("../private/broken.yaml"), Mode: fs.ModeSymlink | 0o777},
				"private/broken.yaml":     file([]byte("id: [")),
			},
			wantIDs: []string{"ngo-test-pledge"},
			wants:   []want{{"pledges/ngo-linked.yaml:0:0 file", "symbolic links are not allowed among records"}},
		},
		{
			name: "broken records are left out, their problems kept",
			fsys: fstest.MapFS{
				"pledges/ngo-a.yaml": file(pledgeWithID("ngo-a")),
				"pledges/ngo-b.yaml": file([]byte("id: ngo-b\ntitle: [\n")),
				"pledges/ngo-c.yaml": file(pledgeWithID("ngo-c", "colour: blue")),
			},
			// ngo-c parses, so it is returned with its problem.
			wantIDs: []string{"ngo-a", "ngo-c"},
			wants: []want{
				{"pledges/ngo-b.yaml:2:1 yaml-syntax", "did not find expected node content"},
				{"pledges/ngo-c.yaml:36:1 unknown-field", `unknown field "colour"`},
			},
		},
		{
			// Load reads at most MaxFileSize+1 bytes; the message should
			// still give the size of the file, not of what was read.
			name:    "oversized file",
			fsys:    fstest.MapFS{"pledges/ngo-big.yaml": file([]byte("id: " + strings.Repeat("x", 10<<20)))},
			wantIDs: []string{},
			wants:   []want{{"pledges/ngo-big.yaml:1:1 file-size", "file is 10485764 bytes, larger than the limit of 1048576 bytes"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, errs := loadWithin(t, tt.fsys)
			checkDiags(t, "", errs, tt.wants)
			if got := ids(recs); !slices.Equal(got, tt.wantIDs) {
				t.Errorf("loaded ids %q, want %q", got, tt.wantIDs)
			}
		})
	}
}

// TestLoadDuplicateIDs has two files, neither named after its id, that
// share one id: each file is wrong on its own (Decode) and the pair clash
// (CheckRefs).
func TestLoadDuplicateIDs(t *testing.T) {
	fsys := fstest.MapFS{
		"pledges/ngo-a.yaml": file(pledgeWithID("ngo-c")),
		"pledges/ngo-b.yaml": file(pledgeWithID("ngo-c")),
	}
	recs, errs := loadWithin(t, fsys)
	checkDiags(t, "", errs, []want{
		{"pledges/ngo-a.yaml:2:5 id-filename", `id "ngo-c" does not match the file name "ngo-a.yaml": rename the file to "ngo-c.yaml" or change the id`},
		{"pledges/ngo-b.yaml:2:5 id-filename", `id "ngo-c" does not match the file name "ngo-b.yaml"`},
	})
	if got := ids(recs); !slices.Equal(got, []string{"ngo-c", "ngo-c"}) {
		t.Fatalf("loaded ids %q, want both records", got)
	}
	checkDiags(t, "", CheckRefs(recs, nil), []want{
		{"pledges/ngo-b.yaml:2:5 duplicate-id", `id "ngo-c" is already used by pledges/ngo-a.yaml: give this record an id of its own, such as "ngo-b", its file name`},
	})
}

// TestDuplicateIDBlamesTheCopy checks that when a new file copies an
// existing record's id, the new file is told, whatever the file order:
// the record named after its id keeps it.
func TestDuplicateIDBlamesTheCopy(t *testing.T) {
	for _, copyName := range []string{"ngo-a-copy", "ngo-0-copy"} {
		fsys := fstest.MapFS{
			"pledges/ngo-a.yaml":            file(pledgeWithID("ngo-a")),
			"pledges/" + copyName + ".yaml": file(pledgeWithID("ngo-a")),
		}
		recs, _ := loadWithin(t, fsys)
		checkDiags(t, "", CheckRefs(recs, nil), []want{
			{"pledges/" + copyName + ".yaml:2:5 duplicate-id", `id "ngo-a" is already used by pledges/ngo-a.yaml: give this record an id of its own, such as "` + copyName + `", its file name`},
		})
	}
}

// TestLoadExamples loads the records shipped in pledges/: they must all be
// valid and their references must resolve.
func TestLoadExamples(t *testing.T) {
	recs, errs := loadWithin(t, os.DirFS("../.."))
	if len(errs) > 0 {
		t.Fatalf("example records have problems:\n%s", listing(errs))
	}
	entries, err := os.ReadDir("../../" + Dir)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".yaml") {
			n++
		}
	}
	if len(recs) != n || n == 0 {
		t.Errorf("loaded %d records from %d .yaml files", len(recs), n)
	}
	// Measures are checked against the guidance pages elsewhere; here every
	// measure a record names counts as existing.
	measures := map[string]string{}
	for _, p := range recs {
		for _, m := range p.Measures {
			measures[m] = m
		}
	}
	if errs := CheckRefs(recs, measures); len(errs) > 0 {
		t.Errorf("example records have broken references:\n%s", listing(errs))
	}
}

func TestCheckRefs(t *testing.T) {
	const (
		mspA = "msp-climate-mobility"
		mspB = "msp-trafficking-in-persons"
	)
	measures := map[string]string{"a1": "A one", "b1": "B one", "b2": "B two"}
	// Every case has these records; ngo-a gets the lines under test.
	records := func(ngoA []byte, more ...string) fstest.MapFS {
		fsys := fstest.MapFS{
			"pledges/" + mspA + ".yaml": file(mspWithID(mspA, more...)),
			"pledges/" + mspB + ".yaml": file(mspWithID(mspB)),
			"pledges/ngo-a.yaml":        file(ngoA),
			"pledges/ngo-b.yaml":        file(pledgeWithID("ngo-b")),
		}
		return fsys
	}
	tests := []struct {
		name  string
		fsys  fstest.MapFS
		wants []want
	}{
		{
			name: "all references resolve",
			fsys: records(pledgeWithID("ngo-a",
				"contributes_to: ["+mspB+"]", "pledge_type: matching", "matches: [ngo-b]", "measures: [b1, b2]")),
		},
		{
			name: "contributes_to a near miss",
			fsys: records(pledgeWithID("ngo-a", "contributes_to: [msp-trafficking-in-person]")),
			// "contributes_to: [" is 17 characters.
			wants: []want{{"pledges/ngo-a.yaml:36:18 unknown-ref",
				`contributes_to: no multistakeholder pledge has the id "msp-trafficking-in-person" (did you mean "msp-trafficking-in-persons"?)`}},
		},
		{
			name: "contributes_to nothing like an id",
			fsys: records(pledgeWithID("ngo-a", "contributes_to: [msp-refugee-education]")),
			wants: []want{{"pledges/ngo-a.yaml:36:18 unknown-ref",
				`no multistakeholder pledge has the id "msp-refugee-education" (existing ids: msp-climate-mobility, msp-trafficking-in-persons)`}},
		},
		{
			name: "contributes_to the second of two",
			fsys: records(pledgeWithID("ngo-a", "contributes_to: ["+mspA+", msp-nope]")),
			// "contributes_to: [msp-climate-mobility, " is 39 characters.
			wants: []want{{"pledges/ngo-a.yaml:36:40 unknown-ref", `"msp-nope"`}},
		},
		{
			name:  "contributes_to a plain pledge",
			fsys:  records(pledgeWithID("ngo-a", "contributes_to: [ngo-b]")),
			wants: []want{{"pledges/ngo-a.yaml:36:18 unknown-ref", `contributes_to: "ngo-b" is a pledge, not a multistakeholder pledge`}},
		},
		{
			name: "multistakeholder contributing to another",
			fsys: records(pledgeWithID("ngo-a"), "contributes_to: ["+mspB+"]"),
			wants: []want{{"pledges/" + mspA + ".yaml:20:18 kind-field",
				"a multistakeholder pledge cannot contribute to another one"}},
		},
		{
			name: "matches an unknown id",
			fsys: records(pledgeWithID("ngo-a", "pledge_type: matching", "matches: [ngo-zzz]")),
			// "matches: [" is 10 characters.
			wants: []want{{"pledges/ngo-a.yaml:37:11 unknown-ref", `matches: no pledge has the id "ngo-zzz" (existing ids: ngo-a, ngo-b)`}},
		},
		{
			name:  "matches a near miss",
			fsys:  records(pledgeWithID("ngo-a", "pledge_type: matching", "matches: [ngo-bb]")),
			wants: []want{{"pledges/ngo-a.yaml:37:11 unknown-ref", `matches: no pledge has the id "ngo-bb" (did you mean "ngo-b"?)`}},
		},
		{
			name: "matches a multistakeholder pledge",
			fsys: records(pledgeWithID("ngo-a", "pledge_type: matching", "matches: ["+mspB+"]")),
			wants: []want{{"pledges/ngo-a.yaml:37:11 unknown-ref",
				`matches: "msp-trafficking-in-persons" is a multistakeholder pledge; a matching pledge matches an ordinary pledge`}},
		},
		{
			name:  "matches itself",
			fsys:  records(pledgeWithID("ngo-a", "pledge_type: matching", "matches: [ngo-b, ngo-a]")),
			wants: []want{{"pledges/ngo-a.yaml:37:18 unknown-ref", "matches: a pledge cannot match itself"}},
		},
		{
			name: "unknown measure, near miss",
			fsys: records(pledgeWithID("ngo-a", "measures: [b1, b7]")),
			// "measures: [b1, " is 15 characters.
			wants: []want{{"pledges/ngo-a.yaml:36:16 unknown-measure", `measures: no guidance measure has the id "b7" (did you mean "b1"?)`}},
		},
		{
			name:  "unknown measure, nothing near",
			fsys:  records(pledgeWithID("ngo-a", "measures: [zz-top]")),
			wants: []want{{"pledges/ngo-a.yaml:36:12 unknown-measure", `no guidance measure has the id "zz-top" (existing ids: a1, b1, b2)`}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, errs := loadWithin(t, tt.fsys)
			if len(errs) > 0 {
				t.Fatalf("Load reported problems; the case needs valid records:\n%s", listing(errs))
			}
			checkDiags(t, "", CheckRefs(recs, measures), tt.wants)
		})
	}
}

func TestCheckRefsNoMeasures(t *testing.T) {
	recs, errs := loadWithin(t, fstest.MapFS{"pledges/ngo-a.yaml": file(pledgeWithID("ngo-a", "measures: [a1]"))})
	if len(errs) > 0 {
		t.Fatalf("Load:\n%s", listing(errs))
	}
	checkDiags(t, "", CheckRefs(recs, nil), []want{
		{"pledges/ngo-a.yaml:36:12 unknown-measure", `no guidance measure has the id "a1" (there are none yet)`},
	})
}

func TestSuggestID(t *testing.T) {
	tests := []struct{ in, want string }{
		{"My Pledge", "my-pledge"},
		{"ngo.test", "ngo-test"},
		{"  --Hello__World--  ", "hello-world"},
		{"Ünïcode Name", "unicode-name"},
		{"ngo-riversidé", "ngo-riverside"},
		{"Łódź Ørsted ŞİŞLİ", "lodz-orsted-sisli"},
		{"!!!", "my-pledge"},
		{"", "my-pledge"},
		{strings.Repeat("a", 100), strings.Repeat("a", MaxIDLen)},
		// Cutting at the limit must not leave a trailing hyphen.
		{strings.Repeat("a", MaxIDLen-1) + " b", strings.Repeat("a", MaxIDLen-1)},
	}
	for _, tt := range tests {
		got := suggestID(tt.in)
		if got != tt.want {
			t.Errorf("suggestID(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if !IDPattern.MatchString(got) || len(got) > MaxIDLen {
			t.Errorf("suggestID(%q) = %q is not a valid id", tt.in, got)
		}
	}
}

// TestLoadTimes checks that Load accounts for each step of every file it
// decodes, and for none of the files it does not.
func TestLoadTimes(t *testing.T) {
	fsys := fstest.MapFS{}
	for i := range 20 {
		id := "pledge-" + string(rune('a'+i))
		fsys[Dir+"/"+id+".yaml"] = file(pledgeWithID(id))
	}
	recs, times, errs := Load(fsys, nil)
	if len(errs) > 0 || len(recs) != 20 {
		t.Fatalf("%d records, problems: %v", len(recs), errs)
	}
	if times.Read <= 0 || times.Parse <= 0 || times.Check <= 0 {
		t.Errorf("times %+v: every step took some time", times)
	}

	cache := NewCache()
	Load(fsys, cache)
	_, times, _ = Load(fsys, cache)
	if times.Parse != 0 || times.Check != 0 {
		t.Errorf("times %+v for cached records: nothing was parsed or checked", times)
	}
}
