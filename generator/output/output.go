// Package output writes a built site into a staging folder next to the
// destination and swaps it into place only when the whole build succeeded,
// so a failed build leaves the previous site untouched and a reader never
// sees a half-written one.
//
// Every file name is checked to stay inside the output folder, whatever a
// record or a template asked for.
package output

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Dir is a staging folder that becomes the destination on Commit.
type Dir struct {
	dest    string
	staging string
}

// Begin creates a staging folder beside dest (same file system, so the swap
// is a rename).
func Begin(dest string) (*Dir, error) {
	dest, err := filepath.Abs(dest)
	if err != nil {
		return nil, err
	}
	parent := filepath.Dir(dest)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, fmt.Errorf("creating %s: %w", parent, err)
	}
	staging, err := os.MkdirTemp(parent, "."+filepath.Base(dest)+".staging-")
	if err != nil {
		return nil, fmt.Errorf("creating staging folder: %w", err)
	}
	if err := os.Chmod(staging, 0o755); err != nil {
		return nil, err
	}
	return &Dir{dest: dest, staging: staging}, nil
}

// Path is where the staging folder is, for tools that write into it.
func (d *Dir) Path() string { return d.staging }

// Dest is the final destination.
func (d *Dir) Dest() string { return d.dest }

// Resolve turns a site path ("pledges/x/index.html") into a file path in
// the staging folder, refusing anything that would leave it.
func (d *Dir) Resolve(name string) (string, error) {
	clean := filepath.FromSlash(strings.TrimPrefix(name, "/"))
	if !filepath.IsLocal(clean) || strings.ContainsRune(name, 0) {
		return "", fmt.Errorf("refusing to write %q: it is outside the output folder", name)
	}
	return filepath.Join(d.staging, clean), nil
}

// WriteFile writes data at the site path name, creating folders.
func (d *Dir) WriteFile(name string, data []byte) error {
	p, err := d.Resolve(name)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, data, 0o644)
}

// Create opens a new file at the site path name for writing.
func (d *Dir) Create(name string) (*os.File, error) {
	p, err := d.Resolve(name)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return nil, err
	}
	return os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
}

// Commit replaces the destination with the staging folder. The old
// destination is moved aside first and removed after the swap.
func (d *Dir) Commit() error {
	old := ""
	if _, err := os.Lstat(d.dest); err == nil {
		old = d.staging + ".old"
		if err := os.Rename(d.dest, old); err != nil {
			return fmt.Errorf("moving the previous site aside: %w", err)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := os.Rename(d.staging, d.dest); err != nil {
		if old != "" {
			_ = os.Rename(old, d.dest)
		}
		return fmt.Errorf("moving the new site into place: %w", err)
	}
	if old != "" {
		return os.RemoveAll(old)
	}
	return nil
}

// Abort removes the staging folder, leaving the destination as it was.
func (d *Dir) Abort() error { return os.RemoveAll(d.staging) }
