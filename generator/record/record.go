// Package record holds pledge records: one YAML file per pledge under
// pledges/, decoded with the position of every value so that each problem
// is reported at the line and column that caused it.
//
// Decode checks one file on its own (fields, types, enumerations, lengths);
// CheckRefs checks what needs the whole catalogue (unique ids, references to
// other records and to guidance measures).
package record

// Kinds of record.
const (
	KindPledge           = "pledge"
	KindMultistakeholder = "multistakeholder"
)

// Pos is a 1-based line and column in a record file.
type Pos struct {
	Line int `json:"-"`
	Col  int `json:"-"`
}

// Entity is an organisation or state that makes, joins or leads a pledge.
type Entity struct {
	Name    string `json:"name"`
	Type    string `json:"type"`
	Country string `json:"country,omitempty"`
}

// Financial is the money a pledge commits.
type Financial struct {
	Amount   float64 `json:"amount"`
	Currency string  `json:"currency"`
}

// Update is one progress report on a pledge.
type Update struct {
	Date   string `json:"date"`
	Status string `json:"status"`
	Text   string `json:"text"`
}

// Link is a titled link to more information.
type Link struct {
	Title string `json:"title"`
	URL   string `json:"url"`
}

// Contact is who to write to about a pledge.
type Contact struct {
	Name  string `json:"name"`
	Email string `json:"email"`
}

// Pledge is one record: a pledge, a contribution (a pledge that contributes
// to a multistakeholder pledge) or a multistakeholder pledge. Field names in
// JSON match the YAML field names, so the open data reads like the sources.
type Pledge struct {
	ID          string `json:"id"`
	Kind        string `json:"kind"`
	Title       string `json:"title"`
	Summary     string `json:"summary"`
	Description string `json:"description,omitempty"`

	Entity        Entity   `json:"entity"`
	Partners      []Entity `json:"partners,omitempty"`
	PledgeType    string   `json:"pledge_type"`
	Matches       []string `json:"matches,omitempty"`
	ContributesTo []string `json:"contributes_to,omitempty"`
	Measures      []string `json:"measures,omitempty"`

	Forum string `json:"forum"`
	Date  string `json:"date"`

	Status    string     `json:"status,omitempty"`
	Support   []string   `json:"support,omitempty"`
	Financial *Financial `json:"financial,omitempty"`

	Countries           []string `json:"countries,omitempty"`
	TargetGroups        []string `json:"target_groups,omitempty"`
	GCRObjectives       []int    `json:"gcr_objectives,omitempty"`
	SDGTargets          []string `json:"sdg_targets,omitempty"`
	GCMObjectives       []int    `json:"gcm_objectives,omitempty"`
	HLOMRecommendations []int    `json:"hlom_recommendations,omitempty"`

	Updates []Update `json:"updates,omitempty"`
	Links   []Link   `json:"links,omitempty"`
	Contact *Contact `json:"contact,omitempty"`

	KeyOutcome string   `json:"key_outcome,omitempty"`
	Leads      []Entity `json:"leads,omitempty"`
	Supporters []Entity `json:"supporters,omitempty"`

	// Path is the file the record came from, relative to the source root.
	Path string `json:"-"`
	// Sum identifies the file's bytes, so caches can tell an edited record
	// from an unchanged one, and fingerprints of pages listing thousands of
	// records fold it without hashing strings. Its two 64-bit hashes are
	// seeded afresh in each process: it is never published or stored.
	Sum [2]uint64 `json:"-"`
	// At says where the values that only the whole catalogue can check
	// were written, for CheckRefs.
	At RefPos `json:"-"`
}

// RefPos holds the positions of a record's id and of each item of its
// lists of references. Only these: a map of every value's position took
// a third of a loaded record's memory.
type RefPos struct {
	ID                               Pos
	ContributesTo, Matches, Measures []Pos
}

// IsContribution reports whether the pledge contributes to a
// multistakeholder pledge.
func (p *Pledge) IsContribution() bool { return len(p.ContributesTo) > 0 }

// IsMultistakeholder reports whether the record is a multistakeholder pledge.
func (p *Pledge) IsMultistakeholder() bool { return p.Kind == KindMultistakeholder }
