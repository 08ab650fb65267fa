// Package vocab holds the controlled vocabularies a pledge record is tagged
// with: stakeholder types, forums, statuses, support types, target groups,
// the objectives of the two global compacts, SDG targets, countries with the
// UNHCR regional bureau each belongs to, and ISO 4217 currency codes.
//
// The values are a contract with contributors: record files, the JSON Schema,
// the search facets and the list pages all use these exact strings.
package vocab

import (
	"slices"
	"strings"
)

// Term is one value of a vocabulary with the label readers see.
type Term struct {
	Value string
	Label string
}

// Country is an ISO 3166-1 alpha-3 code with its English short name and the
// UNHCR regional bureau that covers it. Regions are derived, never typed by
// contributors, so a record cannot disagree with the table.
type Country struct {
	Code   string
	Name   string
	Region string // one of the Region* values
}

// The seven UNHCR regional bureaux, as region slugs.
const (
	RegionAmericas    = "americas"
	RegionAsiaPacific = "asia-and-the-pacific"
	RegionEHAGL       = "east-and-horn-of-africa-and-the-great-lakes"
	RegionEurope      = "europe"
	RegionMENA        = "middle-east-and-north-africa"
	RegionSouthern    = "southern-africa"
	RegionWCA         = "west-and-central-africa"
)

// LookupCountry returns the country with the ISO alpha-3 code.
func LookupCountry(code string) (Country, bool) {
	i, ok := slices.BinarySearchFunc(countryTable[:], code, func(c Country, code string) int {
		return strings.Compare(c.Code, code)
	})
	if !ok {
		return Country{}, false
	}
	return countryTable[i], true
}

// GuessCountry returns the country a contributor most likely meant by s, a
// value that is not an alpha-3 code: the code in other letter case, an
// alpha-2 code ("KE"), a code in common use ("UK", "DRC") or a name
// ("Kenya", "Ivory Coast"). It guesses nothing from spelling: close codes
// are often other countries.
func GuessCountry(s string) (Country, bool) {
	s = strings.TrimSpace(s)
	u := strings.ToUpper(strings.ReplaceAll(s, ".", "")) // "U.K."
	name := foldName(s)
	code := u
	if c, ok := alpha2[u]; ok {
		code = c
	} else if c, ok := countryAliases[u]; ok {
		code = c
	} else if c, ok := countryNames[name]; ok {
		code = c
	} else {
		for _, c := range countryTable {
			if foldName(c.Name) == name {
				return c, true
			}
		}
	}
	return LookupCountry(code)
}

// foldName folds a country name for comparison: lower case, the accents of
// the table's names dropped, "the" and "." ignored ("The Gambia", "U.S.").
func foldName(s string) string {
	s = nameFolder.Replace(strings.ToLower(strings.Join(strings.Fields(s), " ")))
	return strings.TrimPrefix(s, "the ")
}

var nameFolder = strings.NewReplacer("å", "a", "é", "e", "ô", "o", "ç", "c", "ü", "u", ".", "", "’", "'")

// Countries returns every country, sorted by code.
func Countries() []Country { return countryTable[:] }

// CountryCodes returns every ISO alpha-3 code, sorted.
func CountryCodes() []string {
	out := make([]string, len(countryTable))
	for i, c := range countryTable {
		out[i] = c.Code
	}
	return out
}

// Currencies returns the active ISO 4217 currencies, sorted by code.
func Currencies() []Term { return currencyTable[:] }
