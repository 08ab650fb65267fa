package usercache

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPathAndWrite(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	a, err := Path("stamp", "/srv/site/public")
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := Path("stamp", "/srv/site/public"); b != a {
		t.Errorf("Path is not stable: %s, then %s", a, b)
	}
	if b, _ := Path("stamp", "/srv/other/public"); b == a {
		t.Errorf("two keys give one path: %s", a)
	}
	if base := filepath.Base(a); !strings.HasPrefix(base, "stamp-") || !strings.HasSuffix(base, ".txt") || filepath.Base(filepath.Dir(a)) != "pledgesite" {
		t.Errorf("Path = %s, want pledgesite/stamp-<hash>.txt", a)
	}
	for _, data := range []string{"first\n", "second, replacing it\n"} {
		Write(a, []byte(data))
		if got, err := os.ReadFile(a); err != nil || string(got) != data {
			t.Fatalf("after Write(%q): %q, %v", data, got, err)
		}
	}
	entries, _ := os.ReadDir(filepath.Dir(a))
	if len(entries) != 1 {
		t.Errorf("the folder holds %d files, want the one written (no temporary files left)", len(entries))
	}
}
