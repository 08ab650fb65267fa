package vocab

import "strconv"

// Kinds of record.
var Kinds = []Term{
	{"pledge", "Pledge"},
	{"multistakeholder", "Multistakeholder pledge"},
}

// StakeholderTypes are the types of entity that make or join a pledge.
var StakeholderTypes = []Term{
	{"state", "State"},
	{"local-authority", "Local authority"},
	{"un-entity", "UN entity"},
	{"international-organization", "International organization"},
	{"international-financial-institution", "International financial institution"},
	{"ngo-international", "International NGO"},
	{"ngo-national", "National NGO"},
	{"refugee-led-organization", "Refugee-led organization"},
	{"faith-based-organization", "Faith-based organization"},
	{"private-sector", "Private sector"},
	{"foundation", "Foundation"},
	{"academia", "Academia"},
	{"parliament", "Parliament"},
	{"other", "Other"},
}

// PledgeTypes say whether a pledge is made alone, with partners, or to match
// another pledge.
var PledgeTypes = []Term{
	{"individual", "Individual"},
	{"joint", "Joint"},
	{"matching", "Matching"},
}

// Forums are the meetings at which pledges are announced.
var Forums = []Term{
	{"GRF-2019", "Global Refugee Forum 2019"},
	{"HLOM-2021", "High-Level Officials Meeting 2021"},
	{"GRF-2023", "Global Refugee Forum 2023"},
	{"HLOM-2025", "High-Level Officials Meeting 2025"},
	{"GRF-2027", "Global Refugee Forum 2027"},
	{"other", "Other occasion"},
}

// Statuses of a pledge, in the order a pledge moves through them.
var Statuses = []Term{
	{"planning", "Planning"},
	{"in-progress", "In progress"},
	{"fulfilled", "Fulfilled"},
}

// SupportTypes are the kinds of support a pledge offers.
var SupportTypes = []Term{
	{"financial", "Financial"},
	{"technical", "Technical"},
	{"material", "Material"},
	{"policy", "Policy"},
	{"resettlement", "Resettlement places"},
	{"complementary-pathways", "Complementary pathways"},
	{"other", "Other"},
}

// TargetGroups are the people a pledge is for.
var TargetGroups = []Term{
	{"asylum-seekers", "Asylum-seekers"},
	{"refugees", "Refugees"},
	{"stateless-persons", "Stateless persons"},
	{"migrants", "Migrants"},
	{"returnees", "Returnees"},
	{"host-communities", "Host communities"},
	{"internally-displaced-persons", "Internally displaced persons"},
	{"children", "Children"},
	{"unaccompanied-separated-children", "Unaccompanied and separated children"},
	{"women-and-girls", "Women and girls"},
	{"survivors", "Survivors of trafficking"},
}

// Regions are UNHCR's seven regional bureaux.
var Regions = []Term{
	{RegionAmericas, "Americas"},
	{RegionAsiaPacific, "Asia and the Pacific"},
	{RegionEHAGL, "East and Horn of Africa and the Great Lakes"},
	{RegionEurope, "Europe"},
	{RegionMENA, "Middle East and North Africa"},
	{RegionSouthern, "Southern Africa"},
	{RegionWCA, "West and Central Africa"},
}

// GCRObjectives are the four objectives of the Global Compact on Refugees.
var GCRObjectives = numbered(
	"Ease pressures on host countries",
	"Enhance refugee self-reliance",
	"Expand access to third-country solutions",
	"Support conditions in countries of origin for return in safety and dignity",
)

// HLOMRecommendations are the key recommendations of the High-Level
// Officials Meeting 2021.
var HLOMRecommendations = numbered(
	"Implement pledges",
	"Enhance access to international protection",
	"Reduce statelessness",
	"Humanitarian, development and peace cooperation",
	"Climate action",
	"Refugee participation",
	"Data and evidence",
	"Private sector engagement",
	"Burden and responsibility sharing",
	"Development financing",
	"Flexible and predictable funding",
)

// GCMObjectives are the 23 objectives of the Global Compact for Safe,
// Orderly and Regular Migration.
var GCMObjectives = numbered(
	"Collect and use accurate and disaggregated data",
	"Minimize the adverse drivers of migration",
	"Provide accurate and timely information at all stages of migration",
	"Ensure that all migrants have proof of legal identity and documentation",
	"Enhance availability and flexibility of pathways for regular migration",
	"Facilitate fair and ethical recruitment and decent work",
	"Address and reduce vulnerabilities in migration",
	"Save lives and coordinate international efforts on missing migrants",
	"Strengthen the transnational response to smuggling of migrants",
	"Prevent, combat and eradicate trafficking in persons",
	"Manage borders in an integrated, secure and coordinated manner",
	"Strengthen certainty and predictability in migration procedures for screening, assessment and referral",
	"Use immigration detention only as a measure of last resort",
	"Enhance consular protection, assistance and cooperation",
	"Provide access to basic services for migrants",
	"Empower migrants and societies to realize full inclusion and social cohesion",
	"Eliminate discrimination and promote evidence-based public discourse",
	"Invest in skills development and mutual recognition of skills",
	"Create conditions for migrants and diasporas to contribute to sustainable development",
	"Promote faster, safer and cheaper remittances",
	"Cooperate in safe and dignified return, readmission and reintegration",
	"Establish mechanisms for the portability of social security entitlements",
	"Strengthen international cooperation and global partnerships",
)

// SDGTargets gives, for each goal (goal 1 first), how many numbered
// targets it has (1.1 to 1.5) and how many lettered ones, the means of
// implementation (1.a, 1.b), as the 2030 Agenda lists them: 169 in all.
var SDGTargets = [17][2]int{
	{5, 2}, {5, 3}, {9, 4}, {7, 3}, {6, 3}, {6, 2}, {3, 2}, {10, 2}, {5, 3},
	{7, 3}, {7, 3}, {8, 3}, {3, 2}, {7, 3}, {9, 3}, {10, 2}, {19, 0},
}

// SDGGoals are the short names of the 17 Sustainable Development Goals.
var SDGGoals = numbered(
	"No poverty", "Zero hunger", "Good health and well-being", "Quality education",
	"Gender equality", "Clean water and sanitation", "Affordable and clean energy",
	"Decent work and economic growth", "Industry, innovation and infrastructure",
	"Reduced inequalities", "Sustainable cities and communities",
	"Responsible consumption and production", "Climate action", "Life below water",
	"Life on land", "Peace, justice and strong institutions", "Partnerships for the goals",
)

func numbered(labels ...string) []Term {
	out := make([]Term, len(labels))
	for i, l := range labels {
		out[i] = Term{strconv.Itoa(i + 1), l}
	}
	return out
}

// Values returns the values of terms, in order.
func Values(terms []Term) []string {
	out := make([]string, len(terms))
	for i, t := range terms {
		out[i] = t.Value
	}
	return out
}

// Label returns the label of value in terms, or value itself when unknown.
func Label(terms []Term, value string) string {
	if t, ok := Lookup(terms, value); ok {
		return t.Label
	}
	return value
}

// Has reports whether value is one of terms.
func Has(terms []Term, value string) bool {
	_, ok := Lookup(terms, value)
	return ok
}

// Lookup returns the term of value in terms.
func Lookup(terms []Term, value string) (Term, bool) {
	for _, t := range terms {
		if t.Value == value {
			return t, true
		}
	}
	return Term{}, false
}
