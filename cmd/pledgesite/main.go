// Command pledgesite builds and checks the pledge catalogue site.
//
// It is the only place that parses flags, prints errors and exits: exit
// status 0 on success, 1 when the sources are invalid or the build fails,
// 2 on a usage error.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"pledgesite/generator"
	"pledgesite/generator/config"
	"pledgesite/generator/diag"
	"pledgesite/generator/server"
	"pledgesite/generator/yamlsrc"
)

const usage = `pledgesite builds the pledge catalogue site from Markdown guidance and YAML records.

Usage:
  pledgesite <command> [flags]

Commands:
  build    build the site into the output folder (default public/)
  check    check every source file and report all problems
  new      create a record file under pledges/ from a commented template
  schema   print the JSON Schema of the record format
  serve    preview the site: build into memory, serve, rebuild and reload on save
  deploy   commit the built site to a branch (default gh-pages) of a git remote and push it
  help     show help for a command

Run "pledgesite <command> -h" for the flags of a command.
`

// errUsage marks errors that are the caller's: exit status 2.
var errUsage = errors.New("usage")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	cmds := map[string]func(context.Context, []string, io.Writer, io.Writer) error{
		"build":  cmdBuild,
		"check":  cmdCheck,
		"schema": cmdSchema,
		"deploy": cmdDeploy,
		"new":    cmdNew,
		"serve":  cmdServe,
	}
	name := args[0]
	switch name {
	case "-h", "--help", "help":
		if len(args) > 1 {
			if cmds[args[1]] == nil {
				fmt.Fprintf(stderr, "pledgesite help: unknown command %q%s\n\n%s", args[1], suggest(args[1], cmds), usage)
				return 2
			}
			return run(ctx, []string{args[1], "-h"}, stdout, stderr)
		}
		fmt.Fprint(stdout, usage)
		return 0
	}
	cmd, ok := cmds[name]
	if !ok {
		fmt.Fprintf(stderr, "pledgesite: unknown command %q%s\n\n%s", name, suggest(name, cmds), usage)
		return 2
	}
	err := cmd(ctx, args[1:], stdout, stderr)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, pflag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		fmt.Fprintf(stderr, "pledgesite %s: %v\n", name, err)
		return 2
	}
	var list diag.List
	if errors.As(err, &list) {
		return 1 // already printed
	}
	fmt.Fprintf(stderr, "pledgesite %s: %v\n", name, err)
	return 1
}

// flags makes a flag set that reports usage errors instead of exiting.
func flags(name, summary string, stderr io.Writer) *pflag.FlagSet {
	fs := pflag.NewFlagSet(name, pflag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.SortFlags = false
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: pledgesite %s [flags]\n\n%s\n\nFlags:\n%s", name, summary, fs.FlagUsages())
	}
	return fs
}

func parse(fs *pflag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return err
		}
		// "-source" is read as -s -o -u...: name the long flag meant.
		for _, a := range args {
			name, _, _ := strings.Cut(strings.TrimPrefix(a, "-"), "=")
			if len(a) > 2 && a[0] == '-' && a[1] != '-' && fs.Lookup(name) != nil {
				return fmt.Errorf("%w: %v (did you mean --%s?)", errUsage, err, name)
			}
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	return nil
}

// folders checks the folders and the base URL a command was given, so
// that a mistyped one is a usage error rather than a list of every source
// file missing, or a build over the sources. dest and baseURL are checked
// when set.
func folders(source, dest, baseURL string) error {
	if err := generator.CheckSource(source); err != nil {
		return fmt.Errorf("%w: --source %s: %v", errUsage, source, err)
	}
	if dest != "" {
		if err := generator.CheckDest(source, dest); err != nil {
			return fmt.Errorf("%w: --dest %s: %v", errUsage, dest, err)
		}
	}
	if baseURL != "" {
		if _, err := config.NormalizeBaseURL(baseURL); err != nil {
			return fmt.Errorf("%w: --base-url %s: %v", errUsage, baseURL, err)
		}
	}
	return nil
}

// suggest returns ` (did you mean "x"?)` for the command closest to a
// mistyped one, or nothing when none is close.
func suggest(name string, cmds map[string]func(context.Context, []string, io.Writer, io.Writer) error) string {
	if best, ok := yamlsrc.Nearest(name, slices.Sorted(maps.Keys(cmds))); ok {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	return ""
}

// buildMemoryLimit is the soft memory limit of pledgesite build.
const buildMemoryLimit = 1400 << 20

func cmdBuild(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flags("build", "Build the site. The previous output is replaced only when the whole build succeeds.", stderr)
	source := fs.String("source", ".", "source root: the folder with site.yaml, content/, pledges/ and themes/")
	dest := fs.String("dest", "", "output folder (default <source>/public)")
	baseURL := fs.String("base-url", "", "URL the site is published at, overriding site.yaml (e.g. https://example.org/sub/)")
	sass := fs.String("sass", "", "Dart Sass binary (default $DART_SASS_BINARY, then node_modules/)")
	timings := fs.Bool("timings", false, "print the time each phase of the build took")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *dest == "" {
		*dest = filepath.Join(*source, "public")
	}
	if err := folders(*source, *dest, *baseURL); err != nil {
		return err
	}
	// Collect as seldom as Go's default while the heap is small, and more
	// often as it nears a soft limit, as Hugo does: 10,000 pledges build
	// about a tenth faster than with collections at half the growth (GOGC
	// 50), and 100,000 peak at 1.37 GiB instead of 1.5. (A limit of
	// 1,280 MiB gave 1.26 GiB, but collections took 17 % of the CPU
	// instead of 14 %, and the build about 5 % longer.) Go's collector
	// takes at most half the CPU near the limit, so a catalogue whose live
	// heap outgrows it builds slower rather than fails. GOGC or GOMEMLIMIT
	// set by the user win.
	if os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(buildMemoryLimit)
	}
	st, err := generator.Build(ctx, generator.Config{Source: *source, Dest: *dest, BaseURL: *baseURL, SassBinary: *sass})
	if err != nil {
		var list diag.List
		if errors.As(err, &list) {
			printDiagnostics(stderr, list, *source, diag.FormatText)
			fmt.Fprintf(stderr, "build failed: %s; %s left unchanged\n", count(len(list)), *dest)
		}
		return err
	}
	if st.UpToDate {
		fmt.Fprintf(stdout, "%s is up to date: no source changed since the last build (%d files, checked in %s)\n",
			*dest, st.Files, st.Duration.Round(1e6))
	} else {
		fmt.Fprintf(stdout, "built %d pages, %d files (%s) into %s in %s: %d written, %d removed, the rest unchanged\n",
			st.Pages, st.Files, size(st.Bytes), *dest, st.Duration.Round(1e6), st.Written, st.Removed)
	}
	if *timings {
		printTimings(stdout, st.Phases)
	}
	return nil
}

