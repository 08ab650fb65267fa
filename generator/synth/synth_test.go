package synth_test

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"pledgesite/generator/content"
	"pledgesite/generator/record"
	"pledgesite/generator/synth"
)

const mspID = "msp-trafficking-in-persons"

// shipped returns the measures of the shipped guidance and the shipped
// multistakeholder record the synthetic pledges contribute to.
func shipped(t *testing.T) (*content.Set, *record.Pledge) {
	t.Helper()
	root := filepath.Join("..", "..")
	set, errs := content.Load(os.DirFS(root))
	if len(errs) > 0 {
		t.Fatalf("loading the shipped guidance: %v", errs)
	}
	if len(set.Measures) == 0 {
		t.Fatal("the shipped guidance defines no measures")
	}
	data, err := os.ReadFile(filepath.Join(root, "pledges", mspID+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	msp, errs := record.Decode("pledges/"+mspID+".yaml", data)
	if len(errs) > 0 {
		t.Fatalf("decoding %s: %v", mspID, errs)
	}
	return set, msp
}

func measureIDs(set *content.Set) []string {
	var ids []string
	for _, m := range set.Measures {
		ids = append(ids, m.Measure)
	}
	return ids
}

// readDir returns the files of dir by name.
func readDir(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = data
	}
	return out
}

func TestWriteIsDeterministic(t *testing.T) {
	opt := synth.Options{N: 200, Seed: 7, Measures: []string{"a1", "a2", "b1", "c3"}, MSP: mspID}
	a, b, c := t.TempDir(), t.TempDir(), t.TempDir()
	na, err := synth.Write(a, opt)
	if err != nil {
		t.Fatal(err)
	}
	nb, err := synth.Write(b, opt)
	if err != nil {
		t.Fatal(err)
	}
	if na != nb {
		t.Errorf("same seed, %d then %d bytes", na, nb)
	}
	fa, fb := readDir(t, a), readDir(t, b)
	if len(fa) != opt.N {
		t.Fatalf("%d files, want %d", len(fa), opt.N)
	}
	var total int64
	for name, data := range fa {
		total += int64(len(data))
		if !bytes.Equal(data, fb[name]) {
			t.Errorf("%s differs between two writes with the same seed", name)
		}
	}
	if len(fb) != len(fa) {
		t.Errorf("%d files, then %d", len(fa), len(fb))
	}
	if total != na {
		t.Errorf("Write returned %d bytes, the files hold %d", na, total)
	}

	opt.Seed = 8
	if _, err := synth.Write(c, opt); err != nil {
		t.Fatal(err)
	}
	same := 0
	fc := readDir(t, c)
	for name, data := range fa {
		if bytes.Equal(data, fc[name]) {
			same++
		}
	}
	if same == len(fa) && len(fc) == len(fa) {
		t.Error("another seed wrote the same catalogue")
	}
}

// TestFingerprint: a kept catalogue is reused only while Write would make
// the same one, so every option that changes the files changes the print.
func TestFingerprint(t *testing.T) {
	base := synth.Options{N: 100, Seed: 1, Measures: []string{"a1", "b2"}, MSP: mspID}
	print := synth.Fingerprint(base)
	if again := synth.Fingerprint(base); again != print {
		t.Fatalf("same options, prints %s then %s", print, again)
	}
	for name, change := range map[string]func(o *synth.Options){
		"size":     func(o *synth.Options) { o.N = 101 },
		"seed":     func(o *synth.Options) { o.Seed = 2 },
		"measures": func(o *synth.Options) { o.Measures = []string{"a1", "b3"} },
		"msp":      func(o *synth.Options) { o.MSP = "" },
	} {
		o := base
		change(&o)
		if synth.Fingerprint(o) == print {
			t.Errorf("another %s, same print %s", name, print)
		}
	}
}

// TestRecordsAreValid decodes every generated record as pledgesite check
// would: no problem in any file, and the references (measures and the
// multistakeholder pledge) resolve against the shipped guidance.
func TestRecordsAreValid(t *testing.T) {
	set, msp := shipped(t)
	dir := t.TempDir()
	const n = 1000
	if _, err := synth.Write(dir, synth.Options{N: n, Seed: 1, Measures: measureIDs(set), MSP: mspID}); err != nil {
		t.Fatal(err)
	}
	recs := []*record.Pledge{msp}
	contributions, financial, updates := 0, 0, 0
	for name, data := range readDir(t, dir) {
		p, errs := record.Decode("pledges/"+name, data)
		for _, e := range errs {
			t.Errorf("%v", e)
		}
		if p == nil {
			continue
		}
		if p.ID+".yaml" != name {
			t.Errorf("%s holds id %q", name, p.ID)
		}
		if len(p.Measures) == 0 || len(p.Countries) == 0 || len(p.Support) == 0 || p.Entity.Country == "" {
			t.Errorf("%s: untagged record: measures %v, countries %v, support %v", name, p.Measures, p.Countries, p.Support)
		}
		if p.IsContribution() {
			contributions++
		}
		if p.Financial != nil {
			financial++
		}
		if len(p.Updates) > 0 {
			updates++
		}
		recs = append(recs, p)
	}
	if len(recs) != n+1 {
		t.Fatalf("%d records decoded, want %d", len(recs)-1, n)
	}
	for _, e := range record.CheckRefs(recs, set.MeasureTitles()) {
		t.Errorf("%v", e)
	}
	// The mix of record shapes the renderer sees: some contribute to the
	// multistakeholder pledge, some commit money, some report progress.
	for what, got := range map[string]int{"contributions": contributions, "financial": financial, "with updates": updates} {
		if got < n/10 || got > n*9/10 {
			t.Errorf("%d of %d records are %s; want a mix", got, n, what)
		}
	}
}

func TestRecordsWithoutMSPOrMeasures(t *testing.T) {
	dir := t.TempDir()
	if _, err := synth.Write(dir, synth.Options{N: 50, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	var recs []*record.Pledge
	for name, data := range readDir(t, dir) {
		p, errs := record.Decode("pledges/"+name, data)
		for _, e := range errs {
			t.Errorf("%v", e)
		}
		if p.IsContribution() || len(p.Measures) > 0 {
			t.Errorf("%s refers to %v / %v, but no MSP or measures were given", name, p.ContributesTo, p.Measures)
		}
		recs = append(recs, p)
	}
	for _, e := range record.CheckRefs(recs, nil) {
		t.Errorf("%v", e)
	}
}

// TestRealisticLengths keeps the catalogue's text close to real pledges:
// a description of about 250 to 350 words on average, with the spread of
// hand-written text, a one-line title and a summary of a few sentences.
func TestRealisticLengths(t *testing.T) {
	dir := t.TempDir()
	const n = 2000
	if _, err := synth.Write(dir, synth.Options{N: n, Seed: 1, Measures: []string{"a1"}, MSP: mspID}); err != nil {
		t.Fatal(err)
	}
	var descWords, titleWords, summaryWords []int
	var fileBytes int
	vocabulary := map[string]int{}
	for name, data := range readDir(t, dir) {
		fileBytes += len(data)
		p, errs := record.Decode("pledges/"+name, data)
		if len(errs) > 0 {
			t.Fatalf("%s: %v", name, errs)
		}
		words := strings.Fields(p.Description)
		descWords = append(descWords, len(words))
		titleWords = append(titleWords, len(strings.Fields(p.Title)))
		summaryWords = append(summaryWords, len(strings.Fields(p.Summary)))
		for _, w := range words {
			vocabulary[strings.ToLower(strings.Trim(w, ".,#-"))]++
		}
	}
	mean := func(v []int) float64 {
		s := 0
		for _, x := range v {
			s += x
		}
		return float64(s) / float64(len(v))
	}
	if m := mean(descWords); m < 250 || m > 350 {
		t.Errorf("descriptions average %.0f words, want 250 to 350", m)
	}
	if lo, hi := slices.Min(descWords), slices.Max(descWords); hi-lo < 40 {
		t.Errorf("descriptions run from %d to %d words: too uniform", lo, hi)
	}
	if m := mean(titleWords); m < 4 || m > 15 {
		t.Errorf("titles average %.1f words, want 4 to 15", m)
	}
	if m := mean(summaryWords); m < 15 || m > 60 {
		t.Errorf("summaries average %.1f words, want 15 to 60", m)
	}
	if avg := fileBytes / n; avg < 1500 || avg > 6000 {
		t.Errorf("record files average %d bytes, want 1.5 to 6 KB", avg)
	}
	// A skewed vocabulary: many distinct words, a few of them very common.
	if len(vocabulary) < 5000 {
		t.Errorf("only %d distinct words in %d descriptions", len(vocabulary), n)
	}
	counts := make([]int, 0, len(vocabulary))
	for _, c := range vocabulary {
		counts = append(counts, c)
	}
	slices.Sort(counts)
	slices.Reverse(counts)
	if counts[0] < 20*counts[len(counts)/2] {
		t.Errorf("the commonest word occurs %d times, the median word %d: not skewed", counts[0], counts[len(counts)/2])
	}
}
