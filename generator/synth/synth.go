// Package synth writes synthetic pledge catalogues for benchmarks and
// scale tests: N records in the real format, deterministic from a seed,
// with realistic text lengths (a ~300-word Markdown description), tags drawn
// from the real vocabularies and measures, and a skewed vocabulary so that
// a few words are very common and most are rare, as in real text.
package synth

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"pledgesite/generator/vocab"
)

// Options describe a catalogue.
type Options struct {
	N        int      // number of pledges
	Seed     uint64   // same seed, same files
	Measures []string // measure ids to tag with
	MSP      string   // id of a multistakeholder record to contribute to, "" for none
}

// Write writes the records into dir (usually <source>/pledges), one file
// each, and returns the number of bytes written.
func Write(dir string, opt Options) (int64, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, err
	}
	g := newGen(opt)
	var total int64
	for i := range opt.N {
		id, data := g.record(i)
		if err := os.WriteFile(filepath.Join(dir, id+".yaml"), data, 0o644); err != nil {
			return total, err
		}
		total += int64(len(data))
	}
	return total, nil
}

// Fingerprint identifies the catalogue Write would make for opt, from the
// first records only, so that a tree made earlier can be reused while the
// generator and its inputs are unchanged, and made again when they change.
func Fingerprint(opt Options) string {
	h := sha256.New()
	fmt.Fprintf(h, "n=%d seed=%d msp=%q measures=%q\x00", opt.N, opt.Seed, opt.MSP, opt.Measures)
	g := newGen(opt)
	for i := range min(opt.N, 50) {
		id, data := g.record(i)
		fmt.Fprintf(h, "%s %d\x00", id, len(data))
		h.Write(data)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// Current reports whether the tree at dir was marked by MarkCurrent with
// the same fingerprint: benchmarks keep catalogues between runs (writing
// 100,000 files takes a while) and must make them again when synth or its
// options changed since.
func Current(dir string, opt Options) bool {
	old, err := os.ReadFile(dir + ".synth")
	return err == nil && string(old) == Fingerprint(opt)+"\n"
}

// MarkCurrent records beside dir (in dir + ".synth") that it holds the
// catalogue of opt.
func MarkCurrent(dir string, opt Options) error {
	return os.WriteFile(dir+".synth", []byte(Fingerprint(opt)+"\n"), 0o644)
}

type gen struct {
	opt       Options
	rng       *rand.Rand
	zipf      *rand.Zipf
	words     []string
	countries []string
}

// Common words of the domain head the vocabulary; invented words make up
// the long tail, so the index sees both very common and rare terms.
var domainWords = strings.Fields(`refugees protection trafficking survivors support legal aid asylum
	children women girls referral screening shelter health psychosocial training officials border
	reception centres community host services access safe identification national system programme
	local partners years documentation registration statelessness work labour recruitment fair
	education schools resettlement places family reunification pathways camps settlements displaced
	persons returnees migrants risk exploitation forced marriage armed groups recovery residence
	permits justice compensation lawyers courts police cases data privacy coordination cluster
	humanitarian emergency response funding grant staff outreach hotline interpreters guidance
	procedures standards monitoring report annual capacity municipal ministry government network
	organisation youth livelihoods skills jobs employers unions inspection audits supply chains`)

func newGen(opt Options) *gen {
	rng := rand.New(rand.NewPCG(opt.Seed, opt.Seed^0x9e3779b97f4a7c15))
	g := &gen{opt: opt, rng: rng}
	g.words = append(g.words, domainWords...)
	syll := strings.Fields("ka lo mi re sa tu ve no pa di fe ru zo ba ne hi mo la te yu")
	for len(g.words) < 20000 {
		var b strings.Builder
		for range 2 + rng.IntN(3) {
			b.WriteString(syll[rng.IntN(len(syll))])
		}
		g.words = append(g.words, b.String())
	}
	g.zipf = rand.NewZipf(rng, 1.1, 2, uint64(len(g.words)-1))
	for _, c := range vocab.Countries() {
		g.countries = append(g.countries, c.Code)
	}
	return g
}

func (g *gen) word() string { return g.words[g.zipf.Uint64()] }

func (g *gen) sentence(minW, maxW int) string {
	n := minW + g.rng.IntN(maxW-minW+1)
	ws := make([]string, n)
	for i := range ws {
		ws[i] = g.word()
	}
	s := strings.Join(ws, " ")
	return strings.ToUpper(s[:1]) + s[1:] + "."
}

// emphasise puts two or three words inside a sentence in bold, as the
// shipped records do once in most descriptions ("**45 shelter places**"):
// inline markup is part of what rendering a description costs.
func (g *gen) emphasise(sentence string) string {
	ws := strings.Split(sentence, " ")
	k := 2 + g.rng.IntN(2)
	if len(ws) < k+2 {
		return sentence
	}
	i := 1 + g.rng.IntN(len(ws)-k-1) // neither the first word nor the last
	ws[i] = "**" + ws[i]
	ws[i+k-1] += "**"
	return strings.Join(ws, " ")
}

func (g *gen) pick(terms []vocab.Term) string { return terms[g.rng.IntN(len(terms))].Value }

// some picks 1..max distinct values, skewed towards the first values.
func (g *gen) some(values []string, max int) []string {
	n := 1 + g.rng.IntN(max)
	seen := map[string]bool{}
	var out []string
	for len(out) < n && len(out) < len(values) {
		i := int(math.Min(float64(len(values)-1), math.Abs(g.rng.NormFloat64())*float64(len(values))/3))
		if v := values[i]; !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

var forumDates = map[string][2]int{
	"GRF-2019": {2019, 12}, "HLOM-2021": {2021, 12}, "GRF-2023": {2023, 12},
	"HLOM-2025": {2025, 12}, "GRF-2027": {2026, 6}, "other": {2022, 6},
}

// lastUpdate is the month of the last progress update, as year*12+month.
const lastUpdate = 2026*12 + 11

func (g *gen) record(i int) (string, []byte) {
	entity := g.pick(vocab.StakeholderTypes)
	id := fmt.Sprintf("synthetic-%s-%06d", entity, i)
	if len(id) > 64 {
		id = id[:57] + fmt.Sprintf("-%06d", i)
	}
	forum := g.pick(vocab.Forums)
	fd := forumDates[forum]
	date := fmt.Sprintf("%04d-%02d-%02d", fd[0], fd[1], 1+g.rng.IntN(28))
	status := []string{"planning", "in-progress", "in-progress", "fulfilled"}[g.rng.IntN(4)]
	support := g.some(vocab.Values(vocab.SupportTypes), 3)
	hasFinancial := false
	for _, s := range support {
		hasFinancial = hasFinancial || s == "financial"
	}

	var b strings.Builder
	b.WriteString("# yaml-language-server: $schema=./schema.json\n")
	fmt.Fprintf(&b, "id: %s\nkind: pledge\n", id)
	fmt.Fprintf(&b, "title: %q\n", strings.TrimSuffix(g.sentence(5, 12), "."))
	fmt.Fprintf(&b, "summary: %q\n", g.sentence(20, 40))
	b.WriteString("description: |\n")
	for p := range 4 {
		if p == 2 {
			b.WriteString("  ## Plan\n\n")
			for range 3 {
				fmt.Fprintf(&b, "  - %s\n", g.sentence(8, 14))
			}
			b.WriteString("\n")
			continue
		}
		b.WriteString("  ")
		for k := range 5 {
			sent := g.sentence(10, 22)
			if p == 0 && k == 1 {
				sent = g.emphasise(sent)
			}
			b.WriteString(sent + " ")
		}
		b.WriteString("\n\n")
	}
	country := g.countries[g.rng.IntN(len(g.countries))]
	fmt.Fprintf(&b, "entity:\n  name: %q\n  type: %s\n  country: %s\n", "Synthetic "+strings.Title(g.word())+" "+strings.Title(g.word()), entity, country)
	if g.opt.MSP != "" && g.rng.IntN(3) > 0 {
		fmt.Fprintf(&b, "contributes_to: [%s]\n", g.opt.MSP)
	}
	if len(g.opt.Measures) > 0 {
		fmt.Fprintf(&b, "measures: [%s]\n", strings.Join(g.some(g.opt.Measures, 3), ", "))
	}
	fmt.Fprintf(&b, "forum: %s\ndate: %s\nstatus: %s\nsupport: [%s]\n", forum, date, status, strings.Join(support, ", "))
	if hasFinancial {
		fmt.Fprintf(&b, "financial:\n  amount: %d\n  currency: %s\n", 1000*(1+g.rng.IntN(5000)), []string{"USD", "EUR", "GBP", "KES", "JPY"}[g.rng.IntN(5)])
	}
	fmt.Fprintf(&b, "countries: [%s]\n", strings.Join(g.some(g.countries, 3), ", "))
	fmt.Fprintf(&b, "target_groups: [%s]\n", strings.Join(g.some(vocab.Values(vocab.TargetGroups), 3), ", "))
	fmt.Fprintf(&b, "gcr_objectives: [%d]\n", 1+g.rng.IntN(4))
	sdgs := g.some([]string{"16.2", "5.2", "8.7", "10.7", "4.1", "1.3", "3.8", "5.3", "8.8", "16.9"}, 3)
	fmt.Fprintf(&b, "sdg_targets: [\"%s\"]\n", strings.Join(sdgs, `", "`))
	fmt.Fprintf(&b, "gcm_objectives: [%d]\n", 1+g.rng.IntN(23))
	if status != "planning" && g.rng.IntN(2) == 0 {
		// A year after the pledge, but never after November 2026: records
		// may not be dated in the future.
		year, month := fd[0]+1, 1+g.rng.IntN(12)
		if year*12+month > lastUpdate {
			year, month = lastUpdate/12, lastUpdate%12
		}
		fmt.Fprintf(&b, "updates:\n  - date: %04d-%02d-15\n    status: %s\n    text: %q\n", year, month, status, g.sentence(10, 20))
	}
	return id, []byte(b.String())
}
