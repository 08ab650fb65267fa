// Command benchsite measures pledgesite on synthetic catalogues of
// 1,000, 10,000 and 100,000 pledges, beside Hugo building the same
// catalogue and an I/O floor, in the same run on the same machine.
//
// For each size it makes the source tree once (.bench/src-N: the shipped
// guidance, theme and settings, the real multistakeholder record and N
// records from generator/synth), then, --runs times: a cold
// `pledgesite build --timings` into a new folder and a rebuild with no
// source changed into the same folder. Wall time is taken around the
// process; CPU time and peak RSS come from the rusage the kernel returns
// for the child (wait4), the figures /usr/bin/time -v prints, so nothing
// needs installing. It then writes the same files (paths and sizes) from
// this program with os.WriteFile, the I/O floor, and builds the same
// records as a Hugo site with minimal equivalent templates (Hugo is
// installed into .tools/bin with `go install`, never into go.mod).
//
// It prints a table per size with the medians of the runs, the phase
// times of pledgesite, the ratios Hugo/pledgesite and pledgesite/floor and
// the time per 1,000 pledges, and writes every run as JSON to --out.
//
//	go run ./cmd/benchsite [--sizes 1000,10000] [--runs 3] [--hugo=false]
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/spf13/pflag"

	"pledgesite/generator/config"
	"pledgesite/generator/styles"
)

// Report is what --out receives.
type Report struct {
	Started      string        `json:"started"`
	Finished     string        `json:"finished,omitempty"`
	Go           string        `json:"go"`
	Platform     string        `json:"platform"`
	CPUs         int           `json:"cpus"`
	LoadAvgStart string        `json:"loadavg_start"`
	LoadAvgEnd   string        `json:"loadavg_end,omitempty"`
	Runs         int           `json:"runs"`
	Seed         uint64        `json:"seed"`
	Hugo         string        `json:"hugo,omitempty"`
	Notes        []string      `json:"notes,omitempty"`
	Sizes        []*SizeResult `json:"sizes"`
	Method       string        `json:"method"`
}

// SizeResult holds the measurements of one catalogue size.
type SizeResult struct {
	Pledges      int                `json:"pledges"`
	Records      int                `json:"records"` // pledges plus the multistakeholder record
	Source       string             `json:"source"`
	LoadAvgStart string             `json:"loadavg_start"`
	LoadAvgEnd   string             `json:"loadavg_end"`
	Cold         *Row               `json:"pledgesite_cold"`
	Rebuild      *Row               `json:"pledgesite_rebuild"`
	FullRebuild  *Row               `json:"pledgesite_rebuild_without_stamp"`
	Hugo         *Row               `json:"hugo,omitempty"`
	Floor        *Row               `json:"io_floor"`
	FloorPar     *Row               `json:"io_floor_parallel"`
	Ratios       map[string]float64 `json:"ratios"`
	MSPer1000    map[string]float64 `json:"ms_per_1000_pledges"`
	RebuildOK    bool               `json:"rebuild_under_half_second_and_nothing_written"`
}

// Row is one tool at one size: every run and the medians.
type Row struct {
	Name    string   `json:"name"`
	Runs    []Sample `json:"runs,omitempty"`
	Median  Sample   `json:"median"`
	HTML    int      `json:"html_files,omitempty"`
	Note    string   `json:"note,omitempty"`
	Skipped bool     `json:"skipped,omitempty"`
}

