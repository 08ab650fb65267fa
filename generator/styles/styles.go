// Package styles compiles a theme's SCSS to CSS with Dart Sass, through one
// long-running embedded-protocol transpiler (godartsass) per build or per
// preview server.
//
// The Dart Sass binary comes from the npm package sass-embedded-linux-x64,
// pinned in package.json; FindBinary says how to get it when it is missing.
package styles

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/bep/godartsass/v2"

	"pledgesite/generator/diag"
)

// EnvBinary names the environment variable that can point at the Dart Sass
// binary.
const EnvBinary = "DART_SASS_BINARY"

// npmBinary is where npm installs the binary, relative to a project folder.
const npmBinary = "node_modules/sass-embedded-linux-x64/dart-sass/sass"

// FindBinary returns the absolute path of the Dart Sass binary: flag wins,
// then $DART_SASS_BINARY, then node_modules/ under each of dirs.
func FindBinary(flag string, dirs ...string) (string, error) {
	for _, c := range []string{flag, os.Getenv(EnvBinary)} {
		if c == "" {
			continue
		}
		abs, err := filepath.Abs(c)
		if err != nil {
			return "", err
		}
		if _, err := os.Stat(abs); err != nil {
			return "", fmt.Errorf("dart sass binary %s: %w", abs, err)
		}
		return abs, nil
	}
	for _, d := range dirs {
		abs, err := filepath.Abs(filepath.Join(d, npmBinary))
		if err != nil {
			continue
		}
		if _, err := os.Stat(abs); err == nil {
			return abs, nil
		}
	}
	return "", errors.New("dart sass not found: run `npm ci` (or `make build`) in the project folder to install " +
		"sass-embedded-linux-x64 from package.json, or pass --sass PATH or set " + EnvBinary + " to a Dart Sass binary")
}

// Compiler compiles SCSS. It is safe for concurrent use.
type Compiler struct {
	t *godartsass.Transpiler
}

// Start launches the Dart Sass process. Close must be called to end it.
func Start(binary string) (*Compiler, error) {
	t, err := godartsass.Start(godartsass.Options{DartSassEmbeddedFilename: binary})
	if err != nil {
		return nil, fmt.Errorf("starting dart sass %s: %w", binary, err)
	}
	return &Compiler{t: t}, nil
}

// Close stops the Dart Sass process.
func (c *Compiler) Close() error {
	if c == nil || c.t == nil {
		return nil
	}
	err := c.t.Close()
	if errors.Is(err, godartsass.ErrShutdown) {
		return nil
	}
	return err
}

// Compile compiles the entry file at name in fsys (a path such as
// "themes/default/assets/scss/main.scss"). Imports are resolved relative to
// the importing file and, failing that, to the entry's folder, always inside
// fsys. Errors come back as diagnostics at the offending line.
func (c *Compiler) Compile(fsys fs.FS, name string) (string, diag.List) {
	src, err := fs.ReadFile(fsys, name)
	if err != nil {
		return "", diag.List{{Path: name, Rule: "sass", Message: fmt.Sprintf("cannot read stylesheet: %v", err)}}
	}
	res, err := c.t.Execute(godartsass.Args{
		Source:         string(src),
		URL:            fileURL(name),
		OutputStyle:    godartsass.OutputStyleCompressed,
		ImportResolver: resolver{fsys: fsys, root: path.Dir(name)},
	})
	if err != nil {
		return "", diag.List{sassDiagnostic(fsys, name, err)}
	}
	return res.CSS, nil
}

// Files inside fsys are named with this URL scheme, so Dart Sass never
// reads from disk itself and every path stays inside the source tree.
const scheme = "theme:"

func fileURL(name string) string { return scheme + "///" + name }

func nameOf(u string) string { return strings.TrimPrefix(strings.TrimPrefix(u, scheme), "///") }

type resolver struct {
	fsys fs.FS
	root string
}

// CanonicalizeURL finds the file an @use or @import means, trying the
// partial and index forms Sass allows.
func (r resolver) CanonicalizeURL(u string) (string, error) {
	var bases []string
	if strings.HasPrefix(u, scheme) {
		bases = []string{nameOf(u)}
	} else if !strings.Contains(u, ":") {
		bases = []string{path.Join(r.root, u)}
	} else {
		return "", nil // not ours; e.g. sass:math is built in
	}
	for _, b := range bases {
		if !fs.ValidPath(b) {
			continue
		}
		dir, file := path.Split(b)
		cands := []string{b, dir + "_" + file}
		if path.Ext(file) == "" {
			cands = []string{b + ".scss", dir + "_" + file + ".scss", b + "/_index.scss", b + "/index.scss"}
		}
		for _, c := range cands {
			if st, err := fs.Stat(r.fsys, c); err == nil && !st.IsDir() {
				return fileURL(c), nil
			}
		}
	}
	return "", nil
}

func (r resolver) Load(u string) (godartsass.Import, error) {
	data, err := fs.ReadFile(r.fsys, nameOf(u))
	if err != nil {
		return godartsass.Import{}, err
	}
	syntax := godartsass.SourceSyntaxSCSS
	if strings.HasSuffix(u, ".css") {
		syntax = godartsass.SourceSyntaxCSS
	}
	return godartsass.Import{Content: string(data), SourceSyntax: syntax}, nil
}

// sassDiagnostic places a Dart Sass error at its file and line. Dart Sass
// gives a byte offset and a 0-based column; the line is counted from the
// offset in the named file.
func sassDiagnostic(fsys fs.FS, entry string, err error) diag.Diagnostic {
	var se godartsass.SassError
	if !errors.As(err, &se) {
		return diag.Diagnostic{Path: entry, Rule: "sass", Message: "sass: " + err.Error()}
	}
	file := entry
	if se.Span.Url != "" {
		file = nameOf(se.Span.Url)
	}
	d := diag.Diagnostic{Path: file, Rule: "sass", Message: "sass: " + se.Message, Col: se.Span.Start.Column + 1}
	if data, rerr := fs.ReadFile(fsys, file); rerr == nil && se.Span.Start.Offset <= len(data) {
		d.Line = strings.Count(string(data[:se.Span.Start.Offset]), "\n") + 1
	}
	return d
}
