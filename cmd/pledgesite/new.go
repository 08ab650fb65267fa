package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"pledgesite/generator"
	"pledgesite/generator/diag"
	"pledgesite/generator/record"
	"pledgesite/generator/scaffold"
	"pledgesite/generator/yamlsrc"
)

const newUsage = `Usage:
  pledgesite new pledge <id> [--source DIR]
  pledgesite new contribution <id> --to <multistakeholder-id> [--source DIR]

Create pledges/<id>.yaml from a commented template: the required fields with
placeholder text to replace, the optional ones as commented-out examples with
their allowed values. An existing file is never overwritten. Edit the file,
then run "pledgesite check".

The id is also the file name and the page address: lowercase letters, digits
and single hyphens, such as ngo-safe-routes-2027.

Flags:
`

// newToday is the date a new record is given; tests may replace it.
var newToday = func() string { return time.Now().Format(time.DateOnly) }

func cmdNew(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := flags("new", "", stderr)
	source := fl.String("source", ".", "source root: the folder with site.yaml, content/, pledges/ and themes/")
	to := fl.String("to", "", "for a contribution: the id of the multistakeholder pledge it contributes to")
	fl.Usage = func() { fmt.Fprint(stderr, newUsage+fl.FlagUsages()) }
	if err := fl.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}

	rest := fl.Args()
	if len(rest) == 0 {
		return fmt.Errorf("%w: missing the kind of record: pledgesite new pledge <id>, or pledgesite new contribution <id> --to <multistakeholder-id>", errUsage)
	}
	kind := rest[0]
	switch kind {
	case "pledge", "contribution":
	default:
		hint := ""
		if s, ok := yamlsrc.Nearest(kind, []string{"pledge", "contribution"}); ok {
			hint = fmt.Sprintf(" (did you mean %q?)", s)
		}
		return fmt.Errorf("%w: unknown kind of record %q%s: use pledge or contribution", errUsage, kind, hint)
	}
	if len(rest) < 2 {
		return fmt.Errorf("%w: missing the id of the new record: pledgesite new %s <id>", errUsage, kind)
	}
	if len(rest) > 2 {
		return fmt.Errorf("%w: unexpected argument %q (an id has no spaces: use hyphens)", errUsage, rest[2])
	}
	id := rest[1]
	contribution := kind == "contribution"
	switch {
	case contribution && *to == "":
		return fmt.Errorf("%w: a contribution needs --to <multistakeholder-id>, such as --to msp-trafficking-in-persons", errUsage)
	case !contribution && fl.Changed("to"):
		return fmt.Errorf("%w: --to is only used with \"pledgesite new contribution\"", errUsage)
	}
	if err := checkNewID(id); err != nil {
		return err
	}

	// The folder must be a source root, and the record must not exist yet.
	dir := filepath.Join(*source, filepath.FromSlash(record.Dir))
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return fmt.Errorf("no %s/ folder in %s: run this in the site's source folder, or pass --source DIR", record.Dir, *source)
	}
	file := filepath.Join(dir, id+".yaml")
	for _, p := range []string{file, filepath.Join(dir, id+".yml")} {
		if _, err := os.Lstat(p); err == nil {
			return existsError(p)
		}
	}

	// The guidance supplies the measures for the comments; the records the
	// multistakeholder pledges. Problems in other files do not matter here:
	// "pledgesite check" reports them.
	src, _ := generator.Load(os.DirFS(*source), "")
	opts := scaffold.Options{Contribution: contribution, To: *to, Date: newToday()}
	if src.Content != nil {
		for _, m := range src.Content.Measures {
			opts.Measures = append(opts.Measures, scaffold.Measure{ID: m.Measure, Title: m.Title})
		}
	}
	var pledges []string
	for _, p := range src.Records {
		if p.IsMultistakeholder() {
			opts.Multistakeholders = append(opts.Multistakeholders, p.ID)
		} else if p.ID != "" {
			pledges = append(pledges, p.ID)
		}
	}
	if contribution {
		if err := checkTo(*to, opts.Multistakeholders, pledges); err != nil {
			return err
		}
	}

	text := scaffold.Pledge(id, opts)
	rel := record.Dir + "/" + id + ".yaml"
	// A draft holds placeholders for the contributor to replace, which
	// check reports; anything else would be a fault of the template.
	_, errs := record.Decode(rel, text)
	errs = slices.DeleteFunc(errs, func(d diag.Diagnostic) bool { return d.Rule == record.RulePlaceholder })
	if len(errs) > 0 {
		return fmt.Errorf("the template does not make a valid record (a bug in pledgesite):\n%v", errs)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return existsError(file)
	}
	if err != nil {
		return err
	}
	_, werr := f.Write(text)
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		_ = os.Remove(file)
		return werr
	}

	check := "pledgesite check"
	if filepath.Clean(*source) != "." {
		check += " --source " + *source
	}
	what := "pledge"
	if contribution {
		what = "contribution to " + *to
	}
	fmt.Fprintf(stdout, `created %s (a %s)

Next steps:
  1. Open %s in a text editor:
     - replace every text that starts with "Replace with";
     - check the values under the lines marked "Check:";
     - fill in or delete the optional fields (the lines starting with "# ").
  2. Run "%s" (or "make check") until it reports no problems.
  3. Commit the file and open a pull request: see CONTRIBUTING.md.
`, file, what, file, check)
	return nil
}

func existsError(path string) error {
	return fmt.Errorf("%s already exists and is never overwritten: choose another id, or edit that file", path)
}

// checkNewID refuses an id that cannot be a record id, suggesting one that
// can.
func checkNewID(id string) error {
	if record.IDPattern.MatchString(id) && len(id) <= record.MaxIDLen {
		return nil
	}
	msg := fmt.Sprintf("%q is not a valid id: use lowercase letters, digits and single hyphens, at most %d characters", id, record.MaxIDLen)
	if s := suggestNewID(id); s != "" && s != id {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	}
	return fmt.Errorf("%w: %s", errUsage, msg)
}

// suggestNewID turns what was typed (a title, a file name, a path) into the
// id it was probably meant to be, or "" when nothing is left.
func suggestNewID(s string) string {
	s = s[strings.LastIndexAny(s, `/\`)+1:]
	s = strings.TrimSuffix(strings.TrimSuffix(s, ".yaml"), ".yml")
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
	}
	id := b.String()
	id = id[:min(len(id), record.MaxIDLen)]
	return strings.Trim(id, "-")
}

// checkTo checks that a contribution names an existing multistakeholder
// pledge, suggesting the nearest one.
func checkTo(to string, msps, pledges []string) error {
	for _, id := range msps {
		if id == to {
			return nil
		}
	}
	msg := fmt.Sprintf("--to: no multistakeholder pledge has the id %q", to)
	for _, id := range pledges {
		if id == to {
			msg = fmt.Sprintf("--to: %q is a pledge, not a multistakeholder pledge", to)
		}
	}
	if s, ok := yamlsrc.Nearest(to, msps); ok {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	}
	if len(msps) == 0 {
		return fmt.Errorf("%s, and there are none under %s/ yet", msg, record.Dir)
	}
	return fmt.Errorf("%s; the multistakeholder pledges are: %s", msg, strings.Join(msps, ", "))
}