const method = "wall: around the process (or the writes, for the I/O floor); cpu: user+sys from wait4's rusage, which includes " +
	"children the process waited for (Dart Sass); peak_rss_kb: ru_maxrss, the largest single process; files and bytes: a walk of " +
	"the output folder; phases: pledgesite build --timings; each median is taken per figure; written is the largest count of any run. " +
	"I/O floor: the same relative paths and sizes written with os.MkdirAll + os.WriteFile by one goroutine (io_floor) or GOMAXPROCS " +
	"goroutines (io_floor_parallel), after each cold build; ratios use the faster of the two. " +
	"Every timed step writes into a new folder and starts after sync(2), so the writeback of one step is not charged to the next; " +
	"outputs are removed only at the end (the file system is slow to create files for minutes after a large delete, see scratch.go)."

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		if !errors.Is(err, pflag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "benchsite:", err)
		}
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	fs := pflag.NewFlagSet("benchsite", pflag.ContinueOnError)
	fs.SortFlags = false
	sizes := fs.IntSlice("sizes", []int{1000, 10000, 100000}, "catalogue sizes (number of synthetic pledges)")
	runs := fs.Int("runs", 3, "runs per measurement; the table shows the medians")
	withHugo := fs.Bool("hugo", true, "also build each catalogue with Hugo (installed into .tools/bin on first use)")
	out := fs.String("out", ".bench/build.json", "JSON report")
	work := fs.String("work", ".bench", "working folder: source trees, outputs, the pledgesite binary")
	seed := fs.Uint64("seed", 1, "seed of the synthetic catalogues")
	hugoWant := fs.String("hugo-version", "v0.165.0", "Hugo version to install")
	tools := fs.String("tools", ".tools/bin", "folder Hugo is installed into")
	hugoLimit := fs.Duration("hugo-limit", 15*time.Minute, "skip Hugo at a size when one build takes longer, or is predicted to from the smaller size")
	repeatLimit := fs.Duration("repeat-limit", 4*time.Minute, "measure only once when the first run takes longer than this")
	reuse := fs.Duration("reuse-wait", reuseWait, "after removing earlier outputs, wait this long before timing anything (see scratch.go)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *runs < 1 {
		return fmt.Errorf("--runs must be at least 1")
	}
	root, err := os.Getwd()
	if err != nil {
		return err
	}
	if data, err := os.ReadFile(filepath.Join(root, "go.mod")); err != nil || !strings.HasPrefix(string(data), "module pledgesite") {
		return fmt.Errorf("run benchsite from the pledgesite module root (go run ./cmd/benchsite)")
	}
	if _, err := styles.FindBinary("", root); err != nil {
		return fmt.Errorf("%v\n(make build installs it; or: npm ci --ignore-scripts)", err)
	}
	cfg, errs := config.Load(os.DirFS(root))
	if len(errs) > 0 {
		return errs
	}
	slices.Sort(*sizes)
	if err := os.MkdirAll(*work, 0o755); err != nil {
		return err
	}

	rep := &Report{Started: time.Now().UTC().Format(time.RFC3339), Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH,
		CPUs: runtime.NumCPU(), LoadAvgStart: loadAvg(), Runs: *runs, Seed: *seed, Method: method}
	fmt.Fprintf(stdout, "benchsite: %s, %d CPUs, load average %s (1, 5, 15 min)\n", rep.Go, rep.CPUs, rep.LoadAvgStart)

	bin := filepath.Join(*work, "pledgesite")
	fmt.Fprintf(stdout, "building %s\n", bin)
	if b, err := exec.Command("go", "build", "-o", bin, "./cmd/pledgesite").CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %v\n%s", err, b)
	}
	bin, _ = filepath.Abs(bin)

	hugoBin := ""
	if *withHugo {
		b, v, note, err := installHugo(root, *tools, *hugoWant)
		switch {
		case err != nil:
			rep.Notes = append(rep.Notes, "Hugo left out: "+err.Error())
			fmt.Fprintf(stdout, "Hugo left out: %v\n", err)
		default:
			hugoBin, _ = filepath.Abs(b)
			rep.Hugo = v
			if note != "" {
				rep.Notes = append(rep.Notes, note)
				fmt.Fprintln(stdout, note)
			}
			fmt.Fprintf(stdout, "using %s\n", v)
		}
	}

	sc, err := newScratch(*work, *reuse, stdout, &rep.Notes)
	if err != nil {
		return err
	}
	var prevHugo *Row
	prevN := 0
	for _, n := range *sizes {
		res, err := measureSize(stdout, sc, root, *work, bin, hugoBin, n, *runs, *seed, cfg, *hugoLimit, *repeatLimit, prevHugo, prevN)
		if err != nil {
			return fmt.Errorf("%d pledges: %w", n, err)
		}
		rep.Sizes = append(rep.Sizes, res)
		if res.Hugo != nil && !res.Hugo.Skipped {
			prevHugo, prevN = res.Hugo, n
		}
		printSize(stdout, res, rep.Hugo)
		if err := writeReport(*out, rep); err != nil { // after every size, so a long run leaves something
			return err
		}
	}
	if err := sc.remove(); err != nil {
		return err
	}
	rep.Finished = time.Now().UTC().Format(time.RFC3339)
	rep.LoadAvgEnd = loadAvg()
	printSummary(stdout, rep)
	if err := writeReport(*out, rep); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\nwrote %s\n", *out)
	return nil
}

