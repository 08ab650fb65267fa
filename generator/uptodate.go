package generator

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"pledgesite/generator/output"
)

// A stamp records what a build was made from and what it wrote, so that a
// build of unchanged sources can stop after a few thousand stat calls
// instead of rendering everything again only to find every file the same.
// It lives in the user's cache folder, never in the published output.
type stamp struct {
	Sources string                 `json:"sources"` // hash of the inputs
	Files   map[string]output.Stat `json:"files"`   // the output, by slash path
}

func stampPath(dest string) (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	abs, err := filepath.Abs(dest)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(abs))
	return filepath.Join(dir, "pledgesite", hex.EncodeToString(sum[:8])+".json"), nil
}

// sourcesKey hashes everything a build depends on without reading file
// contents: the name, size and time of every source file, the git commit
// (page dates come from git history), the settings of the build, and the
// program itself.
func sourcesKey(cfg Config) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "base=%s\x00sass=%s\x00", cfg.BaseURL, cfg.SassBinary)
	if exe, err := os.Executable(); err == nil {
		if st, err := os.Stat(exe); err == nil {
			fmt.Fprintf(h, "exe=%s %d %d\x00", exe, st.Size(), st.ModTime().UnixNano())
		}
	}
	if out, err := exec.Command("git", "-C", cfg.Source, "rev-parse", "HEAD").Output(); err == nil {
		fmt.Fprintf(h, "git=%s\x00", strings.TrimSpace(string(out)))
	}
	for _, top := range []string{"site.yaml", "content", "pledges", "themes"} {
		err := filepath.WalkDir(filepath.Join(cfg.Source, top), func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			fmt.Fprintf(h, "%s %d %d %v\x00", p, info.Size(), info.ModTime().UnixNano(), info.Mode())
			return nil
		})
		if err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// upToDate reports whether dest holds, untouched, the output of a build of
// exactly these sources.
func upToDate(cfg Config, key string) (files int, ok bool) {
	p, err := stampPath(cfg.Dest)
	if err != nil {
		return 0, false
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return 0, false
	}
	var s stamp
	if json.Unmarshal(data, &s) != nil || s.Sources != key || len(s.Files) == 0 {
		return 0, false
	}
	seen := 0
	err = filepath.WalkDir(cfg.Dest, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(cfg.Dest, p)
		want, ok := s.Files[filepath.ToSlash(rel)]
		info, ierr := d.Info()
		if !ok || ierr != nil || info.Size() != want.Size || info.ModTime().UnixNano() != want.Mod {
			return fs.ErrInvalid
		}
		seen++
		return nil
	})
	return seen, err == nil && seen == len(s.Files)
}

// writeStamp records a finished build from what its writer left on disk.
// Failing to write it only costs the next build its shortcut.
func writeStamp(cfg Config, key string, files map[string]output.Stat) {
	p, err := stampPath(cfg.Dest)
	if err != nil {
		return
	}
	data, err := json.Marshal(stamp{Sources: key, Files: files})
	if err != nil || os.MkdirAll(filepath.Dir(p), 0o755) != nil {
		return
	}
	tmp := p + ".tmp"
	if os.WriteFile(tmp, data, 0o644) == nil {
		_ = os.Rename(tmp, p)
	}
}
