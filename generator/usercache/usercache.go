// Package usercache names and writes the files pledgesite keeps in the
// user's cache folder: what a build may lose at no cost but time, such as
// the stamp of the last build into a folder and the page dates read from
// git.
package usercache

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
)

// Path returns the file "<kind>-<hash of key>.txt" in the pledgesite
// folder of the user's cache folder.
func Path(kind, key string) (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(key))
	return filepath.Join(dir, "pledgesite", kind+"-"+hex.EncodeToString(sum[:8])+".txt"), nil
}

// Write replaces the file name with data through a temporary file, so that
// a build reading it meanwhile finds the old version or the new one. It
// reports nothing: failing only costs the next build its shortcut.
func Write(name string, data []byte) {
	dir := filepath.Dir(name)
	if os.MkdirAll(dir, 0o755) != nil {
		return
	}
	f, err := os.CreateTemp(dir, filepath.Base(name)+".*.tmp")
	if err != nil {
		return
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), name)
	}
	if err != nil {
		os.Remove(f.Name())
	}
}