func writeReport(path string, rep *Report) error {
	data, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}

func measureSize(stdout io.Writer, sc *scratch, root, work, bin, hugoBin string, n, runs int, seed uint64, cfg config.Site,
	hugoLimit, repeatLimit time.Duration, prevHugo *Row, prevN int) (*SizeResult, error) {
	fmt.Fprintf(stdout, "\n== %s pledges ==\n", group(int64(n)))
	t := time.Now()
	src, made, err := sourceTree(root, work, n, seed)
	if err != nil {
		return nil, fmt.Errorf("making the source tree: %w", err)
	}
	if made {
		fmt.Fprintf(stdout, "made %s in %s\n", src, time.Since(t).Round(time.Millisecond))
	} else {
		fmt.Fprintf(stdout, "reusing %s\n", src)
	}
	res := &SizeResult{Pledges: n, Records: n + 1, Source: src, LoadAvgStart: loadAvg(),
		Ratios: map[string]float64{}, MSPer1000: map[string]float64{}}
	srcAbs, _ := filepath.Abs(src)
	limit := 2 * time.Hour

	// pledgesite keeps a stamp of each build in the user's cache folder
	// (os.UserCacheDir) and skips a build whose sources and output are as
	// it left them. The benchmark keeps those stamps in its own folder; the
	// full rebuild gets an empty one, so it renders everything and compares.
	cacheDir, _ := filepath.Abs(filepath.Join(work, "cache"))
	emptyCache, _ := filepath.Abs(filepath.Join(work, "cache-empty"))
	// The source trees sit inside the project's checkout, so git run by
	// pledgesite (page dates, the up-to-date stamp's commit) would see the
	// project's history and a commit made meanwhile would count as a
	// source change: stop git's search for a repository at the work folder.
	workAbs, _ := filepath.Abs(work)
	ceiling := "GIT_CEILING_DIRECTORIES=" + workAbs
	env := []string{"XDG_CACHE_HOME=" + cacheDir, ceiling}

	res.Cold = &Row{Name: "pledgesite cold"}
	res.Rebuild = &Row{Name: "pledgesite no-change rebuild"}
	res.FullRebuild = &Row{Name: "pledgesite rebuild, no stamp"}
	workers := runtime.GOMAXPROCS(0)
	res.Floor = &Row{Name: "I/O floor, 1 writer"}
	res.FloorPar = &Row{Name: fmt.Sprintf("I/O floor, %d writers", workers)}
	var files []fileEntry
	// Room for one more output and its two floors; a guess until the
	// first build says how big the output is.
	need := int64(n) * 200 << 10
	var dest string
	build1 := func(env []string) (Sample, error) {
		settle()
		s, outText, err := runMeasured(root, limit, env, bin, "build", "--source", srcAbs, "--dest", dest, "--timings")
		if err != nil {
			return s, err
		}
		return s, parseBuild(outText, &s)
	}
	for i := range runs {
		if err := sc.ensureSpace(need); err != nil {
			return nil, err
		}
		dest, _ = filepath.Abs(sc.next(fmt.Sprintf("pledgesite-%d-run%d", n, i+1)))
		s, err := build1(env)
		if err != nil {
			return nil, err
		}
		if files, err = listFiles(dest); err != nil {
			return nil, err
		}
		s.Files, s.Bytes = totals(files)
		need = 4 * s.Bytes
		res.Cold.Runs = append(res.Cold.Runs, s)
		res.Cold.HTML = countHTML(files)

		r, err := build1(env)
		if err != nil {
			return nil, err
		}
		r.Files, r.Bytes = s.Files, s.Bytes
		res.Rebuild.Runs = append(res.Rebuild.Runs, r)

		if err := os.RemoveAll(emptyCache); err != nil {
			return nil, err
		}
		f, err := build1([]string{"XDG_CACHE_HOME=" + emptyCache, ceiling})
		if err != nil {
			return nil, err
		}
		f.Files, f.Bytes = s.Files, s.Bytes
		res.FullRebuild.Runs = append(res.FullRebuild.Runs, f)
		// The I/O floor of this run's output, in the same state of the
		// machine as the builds beside it.
		res.Floor.HTML, res.FloorPar.HTML = res.Cold.HTML, res.Cold.HTML
		var fl [2]Sample
		for j, w := range []int{1, workers} {
			settle()
			if fl[j], err = ioFloor(sc.next(fmt.Sprintf("floor-%d-run%d-w%d", n, i+1, w)), files, w); err != nil {
				return nil, fmt.Errorf("I/O floor: %w", err)
			}
		}
		res.Floor.Runs, res.FloorPar.Runs = append(res.Floor.Runs, fl[0]), append(res.FloorPar.Runs, fl[1])
		fmt.Fprintf(stdout, "  run %d: cold %.2f s, rebuild %.3f s (%s written), without the stamp %.2f s (%s written), I/O floor %.2f s / %.2f s\n",
			i+1, s.WallMS/1000, r.WallMS/1000, fmtWritten(r.Written), f.WallMS/1000, fmtWritten(f.Written), fl[0].WallMS/1000, fl[1].WallMS/1000)
		if i == 0 && runs > 1 && time.Duration(s.WallMS*1e6) > repeatLimit {
			res.Cold.Note = fmt.Sprintf("1 run: the first took longer than %s", repeatLimit)
			break
		}
	}
	os.RemoveAll(emptyCache)
	res.Cold.Median, res.Rebuild.Median, res.FullRebuild.Median = median(res.Cold.Runs), median(res.Rebuild.Runs), median(res.FullRebuild.Runs)
	res.Rebuild.Note, res.Rebuild.HTML = res.Cold.Note, res.Cold.HTML
	res.FullRebuild.Note, res.FullRebuild.HTML = res.Cold.Note, res.Cold.HTML

	res.Floor.Median, res.FloorPar.Median = median(res.Floor.Runs), median(res.FloorPar.Runs)
	fmt.Fprintf(stdout, "  I/O floor: %.2f s (1 writer), %.2f s (%d writers)\n", res.Floor.Median.WallMS/1000, res.FloorPar.Median.WallMS/1000, workers)

	if hugoBin != "" {
		res.Hugo = measureHugo(stdout, sc, work, hugoBin, src, n, runs, cfg, hugoLimit, repeatLimit, prevHugo, prevN)
	}

	res.LoadAvgEnd = loadAvg()
	cold := res.Cold.Median
	floor := min(res.Floor.Median.WallMS, res.FloorPar.Median.WallMS)
	k := float64(n) / 1000
	res.MSPer1000["pledgesite_cold"] = cold.WallMS / k
	res.MSPer1000["pledgesite_cold_cpu"] = cold.CPUMS / k
	res.MSPer1000["io_floor"] = floor / k
	res.Ratios["pledgesite/io_floor_wall"] = cold.WallMS / floor
	// The floor is a lower bound, so its best run says most; on a shared
	// virtual machine its runs spread widely (kernel time).
	best := math.Inf(1)
	for _, r := range append(slices.Clone(res.Floor.Runs), res.FloorPar.Runs...) {
		best = min(best, r.WallMS)
	}
	res.MSPer1000["io_floor_best"] = best / k
	res.Ratios["pledgesite/io_floor_best_wall"] = cold.WallMS / best
	if h := res.Hugo; h != nil && !h.Skipped {
		res.MSPer1000["hugo"] = h.Median.WallMS / k
		res.MSPer1000["hugo_cpu"] = h.Median.CPUMS / k
		res.Ratios["hugo/pledgesite_wall"] = h.Median.WallMS / cold.WallMS
		res.Ratios["hugo/pledgesite_cpu"] = h.Median.CPUMS / cold.CPUMS
		res.Ratios["hugo/pledgesite_peak_rss"] = float64(h.Median.PeakRSSKB) / float64(cold.PeakRSSKB)
		res.Ratios["hugo/io_floor_wall"] = h.Median.WallMS / floor
	}
	rb := res.Rebuild.Median
	res.RebuildOK = rb.WallMS < 500 && rb.Written != nil && *rb.Written == 0
	return res, nil
}

