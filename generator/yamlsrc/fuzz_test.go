package yamlsrc

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"testing"

	"gopkg.in/yaml.v3"
)

// FuzzOneDocument checks the shortcut Parse takes: for input with no line
// starting with a document marker, yaml.Unmarshal must give the same tree
// and the same error as the first Decode of a yaml.Decoder, and the
// Decoder must find no second document.
func FuzzOneDocument(f *testing.F) {
	for _, s := range []string{
		"id: a\ntitle: b\n",
		"# comment\nid: a\ndescription: |\n  text\n  ---\n  more\n",
		"a: [1, 2\n",
		"a: 'unclosed\n",
		"a:\n\t- b\n",
		"\ufeffid: a\n",
		"a: b\rc: d\r",
		"key: value # comment\nlist:\n  - one\n  - two: three\n",
		"a: &x 1\nb: *x\n",
		"a: !!str 1\n",
		"%YAML 1.2\n",
		"",
		"a: b\n  c: d\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if mayHoldDocuments(data) || len(data) > 4096 {
			t.Skip()
		}
		var fast yaml.Node
		fastErr := yaml.Unmarshal(data, &fast)

		dec := yaml.NewDecoder(bytes.NewReader(data))
		var slow yaml.Node
		slowErr := dec.Decode(&slow)
		if errors.Is(slowErr, io.EOF) {
			// An empty stream: Unmarshal leaves the node as it was.
			slowErr = nil
		}
		if (fastErr == nil) != (slowErr == nil) || (fastErr != nil && fastErr.Error() != slowErr.Error()) {
			t.Fatalf("errors differ:\nUnmarshal: %v\nDecoder:   %v", fastErr, slowErr)
		}
		if fastErr != nil {
			return
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Fatalf("trees differ for %q", data)
		}
		var next yaml.Node
		if err := dec.Decode(&next); err == nil {
			t.Fatalf("a second document in %q, which has no marker line", data)
		}
	})
}