// printTimings prints each step's time, its parts indented below it.
// Times added up over goroutines are marked, since they can exceed the
// whole build's. They are measured from start to end in each goroutine,
// not in CPU time: with more goroutines than cores, waiting counts.
func printTimings(w io.Writer, phases []generator.Phase) {
	summed := false
	var line func(indent string, p generator.Phase)
	line = func(indent string, p generator.Phase) {
		mark := ""
		if p.Summed {
			mark, summed = " +", true
		}
		fmt.Fprintf(w, "%s%-*s %8.1f ms%s\n", indent, 26-len(indent), p.Name, float64(p.Duration.Microseconds())/1000, mark)
		for _, q := range p.Parts {
			line(indent+"  ", q)
		}
	}
	for _, p := range phases {
		line("  ", p)
	}
	if summed {
		fmt.Fprintf(w, "  + added up over the goroutines that ran it, their waits for one of the %d cores included\n", runtime.GOMAXPROCS(0))
	}
}

func cmdCheck(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flags("check", "Check every record, page and setting, and report all problems as path:line:col: message.", stderr)
	source := fs.String("source", ".", "source root: the folder with site.yaml, content/, pledges/ and themes/")
	format := fs.String("format", "text", "output format: text, github (workflow commands) or json")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := folders(*source, "", ""); err != nil {
		return err
	}
	switch *format {
	case diag.FormatText, diag.FormatGitHub, diag.FormatJSON:
	default:
		return fmt.Errorf("%w: --format must be text, github or json, not %q", errUsage, *format)
	}
	src, errs := generator.Load(os.DirFS(*source), "")
	out := stderr
	if *format != diag.FormatText {
		out = stdout
	}
	printDiagnostics(out, errs, *source, *format)
	if len(errs) > 0 {
		if *format == diag.FormatText {
			fmt.Fprintf(stderr, "%s\n", count(len(errs)))
		}
		return errs
	}
	if *format == diag.FormatText {
		fmt.Fprintf(stdout, "ok: %d records and %d pages checked\n", len(src.Records), len(src.Content.Pages))
	}
	return nil
}

func cmdSchema(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flags("schema", "Print the JSON Schema (2020-12) of the record format. The build publishes it at /schema/pledge.schema.json;\npledges/schema.json is the copy editors use (make schema rewrites it).", stderr)
	source := fs.String("source", ".", "source root, whose guidance defines the measures")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := folders(*source, "", ""); err != nil {
		return err
	}
	src, errs := generator.Load(os.DirFS(*source), "")
	if src.Content == nil || len(src.Content.Measures) == 0 {
		printDiagnostics(stderr, errs, *source, diag.FormatText)
		return fmt.Errorf("no guidance measures found under %s/content/guidance", *source)
	}
	data, err := generator.Schema(src)
	if err != nil {
		return err
	}
	_, err = stdout.Write(data)
	return err
}

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flags("serve", "Build the site into memory and serve it, rebuilding when a source changes and reloading open pages.", stderr)
	source := fs.String("source", ".", "source root: the folder with site.yaml, content/, pledges/ and themes/")
	addr := fs.String("addr", "127.0.0.1:1313", "address to listen on")
	sass := fs.String("sass", "", "Dart Sass binary (default $DART_SASS_BINARY, then node_modules/)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if _, port, err := net.SplitHostPort(*addr); err != nil || port == "" {
		return fmt.Errorf("%w: --addr %s: give a host and a port, such as 127.0.0.1:1313 or :8080", errUsage, *addr)
	}
	if err := folders(*source, "", ""); err != nil {
		return err
	}
	srv, err := server.New(ctx, server.Config{Source: *source, Addr: *addr, SassBinary: *sass, Log: stdout})
	if err != nil {
		return err
	}
	return srv.Run(ctx)
}

func printDiagnostics(w io.Writer, list diag.List, root, format string) {
	_ = diag.Write(w, list, format, func(p string) []byte {
		data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(p)))
		if err != nil {
			return nil
		}
		return data
	})
}

func count(n int) string {
	if n == 1 {
		return "1 problem"
	}
	return fmt.Sprintf("%d problems", n)
}

func size(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