func measureHugo(stdout io.Writer, sc *scratch, work, hugoBin, src string, n, runs int, cfg config.Site,
	hugoLimit, repeatLimit time.Duration, prevHugo *Row, prevN int) *Row {
	row := &Row{Name: "Hugo"}
	if prevHugo != nil && prevN > 0 {
		if predicted := time.Duration(prevHugo.Median.WallMS * 1e6 * float64(n) / float64(prevN)); predicted > hugoLimit {
			row.Skipped = true
			row.Note = fmt.Sprintf("skipped: %s pledges took %.0f s, so %s would take about %s, over the %s limit",
				group(int64(prevN)), prevHugo.Median.WallMS/1000, group(int64(n)), predicted.Round(time.Second), hugoLimit)
			fmt.Fprintf(stdout, "  Hugo %s\n", row.Note)
			return row
		}
	}
	t := time.Now()
	site, err := hugoSite(work, src, n, cfg)
	if err != nil {
		row.Skipped, row.Note = true, "skipped: making the Hugo site failed: "+err.Error()
		fmt.Fprintf(stdout, "  Hugo %s\n", row.Note)
		return row
	}
	fmt.Fprintf(stdout, "  Hugo site %s ready in %s\n", site, time.Since(t).Round(time.Millisecond))
	siteAbs, _ := filepath.Abs(site)
	cache, _ := filepath.Abs(filepath.Join(work, "hugo-cache"))
	for i := range runs {
		if err := sc.ensureSpace(int64(n) * 100 << 10); err != nil {
			row.Skipped, row.Note = true, err.Error()
			return row
		}
		dest, _ := filepath.Abs(sc.next(fmt.Sprintf("hugo-%d-run%d", n, i+1)))
		settle()
		s, _, err := runMeasured(siteAbs, hugoLimit, nil, hugoBin, "--quiet", "--source", siteAbs, "--destination", dest, "--cacheDir", cache)
		if err != nil {
			row.Skipped = true
			if errors.Is(err, errTimeout) {
				row.Note = fmt.Sprintf("skipped: one build took longer than %s", hugoLimit)
			} else {
				row.Note = "skipped: " + err.Error()
			}
			row.Runs = nil
			fmt.Fprintf(stdout, "  Hugo %s\n", row.Note)
			return row
		}
		files, err := listFiles(dest)
		if err != nil {
			row.Skipped, row.Note = true, err.Error()
			return row
		}
		s.Files, s.Bytes = totals(files)
		row.HTML = countHTML(files)
		s.Pages = row.HTML
		row.Runs = append(row.Runs, s)
		fmt.Fprintf(stdout, "  Hugo run %d: %.2f s\n", i+1, s.WallMS/1000)
		if i == 0 && runs > 1 && time.Duration(s.WallMS*1e6) > repeatLimit {
			row.Note = fmt.Sprintf("1 run: the first took longer than %s", repeatLimit)
			break
		}
	}
	row.Median = median(row.Runs)
	return row
}

