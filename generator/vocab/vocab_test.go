package vocab

import (
	"strings"
	"testing"
)

func TestGuessCountry(t *testing.T) {
	tests := []struct{ in, want string }{
		{"ken", "KEN"}, {"KE", "KEN"}, {"ke", "KEN"}, {"UK", "GBR"}, {"U.K.", "GBR"},
		{"US", "USA"}, {"DRC", "COD"}, {"GER", "DEU"}, {"AT", "AUT"}, {"SE", "SWE"},
		{"ES", "ESP"}, {"NL", "NLD"}, {"IR", "IRN"}, {"Kenya", "KEN"}, {" kenya ", "KEN"},
		{"Cote d'Ivoire", "CIV"}, {"Côte d’Ivoire", "CIV"}, {"Ivory Coast", "CIV"},
		{"Turkey", "TUR"}, {"turkiye", "TUR"}, {"the Netherlands", "NLD"},
		{"Democratic Republic of the Congo", "COD"},
		// No guess: not a code, alias or name, however close its spelling.
		{"KEM", ""}, {"UKK", ""}, {"Keyna", ""}, {"", ""}, {"XX", ""}, {"Irak", ""},
	}
	for _, tt := range tests {
		c, ok := GuessCountry(tt.in)
		if got := c.Code; got != tt.want || ok != (tt.want != "") {
			t.Errorf("GuessCountry(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
		}
	}
}

// TestCountryCodeTables checks that every country has one alpha-2 code and
// that every other code or name leads to a country of the table.
func TestCountryCodeTables(t *testing.T) {
	seen := map[string]string{}
	for a2, a3 := range alpha2 {
		if _, ok := LookupCountry(a3); !ok || len(a2) != 2 {
			t.Errorf("alpha-2 %q maps to %q, not a country of the table", a2, a3)
		}
		if other, dup := seen[a3]; dup {
			t.Errorf("%s has two alpha-2 codes, %s and %s", a3, other, a2)
		}
		seen[a3] = a2
	}
	if len(seen) != len(countryTable) {
		t.Errorf("%d countries have an alpha-2 code, of %d", len(seen), len(countryTable))
	}
	for _, m := range []map[string]string{countryAliases, countryNames} {
		for k, a3 := range m {
			if _, ok := LookupCountry(a3); !ok {
				t.Errorf("%q maps to %q, not a country of the table", k, a3)
			}
			if _, clash := alpha2[k]; clash {
				t.Errorf("%q is an alpha-2 code as well", k)
			}
			if c, clash := LookupCountry(strings.ToUpper(k)); clash {
				t.Errorf("%q is the alpha-3 code of %s as well", k, c.Name)
			}
		}
	}
}
