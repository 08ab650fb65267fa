package yamlsrc

import (
	"fmt"
	"slices"

	"gopkg.in/yaml.v3"

	"pledgesite/generator/diag"
)

// Rule names for problems with the keys of a mapping.
const (
	RuleUnknownField   = "unknown-field"
	RuleDuplicateField = "duplicate-field"
)

// maxUnknown is how many unknown fields of one mapping are reported.
const maxUnknown = 20

// Field is one key of a mapping with its value.
type Field struct {
	Key   *yaml.Node
	Value *yaml.Node
}

// Fields indexes the keys of mapping m. Keys not in known are reported with
// a hint, repeated keys are reported at their second use, and neither is
// returned. prefix names the enclosing field in messages ("entity.").
func Fields(path string, m *yaml.Node, known []string, prefix string, errs *diag.List) map[string]Field {
	f, _ := FieldsHinted(path, m, known, prefix, errs)
	return f
}

// FieldsHinted is Fields that also returns the known names it suggested for
// unknown keys, so a caller can skip reporting "titel" a second time as a
// missing "title". That map is nil when there were none.
func FieldsHinted(path string, m *yaml.Node, known []string, prefix string, errs *diag.List) (map[string]Field, map[string]bool) {
	var hinted map[string]bool
	out := make(map[string]Field, min(len(m.Content)/2, len(known)))
	unknown := 0
	var more *yaml.Node
	// empty is the last known field left empty, while only unknown fields
	// follow it: "entity:" and then "name: ..." not indented under it.
	var empty *yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			*errs = append(*errs, Errorf(path, k, RuleUnknownField, "field names must be plain words, found %s", Describe(k)))
			continue
		}
		if prev, dup := out[k.Value]; dup {
			*errs = append(*errs, Errorf(path, k, RuleDuplicateField, "field %q appears twice (first at line %d): keep one", prefix+k.Value, prev.Key.Line))
			continue
		}
		if !slices.Contains(known, k.Value) {
			// A file of thousands of unknown keys is not a typo: report a
			// few, then how many more, so the output stays readable.
			if unknown++; unknown <= maxUnknown {
				near, ok := Nearest(k.Value, known)
				hint := ""
				switch {
				case ok:
					if hinted == nil {
						hinted = map[string]bool{}
					}
					hint, hinted[near] = " (did you mean \""+near+"\"?)", true
				case empty != nil:
					hint = fmt.Sprintf(" (if it belongs to %q above, indent it under %q by two spaces)", prefix+empty.Value, empty.Value+":")
				}
				*errs = append(*errs, Errorf(path, k, RuleUnknownField, "unknown field %q%s", prefix+k.Value, hint))
			} else if unknown == maxUnknown+1 {
				more = k
			}
			continue
		}
		out[k.Value] = Field{Key: k, Value: v}
		empty = nil
		if v.Kind == yaml.ScalarNode && v.Value == "" && v.ShortTag() == "!!null" {
			empty = k
		}
	}
	if more != nil {
		*errs = append(*errs, Errorf(path, more, RuleUnknownField, "and %d more unknown fields from here on", unknown-maxUnknown))
	}
	return out, hinted
}