// settle flushes what earlier steps left for the disk (dirty pages, the
// journal of a big delete) before a timed step, so one step's writeback is
// not charged to the next.
func settle() { syscall.Sync() }

func countHTML(files []fileEntry) int {
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f.rel, ".html") {
			n++
		}
	}
	return n
}

func printSize(w io.Writer, res *SizeResult, hugoVersion string) {
	fmt.Fprintf(w, "\n%s pledges (%s records); load average %s at start, %s at end\n",
		group(int64(res.Pledges)), group(int64(res.Records)), res.LoadAvgStart, res.LoadAvgEnd)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "\twall\tCPU\tpeak RSS\tfiles\tHTML\tbytes\twall ms/1k pledges\twritten\truns\t")
	rows := []*Row{res.Cold, res.Rebuild, res.FullRebuild}
	if res.Hugo != nil {
		rows = append(rows, res.Hugo)
	}
	rows = append(rows, res.Floor, res.FloorPar)
	k := float64(res.Pledges) / 1000
	for _, r := range rows {
		name := r.Name
		if r == res.Hugo && hugoVersion != "" {
			name = "Hugo " + versionOf(hugoVersion)
		}
		if r.Skipped {
			fmt.Fprintf(tw, "%s\t-\t-\t-\t-\t-\t-\t-\t-\t0\t\n", name)
			continue
		}
		m := r.Median
		rss, written := "-", "-"
		if m.PeakRSSKB > 0 {
			rss = fmt.Sprintf("%.0f MiB", float64(m.PeakRSSKB)/1024)
		}
		if m.Written != nil {
			written = strconv.Itoa(*m.Written)
		}
		fmt.Fprintf(tw, "%s\t%s\t%.2f s\t%s\t%s\t%s\t%s\t%.1f\t%s\t%d\t\n", name, secs(m.WallMS), m.CPUMS/1000, rss,
			group(int64(m.Files)), group(int64(r.HTML)), mib(m.Bytes), m.WallMS/k, written, len(r.Runs))
	}
	tw.Flush()
	for _, r := range rows {
		if r.Note != "" && r != res.Rebuild && r != res.FullRebuild {
			fmt.Fprintf(w, "note (%s): %s\n", r.Name, r.Note)
		}
	}
	phases := func(title string, list []Phase) {
		fmt.Fprintf(w, "pledgesite phases, %s (median ms; + added up over goroutines):", title)
		for _, p := range list {
			mark := ""
			if p.Summed {
				mark = " +"
			}
			fmt.Fprintf(w, "  %s %.1f%s;", p.Name, p.MS, mark)
		}
		fmt.Fprintln(w)
	}
	phases("cold", res.Cold.Median.Phases)
	phases("no-change rebuild", res.Rebuild.Median.Phases)
	phases("no-change rebuild without the stamp", res.FullRebuild.Median.Phases)
	fmt.Fprintf(w, "ratios: pledgesite/I-O floor wall %.1fx (%.1fx against the floor's best run, %s)", res.Ratios["pledgesite/io_floor_wall"],
		res.Ratios["pledgesite/io_floor_best_wall"], secs(res.MSPer1000["io_floor_best"]*float64(res.Pledges)/1000))
	if _, ok := res.Ratios["hugo/pledgesite_wall"]; ok {
		fmt.Fprintf(w, "; Hugo/pledgesite wall %.2fx, CPU %.2fx, peak RSS %.2fx; Hugo/I-O floor wall %.1fx",
			res.Ratios["hugo/pledgesite_wall"], res.Ratios["hugo/pledgesite_cpu"], res.Ratios["hugo/pledgesite_peak_rss"], res.Ratios["hugo/io_floor_wall"])
	}
	fmt.Fprintln(w)
	verdict := "yes"
	if !res.RebuildOK {
		verdict = "NO"
	}
	fmt.Fprintf(w, "no-change rebuild under 0.5 s with 0 files written: %s (%s, %s written; without the stamp %s, %s written)\n",
		verdict, secs(res.Rebuild.Median.WallMS), fmtWritten(res.Rebuild.Median.Written),
		secs(res.FullRebuild.Median.WallMS), fmtWritten(res.FullRebuild.Median.Written))
}

