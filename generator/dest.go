package generator

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"pledgesite/generator/output"
)

// ErrDest is the error CheckDest wraps: the output folder asked for would
// overwrite or remove the sources.
var ErrDest = errors.New("a build there would write over the sources")

// sources are the entries of the source root a build reads.
var sources = []string{"content", "pledges", "themes", "site.yaml"}

// inputs are what an output folder must stay out of: the sources and .git.
var inputs = append(slices.Clip(sources), ".git")

// CheckDest refuses an output folder that a build would write over the
// sources with, or empty of them: the source root itself, a folder that
// holds it, or one inside what a build reads. A build removes the files
// it made earlier and no longer makes, so any of these could lose work.
func CheckDest(source, dest string) error {
	src, err := realPath(source)
	if err != nil {
		return err
	}
	dst, err := realPath(dest)
	if err != nil {
		return err
	}
	if within(dst, src) {
		return fmt.Errorf("%w, which it holds; build into a folder of its own, such as %s",
			ErrDest, filepath.Join(source, "public"))
	}
	if within(src, dst) {
		rel, _ := filepath.Rel(src, dst)
		top, _, _ := strings.Cut(filepath.ToSlash(rel), "/")
		if slices.Contains(inputs, top) {
			return fmt.Errorf("%w: it is inside %s; build into a folder of its own, such as %s",
				ErrDest, top, filepath.Join(source, "public"))
		}
	}
	return nil
}

// within reports whether path is dir or inside it; both are clean and
// absolute.
func within(dir, path string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && filepath.IsLocal(rel)
}

// realPath returns p absolute, with the symbolic links of the part of it
// that exists resolved: a link must not hide that two folders are one.
func realPath(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	rest := ""
	for dir := abs; ; dir = filepath.Dir(dir) {
		real, err := filepath.EvalSymlinks(dir)
		if err == nil {
			return filepath.Join(real, rest), nil
		}
		if !errors.Is(err, fs.ErrNotExist) || filepath.Dir(dir) == dir {
			return "", err
		}
		rest = filepath.Join(filepath.Base(dir), rest)
	}
}

// owned says which files of cfg.Dest the build may remove when it no
// longer makes them. The site's own output folder, <source>/public, is
// the build's whole (but .git): a stamp that missed a build, written or
// not, must not leave a withdrawn pledge's page there to be deployed. In
// any other folder, only the files the last build's stamp lists; with no
// stamp, none.
func owned(cfg Config, stamp []byte) output.Owned {
	own, err1 := realPath(filepath.Join(cfg.Source, "public"))
	dst, err2 := realPath(cfg.Dest)
	if err1 == nil && err2 == nil && own == dst {
		return output.Owned{All: true}
	}
	return output.Owned{Files: earlierFiles(stamp)}
}

// CheckSource reports a source root that is missing or not a folder,
// before a build or check reports every file in it missing.
func CheckSource(source string) error {
	st, err := os.Stat(source)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return errors.New("no such folder")
	case err != nil:
		return err
	case !st.IsDir():
		return errors.New("not a folder")
	}
	// A folder with none of a site's parts is the wrong folder, not a
	// site with problems: say so once rather than list what is missing.
	for _, part := range []string{"site.yaml", "content", "pledges"} {
		if _, err := os.Lstat(filepath.Join(source, part)); !errors.Is(err, fs.ErrNotExist) {
			return nil
		}
	}
	return errors.New("holds no site (no site.yaml, content/ or pledges/): run pledgesite in the site's folder, or give that folder as --source")
}