func printSummary(w io.Writer, rep *Report) {
	fmt.Fprintf(w, "\nTime per 1,000 pledges (median wall ms; flat means linear); load average %s at start, %s at end\n", rep.LoadAvgStart, rep.LoadAvgEnd)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "pledges\tpledgesite cold\tpledgesite CPU\tHugo\tHugo CPU\tI/O floor\tHugo/pledgesite\tpledgesite/floor\trebuild\twithout stamp\t")
	for _, s := range rep.Sizes {
		h, hc, hr := "-", "-", "-"
		if v, ok := s.MSPer1000["hugo"]; ok {
			h, hc, hr = fmt.Sprintf("%.0f", v), fmt.Sprintf("%.0f", s.MSPer1000["hugo_cpu"]), fmt.Sprintf("%.2fx", s.Ratios["hugo/pledgesite_wall"])
		}
		fmt.Fprintf(tw, "%s\t%.0f\t%.0f\t%s\t%s\t%.0f\t%s\t%.1fx\t%s\t%s\t\n", group(int64(s.Pledges)), s.MSPer1000["pledgesite_cold"],
			s.MSPer1000["pledgesite_cold_cpu"], h, hc, s.MSPer1000["io_floor"], hr, s.Ratios["pledgesite/io_floor_wall"],
			secs(s.Rebuild.Median.WallMS), secs(s.FullRebuild.Median.WallMS))
	}
	tw.Flush()
	for _, n := range rep.Notes {
		fmt.Fprintln(w, "note:", n)
	}
}

func versionOf(v string) string {
	for _, f := range strings.Fields(v) {
		if strings.HasPrefix(f, "v0.") || strings.HasPrefix(f, "v1.") {
			if i := strings.IndexAny(f, "+-"); i > 0 {
				return f[:i]
			}
			return f
		}
	}
	return ""
}

func fmtWritten(w *int) string {
	if w == nil {
		return "?"
	}
	return strconv.Itoa(*w)
}

func secs(ms float64) string {
	if ms < 1000 {
		return fmt.Sprintf("%.3f s", ms/1000)
	}
	return fmt.Sprintf("%.2f s", ms/1000)
}

func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

// group writes n with thousands separators: 100,000.
func group(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
